/* gen.c - writes the hostile-traffic captures the hostile tests feed to
 * flowaudit: a flow flood, a fragment flood, fragment tricks, and
 * over-long or malformed names (DNS, TLS SNI, HTTP Host).
 *
 *   hostile-gen flood FILE N        N distinct flows, one packet each
 *   hostile-gen fragflood FILE N M  N one-fragment datagrams, M large ones,
 *                                   none complete; then two whole ones
 *   hostile-gen fragtricks FILE     tiny, overlapping and impossible fragments
 *   hostile-gen names FILE          long and non-UTF-8 names
 *
 * What each capture holds, and so what flowaudit must report for it, is
 * described next to each case below and checked by run-hostile. Every
 * capture is the same for the same arguments: the "random" parts come
 * from a fixed-seed generator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"

#define START_US 1700000000000000ULL /* 2023-11-14T22:13:20Z */
#define SEC 1000000ULL

static uint64_t rng_next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A bijection on 24 bits, so source i and source j differ whenever i != j
 * while the addresses still look scattered. */
static uint32_t perm24(uint32_t x)
{
	const uint32_t m = 0xffffff;

	x = (x * 0x5bd1e9u) & m; /* odd multiplier: invertible mod 2^24 */
	x ^= x >> 11;
	x = (x * 0x2c1b3du) & m;
	x ^= x >> 13;
	return x;
}

static uint8_t seg[PKT_MAX];

/* ---- flood ------------------------------------------------------------
 * Flow i comes from a source address no other flow uses (10.0.0.0/8 for
 * three in four, 2001:db8:ffff::/96 for the fourth), to a random address in
 * 198.18.0.0/15 and random ports; even i are TCP SYNs, odd i UDP datagrams
 * with 16 random bytes. One packet per flow, 10 us apart (a million flows
 * in 10 s of packet time, so periodic stats records can watch the table
 * fill): no flow goes idle, so every flow beyond the table size is an
 * eviction. */
static int gen_flood(struct pkt_out *o, uint32_t n)
{
	uint64_t rs = 1;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t src = perm24(i);
		uint64_t r = rng_next(&rs);
		uint16_t sport = (uint16_t)(1024 + (r % 64512));
		uint16_t dport = (uint16_t)(1 + ((r >> 16) % 65535));
		struct pkt_addr s, d;
		size_t len;

		/* Not VXLAN's port: random bytes there are a broken tunnel, a
		 * decode error rather than a flow. */
		if (dport == 4789)
			dport++;

		if (i % 4 == 3) {
			s = pkt_v6(0xffff0000u, src);
			d = pkt_v6(0xfffe0000u, (uint32_t)(r >> 32));
		} else {
			s = pkt_v4(10, (uint8_t)(src >> 16), (uint8_t)(src >> 8), (uint8_t)src);
			d = pkt_v4(198, (uint8_t)(18 + ((r >> 32) & 1)), (uint8_t)(r >> 40),
			           (uint8_t)(r >> 48));
		}
		if (i % 2 == 0) {
			len = pkt_tcp(seg, &s, &d, sport, dport, (uint32_t)r, 0, TCP_SYN, NULL, 0);
			pkt_send(o, &s, &d, PKT_TCP, seg, len);
		} else {
			uint64_t pay[2] = {rng_next(&rs), rng_next(&rs)};
			len = pkt_udp(seg, &s, &d, sport, dport, pay, sizeof(pay));
			pkt_send(o, &s, &d, PKT_UDP, seg, len);
		}
		o->ts_us += 10;
	}
	return 0;
}

/* ---- fragment flood ---------------------------------------------------
 * nsmall datagrams (IPv4 and IPv6 alternately, distinct identifications)
 * of which only the first 32-byte fragment is sent; then nbig 65000-byte
 * UDP datagrams sent as 44 fragments of 1448 bytes, all but the last, so
 * the reassembly buffer's byte bound is reached. None of them ever
 * completes: each must be dropped exactly once, as fragment-table-full or
 * fragment-timeout. Then, 1 s later, one whole IPv4 and one whole IPv6
 * datagram in fragments (reassembled: 2), and 61 s later a plain UDP
 * packet whose time expires everything still held. Flows: 3. */
static void frag_whole(struct pkt_out *o, const struct pkt_addr *s, const struct pkt_addr *d,
                       uint16_t dport, uint32_t id)
{
	uint8_t data[200];
	size_t len;

	memset(data, 'w', sizeof(data));
	len = pkt_udp(seg, s, d, 5000, dport, data, sizeof(data));
	/* out of order: last, first, middle */
	pkt_ip(o, s, d, PKT_UDP, seg, 160, len - 160, 1, 0, id);
	pkt_ip(o, s, d, PKT_UDP, seg, 0, 80, 1, 1, id);
	pkt_ip(o, s, d, PKT_UDP, seg, 80, 80, 1, 1, id);
}

