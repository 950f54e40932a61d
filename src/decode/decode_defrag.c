/* decode_defrag.c - IPv4 (RFC 791 section 3.2) and IPv6 (RFC 8200 section
 * 4.5) fragment reassembly, bounded in datagrams, bytes and packet time.
 *
 * Datagrams are keyed by (source, destination, identification, and for
 * IPv4 the protocol), found through a hash table and kept on a list oldest
 * first, so timeouts and evictions take the oldest in constant time.
 * Fragment data is held as non-overlapping pieces sorted by offset: a
 * fragment that overlaps held bytes must agree with them (differing
 * overlaps are how IDS evasion works, RFC 5722 for IPv6), and only its new
 * bytes are stored, so a datagram never holds more than 64 KiB.
 *
 * The completed datagram is rebuilt as one unfragmented IP packet in the
 * reassembler's buffer and decoded from there, so later stages see a
 * normal packet. */
#include <stdlib.h>
#include <string.h>

#include "common/fa_error.h"
#include "decode_int.h"

#define DEFAULT_MAX_DATAGRAMS 4096
#define MAX_DATAGRAMS_LIMIT (1u << 20)
#define DEFAULT_TIMEOUT_US (30ULL * 1000000ULL)
#define DEFAULT_MAX_BYTES (32u << 20)
#define MIN_MAX_BYTES (4u * 65536u) /* room for one datagram and its header */
#define IP_MAX_LEN 65535
#define IPV6_HDR_LEN 40
#define IPV4_DF 0x4000

struct frag_piece {
	struct frag_piece *next; /* next higher offset */
	uint32_t off, len;
	uint8_t data[];
};

struct frag_key {
	uint8_t src[16], dst[16];
	uint32_t id;
	uint8_t proto; /* IPv4 only; 0 for IPv6 */
	uint8_t ver;
};

struct dgram {
	struct dgram *hnext;         /* hash chain */
	struct dgram *older, *newer; /* age list */
	struct frag_key key;
	uint32_t hash;
	uint64_t first_ts;
	bool have_end; /* the last fragment has been seen */
	uint32_t end;  /* fragmentable length, once have_end */
	uint8_t *hdr;  /* from the offset-0 fragment */
	uint32_t hdr_len;
	uint32_t nh_off;
	uint8_t next_proto;
	struct frag_piece *pieces;
	uint32_t held; /* data bytes in pieces */
};

struct fa_defrag {
	struct dgram **buckets;
	uint32_t nbuckets; /* a power of two */
	struct dgram *oldest, *newest;
	uint32_t count, max_count;
	uint64_t timeout_us;
	size_t bytes, max_bytes;
	uint8_t *buf; /* the rebuilt packet */
};

int fa_defrag_new(struct fa_defrag **out, const struct fa_decoder_opts *opts)
{
	struct fa_defrag *d;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return FA_ERR_NOMEM;
	d->max_count = opts->frag_max_datagrams ? opts->frag_max_datagrams : DEFAULT_MAX_DATAGRAMS;
	if (d->max_count > MAX_DATAGRAMS_LIMIT)
		d->max_count = MAX_DATAGRAMS_LIMIT;
	d->timeout_us = opts->frag_timeout_us ? opts->frag_timeout_us : DEFAULT_TIMEOUT_US;
	d->max_bytes = opts->frag_max_bytes ? opts->frag_max_bytes : DEFAULT_MAX_BYTES;
	if (d->max_bytes < MIN_MAX_BYTES)
		d->max_bytes = MIN_MAX_BYTES;
	d->nbuckets = 64;
	while (d->nbuckets < d->max_count)
		d->nbuckets *= 2;
	d->buckets = calloc(d->nbuckets, sizeof(*d->buckets));
	d->buf = malloc(IP_MAX_LEN + IPV6_HDR_LEN); /* IPv6 payload length excludes the header */
	if (!d->buckets || !d->buf)
		goto fail;
	*out = d;
	return FA_OK;
fail:
	fa_defrag_free(&d);
	return FA_ERR_NOMEM;
}

static void dgram_drop(struct fa_defrag *d, struct dgram *g)
{
	struct dgram **pp = &d->buckets[g->hash & (d->nbuckets - 1)];

	while (*pp && *pp != g)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = g->hnext;
	if (g->older)
		g->older->newer = g->newer;
	else
		d->oldest = g->newer;
	if (g->newer)
		g->newer->older = g->older;
	else
		d->newest = g->older;
	while (g->pieces) {
		struct frag_piece *p = g->pieces;
		g->pieces = p->next;
		free(p);
	}
	d->bytes -= g->held + g->hdr_len;
	d->count--;
	free(g->hdr);
	free(g);
}

