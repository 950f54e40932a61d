/* cli.h - what main.c and cli_policy.c share: the policy tools, policy
 * loading for an audit, and the dashboard's start and end. Only the
 * command line includes this. */
#ifndef FA_CLI_H
#define FA_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dpi/dpi.h"
#include "engine/engine.h"
#include "output/snapshot.h"
#include "policy/policy.h"

/* `flowaudit policy ...`: argv[0] is "policy". Returns the exit status. */
int cli_policy_main(int argc, char **argv, const struct fa_dpi_opts *dpi_defaults);

/* Loads policies (+ site) with application names checked against nDPI with
 * the given signatures. Errors are printed, warnings too when show_warnings
 * (else only counted in *nwarnings); returns a negative enum fa_err. */
int cli_load_policies(const char *const *files, size_t nfiles, const char *site,
		      const struct fa_dpi_opts *dpi_opts, bool allow_unbound, bool show_warnings,
		      struct fa_policy_set **out, unsigned *nwarnings);

/* The same, with errors and warnings written to diag (a reload while the
 * dashboard owns the terminal keeps them with the other notices). */
int cli_load_policies_to(const char *const *files, size_t nfiles, const char *site,
                         const struct fa_dpi_opts *dpi_opts, bool allow_unbound,
                         bool show_warnings, struct fa_policy_set **out, unsigned *nwarnings,
                         FILE *diag);

/* One line in place of the warnings an audit does not print: how many, and
 * the `policy check` command that lists them. */
void cli_policy_warnings_note(FILE *fp, unsigned nwarnings, const char *const *files,
                              size_t nfiles, const char *site);

/* The policy `learn` uses when none is given: everything in scope, no rules. */
int cli_load_learn_baseline(const struct fa_dpi_opts *dpi_opts, struct fa_policy_set **out);

bool cli_parse_unknown_app(const char *s, enum fa_unknown_app_mode *m);

/* A filter expression from a file ('#' comments to the end of a line), or
 * from the command line's remaining words; malloc'd, NULL on failure. */
char *cli_read_filter_file(const char *path);
char *cli_join_args(int argc, char **argv);

/* Paths (malloc'd) of the bundled *.protos signature files; returns how many. */
size_t cli_find_signatures(char **paths, size_t max);

struct fa_tui;

/* The dashboard owns the terminal while it runs: the summary and notices
 * are kept in memory and printed once it has given the terminal back. */
struct dashboard {
	struct fa_snapshot_box box;
	struct fa_tui *tui;
	char *notes, *summary;
	size_t notes_len, summary_len;
	FILE *notes_fp, *summary_fp;
	char label[256];
	volatile sig_atomic_t *stop; /* the run's stop flag (SIGINT, q) */
};
/* Starts the dashboard and points the engine's notices, summary and
 * snapshots at it; -1 (with a message printed) when it cannot run. */
int dashboard_start(struct dashboard *d, struct fa_engine_opts *eo, bool speed_set,
                    const struct fa_policy_set *set, volatile sig_atomic_t *stop);
/* After the run: a finished replay stays on the screen until q. */
void dashboard_end(struct dashboard *d);

#endif
