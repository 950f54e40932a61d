/* cli_args.h - the command line's options: what they set (struct cli) and
 * how they are read. Only main.c and cli_args.c include this. */
#ifndef FA_CLI_ARGS_H
#define FA_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"

#define EXIT_USAGE 2
#define MAX_LIST 64

struct list {
	const char *v[MAX_LIST];
	size_t n;
};

struct cli {
	struct fa_engine_opts eo;
	struct list inputs, geoip, sigs, policies, ifaces;
	const char *drop_user;
	const char *site;
	bool learn;
	bool fail_on_set;
	bool tui;
	bool speed_set;
	bool no_signatures;
	bool quiet;
	bool no_progress;
	char *bpf; /* joined from the trailing arguments */
	char *sig_paths[MAX_LIST];
	size_t nsig_paths;
};

/* Parses argv into c: -1 to go on, or an exit status (help, version, a
 * usage error already printed). */
int cli_parse_args(struct cli *c, int argc, char **argv);
bool cli_list_add(struct list *l, const char *v);

#endif
