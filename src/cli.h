/* cli.h - what main.c and cli_policy.c share: the policy tools and policy
 * loading for an audit. Only the command line includes this. */
#ifndef FA_CLI_H
#define FA_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "dpi/dpi.h"
#include "policy/policy.h"

/* `flowaudit policy ...`: argv[0] is "policy". Returns the exit status. */
int cli_policy_main(int argc, char **argv, const struct fa_dpi_opts *dpi_defaults);

/* Loads policies (+ site) with application names checked against nDPI with
 * the given signatures. Errors are printed; returns a negative enum fa_err. */
int cli_load_policies(const char *const *files, size_t nfiles, const char *site,
		      const struct fa_dpi_opts *dpi_opts, bool allow_unbound,
		      struct fa_policy_set **out, unsigned *nwarnings);

/* The policy `learn` uses when none is given: everything in scope, no rules. */
int cli_load_learn_baseline(const struct fa_dpi_opts *dpi_opts, struct fa_policy_set **out);

bool cli_parse_unknown_app(const char *s, enum fa_unknown_app_mode *m);

/* A filter expression from a file ('#' comments to the end of a line), or
 * from the command line's remaining words; malloc'd, NULL on failure. */
char *cli_read_filter_file(const char *path);
char *cli_join_args(int argc, char **argv);

/* Paths (malloc'd) of the bundled *.protos signature files; returns how many. */
size_t cli_find_signatures(char **paths, size_t max);

#endif
