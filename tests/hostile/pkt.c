/* pkt.c - frame building and pcap writing for the hostile-traffic generator. */
#include "pkt.h"

#include <stdio.h>
#include <string.h>

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* RFC 1071 one's complement sum, folded by the caller. */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint16_t l4_csum(const struct pkt_addr *s, const struct pkt_addr *d, uint8_t proto,
                        const uint8_t *seg, size_t len)
{
	size_t alen = s->ver == 4 ? 4 : 16;
	uint32_t sum = 0;

	sum = sum16(sum, s->b, alen);
	sum = sum16(sum, d->b, alen);
	sum += proto;
	sum += (uint32_t)len;
	return fold(sum16(sum, seg, len));
}

int pkt_open(struct pkt_out *o, const char *path, uint64_t start_us)
{
	memset(o, 0, sizeof(*o));
	o->ts_us = start_us;
	o->pcap = pcap_open_dead(DLT_EN10MB, 65535);
	if (!o->pcap) {
		fprintf(stderr, "pcap_open_dead failed\n");
		return -1;
	}
	o->dump = pcap_dump_open(o->pcap, path);
	if (!o->dump) {
		fprintf(stderr, "cannot write %s: %s\n", path, pcap_geterr(o->pcap));
		pcap_close(o->pcap);
		o->pcap = NULL;
		return -1;
	}
	return 0;
}

int pkt_close(struct pkt_out *o)
{
	int rc = 0;

	if (o->dump) {
		if (pcap_dump_flush(o->dump) != 0)
			rc = -1;
		pcap_dump_close(o->dump);
		o->dump = NULL;
	}
	if (o->pcap) {
		pcap_close(o->pcap);
		o->pcap = NULL;
	}
	return rc;
}

struct pkt_addr pkt_v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct pkt_addr x = {.ver = 4, .b = {a, b, c, d}};
	return x;
}

struct pkt_addr pkt_v6(uint32_t hi, uint32_t lo)
{
	struct pkt_addr x = {.ver = 6, .b = {0x20, 0x01, 0x0d, 0xb8}};
	put32(x.b + 4, hi);
	put32(x.b + 12, lo);
	return x;
}

size_t pkt_udp(uint8_t *buf, const struct pkt_addr *s, const struct pkt_addr *d, uint16_t sport,
               uint16_t dport, const void *data, size_t len)
{
	size_t n = 8 + len;

	put16(buf, sport);
	put16(buf + 2, dport);
	put16(buf + 4, (uint16_t)n);
	put16(buf + 6, 0);
	if (len)
		memcpy(buf + 8, data, len);
	uint16_t c = l4_csum(s, d, PKT_UDP, buf, n);
	put16(buf + 6, c ? c : 0xffff); /* RFC 768: zero means "none" */
	return n;
}

size_t pkt_tcp(uint8_t *buf, const struct pkt_addr *s, const struct pkt_addr *d, uint16_t sport,
               uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, const void *data,
               size_t len)
{
	size_t n = 20 + len;

	put16(buf, sport);
	put16(buf + 2, dport);
	put32(buf + 4, seq);
	put32(buf + 8, ack);
	buf[12] = 5 << 4;
	buf[13] = flags;
	put16(buf + 14, 64240);
	put16(buf + 16, 0);
	put16(buf + 18, 0);
	if (len)
		memcpy(buf + 20, data, len);
	put16(buf + 16, l4_csum(s, d, PKT_TCP, buf, n));
	return n;
}

static void emit(struct pkt_out *o, size_t len)
{
	struct pcap_pkthdr h;

	h.ts.tv_sec = (time_t)(o->ts_us / 1000000u);
	h.ts.tv_usec = (suseconds_t)(o->ts_us % 1000000u);
	h.caplen = (bpf_u_int32)len;
	h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)o->dump, &h, o->frame);
	o->frames++;
}

void pkt_ip(struct pkt_out *o, const struct pkt_addr *s, const struct pkt_addr *d, uint8_t proto,
            const uint8_t *l4, size_t off, size_t len, int frag, int more, uint32_t id)
{
	uint8_t *f = o->frame;
	size_t hl;

	/* Locally administered MACs: nothing reads them. */
	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	if (s->ver == 4) {
		uint8_t *ip = f + PKT_ETH_LEN;
		uint16_t fl = (uint16_t)((more ? 0x2000 : 0) | (off / 8));

		put16(f + 12, 0x0800);
		hl = PKT_IP4_LEN;
		memset(ip, 0, hl);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(hl + len));
		put16(ip + 4, (uint16_t)id);
		put16(ip + 6, frag ? fl : 0x4000); /* DF on whole packets */
		ip[8] = 64;
		ip[9] = proto;
		memcpy(ip + 12, s->b, 4);
		memcpy(ip + 16, d->b, 4);
		put16(ip + 10, fold(sum16(0, ip, hl)));
	} else {
		uint8_t *ip = f + PKT_ETH_LEN;

		put16(f + 12, 0x86dd);
		hl = PKT_IP6_LEN + (frag ? PKT_FRAG6_LEN : 0);
		memset(ip, 0, hl);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(hl - PKT_IP6_LEN + len));
		ip[6] = frag ? PKT_FRAG6 : proto;
		ip[7] = 64;
		memcpy(ip + 8, s->b, 16);
		memcpy(ip + 24, d->b, 16);
		if (frag) { /* RFC 8200 section 4.5 */
			uint8_t *fh = ip + PKT_IP6_LEN;
			fh[0] = proto;
			put16(fh + 2, (uint16_t)(off | (more ? 1 : 0)));
			put32(fh + 4, id);
		}
	}
	memcpy(f + PKT_ETH_LEN + hl, l4 + off, len);
	emit(o, PKT_ETH_LEN + hl + len);
}

void pkt_send(struct pkt_out *o, const struct pkt_addr *s, const struct pkt_addr *d, uint8_t proto,
              const uint8_t *l4, size_t len)
{
	pkt_ip(o, s, d, proto, l4, 0, len, 0, 0, 0);
}
