/* dpi_ndpi.c - application protocol detection with nDPI 4.2: the one file
 * that includes ndpi_api.h.
 *
 * Detection follows nDPI's own reader (ndpiReader, reader_util.c) so that
 * flowaudit and `ndpiReader -C` agree on the same capture: a flow is fed to
 * nDPI until it names an application and no extra dissection is possible,
 * or until a per-protocol packet cap, and is then given up with guessing. */
#include "dpi.h"

#include <ndpi_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/fa_error.h"

struct fa_dpi {
	struct ndpi_detection_module_struct *mod;
	uint32_t max_pkts_tcp, max_pkts_udp, max_pkts_other;
	bool no_guess;
};

struct fa_dpi_flow {
	struct ndpi_flow_struct *nf;
	uint32_t pkts;
	bool app_seen; /* an application was named; waiting for extra dissection */
};

int fa_dpi_new(struct fa_dpi **out, const struct fa_dpi_opts *opts, char *errbuf, size_t errlen)
{
	*out = NULL;
	struct fa_dpi *d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(errbuf, errlen, "nDPI: out of memory");
		return FA_ERR_NOMEM;
	}
	d->max_pkts_tcp = opts->max_pkts_tcp ? opts->max_pkts_tcp : 80;
	d->max_pkts_udp = opts->max_pkts_udp ? opts->max_pkts_udp : 24;
	d->max_pkts_other = opts->max_pkts_other ? opts->max_pkts_other : 24;
	d->no_guess = opts->no_guess;

	d->mod = ndpi_init_detection_module(ndpi_no_prefs);
	if (!d->mod) {
		snprintf(errbuf, errlen, "nDPI: cannot initialise the detection module");
		goto fail;
	}
	NDPI_PROTOCOL_BITMASK all;
	NDPI_BITMASK_SET_ALL(all);
	ndpi_set_protocol_detection_bitmask2(d->mod, &all);

	for (size_t i = 0; i < opts->nsignature_files; i++) {
		const char *path = opts->signature_files[i];
		/* nDPI takes a non-const path and reports a missing file only as -1. */
		FILE *probe = fopen(path, "r");
		if (!probe) {
			snprintf(errbuf, errlen, "%s: cannot read signature file", path);
			goto fail;
		}
		fclose(probe);
		if (ndpi_load_protocols_file(d->mod, (char *)path) != 0) {
			snprintf(errbuf, errlen, "%s: nDPI rejected the signature file", path);
			goto fail;
		}
	}
	ndpi_finalize_initialization(d->mod);
	*out = d;
	return FA_OK;
fail:
	fa_dpi_free(&d);
	return FA_ERR_DPI;
}

void fa_dpi_free(struct fa_dpi **dpi)
{
	if (!dpi || !*dpi)
		return;
	if ((*dpi)->mod)
		ndpi_exit_detection_module((*dpi)->mod);
	free(*dpi);
	*dpi = NULL;
}

struct fa_dpi_flow *fa_dpi_flow_new(struct fa_dpi *dpi)
{
	(void)dpi;
	struct fa_dpi_flow *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->nf = ndpi_flow_malloc(SIZEOF_FLOW_STRUCT);
	if (!f->nf) {
		free(f);
		return NULL;
	}
	memset(f->nf, 0, SIZEOF_FLOW_STRUCT);
	return f;
}

void fa_dpi_flow_free(struct fa_dpi_flow **f)
{
	if (!f || !*f)
		return;
	if ((*f)->nf)
		ndpi_free_flow((*f)->nf);
	free(*f);
	*f = NULL;
}

/* Copies a NUL-terminated name, truncating to fit; "" for NULL. By hand
 * (not snprintf) because it runs four times for every flow record. */
static size_t copy_name(char *dst, size_t len, const char *src)
{
	size_t n = src ? strnlen(src, len - 1) : 0;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}

/* Keeps nDPI's verdict and the metadata we report; names come later. */
static void fill_result(struct fa_dpi_flow *f, ndpi_protocol p, bool guessed,
                        struct fa_dpi_result *res)
{
	res->master_id = p.master_protocol;
	res->app_id = p.app_protocol;
	res->category_id = (uint16_t)p.category;
	res->guessed = guessed;
	free(res->hostname);
	res->hostname = NULL;
	if (f && f->nf) {
		const char *host = f->nf->host_server_name;
		size_t n = strnlen(host, sizeof(f->nf->host_server_name));
		if (n) {
			res->hostname = malloc(n + 1);
			if (res->hostname) {
				memcpy(res->hostname, host, n);
				res->hostname[n] = '\0';
			}
		}
		res->risks = f->nf->risk;
	}
	res->done = true;
}

