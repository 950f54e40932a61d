/* fa_addr.h - an IPv4 or IPv6 address as flowaudit carries it.
 *
 * IPv4 addresses sit in the first four bytes of `b` with the rest zero, so
 * two addresses compare with memcmp over the whole struct. */
#ifndef FA_ADDR_H
#define FA_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fa_addr {
	uint8_t b[16];
	uint8_t ver; /* 4 or 6; 0 = unset */
	uint8_t pad_[3];
};

#define FA_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

/* Formats with inet_ntop; returns buf. */
const char *fa_addr_str(const struct fa_addr *a, char *buf, size_t len);
/* Parses a textual IPv4 or IPv6 address; false when it is not one. */
bool fa_addr_parse(const char *s, struct fa_addr *out);
int fa_addr_cmp(const struct fa_addr *a, const struct fa_addr *b);

#endif
