/* cli_policy.c - the policy tools of the command line: `flowaudit policy
 * check | show | test`, and loading policies for an audit or `learn`.
 *
 * Like main.c, this file decides exit statuses: 0 clean / allowed, 1 a
 * violation (policy test), 2 errors. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/fa_error.h"
#include "dpi/dpi.h"

/* Application names are checked against the nDPI module that will detect
 * them, custom signatures included. */
static bool app_known(const char *name, char *canonical, size_t len, void *ctx)
{
	return fa_dpi_proto_known(ctx, name, canonical, len);
}

static void app_foreach(void (*fn)(const char *name, void *fctx), void *fctx, void *ctx)
{
	fa_dpi_proto_foreach(ctx, fn, fctx);
}

int cli_load_policies(const char *const *files, size_t nfiles, const char *site,
		      const struct fa_dpi_opts *dpi_opts, bool allow_unbound, bool show_warnings,
		      struct fa_policy_set **out, unsigned *nwarnings)
{
	return cli_load_policies_to(files, nfiles, site, dpi_opts, allow_unbound, show_warnings,
	                            out, nwarnings, stderr);
}

int cli_load_policies_to(const char *const *files, size_t nfiles, const char *site,
                         const struct fa_dpi_opts *dpi_opts, bool allow_unbound,
                         bool show_warnings, struct fa_policy_set **out, unsigned *nwarnings,
                         FILE *diag)
{
	char err[512];
	struct fa_dpi *dpi = NULL;
	*out = NULL;
	int rc = fa_dpi_new(&dpi, dpi_opts, err, sizeof(err));
	if (rc < 0) {
		fprintf(diag, "flowaudit: %s\n", err);
		return rc;
	}
	struct fa_app_names names = {app_known, app_foreach, dpi};
	struct fa_policy_load_opts lo = {
		.policy_files = files,
		.npolicy_files = nfiles,
		.site_file = site,
		.apps = &names,
		.allow_unbound = allow_unbound,
		.hide_warnings = !show_warnings,
		.diag = diag,
	};
	rc = fa_policy_load(out, &lo, nwarnings);
	fa_dpi_free(&dpi);
	return rc;
}

void cli_policy_warnings_note(FILE *fp, unsigned nwarnings, const char *const *files,
                              size_t nfiles, const char *site)
{
	fprintf(fp, "flowaudit: the policy has %u warning%s (duplicate, shadowed or overlapping "
	            "rules...); see: flowaudit policy check",
	        nwarnings, nwarnings == 1 ? "" : "s");
	for (size_t i = 0; i < nfiles; i++)
		fprintf(fp, " %s", files[i]);
	if (site)
		fprintf(fp, " --site %s", site);
	fputc('\n', fp);
}

/* `learn` without a policy: every flow is in scope and undocumented. The
 * policy is text in an anonymous memory file, so it goes through the same
 * loader as any other. */
int cli_load_learn_baseline(const struct fa_dpi_opts *dpi_opts, struct fa_policy_set **out)
{
	static const char text[] = "policy \"no documented policy\"\n"
				   "role everything = any\n"
				   "scope everything\n";
	int fd = memfd_create("flowaudit-learn", 0);
	if (fd < 0) {
		perror("flowaudit: memfd_create");
		return FA_ERR_IO;
	}
	if (write(fd, text, sizeof(text) - 1) != (ssize_t)(sizeof(text) - 1)) {
		perror("flowaudit: writing the empty policy");
		close(fd);
		return FA_ERR_IO;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	const char *files[1] = {path};
	int rc = cli_load_policies(files, 1, NULL, dpi_opts, false, false, out, NULL);
	close(fd);
	return rc;
}

static void policy_usage(FILE *fp)
{
	fprintf(fp,
		"Usage: flowaudit policy check FILE... [--site FILE]\n"
		"       flowaudit policy show  FILE... [--site FILE]\n"
		"       flowaudit policy test  FILE... [--site FILE] PROTO SRC[:PORT] -> DST[:PORT]\n"
		"                              [app NAME] [name HOSTNAME]\n"
		"\n"
		"check  parse and validate; warn about shadowed, duplicate and overlapping rules\n"
		"       and unbound roles. Exit 0 when it loads, 2 on errors.\n"
		"show   the normalised rules as a table.\n"
		"test   the verdict of one hypothetical flow, e.g.\n"
		"         flowaudit policy test ovoc.policy --site site.policy \\\n"
		"           tcp 10.0.0.5:40000 -> 10.0.0.9:443 app TLS name dm.example.com\n"
		"       IPv6 addresses with a port are written [2001:db8::1]:443.\n"
		"       Exit 0 allowed, 1 any other verdict, 2 errors.\n"
		"Options: --site FILE, --signatures FILE, --no-signatures,\n"
		"         --unknown-app flag|allow|mismatch (test)\n");
}

static bool parse_proto(const char *s, uint8_t *out)
{
	static const struct {
		const char *name;
		uint8_t num;
	} protos[] = {{"tcp", 6}, {"udp", 17}, {"sctp", 132}, {"icmp", 1}, {"icmpv6", 58}};
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (strcasecmp(s, protos[i].name) == 0) {
			*out = protos[i].num;
			return true;
		}
	}
	return false;
}

