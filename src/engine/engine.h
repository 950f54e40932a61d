/* engine.h - wires the pipeline: capture -> decode -> (ring) -> workers
 * running flow -> dpi -> enrich -> output.
 *
 * The capture thread reads frames, decodes them (the decoder owns fragment
 * reassembly), learns names from DNS answers, and hands each packet to the
 * worker chosen by the flow's symmetric hash, so both directions of a flow
 * meet in one worker's table. Worker 0 runs in the capture thread, the
 * others in threads of their own. Workers own their flow table, nDPI module and
 * GeoIP cache; they share only the name table (read-mostly) and the sinks
 * (behind one lock). With one worker everything runs in the calling thread. */
#ifndef FA_ENGINE_H
#define FA_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capture/capture.h"
#include "dpi/dpi.h"
#include "policy/policy.h"

struct fa_report_info;
struct fa_snapshot_box;

struct fa_engine_opts {
	const char *const *inputs; /* capture files, read in order; "-" = stdin */
	size_t ninputs;
	const char *bpf;               /* NULL = no filter */
	const char *const *interfaces; /* live capture instead of files ("any" = all) */
	size_t ninterfaces;
	struct fa_live_opts live;
	const char *drop_user; /* after opening inputs and outputs as root, become this
	                        * user (NULL = stay) */

	const char *json_path; /* JSON Lines output; NULL = none, "-" = stdout */
	FILE *summary_fp;      /* human summary at the end; NULL = none */
	FILE *notice_fp;       /* notices and warnings (stderr); never NULL */
	/* Long runs (docs/json.md, "Long runs"), 0 = off. Times count in
	 * packet time, which a live capture keeps moving with the wall clock. */
	uint64_t json_max_bytes; /* a new JSON file before one would pass this (-C) */
	uint64_t json_rotate_us; /* a new JSON file this often (-G) */
	uint64_t stats_every_us; /* a "stats" record this often */
	uint64_t flow_update_us; /* interim "flow" records of flows open this long */
	bool progress;           /* progress bar on notice_fp */
	bool quiet;              /* no informational notices (warnings still shown) */

	unsigned workers;   /* 0 = one per online CPU, at most 8 */
	uint32_t max_flows; /* whole engine; split between workers */
	uint64_t tcp_timeout_us, udp_timeout_us, icmp_timeout_us, other_timeout_us;
	uint64_t linger_us;

	struct fa_dpi_opts dpi;
	const char *const *geoip; /* MaxMind DB files */
	size_t ngeoip;

	volatile sig_atomic_t *stop;        /* set asynchronously to stop early; may be NULL */
	volatile sig_atomic_t *want_stats;  /* set (SIGUSR1): write a stats record now */
	volatile sig_atomic_t *want_reload; /* set (SIGHUP): reload the policy */
	/* Reloading: reload() loads the policy files again into *out (or fails
	 * with a message, and the loaded policy stays); release() is handed the
	 * policy it replaced once nothing uses it. */
	int (*reload)(void *ctx, const struct fa_policy_set **out, char *errbuf, size_t errlen);
	void (*release)(void *ctx, const struct fa_policy_set *old);
	void *reload_ctx;

	/* Policy audit; policy NULL = flows only, no verdicts. */
	const struct fa_policy_set *policy;
	struct fa_match_opts match;
	uint32_t max_findings;   /* 0 = default */
	const char *report_path; /* audit report (Markdown, or HTML by extension) */
	const struct fa_report_info *report_info;
	FILE *learn_fp;  /* draft rules for undocumented traffic, or NULL */
	uint8_t fail_on; /* enum fa_severity: res->violations threshold */

	/* The dashboard: snapshots are published here a few times a second
	 * (NULL = no dashboard). */
	struct fa_snapshot_box *snapshots;
	const char *policy_label; /* for the dashboard header, or NULL */
	double speed;             /* replay pace: 1 = as captured, 10 = ten times
	                           * faster, 0 = as fast as possible */
};

struct fa_engine_result {
	uint64_t frames, flows;
	unsigned input_errors; /* inputs that could not be opened or read to the end */
	bool violations;       /* a flow at or above fail_on violated the policy */
	uint64_t findings;
};

/* Runs the whole job. Returns FA_OK, or a negative enum fa_err with a
 * message in errbuf when set-up failed (nothing was processed). Input files
 * that cannot be read are reported on notice_fp and counted in
 * res->input_errors; the others are still processed. */
int fa_engine_run(const struct fa_engine_opts *opts, struct fa_engine_result *res, char *errbuf,
                  size_t errlen);

#endif
