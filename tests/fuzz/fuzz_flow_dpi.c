/* fuzz_flow_dpi.c - libFuzzer target: a sequence of frames through what the
 * engine runs per frame and per worker: decode (with fragment reassembly),
 * DNS answer learning, the flow table (expiry, eviction, ICMP errors) and
 * nDPI, ending every flow and naming its application.
 *
 * Input: one byte picking the link type (fuzz_link.h), then records of
 *   be16 length | u8 time step (x 250 ms) | length bytes of frame
 * the last frame taking whatever is left. Timeouts and the table are small
 * so that idle expiry, linger and eviction happen within one input. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cursor.h"
#include "decode/decode.h"
#include "dpi/dpi.h"
#include "enrich/names.h"
#include "flow/flow.h"
#include "fuzz_link.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STEP_US 250000u
#define MAX_SIGNATURES 16

/* Building an nDPI module takes milliseconds, longer than a whole input
 * runs, so the one module is made once per process. libFuzzer's entry
 * points take no context argument: this is the only place to keep it. */
static struct fa_dpi *fuzz_dpi;

struct run {
	struct fa_names *names;
	uint64_t ended;
};

struct flow_ext {
	struct fa_dpi_flow *dpi;
	struct fa_dpi_result res;
	char *dst_name;
};

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_name(const char *s, size_t max)
{
	check(s != NULL && strnlen(s, max) < max);
}

static void on_end(struct fa_flow *f, enum fa_flow_end why, void *ctx)
{
	struct run *r = ctx;
	struct flow_ext *x = fa_flow_user(f);
	check(why < FA_END__COUNT);
	if (x->dpi) {
		fa_dpi_giveup(fuzz_dpi, x->dpi, &x->res);
		fa_dpi_flow_free(&x->dpi);
	} else if (!x->res.done) {
		fa_dpi_result_unknown(fuzz_dpi, &x->res);
	}
	struct fa_dpi_names n;
	fa_dpi_names(fuzz_dpi, &x->res, &n);
	check_name(n.app, sizeof(n.app));
	check_name(n.master, sizeof(n.master));
	check_name(n.proto, sizeof(n.proto));
	check_name(n.category, sizeof(n.category));
	if (x->res.hostname)
		check_name(x->res.hostname, FA_DPI_HOST_MAX);
	const char *risks[64];
	size_t nr = fa_dpi_risk_names(x->res.risks, risks, 64);
	for (size_t i = 0; i < nr && i < 64; i++)
		check(risks[i] != NULL);
	check(f->pkts[FA_DIR_FWD] + f->pkts[FA_DIR_REV] + f->icmp_errors > 0);
	fa_dpi_result_clear(&x->res);
	free(x->dst_name);
	x->dst_name = NULL;
	r->ended++;
}

static bool learn(const char *name, const struct fa_addr *addr, uint32_t ttl, void *ctx)
{
	(void)ttl;
	check_name(name, FA_NAME_MAX);
	fa_names_put_seq(ctx, addr, name, 0);
	return true;
}

