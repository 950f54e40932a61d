/* fa_addr.c - address formatting, parsing and ordering. */
#include "fa_addr.h"

#include <arpa/inet.h>
#include <string.h>

const char *fa_addr_str(const struct fa_addr *a, char *buf, size_t len)
{
	/* IPv4 by hand: glibc's inet_ntop formats it with sprintf, and this
	 * runs twice per flow record. */
	if (a->ver == 4 && len >= 16) {
		char *p = buf;
		for (int i = 0; i < 4; i++) {
			unsigned v = a->b[i];
			if (v >= 100)
				*p++ = (char)('0' + v / 100);
			if (v >= 10)
				*p++ = (char)('0' + v / 10 % 10);
			*p++ = (char)('0' + v % 10);
			*p++ = i < 3 ? '.' : '\0';
		}
		return buf;
	}
	if (!inet_ntop(a->ver == 6 ? AF_INET6 : AF_INET, a->b, buf, (socklen_t)len)) {
		if (len)
			buf[0] = '\0';
	}
	return buf;
}

bool fa_addr_parse(const char *s, struct fa_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->b) == 1) {
		out->ver = 4;
		return true;
	}
	if (inet_pton(AF_INET6, s, out->b) == 1) {
		out->ver = 6;
		return true;
	}
	return false;
}

int fa_addr_cmp(const struct fa_addr *a, const struct fa_addr *b)
{
	if (a->ver != b->ver)
		return a->ver < b->ver ? -1 : 1;
	return memcmp(a->b, b->b, sizeof(a->b));
}
