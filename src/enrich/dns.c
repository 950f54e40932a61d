/* dns.c - pulls (name, address) pairs out of DNS responses (RFC 1035 section 4).
 *
 * Only the header, the question section and the answer section are read;
 * authority and additional records are not the client's answer. Every byte
 * is read through a struct fa_cursor, and names are decoded with the
 * compression rules of RFC 1035 4.1.4 hardened against loops. */
#include "enrich/names.h"

#include <string.h>

#include "common/cursor.h"
#include "common/fa_error.h"

#define DNS_HEADER_LEN 12
#define DNS_FLAG_QR 0x8000
#define DNS_TYPE_A 1
#define DNS_TYPE_AAAA 28
#define DNS_CLASS_IN 1
/* mDNS (RFC 6762 10.2) borrows the top bit of the class as "cache flush". */
#define DNS_CLASS_MASK 0x7fff
#define DNS_NAME_WIRE_MAX 255 /* RFC 1035 3.1: octets, length bytes included */
#define DNS_LABEL_MAX 63
/* Each hop must go strictly backwards, which already ends every chain; the
 * hop limit just keeps the work per name small on hostile input. */
#define DNS_MAX_HOPS 32

/* Decodes the name at c's position into out (labels joined by '.', the root
 * name as "."), and moves c past the name as it sits in the message (past
 * the first compression pointer, if any). Returns false on a malformed,
 * truncated or over-long name, leaving c unspecified. */
static bool dns_name(const uint8_t *msg, size_t len, struct fa_cursor *c, char *out, size_t outlen)
{
	struct fa_cursor at = *c; /* where the labels are being read */
	size_t floor = c->off;    /* a pointer must land before this */
	size_t wire = 0, textlen = 0;
	unsigned hops = 0;
	bool jumped = false;

	for (;;) {
		uint8_t b;

		if (!fa_cur_u8(&at, &b))
			return false;
		if ((b & 0xc0) == 0xc0) {
			uint8_t lo;
			size_t target;

			if (!fa_cur_u8(&at, &lo))
				return false;
			target = ((size_t)(b & 0x3f) << 8) | lo;
			if (target >= floor || ++hops > DNS_MAX_HOPS)
				return false;
			if (!jumped) {
				c->off = at.off;
				jumped = true;
			}
			floor = target;
			at = fa_cur_init(msg, len);
			if (!fa_cur_skip(&at, target))
				return false;
			continue;
		}
		if (b & 0xc0) /* 0x40 and 0x80: extended label types, obsolete */
			return false;
		wire += 1u + b;
		if (wire > DNS_NAME_WIRE_MAX)
			return false;
		if (b == 0)
			break;
		/* A NUL cannot travel in a C string; such a name is treated as
		 * malformed rather than silently cut short. */
		if (!fa_cur_has(&at, b) || memchr(fa_cur_ptr(&at), 0, b))
			return false;
		if (textlen) {
			if (textlen + 1 >= outlen)
				return false;
			out[textlen++] = '.';
		}
		if (textlen + b >= outlen)
			return false;
		if (!fa_cur_copy(&at, out + textlen, b))
			return false;
		textlen += b;
	}
	if (!jumped)
		c->off = at.off;
	if (!textlen) {
		if (outlen < 2)
			return false;
		out[textlen++] = '.';
	}
	out[textlen] = '\0';
	return true;
}

int fa_dns_answers(const uint8_t *msg, size_t len, fa_dns_answer_fn fn, void *ctx)
{
	struct fa_cursor c = fa_cur_init(msg, len);
	uint16_t id, flags, qdcount, ancount;
	char qname[FA_NAME_MAX];
	char owner[FA_NAME_MAX];
	bool have_qname = false;
	int reported = 0;

	if (!msg)
		return FA_ERR_FORMAT;
	if (!fa_cur_be16(&c, &id) || !fa_cur_be16(&c, &flags) || !fa_cur_be16(&c, &qdcount) ||
	    !fa_cur_be16(&c, &ancount) || !fa_cur_skip(&c, 4))
		return FA_ERR_FORMAT;
	if (!(flags & DNS_FLAG_QR))
		return FA_ERR_FORMAT;

	for (uint16_t i = 0; i < qdcount; i++) {
		char *dst = have_qname ? owner : qname;

		if (!dns_name(msg, len, &c, dst, FA_NAME_MAX) || !fa_cur_skip(&c, 4))
			return FA_ERR_FORMAT;
		have_qname = true;
	}

	for (uint16_t i = 0; i < ancount; i++) {
		uint16_t type, klass, rdlength;
		uint32_t ttl;
		struct fa_addr addr;

		if (!dns_name(msg, len, &c, owner, sizeof(owner)) || !fa_cur_be16(&c, &type) ||
		    !fa_cur_be16(&c, &klass) || !fa_cur_be32(&c, &ttl) ||
		    !fa_cur_be16(&c, &rdlength) || !fa_cur_has(&c, rdlength))
			goto malformed;
		memset(&addr, 0, sizeof(addr));
		if ((klass & DNS_CLASS_MASK) == DNS_CLASS_IN && type == DNS_TYPE_A &&
		    rdlength == 4) {
			addr.ver = 4;
		} else if ((klass & DNS_CLASS_MASK) == DNS_CLASS_IN && type == DNS_TYPE_AAAA &&
		           rdlength == 16) {
			addr.ver = 6;
		}
		if (!addr.ver) {
			fa_cur_skip(&c, rdlength);
			continue;
		}
		fa_cur_copy(&c, addr.b, rdlength);
		reported++;
		/* With no question (mDNS announcements) the owner is the name. */
		if (fn && !fn(have_qname ? qname : owner, &addr, ttl, ctx))
			break;
	}
	return reported;

malformed:
	/* Answers already handed out were complete records; keep them. */
	return reported ? reported : FA_ERR_FORMAT;
}

/* Lets a callback's "stop" end the whole stream, not just one message. */
struct tcp_relay {
	fa_dns_answer_fn fn;
	void *ctx;
	bool stopped;
};

static bool tcp_relay_answer(const char *name, const struct fa_addr *addr, uint32_t ttl, void *ctx)
{
	struct tcp_relay *r = ctx;

	if (r->fn && !r->fn(name, addr, ttl, r->ctx))
		r->stopped = true;
	return !r->stopped;
}

int fa_dns_answers_tcp(const uint8_t *payload, size_t len, fa_dns_answer_fn fn, void *ctx)
{
	struct fa_cursor c = fa_cur_init(payload, len);
	struct tcp_relay relay = {fn, ctx, false};
	bool parsed = false;
	int total = 0;

	if (!payload)
		return FA_ERR_FORMAT;
	/* RFC 1035 4.2.2 / RFC 7766 8: each message is preceded by its length;
	 * several may share a segment, and the last may continue in the next
	 * one, in which case its complete leading records are still read. */
	while (!relay.stopped && fa_cur_left(&c) >= 2) {
		uint16_t mlen;
		size_t avail;
		int n;

		fa_cur_be16(&c, &mlen);
		if (!mlen)
			break;
		avail = fa_cur_left(&c) < mlen ? fa_cur_left(&c) : mlen;
		n = fa_dns_answers(fa_cur_ptr(&c), avail, tcp_relay_answer, &relay);
		if (n < 0)
			break;
		parsed = true;
		total += n;
		fa_cur_skip(&c, avail);
	}
	return parsed ? total : FA_ERR_FORMAT;
}
