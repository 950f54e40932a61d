/* names.h - IP -> hostname, learnt from the DNS answers seen in the traffic.
 *
 * fa_dns_answers() parses a DNS response (UDP payload, or TCP payload with
 * its two-byte length prefix) and reports each A/AAAA record with the name
 * the client asked for (the question name, so a CNAME chain still maps the
 * final address to what the client resolved). fa_names is the shared,
 * bounded table those answers feed: one writer (the capture thread) and many
 * readers (workers), guarded by a read-write lock. When full, the oldest
 * entry is replaced. */
#ifndef FA_NAMES_H
#define FA_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/fa_addr.h"

#define FA_NAME_MAX 256 /* DNS names are at most 253 characters */

/* Called for each A/AAAA answer: `name` is NUL-terminated, printable as
 * parsed (labels joined by '.', bytes outside 0x21..0x7e kept raw; the JSON
 * writer escapes them). Return false to stop. */
typedef bool (*fa_dns_answer_fn)(const char *name, const struct fa_addr *addr, uint32_t ttl,
                                 void *ctx);

/* Returns the number of A/AAAA answers reported, or a negative enum fa_err
 * (FA_ERR_FORMAT) when the message is not a well-formed DNS response.
 * Compression pointers are followed with loop protection. */
int fa_dns_answers(const uint8_t *msg, size_t len, fa_dns_answer_fn fn, void *ctx);
/* The same for a DNS-over-TCP payload (RFC 1035 4.2.2): one or more messages,
 * each after its two-byte length. A message cut by the end of the payload
 * still yields its complete leading answers. Returns the total reported, or
 * FA_ERR_FORMAT when not even the first message could be read.
 *
 * Details both share: with qdcount == 0 (mDNS announcements) each answer's
 * own name is reported; a name containing a NUL byte is malformed; when the
 * answer section turns out malformed after some answers were reported, those
 * (complete) answers stand and their count is returned. */
int fa_dns_answers_tcp(const uint8_t *payload, size_t len, fa_dns_answer_fn fn, void *ctx);

struct fa_names;

int fa_names_new(struct fa_names **out, uint32_t capacity);
void fa_names_free(struct fa_names **names);
void fa_names_put(struct fa_names *names, const struct fa_addr *addr, const char *name);
/* Copies the name last learnt for addr into buf; false when none. */
bool fa_names_get(struct fa_names *names, const struct fa_addr *addr, char *buf, size_t len);

/* The same, ordered: put_seq records when (in the caller's numbering,
 * e.g. the frame number) a name was learnt, and get_before returns only a
 * name learnt strictly before `before` (the last one, or the one it
 * replaced). A reader running behind the writer then sees exactly what it
 * would have seen in step with it. */
void fa_names_put_seq(struct fa_names *names, const struct fa_addr *addr, const char *name,
		      uint64_t seq);
bool fa_names_get_before(struct fa_names *names, const struct fa_addr *addr, uint64_t before,
			 char *buf, size_t len);

#endif
