/* names.c - the "names" hostile capture: DNS answers with the longest legal
 * name, compression loops and over-long names (RFC 1035 section 4.1.4),
 * names with bytes that are not UTF-8 or are control characters, TLS
 * ClientHellos with SNI of 300 and 1200 bytes (RFC 6066 section 3), and
 * HTTP requests with hostile Host headers (RFC 9110 section 7.2).
 *
 * Addresses the runner checks (client 10.9.0.1, DNS server 192.0.2.53):
 *   198.51.100.1  answered for the 253-character name    -> dst_name = it
 *   198.51.100.2  answered in a message whose owner name
 *                 points at itself                        -> no dst_name
 *   198.51.100.3  owner name longer than 255 octets once
 *                 its pointer is followed                  -> no dst_name
 *   198.51.100.4  answered for a name with invalid UTF-8
 *                 and control bytes                        -> dst_name, escaped
 *   198.51.100.5  question name of 257 octets              -> no dst_name
 *   198.51.100.10/11/12  TLS SNI of 300 / 1200 bytes / with bad bytes
 *   198.51.100.20/21     HTTP Host with bad bytes / of 1000 bytes
 * and the client connects to each of .1 to .5 on tcp/443 after the answers. */
#include <string.h>

#include "pkt.h"

static uint8_t seg[PKT_MAX];

static const struct pkt_addr *client(void)
{
	static const struct pkt_addr c = {.ver = 4, .b = {10, 9, 0, 1}};
	return &c;
}

static size_t put_name(uint8_t *p, const char *const *labels, size_t n)
{
	size_t at = 0;

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(labels[i]);
		p[at++] = (uint8_t)l;
		memcpy(p + at, labels[i], l);
		at += l;
	}
	p[at++] = 0;
	return at;
}

/* A response: header, one question (qname already encoded), one A answer
 * whose owner is `owner` (raw bytes: usually a compression pointer). */
static size_t dns_response(uint8_t *m, uint16_t id, const uint8_t *qname, size_t qlen,
                           const uint8_t *owner, size_t olen, const uint8_t addr[4])
{
	static const uint8_t hdr[] = {0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0};
	static const uint8_t tail[] = {0, 1, 0, 1, 0, 0, 1, 0x2c, 0, 4};
	size_t at = 0;

	m[at++] = (uint8_t)(id >> 8);
	m[at++] = (uint8_t)id;
	memcpy(m + at, hdr, sizeof(hdr));
	at += sizeof(hdr);
	memcpy(m + at, qname, qlen);
	at += qlen;
	m[at++] = 0, m[at++] = 1, m[at++] = 0, m[at++] = 1; /* A, IN */
	memcpy(m + at, owner, olen);
	at += olen;
	memcpy(m + at, tail, sizeof(tail)); /* A, IN, TTL 300, RDLENGTH 4 */
	at += sizeof(tail);
	memcpy(m + at, addr, 4);
	return at + 4;
}

static void send_dns(struct pkt_out *o, uint16_t cport, const uint8_t *msg, size_t len)
{
	struct pkt_addr srv = pkt_v4(192, 0, 2, 53);
	size_t n = pkt_udp(seg, &srv, client(), 53, cport, msg, len);

	pkt_send(o, &srv, client(), PKT_UDP, seg, n);
	o->ts_us += 100;
}

/* Handshake, one data segment from the client, the server's ACK. */
static void tcp_exchange(struct pkt_out *o, const struct pkt_addr *srv, uint16_t cport,
                         uint16_t sport, const void *data, size_t len)
{
	const struct pkt_addr *c = client();
	size_t n;

	n = pkt_tcp(seg, c, srv, cport, sport, 1000, 0, TCP_SYN, NULL, 0);
	pkt_send(o, c, srv, PKT_TCP, seg, n);
	n = pkt_tcp(seg, srv, c, sport, cport, 5000, 1001, TCP_SYN | TCP_ACK, NULL, 0);
	pkt_send(o, srv, c, PKT_TCP, seg, n);
	n = pkt_tcp(seg, c, srv, cport, sport, 1001, 5001, TCP_ACK, NULL, 0);
	pkt_send(o, c, srv, PKT_TCP, seg, n);
	if (len) {
		n = pkt_tcp(seg, c, srv, cport, sport, 1001, 5001, TCP_PSH | TCP_ACK, data, len);
		pkt_send(o, c, srv, PKT_TCP, seg, n);
		n = pkt_tcp(seg, srv, c, sport, cport, 5001, (uint32_t)(1001 + len), TCP_ACK, NULL,
		            0);
		pkt_send(o, srv, c, PKT_TCP, seg, n);
	}
	o->ts_us += 1000;
}

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A TLS 1.2 record holding a ClientHello whose only extension is
 * server_name with one host_name of `len` bytes (RFC 5246 7.4.1.2). */
static size_t client_hello(uint8_t *r, const uint8_t *sni, size_t len)
{
	static const uint8_t suites[] = {0, 4, 0xc0, 0x2f, 0x13, 0x01};
	size_t at = 9, ext;

	r[0] = 0x16, r[1] = 3, r[2] = 1; /* handshake, TLS 1.0 record version */
	r[5] = 1;                        /* client_hello */
	r[at++] = 3, r[at++] = 3;
	for (int i = 0; i < 32; i++)
		r[at++] = (uint8_t)(0x40 + i); /* random */
	r[at++] = 0;                           /* empty resumption id */
	memcpy(r + at, suites, sizeof(suites));
	at += sizeof(suites);
	r[at++] = 1, r[at++] = 0; /* null compression */
	ext = at;
	at += 2;
	put16(r + at, 0); /* server_name */
	put16(r + at + 2, len + 5);
	put16(r + at + 4, len + 3);
	r[at + 6] = 0; /* host_name */
	put16(r + at + 7, len);
	memcpy(r + at + 9, sni, len);
	at += 9 + len;
	put16(r + ext, at - ext - 2);
	put16(r + 3, at - 5);
	r[6] = (uint8_t)((at - 9) >> 16);
	put16(r + 7, at - 9);
	return at;
}

