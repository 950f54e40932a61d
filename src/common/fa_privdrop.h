/* fa_privdrop.h - giving up root after the capture devices and output files
 * are open, as tcpdump's -Z does. */
#ifndef FA_PRIVDROP_H
#define FA_PRIVDROP_H

#include <stddef.h>

/* Becomes `user` (its uid, gid and supplementary groups) when running as
 * root; does nothing otherwise. Fails, with a message, when the user does
 * not exist, a step fails, or root could be regained afterwards. */
int fa_drop_privileges(const char *user, char *errbuf, size_t errlen);

#endif