static int gen_fragflood(struct pkt_out *o, uint32_t nsmall, uint32_t nbig)
{
	struct pkt_addr d4 = pkt_v4(192, 0, 2, 1), d6 = pkt_v6(2, 1);
	uint8_t data[65000 - 8];
	size_t len;

	memset(data, 'f', sizeof(data));
	for (uint32_t i = 0; i < nsmall; i++) {
		uint32_t x = perm24(i);
		struct pkt_addr s =
		    i % 2 ? pkt_v6(1, x) : pkt_v4(10, 1, (uint8_t)(x >> 8), (uint8_t)x);
		const struct pkt_addr *d = i % 2 ? &d6 : &d4;

		len = pkt_udp(seg, &s, d, 4000, 4001, data, 64);
		pkt_ip(o, &s, d, PKT_UDP, seg, 0, 32, 1, 1, i);
		o->ts_us += 5;
	}
	for (uint32_t i = 0; i < nbig; i++) {
		struct pkt_addr s = pkt_v4(10, 2, (uint8_t)(i >> 8), (uint8_t)i);

		len = pkt_udp(seg, &s, &d4, 4000, 4002, data, sizeof(data));
		for (size_t off = 0; off + 1448 < len; off += 1448) {
			pkt_ip(o, &s, &d4, PKT_UDP, seg, off, 1448, 1, 1, i);
			o->ts_us += 5;
		}
	}
	o->ts_us += SEC;
	struct pkt_addr w4 = pkt_v4(10, 3, 0, 1), w6 = pkt_v6(3, 1);
	frag_whole(o, &w4, &d4, 6000, 7);
	frag_whole(o, &w6, &d6, 6000, 7);

	o->ts_us += 61 * SEC;
	struct pkt_addr t = pkt_v4(10, 3, 0, 2);
	len = pkt_udp(seg, &t, &d4, 5000, 6001, "end", 3);
	pkt_send(o, &t, &d4, PKT_UDP, seg, len);
	return 0;
}

/* ---- fragment tricks --------------------------------------------------
 * One datagram per case, each from its own source port 1000+case to
 * destination port 2000+case, so the runner can tell which became a flow.
 * Each fragment is (offset, length, more, fill byte): the payload bytes of
 * the fragment are overwritten with `fill` when it is not 0, so overlaps
 * can disagree with what was sent before. */
struct frag {
	uint16_t off, len;
	uint8_t more, fill;
};

static void send_frags(struct pkt_out *o, uint8_t ver, uint8_t proto, unsigned cs, uint16_t plen,
                       const struct frag *fr, size_t nfr)
{
	struct pkt_addr s = ver == 4 ? pkt_v4(10, 4, 0, (uint8_t)cs) : pkt_v6(4, cs);
	struct pkt_addr d = ver == 4 ? pkt_v4(192, 0, 2, 1) : pkt_v6(2, 1);
	uint8_t data[256], copy[PKT_MAX];
	size_t len;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)('a' + i % 26);
	if (proto == PKT_TCP)
		len = pkt_tcp(seg, &s, &d, (uint16_t)(1000 + cs), (uint16_t)(2000 + cs), 1, 0,
		              TCP_SYN, data, plen);
	else
		len =
		    pkt_udp(seg, &s, &d, (uint16_t)(1000 + cs), (uint16_t)(2000 + cs), data, plen);
	for (size_t i = 0; i < nfr; i++) {
		memcpy(copy, seg, len > fr[i].off + fr[i].len ? len : fr[i].off + fr[i].len);
		if (fr[i].fill)
			memset(copy + fr[i].off, fr[i].fill, fr[i].len);
		pkt_ip(o, &s, &d, proto, copy, fr[i].off, fr[i].len, 1, fr[i].more, 0x100 + cs);
		o->ts_us += 10;
	}
	o->ts_us += 1000;
}

