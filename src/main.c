/* main.c - flowaudit's command line: parses options, wires the engine, and
 * is the only place that decides the exit status.
 *
 * Exit status follows diff and grep: 0 success, 1 policy violations found
 * (reserved for the policy tools), 2 bad usage or unreadable input. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "common/fa_error.h"
#include "engine/engine.h"
#include "output/sink.h"

#include "cli_args.h"

#define EXIT_VIOLATIONS 1

static volatile sig_atomic_t stop_requested, stats_requested, reload_requested;

/* Signal handlers only set flags; the engine acts on them between frames. */
static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_requested = 1;
	else if (sig == SIGUSR1)
		stats_requested = 1;
	else
		stop_requested = 1;
}

/* SIGHUP: the same policy and site files, loaded again. The set in use is
 * tracked here so the one left at the end is freed. */
struct reloader {
	struct cli *c;
	struct fa_policy_set *current;
};

static int reload_policies(void *ctx, const struct fa_policy_set **out, char *errbuf, size_t errlen)
{
	struct reloader *r = ctx;
	struct fa_policy_set *set = NULL;
	/* Errors were printed with file:line:col by the loader. */
	if (cli_load_policies_to(r->c->policies.v, r->c->policies.n, r->c->site, &r->c->eo.dpi,
	                         false, false, &set, NULL, r->c->eo.notice_fp) < 0) {
		snprintf(errbuf, errlen, "the policy files have errors (above)");
		return -1;
	}
	r->current = set;
	*out = set;
	return 0;
}

static void release_policy(void *ctx, const struct fa_policy_set *old)
{
	(void)ctx;
	struct fa_policy_set *p = (struct fa_policy_set *)old;
	fa_policy_free(&p);
}

int main(int argc, char **argv)
{
	struct cli c;
	memset(&c, 0, sizeof(c));

	bool policy_cmd = argc > 1 && strcmp(argv[1], "policy") == 0;
	c.learn = argc > 1 && strcmp(argv[1], "learn") == 0;
	c.eo.fail_on = FA_SEV_LOW;
	int rc = -1;
	struct fa_policy_set *policy = NULL;
	if (!policy_cmd) {
		if (c.learn) {
			argc--;
			argv++;
		}
		rc = cli_parse_args(&c, argc, argv);
		if (rc >= 0)
			goto out;
	}
	if (!c.no_signatures && !c.sigs.n) {
		c.nsig_paths = cli_find_signatures(c.sig_paths, MAX_LIST);
		for (size_t i = 0; i < c.nsig_paths; i++)
			cli_list_add(&c.sigs, c.sig_paths[i]);
	}
	c.eo.dpi.signature_files = c.no_signatures ? NULL : c.sigs.v;
	c.eo.dpi.nsignature_files = c.no_signatures ? 0 : c.sigs.n;
	if (policy_cmd) {
		rc = cli_policy_main(argc - 1, argv + 1, &c.eo.dpi);
		goto out;
	}
	if (c.policies.n) {
		unsigned nwarn = 0;
		if (cli_load_policies(c.policies.v, c.policies.n, c.site, &c.eo.dpi, false, false,
		                      &policy, &nwarn) < 0) {
			rc = EXIT_USAGE;
			goto out;
		}
		if (nwarn && !c.quiet)
			cli_policy_warnings_note(stderr, nwarn, c.policies.v, c.policies.n, c.site);
	} else if (c.learn && cli_load_learn_baseline(&c.eo.dpi, &policy) < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	c.eo.policy = policy;
	if (c.learn)
		c.eo.learn_fp = stdout;

	const char *pnames[MAX_LIST], *psources[MAX_LIST];
	size_t nsources = 0;
	for (size_t i = 0; policy && i < policy->npolicies && i < MAX_LIST; i++) {
		pnames[i] = policy->policies[i].name;
		if (policy->policies[i].source)
			psources[nsources++] = policy->policies[i].source;
	}
	struct fa_report_info rinfo = {
	    .title = "flowaudit policy audit",
	    .policies = pnames,
	    .npolicies = policy ? policy->npolicies : 0,
	    .sources = psources,
	    .nsources = nsources,
	    .site = policy ? policy->site_name : NULL,
	    .inputs = c.inputs.v,
	    .ninputs = c.inputs.n,
	    .fail_on = fa_severity_name((enum fa_severity)c.eo.fail_on),
	};
	c.eo.report_info = &rinfo;
	c.eo.inputs = c.inputs.v;
	c.eo.ninputs = c.inputs.n;
	c.eo.interfaces = c.ifaces.v;
	c.eo.ninterfaces = c.ifaces.n;
	/* As tcpdump: a live capture started as root gives root up once its
	 * devices and files are open; -Z root keeps it. */
	if (c.drop_user)
		c.eo.drop_user = strcmp(c.drop_user, "root") == 0 ? NULL : c.drop_user;
	else if (c.ifaces.n && geteuid() == 0)
		c.eo.drop_user = "nobody";
	c.eo.bpf = c.bpf;
	c.eo.geoip = c.geoip.v;
	c.eo.ngeoip = c.geoip.n;
	c.eo.notice_fp = stderr;
	bool json_on_stdout = c.eo.json_path && strcmp(c.eo.json_path, "-") == 0;
	/* Standard output carries one thing: JSON, or learnt rules, or the
	 * summary; the summary moves to standard error when it is taken. */
	c.eo.summary_fp = c.quiet ? NULL : (json_on_stdout || c.learn ? stderr : stdout);
	c.eo.progress = !c.quiet && !c.no_progress;
	c.eo.quiet = c.quiet;
	c.eo.stop = &stop_requested;

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	struct reloader reloader = {&c, policy};
	c.eo.want_stats = &stats_requested;
	c.eo.want_reload = &reload_requested;
	if (c.policies.n) {
		c.eo.reload = reload_policies;
		c.eo.release = release_policy;
		c.eo.reload_ctx = &reloader;
	}

	char err[1024] = "";
	struct dashboard dash;
	if (c.tui && dashboard_start(&dash, &c.eo, c.speed_set, policy, &stop_requested) < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	struct fa_engine_result res;
	int erc = fa_engine_run(&c.eo, &res, err, sizeof(err));
	policy = reloader.current; /* what the engine used last */
	if (c.tui)
		dashboard_end(&dash);
	if (erc < 0) {
		fprintf(stderr, "flowaudit: %s\n", err[0] ? err : fa_strerror(erc));
		rc = EXIT_USAGE;
	} else if (res.input_errors) {
		rc = EXIT_USAGE;
	} else {
		rc = policy && !c.learn && res.violations ? EXIT_VIOLATIONS : 0;
		if (rc == EXIT_VIOLATIONS && !c.quiet)
			fprintf(stderr, "flowaudit: policy violations at or above '%s' found\n",
			        fa_severity_name((enum fa_severity)c.eo.fail_on));
		if (c.eo.report_path && !c.quiet)
			fprintf(stderr, "flowaudit: audit report written to %s\n",
			        c.eo.report_path);
	}
out:
	fa_policy_free(&policy);
	for (size_t i = 0; i < c.nsig_paths; i++)
		free(c.sig_paths[i]);
	free(c.bpf);
	return rc;
}