void fa_dpi_names(struct fa_dpi *dpi, const struct fa_dpi_result *res, struct fa_dpi_names *out)
{
	ndpi_protocol p = {res->master_id, res->app_id, (ndpi_protocol_category_t)res->category_id};
	bool has_master =
	    p.master_protocol != NDPI_PROTOCOL_UNKNOWN && p.master_protocol != p.app_protocol;
	if (has_master) {
		copy_name(out->master, sizeof(out->master),
		          ndpi_get_proto_name(dpi->mod, p.master_protocol));
		copy_name(out->proto, sizeof(out->proto),
		          ndpi_get_proto_name(dpi->mod, p.app_protocol));
		/* "MASTER.APP" as ndpi_protocol2name spells it, or MASTER alone
		 * when the application part is unknown. */
		size_t n = copy_name(out->app, sizeof(out->app), out->master);
		if (p.app_protocol != NDPI_PROTOCOL_UNKNOWN && n + 1 < sizeof(out->app)) {
			out->app[n] = '.';
			copy_name(out->app + n + 1, sizeof(out->app) - n - 1, out->proto);
		}
	} else {
		out->master[0] = '\0';
		uint16_t id =
		    p.app_protocol != NDPI_PROTOCOL_UNKNOWN ? p.app_protocol : p.master_protocol;
		copy_name(out->proto, sizeof(out->proto), ndpi_get_proto_name(dpi->mod, id));
		copy_name(out->app, sizeof(out->app), out->proto);
	}
	copy_name(out->category, sizeof(out->category),
	          ndpi_category_get_name(dpi->mod, p.category));
}

static uint32_t pkt_cap(const struct fa_dpi *dpi, uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return dpi->max_pkts_tcp;
	case IPPROTO_UDP: return dpi->max_pkts_udp;
	default: return dpi->max_pkts_other;
	}
}

bool fa_dpi_packet(struct fa_dpi *dpi, struct fa_dpi_flow *f, uint8_t proto, const uint8_t *l3,
                   uint32_t l3_len, uint64_t ts_us, struct fa_dpi_result *res)
{
	if (res->done)
		return true;
	/* nDPI takes an unsigned short length; an IP packet never exceeds it. */
	unsigned short len = l3_len > 0xffff ? 0xffff : (unsigned short)l3_len;
	ndpi_protocol p = ndpi_detection_process_packet(dpi->mod, f->nf, l3, len, ts_us / 1000);
	f->pkts++;

	bool enough = f->pkts > pkt_cap(dpi, proto);
	if (!enough && p.app_protocol == NDPI_PROTOCOL_UNKNOWN)
		return false;
	if (!enough && ndpi_extra_dissection_possible(dpi->mod, f->nf)) {
		f->app_seen = true;
		return false; /* wait for more metadata (e.g. the TLS certificate) */
	}
	bool guessed = false;
	if (p.app_protocol == NDPI_PROTOCOL_UNKNOWN) {
		uint8_t was_guessed = 0;
		p = ndpi_detection_giveup(dpi->mod, f->nf, dpi->no_guess ? 0 : 1, &was_guessed);
		guessed = was_guessed != 0;
	}
	fill_result(f, p, guessed, res);
	return true;
}

void fa_dpi_giveup(struct fa_dpi *dpi, struct fa_dpi_flow *f, struct fa_dpi_result *res)
{
	if (res->done)
		return;
	uint8_t was_guessed = 0;
	ndpi_protocol p =
	    ndpi_detection_giveup(dpi->mod, f->nf, dpi->no_guess ? 0 : 1, &was_guessed);
	fill_result(f, p, was_guessed != 0, res);
}

void fa_dpi_result_unknown(struct fa_dpi *dpi, struct fa_dpi_result *res)
{
	(void)dpi;
	ndpi_protocol p = {NDPI_PROTOCOL_UNKNOWN, NDPI_PROTOCOL_UNKNOWN,
	                   NDPI_PROTOCOL_CATEGORY_UNSPECIFIED};
	fill_result(NULL, p, false, res);
}

void fa_dpi_result_clear(struct fa_dpi_result *res)
{
	free(res->hostname);
	memset(res, 0, sizeof(*res));
}

size_t fa_dpi_risk_names(uint64_t risks, const char **names, size_t max)
{
	size_t n = 0;
	for (unsigned bit = 1; bit < NDPI_MAX_RISK && bit < 64 && n < max; bit++) {
		if (risks & (1ULL << bit))
			names[n++] = ndpi_risk2str((ndpi_risk_enum)bit);
	}
	return n;
}

bool fa_dpi_proto_known(struct fa_dpi *dpi, const char *name, char *canonical, size_t len)
{
	u_int num = ndpi_get_num_supported_protocols(dpi->mod);
	ndpi_proto_defaults_t *defs = ndpi_get_proto_defaults(dpi->mod);
	for (u_int i = 0; i < num; i++) {
		if (defs[i].protoName && strcasecmp(defs[i].protoName, name) == 0) {
			if (canonical && len)
				copy_name(canonical, len, defs[i].protoName);
			return true;
		}
	}
	/* Custom protocols from signature files may sit past the built-ins. */
	int id = ndpi_get_protocol_id(dpi->mod, (char *)name);
	if (id < 0)
		return false;
	if (canonical && len)
		copy_name(canonical, len, ndpi_get_proto_name(dpi->mod, (u_int16_t)id));
	return true;
}

void fa_dpi_proto_foreach(struct fa_dpi *dpi, void (*fn)(const char *name, void *ctx), void *ctx)
{
	u_int num = ndpi_get_num_supported_protocols(dpi->mod);
	ndpi_proto_defaults_t *defs = ndpi_get_proto_defaults(dpi->mod);
	for (u_int i = 0; i < num; i++) {
		if (defs[i].protoName)
			fn(defs[i].protoName, ctx);
	}
}