static int gen_fragtricks(struct pkt_out *o)
{
	struct frag tiny[9], rev[9];

	/* 1, 2: 72-byte UDP datagrams in nine 8-byte fragments (the first
	 * holds only the UDP header); IPv6 in reverse order. Reassembled. */
	for (uint16_t i = 0; i < 9; i++) {
		tiny[i] = (struct frag){(uint16_t)(i * 8), 8, i < 8, 0};
		rev[8 - i] = tiny[i];
	}
	send_frags(o, 4, PKT_UDP, 1, 64, tiny, 9);
	send_frags(o, 6, PKT_UDP, 2, 64, rev, 9);

	/* 3: IPv4 overlap with identical bytes: reassembled. */
	const struct frag same[] = {{0, 32, 1, 0}, {16, 32, 1, 0}, {48, 24, 0, 0}};
	send_frags(o, 4, PKT_UDP, 3, 64, same, 3);

	/* 4: IPv4 overlap with different bytes: fragment-overlap. */
	const struct frag diff4[] = {{0, 32, 1, 0}, {16, 56, 0, 'X'}};
	send_frags(o, 4, PKT_UDP, 4, 64, diff4, 2);

	/* 5: teardrop: a fragment inside the first, different bytes. */
	const struct frag tear[] = {{0, 48, 1, 0}, {24, 8, 1, 'T'}};
	send_frags(o, 4, PKT_UDP, 5, 64, tear, 2);

	/* 6: IPv6 overlap with different bytes (RFC 5722): fragment-overlap. */
	const struct frag diff6[] = {{0, 32, 1, 0}, {16, 56, 0, 'Y'}};
	send_frags(o, 6, PKT_UDP, 6, 64, diff6, 2);

	/* 7: IPv6 overlap with identical bytes: reassembled (see docs). */
	send_frags(o, 6, PKT_UDP, 7, 64, same, 3);

	/* 8: RFC 1858 3.2: TCP fragment at offset 8 rewriting the flags of
	 * the first: fragment-bad; the first is held until it times out. */
	const struct frag flags[] = {{0, 16, 1, 0}, {8, 32, 0, 0}};
	send_frags(o, 4, PKT_TCP, 8, 20, flags, 2);

	/* 9: a non-final fragment whose length is not a multiple of 8:
	 * fragment-bad, nothing held. */
	const struct frag odd[] = {{0, 12, 1, 0}};
	send_frags(o, 4, PKT_UDP, 9, 64, odd, 1);

	/* 10: a fragment reaching past 65535 bytes: fragment-too-big. */
	const struct frag huge[] = {{65528, 16, 0, 'H'}};
	send_frags(o, 4, PKT_UDP, 10, 64, huge, 1);

	/* 11: a TCP SYN in 8-byte fragments: the second (offset 8) is
	 * fragment-bad, so the datagram never completes: one timeout. */
	struct frag tcp8[5];
	for (uint16_t i = 0; i < 5; i++)
		tcp8[i] = (struct frag){(uint16_t)(i * 8), 8, i < 4, 0};
	send_frags(o, 4, PKT_TCP, 11, 20, tcp8, 5);

	/* 12: every fragment sent twice (retransmission): reassembled; the
	 * second copy of the last one comes after reassembly, so it starts a
	 * new datagram that times out, as a receiving host's would. */
	const struct frag dup[] = {{0, 32, 1, 0}, {0, 32, 1, 0}, {32, 40, 0, 0}, {32, 40, 0, 0}};
	send_frags(o, 4, PKT_UDP, 12, 64, dup, 4);

	/* 61 s later: expires what is still held (cases 8 and 11). */
	o->ts_us += 61 * SEC;
	struct pkt_addr s = pkt_v4(10, 4, 0, 99), d = pkt_v4(192, 0, 2, 1);
	size_t len = pkt_udp(seg, &s, &d, 1099, 2099, "end", 3);
	pkt_send(o, &s, &d, PKT_UDP, seg, len);
	return 0;
}

int gen_names(struct pkt_out *o); /* names.c */

int main(int argc, char **argv)
{
	struct pkt_out *o;
	int rc = 2;

	if (argc < 3) {
		fprintf(stderr,
		        "usage: hostile-gen flood|fragflood|fragtricks|names FILE [N [M]]\n");
		return 2;
	}
	o = malloc(sizeof(*o));
	if (!o || pkt_open(o, argv[2], START_US) < 0) {
		free(o);
		return 1;
	}
	if (strcmp(argv[1], "flood") == 0 && argc == 4)
		rc = gen_flood(o, (uint32_t)strtoul(argv[3], NULL, 10));
	else if (strcmp(argv[1], "fragflood") == 0 && argc == 5)
		rc = gen_fragflood(o, (uint32_t)strtoul(argv[3], NULL, 10),
		                   (uint32_t)strtoul(argv[4], NULL, 10));
	else if (strcmp(argv[1], "fragtricks") == 0 && argc == 3)
		rc = gen_fragtricks(o);
	else if (strcmp(argv[1], "names") == 0 && argc == 3)
		rc = gen_names(o);
	else
		fprintf(stderr, "hostile-gen: bad arguments for '%s'\n", argv[1]);
	if (pkt_close(o) < 0 && rc == 0) {
		fprintf(stderr, "hostile-gen: cannot finish %s\n", argv[2]);
		rc = 1;
	}
	if (rc == 0)
		printf("%llu\n", (unsigned long long)o->frames);
	free(o);
	return rc;
}
