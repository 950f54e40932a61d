/* fa_privdrop.c - dropping root (see fa_privdrop.h). */
#include "fa_privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fa_error.h"

int fa_drop_privileges(const char *user, char *errbuf, size_t errlen)
{
	if (geteuid() != 0)
		return FA_OK;
	errno = 0;
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		snprintf(errbuf, errlen,
		         "cannot drop privileges: no user '%s'%s%s (choose one with -Z)", user,
		         errno ? ": " : "", errno ? strerror(errno) : "");
		return FA_ERR_USAGE;
	}
	/* Groups first: once the uid is not root, they can no longer change. */
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		snprintf(errbuf, errlen, "cannot drop privileges to '%s': %s", user,
		         strerror(errno));
		return FA_ERR_USAGE;
	}
	if (pw->pw_uid != 0 && setuid(0) == 0) {
		snprintf(errbuf, errlen, "dropped privileges to '%s' but could become root again",
		         user);
		return FA_ERR_USAGE;
	}
	return FA_OK;
}