void fa_defrag_free(struct fa_defrag **dp)
{
	struct fa_defrag *d;

	if (!dp || !*dp)
		return;
	d = *dp;
	while (d->oldest)
		dgram_drop(d, d->oldest);
	free(d->buckets);
	free(d->buf);
	free(d);
	*dp = NULL;
}

void fa_defrag_expire(struct fa_defrag *d, uint64_t now_us, struct fa_decode_stats *st)
{
	while (d->oldest && now_us > d->oldest->first_ts &&
	       now_us - d->oldest->first_ts > d->timeout_us) {
		dgram_drop(d, d->oldest);
		st->errors[FA_DR_FRAG_TIMEOUT]++;
	}
}

/* FNV-1a: the key is not chosen by us, but a flood of fragments can only
 * lengthen chains up to the bounded table size. */
static uint32_t key_hash(const struct frag_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static struct dgram *dgram_find(struct fa_defrag *d, const struct frag_key *k, uint32_t hash)
{
	for (struct dgram *g = d->buckets[hash & (d->nbuckets - 1)]; g; g = g->hnext)
		if (g->hash == hash && memcmp(&g->key, k, sizeof(*k)) == 0)
			return g;
	return NULL;
}

static struct dgram *dgram_create(struct fa_defrag *d, const struct frag_key *k, uint32_t hash,
                                  uint64_t ts, struct fa_decode_stats *st)
{
	struct dgram *g;
	uint32_t b = hash & (d->nbuckets - 1);

	if (d->count >= d->max_count) {
		dgram_drop(d, d->oldest);
		st->errors[FA_DR_FRAG_TABLE_FULL]++;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->key = *k;
	g->hash = hash;
	g->first_ts = ts;
	g->hnext = d->buckets[b];
	d->buckets[b] = g;
	g->older = d->newest;
	if (d->newest)
		d->newest->newer = g;
	else
		d->oldest = g;
	d->newest = g;
	d->count++;
	return g;
}

/* Checks the overlap of [off, end) with held pieces; false when any held
 * byte differs from the new one. Returns the count of bytes not yet held. */
static bool check_overlap(const struct dgram *g, const struct fa_frag *f, uint32_t *fresh)
{
	uint32_t off = f->offset, end = f->offset + f->data_len;
	uint32_t covered = 0;

	for (const struct frag_piece *p = g->pieces; p && p->off < end; p = p->next) {
		uint32_t lo = p->off > off ? p->off : off;
		uint32_t hi = p->off + p->len < end ? p->off + p->len : end;
		if (lo >= hi)
			continue;
		if (memcmp(p->data + (lo - p->off), f->data + (lo - off), hi - lo) != 0)
			return false;
		covered += hi - lo;
	}
	*fresh = f->data_len - covered;
	return true;
}

/* Stores the parts of the fragment not yet held, keeping pieces sorted. */
static bool store_fresh(struct fa_defrag *d, struct dgram *g, const struct fa_frag *f)
{
	struct frag_piece **pp = &g->pieces;
	uint32_t off = f->offset, end = f->offset + f->data_len, pos = off;

	while (pos < end) {
		struct frag_piece *p = *pp, *n;
		uint32_t gap_end;

		if (p && p->off + p->len <= pos) {
			pp = &p->next;
			continue;
		}
		if (p && p->off <= pos) {
			pos = p->off + p->len;
			pp = &p->next;
			continue;
		}
		gap_end = p && p->off < end ? p->off : end;
		n = malloc(sizeof(*n) + (gap_end - pos));
		if (!n)
			return false;
		n->off = pos;
		n->len = gap_end - pos;
		memcpy(n->data, f->data + (pos - off), n->len);
		n->next = p;
		*pp = n;
		pp = &n->next;
		g->held += n->len;
		d->bytes += n->len;
		pos = gap_end;
	}
	return true;
}

static uint32_t pieces_end(const struct dgram *g)
{
	uint32_t e = 0;

	for (const struct frag_piece *p = g->pieces; p; p = p->next)
		e = p->off + p->len;
	return e;
}

/* Writes the whole packet into d->buf; returns its length. */
static uint32_t rebuild(struct fa_defrag *d, const struct dgram *g)
{
	uint8_t *b = d->buf;
	uint32_t total = g->hdr_len + g->end;

	memcpy(b, g->hdr, g->hdr_len);
	for (const struct frag_piece *p = g->pieces; p; p = p->next)
		memcpy(b + g->hdr_len + p->off, p->data, p->len);
	if (g->key.ver == 4) {
		b[2] = (uint8_t)(total >> 8);
		b[3] = (uint8_t)total;
		b[6] &= IPV4_DF >> 8; /* MF and the offset cleared, DF kept */
		b[7] = 0;
	} else {
		b[g->nh_off] = g->next_proto;
		b[4] = (uint8_t)((total - IPV6_HDR_LEN) >> 8);
		b[5] = (uint8_t)(total - IPV6_HDR_LEN);
	}
	return total;
}

static bool frag_is_bad(const struct fa_frag *f)
{
	if (f->data_len == 0)
		return true;
	/* RFC 791: every fragment but the last carries a multiple of 8. */
	if (f->more && f->data_len % 8 != 0)
		return true;
	/* RFC 1858 section 3.2: offset 8 for TCP can only be rewriting
	 * the flags of a TCP header in the first fragment. */
	if (f->ver == 4 && f->proto == FA_L4_TCP && f->offset == 8)
		return true;
	return false;
}

enum fa_dec_result fa_defrag_add(struct fa_dec_ctx *ctx, const struct fa_frag *f)
{
	struct fa_defrag *d = ctx->dec->defrag;
	struct fa_decode_stats *st = &ctx->dec->stats;
	struct frag_key k;
	struct dgram *g;
	uint32_t hash, end, fresh, total;
	struct fa_cursor c;
	enum fa_dec_result r;

	/* A rebuilt packet holding fragments again: bound the recursion. */
	if (ctx->reasm_depth >= FA_MAX_TUNNEL_DEPTH || frag_is_bad(f))
		return fa_dec_fail(ctx, FA_DR_FRAG_BAD);
	if (f->ver == 6 && f->hdr_len < IPV6_HDR_LEN)
		return fa_dec_fail(ctx, FA_DR_FRAG_BAD);

	memset(&k, 0, sizeof(k));
	memcpy(k.src, f->src.b, sizeof(k.src));
	memcpy(k.dst, f->dst.b, sizeof(k.dst));
	k.id = f->id;
	k.proto = f->ver == 4 ? f->proto : 0;
	k.ver = f->ver;
	hash = key_hash(&k);
	g = dgram_find(d, &k, hash);

	end = f->offset + f->data_len;
	if ((f->ver == 4 ? f->hdr_len : f->hdr_len - IPV6_HDR_LEN) + end > IP_MAX_LEN) {
		if (g)
			dgram_drop(d, g);
		return fa_dec_fail(ctx, FA_DR_FRAG_TOO_BIG);
	}
	if (g) {
		if (g->have_end && (end > g->end || (!f->more && end != g->end)))
			return fa_dec_fail(ctx, FA_DR_FRAG_BAD);
		if (!f->more && pieces_end(g) > end)
			return fa_dec_fail(ctx, FA_DR_FRAG_BAD);
	} else {
		g = dgram_create(d, &k, hash, ctx->out->ts_us, st);
		if (!g)
			return fa_dec_fail(ctx, FA_DR_FRAG_TABLE_FULL);
	}
	if (!check_overlap(g, f, &fresh)) {
		dgram_drop(d, g);
		return fa_dec_fail(ctx, FA_DR_FRAG_OVERLAP);
	}

	/* Make room by evicting the oldest other datagrams. */
	while (d->bytes + fresh + f->hdr_len > d->max_bytes && d->oldest != g) {
		dgram_drop(d, d->oldest);
		st->errors[FA_DR_FRAG_TABLE_FULL]++;
	}
	while (d->bytes + fresh + f->hdr_len > d->max_bytes && g->newer) {
		dgram_drop(d, g->newer);
		st->errors[FA_DR_FRAG_TABLE_FULL]++;
	}
	if (!store_fresh(d, g, f))
		goto nomem;
	if (f->offset == 0 && !g->hdr) {
		g->hdr = malloc(f->hdr_len);
		if (!g->hdr)
			goto nomem;
		memcpy(g->hdr, f->hdr, f->hdr_len);
		g->hdr_len = f->hdr_len;
		g->nh_off = f->nh_off;
		g->next_proto = f->proto;
		d->bytes += f->hdr_len;
	}
	if (!f->more) {
		g->have_end = true;
		g->end = end;
	}
	st->fragments++;
	if (!g->have_end || !g->hdr || g->held != g->end)
		return FA_DEC_HELD;

	/* Non-first IPv4 fragments carry fewer options than the first, so
	 * the size check on arrival could not see the final header length. */
	if (g->hdr_len + g->end > IP_MAX_LEN + (g->key.ver == 6 ? IPV6_HDR_LEN : 0)) {
		dgram_drop(d, g);
		return fa_dec_fail(ctx, FA_DR_FRAG_TOO_BIG);
	}
	total = rebuild(d, g);
	dgram_drop(d, g);
	st->reassembled++;
	ctx->out->reassembled = true;
	c = fa_cur_init(d->buf, total);
	ctx->reasm_depth++;
	r = f->ver == 4 ? fa_dec_ipv4(ctx, &c) : fa_dec_ipv6(ctx, &c);
	ctx->reasm_depth--;
	return r;
nomem:
	dgram_drop(d, g);
	return fa_dec_fail(ctx, FA_DR_FRAG_TABLE_FULL);
}