static void packet(struct fa_flowtab *tab, struct run *r, const struct fa_pkt *p)
{
	if (p->payload_len && !p->icmp_error) {
		if (p->l4proto == FA_L4_UDP && (p->sport == 53 || p->sport == 5353))
			fa_dns_answers(p->payload, p->payload_len, learn, r->names);
		else if (p->l4proto == FA_L4_TCP && p->sport == 53)
			fa_dns_answers_tcp(p->payload, p->payload_len, learn, r->names);
	}
	(void)fa_flow_hash_pkt(p);
	fa_flowtab_expire(tab, p->ts_us);
	enum fa_dir dir;
	bool created;
	struct fa_flow *f = fa_flowtab_packet(tab, p, &dir, &created);
	if (!f)
		return;
	struct flow_ext *x = fa_flow_user(f);
	if (created) {
		char name[FA_NAME_MAX];
		if (fa_names_get_before(r->names, &f->dst, p->seq, name, sizeof(name)))
			x->dst_name = strdup(name);
		x->dpi = fa_dpi_flow_new(fuzz_dpi);
	}
	if (p->icmp_error || !x->dpi || !p->l3_len)
		return;
	if (fa_dpi_packet(fuzz_dpi, x->dpi, f->proto, p->l3, p->l3_len, p->ts_us, &x->res))
		fa_dpi_flow_free(&x->dpi);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fa_cursor c = fa_cur_init(data, size);
	uint8_t sel;
	if (!fa_cur_u8(&c, &sel))
		return 0;
	int link = fuzz_linktype(sel);

	struct run r = {0};
	struct fa_decoder *dec = NULL;
	struct fa_flowtab *tab = NULL;
	struct fa_decoder_opts dopts = {
	    .frag_max_datagrams = 8, .frag_timeout_us = 2 * STEP_US, .frag_max_bytes = 256 * 1024};
	struct fa_flowtab_opts fopts = {
	    .max_flows = 16,
	    .tcp_timeout_us = 40 * STEP_US,
	    .udp_timeout_us = 20 * STEP_US,
	    .icmp_timeout_us = 10 * STEP_US,
	    .other_timeout_us = 20 * STEP_US,
	    .linger_us = 4 * STEP_US,
	    .user_size = sizeof(struct flow_ext),
	    .on_end = on_end,
	    .ctx = &r,
	};
	if (fa_decoder_new(&dec, &dopts) < 0 || fa_flowtab_new(&tab, &fopts) < 0 ||
	    fa_names_new(&r.names, 8) < 0)
		goto out;

	uint64_t ts = 1700000000ull * 1000000u, seq = 0;
	while (fa_cur_left(&c) > 0) {
		uint16_t len = 0;
		uint8_t step = 0;
		if (!fa_cur_be16(&c, &len) || !fa_cur_u8(&c, &step))
			break;
		size_t caplen = len < fa_cur_left(&c) ? len : fa_cur_left(&c);
		const uint8_t *frame = fa_cur_ptr(&c);
		fa_cur_skip(&c, caplen);
		ts += (uint64_t)step * STEP_US;
		struct fa_pkt p;
		if (fa_decode(dec, link, frame, (uint32_t)caplen, len, ts, &p) != FA_DEC_PACKET)
			continue;
		p.seq = ++seq;
		packet(tab, &r, &p);
	}
	fa_flowtab_flush(tab, FA_END_EOF);
	struct fa_flowtab_stats st;
	fa_flowtab_stats(tab, &st);
	check(st.active == 0 && st.created == r.ended && st.peak_active <= 16);
out:
	fa_flowtab_free(&tab);
	fa_decoder_free(&dec);
	fa_names_free(&r.names);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The project's nDPI signature files, so their rules are fuzzed too. */
static size_t signature_files(char paths[][512], size_t max)
{
	size_t n = 0;
	DIR *d = opendir(FA_FUZZ_SIGDIR);
	if (!d)
		return 0;
	struct dirent *e;
	while (n < max && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l > 7 && strcmp(e->d_name + l - 7, ".protos") == 0)
			snprintf(paths[n++], 512, "%s/%s", FA_FUZZ_SIGDIR, e->d_name);
	}
	closedir(d);
	/* Directory order varies between file systems; nDPI numbers custom
	 * protocols in load order, and a crash must replay the same way. */
	qsort(paths, n, sizeof(paths[0]), by_name);
	return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	static char paths[MAX_SIGNATURES][512];
	const char *files[MAX_SIGNATURES];
	size_t n = signature_files(paths, MAX_SIGNATURES);
	for (size_t i = 0; i < n; i++)
		files[i] = paths[i];
	struct fa_dpi_opts o = {.signature_files = files, .nsignature_files = n};
	char err[256];
	if (fa_dpi_new(&fuzz_dpi, &o, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_flow_dpi: %s\n", err);
		abort();
	}
	return 0;
}