/* "10.0.0.5:40000", "10.0.0.5", "[2001:db8::1]:443", "2001:db8::1". */
static bool parse_endpoint(const char *s, struct fa_addr *addr, uint16_t *port)
{
	char buf[128];
	const char *host = s, *p = NULL;
	*port = 0;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || (size_t)(close - s - 1) >= sizeof(buf))
			return false;
		memcpy(buf, s + 1, (size_t)(close - s - 1));
		buf[close - s - 1] = '\0';
		host = buf;
		if (close[1] == ':')
			p = close + 2;
		else if (close[1])
			return false;
	} else {
		const char *colon = strchr(s, ':');
		if (colon && !strchr(colon + 1, ':')) { /* IPv4 with a port */
			if ((size_t)(colon - s) >= sizeof(buf))
				return false;
			memcpy(buf, s, (size_t)(colon - s));
			buf[colon - s] = '\0';
			host = buf;
			p = colon + 1;
		}
	}
	if (!fa_addr_parse(host, addr))
		return false;
	if (p) {
		char *end;
		unsigned long v = strtoul(p, &end, 10);
		if (!*p || *end || v > 65535)
			return false;
		*port = (uint16_t)v;
	}
	return true;
}

static bool parse_unknown_app(const char *s, enum fa_unknown_app_mode *m)
{
	if (strcmp(s, "flag") == 0)
		*m = FA_UNKNOWN_APP_FLAG;
	else if (strcmp(s, "allow") == 0)
		*m = FA_UNKNOWN_APP_ALLOW;
	else if (strcmp(s, "mismatch") == 0)
		*m = FA_UNKNOWN_APP_MISMATCH;
	else
		return false;
	return true;
}

bool cli_parse_unknown_app(const char *s, enum fa_unknown_app_mode *m)
{
	return parse_unknown_app(s, m);
}

static int policy_test(const struct fa_policy_set *set, const struct fa_match_opts *mo,
		       char **flow, int n)
{
	struct fa_policy_flow pf;
	memset(&pf, 0, sizeof(pf));
	if (n < 4 || !parse_proto(flow[0], &pf.proto) || strcmp(flow[2], "->") != 0) {
		fprintf(stderr, "flowaudit: policy test: expected PROTO SRC[:PORT] -> DST[:PORT]\n");
		return 2;
	}
	if (!parse_endpoint(flow[1], &pf.src, &pf.sport)) {
		fprintf(stderr, "flowaudit: policy test: '%s' is not an address[:port]\n", flow[1]);
		return 2;
	}
	if (!parse_endpoint(flow[3], &pf.dst, &pf.dport)) {
		fprintf(stderr, "flowaudit: policy test: '%s' is not an address[:port]\n", flow[3]);
		return 2;
	}
	for (int i = 4; i < n; i += 2) {
		if (i + 1 >= n) {
			fprintf(stderr, "flowaudit: policy test: '%s' needs a value\n", flow[i]);
			return 2;
		}
		if (strcmp(flow[i], "app") == 0) {
			pf.app = flow[i + 1];
		} else if (strcmp(flow[i], "name") == 0) {
			pf.dst_names[0] = flow[i + 1];
		} else {
			fprintf(stderr, "flowaudit: policy test: unknown word '%s' (app, name)\n",
				flow[i]);
			return 2;
		}
	}
	struct fa_policy_verdict v;
	fa_policy_match(set, mo, &pf, &v);
	const char *role_src = v.src_role >= 0 ? set->roles[v.src_role].name : "(none)";
	const char *role_dst = v.dst_role >= 0 ? set->roles[v.dst_role].name : "(none)";
	printf("verdict:   %s\n", fa_verdict_name((enum fa_verdict)v.verdict));
	if (v.severity)
		printf("severity:  %s\n", fa_severity_name((enum fa_severity)v.severity));
	if (v.rule >= 0)
		printf("rule:      %s (policy \"%s\")\n", set->rules[v.rule].id,
		       set->policies[set->rules[v.rule].policy].name);
	printf("roles:     %s -> %s\n", role_src, role_dst);
	if (v.why[0])
		printf("why:       %s\n", v.why);
	return v.verdict == FA_V_ALLOWED ? 0 : 1;
}