static void fill_name(uint8_t *p, size_t len, char c)
{
	/* 60-character labels of one letter, dot separated */
	for (size_t i = 0; i < len; i++)
		p[i] = (i % 61 == 60) ? '.' : (uint8_t)c;
}

int gen_names(struct pkt_out *o)
{
	static const char *const l253[] = {
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
	    "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
	    "ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"};
	static const char *const lbad[] = {"bad\xff\xfe", "caf\xc3\xa9", "x\xc3(y", "ctl\x07\x1b",
	                                   "example"};
	const char *const l257[] = {l253[0], l253[1], l253[2], l253[1]};
	static const char *const lloop[] = {"loop", "example"};
	uint8_t q[300], m[600], own[300], rec[1400];
	size_t ql, ml;

	/* .1: the longest legal name (253 characters, 255 octets); the owner
	 * points into the question's second label: legal compression. */
	ql = put_name(q, l253, 4);
	own[0] = 0xc0, own[1] = 12 + 64;
	ml = dns_response(m, 1, q, ql, own, 2, (const uint8_t[]){198, 51, 100, 1});
	send_dns(o, 40001, m, ml);

	/* .2: the owner is a pointer to itself. */
	ql = put_name(q, lloop, 2);
	own[0] = 0xc0, own[1] = (uint8_t)(12 + ql + 4);
	ml = dns_response(m, 2, q, ql, own, 2, (const uint8_t[]){198, 51, 100, 2});
	send_dns(o, 40002, m, ml);

	/* .3: one label, then a pointer to the 255-octet question name. */
	ql = put_name(q, l253, 4);
	own[0] = 1, own[1] = 'x', own[2] = 0xc0, own[3] = 12;
	ml = dns_response(m, 3, q, ql, own, 4, (const uint8_t[]){198, 51, 100, 3});
	send_dns(o, 40003, m, ml);

	/* .4: invalid UTF-8 and control bytes in the labels. */
	ql = put_name(q, lbad, 5);
	own[0] = 0xc0, own[1] = 12;
	ml = dns_response(m, 4, q, ql, own, 2, (const uint8_t[]){198, 51, 100, 4});
	send_dns(o, 40004, m, ml);

	/* .5: a question name of 257 octets (RFC 1035 allows 255). */
	ql = put_name(q, l257, 4);
	ml = dns_response(m, 5, q, ql, own, 2, (const uint8_t[]){198, 51, 100, 5});
	send_dns(o, 40005, m, ml);

	/* The client then opens a connection to each answer. */
	for (uint8_t i = 1; i <= 5; i++) {
		struct pkt_addr srv = pkt_v4(198, 51, 100, i);
		tcp_exchange(o, &srv, (uint16_t)(41000 + i), 443, NULL, 0);
	}

	/* The same bad name asked in a query (hostname from the DNS flow). */
	ql = put_name(q, lbad, 5);
	memcpy(m, "\x00\x06\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12);
	memcpy(m + 12, q, ql);
	memcpy(m + 12 + ql, "\x00\x01\x00\x01", 4);
	{
		struct pkt_addr srv = pkt_v4(192, 0, 2, 53);
		size_t n = pkt_udp(seg, client(), &srv, 40006, 53, m, 12 + ql + 4);
		pkt_send(o, client(), &srv, PKT_UDP, seg, n);
		o->ts_us += 100;
	}

	/* TLS: SNI of 300 and of 1200 bytes, and one with bad bytes. */
	size_t lens[] = {300, 1200};
	for (size_t i = 0; i < 2; i++) {
		struct pkt_addr srv = pkt_v4(198, 51, 100, (uint8_t)(10 + i));
		uint8_t sni[1200];
		fill_name(sni, lens[i], (char)('s' + i));
		size_t n = client_hello(rec, sni, lens[i]);
		tcp_exchange(o, &srv, (uint16_t)(42000 + i), 443, rec, n);
	}
	{
		static const char bad_sni[] = "tls\xff\x01\x1b[2J\xc3(.example";
		struct pkt_addr srv = pkt_v4(198, 51, 100, 12);
		size_t n = client_hello(rec, (const uint8_t *)bad_sni, sizeof(bad_sni) - 1);
		tcp_exchange(o, &srv, 42002, 443, rec, n);
	}

	/* HTTP: a Host with control and invalid bytes, and one of 1000. */
	{
		static const char req[] = "GET / HTTP/1.1\r\nHost: web\x01\x1b[2J\xff\xc3("
		                          ".example\r\nUser-Agent: t\r\n\r\n";
		struct pkt_addr srv = pkt_v4(198, 51, 100, 20);
		tcp_exchange(o, &srv, 43000, 80, req, sizeof(req) - 1);
	}
	{
		struct pkt_addr srv = pkt_v4(198, 51, 100, 21);
		size_t at = 0;
		memcpy(rec, "GET / HTTP/1.1\r\nHost: ", 22);
		at = 22;
		fill_name(rec + at, 1000, 'h');
		at += 1000;
		memcpy(rec + at, "\r\n\r\n", 4);
		tcp_exchange(o, &srv, 43001, 80, rec, at + 4);
	}
	return 0;
}
