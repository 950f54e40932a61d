/* dpi.h - application protocol detection; the only door to nDPI.
 *
 * dpi_ndpi.c is the one file that includes ndpi_api.h. A struct fa_dpi is
 * one nDPI detection module (one per worker thread: nDPI modules are not
 * shared between threads). A struct fa_dpi_flow is nDPI's state for one
 * flow while detection runs; it is freed as soon as detection is complete
 * and only the small struct fa_dpi_result is kept. */
#ifndef FA_DPI_H
#define FA_DPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FA_DPI_NAME_MAX 64
#define FA_DPI_HOST_MAX 256

struct fa_dpi_opts {
	const char *const *signature_files; /* nDPI protos files; may be empty */
	size_t nsignature_files;
	uint32_t max_pkts_tcp;   /* give up after this many packets; 0 = 80 */
	uint32_t max_pkts_udp;   /* 0 = 24 */
	uint32_t max_pkts_other; /* 0 = 24 */
	bool no_guess;           /* give up with "Unknown" instead of guessing by port */
};

struct fa_dpi;
struct fa_dpi_flow;

/* Kept per flow, so kept small: protocol ids, names resolved on output. */
struct fa_dpi_result {
	char *hostname; /* malloc'd, or NULL */
	uint64_t risks; /* bit n set = nDPI risk n */
	uint16_t master_id, app_id, category_id;
	bool guessed; /* decided by ndpi_detection_giveup guessing */
	bool done;
};

/* The names of a result, as nDPI spells them. */
struct fa_dpi_names {
	char app[FA_DPI_NAME_MAX];      /* ndpi_protocol2name: "TLS.Microsoft" */
	char master[FA_DPI_NAME_MAX];   /* "TLS", or "" when there is no master */
	char proto[FA_DPI_NAME_MAX];    /* "Microsoft", or the only name */
	char category[FA_DPI_NAME_MAX]; /* "Cloud" */
};
void fa_dpi_names(struct fa_dpi *dpi, const struct fa_dpi_result *res, struct fa_dpi_names *out);

/* errbuf receives a message naming the file or call that failed. */
int fa_dpi_new(struct fa_dpi **out, const struct fa_dpi_opts *opts, char *errbuf, size_t errlen);
void fa_dpi_free(struct fa_dpi **dpi);

struct fa_dpi_flow *fa_dpi_flow_new(struct fa_dpi *dpi);
void fa_dpi_flow_free(struct fa_dpi_flow **f);

/* Feeds one packet (l3 = IP header). Returns true once detection is
 * complete: res is then final and the caller frees the flow state. `proto`
 * is the IP protocol, used for the per-protocol packet cap. */
bool fa_dpi_packet(struct fa_dpi *dpi, struct fa_dpi_flow *f, uint8_t proto, const uint8_t *l3,
                   uint32_t l3_len, uint64_t ts_us, struct fa_dpi_result *res);

/* Ends detection for a flow that stopped before it was complete (guessing
 * unless no_guess). Fills res. */
void fa_dpi_giveup(struct fa_dpi *dpi, struct fa_dpi_flow *f, struct fa_dpi_result *res);

/* Result for a flow nDPI never saw a packet of (e.g. only ICMP errors). */
void fa_dpi_result_unknown(struct fa_dpi *dpi, struct fa_dpi_result *res);
void fa_dpi_result_clear(struct fa_dpi_result *res); /* frees hostname */

/* Risk names (ndpi_risk2str) of the bits in `risks`; returns the count. */
size_t fa_dpi_risk_names(uint64_t risks, const char **names, size_t max);

/* True when `name` is a protocol nDPI (with the loaded signatures) knows,
 * case-insensitively; its spelling in nDPI goes to canonical (may be NULL).
 * For policy validation. */
bool fa_dpi_proto_known(struct fa_dpi *dpi, const char *name, char *canonical, size_t len);
/* Calls fn for every protocol name known. */
void fa_dpi_proto_foreach(struct fa_dpi *dpi, void (*fn)(const char *name, void *ctx), void *ctx);

#endif