int cli_policy_main(int argc, char **argv, const struct fa_dpi_opts *dpi_defaults)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		policy_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *cmd = argv[1];
	bool is_check = strcmp(cmd, "check") == 0, is_show = strcmp(cmd, "show") == 0,
	     is_test = strcmp(cmd, "test") == 0;
	if (!is_check && !is_show && !is_test) {
		fprintf(stderr, "flowaudit: policy: unknown command '%s' (check, show, test)\n",
			cmd);
		return 2;
	}
	const char *files[64], *site = NULL, *sigs[64];
	size_t nfiles = 0, nsigs = 0;
	bool no_sigs = false;
	struct fa_match_opts mo = {FA_UNKNOWN_APP_FLAG};
	int i = 2;
	for (; i < argc; i++) {
		const char *a = argv[i];
		uint8_t dummy;
		if (is_test && parse_proto(a, &dummy))
			break; /* the flow starts here */
		if ((strcmp(a, "--site") == 0 || strcmp(a, "--signatures") == 0 ||
		     strcmp(a, "--unknown-app") == 0) &&
		    i + 1 >= argc) {
			fprintf(stderr, "flowaudit: policy: %s needs a value\n", a);
			return 2;
		}
		if (strcmp(a, "--site") == 0) {
			site = argv[++i];
		} else if (strcmp(a, "--signatures") == 0) {
			if (nsigs < 64)
				sigs[nsigs++] = argv[++i];
		} else if (strcmp(a, "--no-signatures") == 0) {
			no_sigs = true;
		} else if (strcmp(a, "--unknown-app") == 0) {
			if (!parse_unknown_app(argv[++i], &mo.unknown_app)) {
				fprintf(stderr, "flowaudit: --unknown-app takes flag, allow or mismatch\n");
				return 2;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "flowaudit: policy %s: unknown option '%s'\n", cmd, a);
			return 2;
		} else if (nfiles < 64) {
			files[nfiles++] = a;
		}
	}
	if (!nfiles) {
		fprintf(stderr, "flowaudit: policy %s: no policy file given\n", cmd);
		return 2;
	}
	struct fa_dpi_opts dopts = *dpi_defaults;
	if (no_sigs) {
		dopts.signature_files = NULL;
		dopts.nsignature_files = 0;
	} else if (nsigs) {
		dopts.signature_files = sigs;
		dopts.nsignature_files = nsigs;
	}
	struct fa_policy_set *set = NULL;
	unsigned warnings = 0;
	int rc = cli_load_policies(files, nfiles, site, &dopts, !is_test, true, &set, &warnings);
	if (rc < 0)
		return 2;
	int status = 0;
	if (is_check) {
		printf("%s: %zu %s, %zu %s, %zu %s, %zu %s; %u %s\n", nfiles > 1 ? "policies" : "policy",
		       set->npolicies, set->npolicies == 1 ? "policy" : "policies", set->nroles,
		       set->nroles == 1 ? "role" : "roles", set->nservices,
		       set->nservices == 1 ? "service" : "services", set->nrules,
		       set->nrules == 1 ? "rule" : "rules", warnings,
		       warnings == 1 ? "warning" : "warnings");
	} else if (is_show) {
		fa_policy_show(set, stdout);
	} else {
		status = policy_test(set, &mo, argv + i, argc - i);
	}
	fa_policy_free(&set);
	return status;
}
