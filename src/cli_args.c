/* cli_args.c - reading flowaudit's options (tcpdump's conventions where
 * they exist), with a message for every value out of range. */
#include "cli_args.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/fa_error.h"

#ifndef FLOWAUDIT_VERSION
#define FLOWAUDIT_VERSION "0.0.0"
#endif

static void usage(FILE *fp)
{
	fputs("Usage: flowaudit -r FILE [-r FILE ...] [-p POLICY ...] [--site FILE] [options]\n"
	      "                 [expression]\n"
	      "       flowaudit policy check|show|test FILE... [--site FILE] ...\n"
	      "       flowaudit learn -r FILE... [-p POLICY ...] [--site FILE] [options]\n"
	      "\n"
	      "Reads captures, follows every flow, names its application with nDPI and\n"
	      "writes one JSON record per flow. With a policy, every flow gets a verdict\n"
	      "against the documented rules, and findings and rule coverage are reported.\n"
	      "The expression is a BPF filter, as in tcpdump.\n"
	      "\n"
	      "Input:\n"
	      "  -r FILE                read a pcap or pcapng file; '-' reads standard input;\n"
	      "                         repeat to read several files in order\n"
	      "  -i, --interface IF     capture live on IF ('any' for all); repeatable; runs\n"
	      "                         until SIGINT/SIGTERM (or q on the dashboard)\n"
	      "      --no-promisc       do not put the interface in promiscuous mode\n"
	      "  -B, --buffer-size KIB  kernel capture buffer\n"
	      "  -s, --snaplen N        bytes captured per frame (default 262144)\n"
	      "      --tstamp-type T    time stamp source, e.g. adapter (see tcpdump -J)\n"
	      "  -Z, --user USER        after opening devices and files, run as USER\n"
	      "                         (default for -i as root: nobody; -Z root keeps root)\n"
	      "  -F FILE                read the filter expression from FILE\n"
	      "Output:\n"
	      "  -j, --json FILE        write JSON Lines to FILE ('-' = standard output)\n"
	      "  -C SIZE                start a new JSON file before one passes SIZE bytes\n"
	      "                         (k, M, G: 10^3, 10^6, 10^9); files FILE, FILE.1, ...\n"
	      "  -G SECONDS             start a new JSON file every SECONDS (packet time for\n"
	      "                         -r); a '%' in FILE makes it a strftime template (UTC)\n"
	      "      --stats-interval S a \"stats\" record every S seconds (packet time)\n"
	      "      --flow-update S    an interim \"flow\" record (\"end\": \"active\") of every\n"
	      "                         flow still open, every S seconds\n"
	      "  -q, --quiet            no summary, no notices and no progress bar\n"
	      "      --no-progress      no progress bar (shown only on a terminal)\n"
	      "Policy audit (docs/policy-language.md):\n"
	      "  -p, --policy FILE      a documented policy (repeatable: several products)\n"
	      "      --site FILE        binds the policies' roles to this site's addresses\n"
	      "      --report FILE      write the audit report (Markdown; HTML for .html)\n"
	      "      --fail-on SEV      exit 1 when a violation of at least this severity is\n"
	      "                         seen: info, low (default), medium, high, critical\n"
	      "      --unknown-app MODE unidentified payload on a documented port is 'flag'ged\n"
	      "                         as app-unknown (default), 'allow'ed, or a 'mismatch'\n"
	      "      --max-findings N   distinct findings kept (default 10000)\n"
	      "Dashboard (docs/dashboard.md):\n"
	      "      --tui              a live ncurses dashboard: findings, rules, flows,\n"
	      "                         applications; it stays after a replay until q\n"
	      "      --speed N|max      replay at N times the captured pace (default 1 with\n"
	      "                         --tui, max otherwise)\n"
	      "Flows:\n"
	      "      --max-flows N      flows tracked at once (default 1000000); the oldest\n"
	      "                         idle flow is ended as \"evicted\" when full\n"
	      "      --tcp-timeout S    idle timeouts in seconds (defaults: TCP 300,\n"
	      "      --udp-timeout S      UDP 60, ICMP 30, other protocols 60)\n"
	      "      --icmp-timeout S\n"
	      "      --other-timeout S\n"
	      "      --linger S         wait after FIN both ways or RST (default 2)\n"
	      "Detection:\n"
	      "      --signatures FILE  nDPI protocol file (repeatable); replaces the bundled\n"
	      "                         signatures\n"
	      "      --no-signatures    load no custom signatures\n"
	      "      --dpi-packets-tcp N  give up detection after N packets (default 80)\n"
	      "      --dpi-packets-udp N  (default 24; also used for other protocols)\n"
	      "      --no-guess         report \"Unknown\" instead of guessing from ports\n"
	      "Enrichment:\n"
	      "      --geoip FILE       MaxMind DB file (Country, City or ASN); repeatable\n"
	      "Performance:\n"
	      "      --threads N        worker threads (default: one per CPU; 1 = no threads)\n"
	      "\n"
	      "  -h, --help             this help\n"
	      "  -V, --version          version and library versions\n"
	      "\n"
	      "Exit status: 0 success (traffic conforms), 1 policy violations at or above\n"
	      "--fail-on, 2 bad usage, a bad policy or site file, or unreadable input.\n"
	      "See flowaudit(1), docs/json.md and docs/policy-language.md.\n",
	      fp);
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "flowaudit: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'flowaudit --help' for more information.\n");
	return EXIT_USAGE;
}

static bool parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	if (!s || !*s || *s == '-')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* -C: bytes, or k/M/G for 10^3/10^6/10^9 (tcpdump's -C counts 10^6). A
 * bare number below 1000 is refused: it is most likely meant in MB. */
static bool parse_size(const char *s, uint64_t *out)
{
	if (!s || *s < '0' || *s > '9')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	uint64_t mult = 1;
	if (*end == 'k' || *end == 'K')
		mult = 1000;
	else if (*end == 'M')
		mult = 1000000;
	else if (*end == 'G')
		mult = 1000000000;
	if (mult > 1)
		end++;
	if (errno || *end || v > UINT64_MAX / mult || v * mult < 1000)
		return false;
	*out = v * mult;
	return true;
}

bool cli_list_add(struct list *l, const char *v)
{
	if (l->n >= MAX_LIST)
		return false;
	l->v[l->n++] = v;
	return true;
}

enum {
	OPT_MAX_FLOWS = 256,
	OPT_TCP_TO,
	OPT_UDP_TO,
	OPT_ICMP_TO,
	OPT_OTHER_TO,
	OPT_LINGER,
	OPT_SIGS,
	OPT_NO_SIGS,
	OPT_DPI_TCP,
	OPT_DPI_UDP,
	OPT_NO_GUESS,
	OPT_GEOIP,
	OPT_THREADS,
	OPT_NO_PROGRESS,
	OPT_SITE,
	OPT_REPORT,
	OPT_FAIL_ON,
	OPT_UNKNOWN_APP,
	OPT_MAX_FINDINGS,
	OPT_TUI,
	OPT_SPEED,
	OPT_NO_PROMISC,
	OPT_TSTAMP_TYPE,
	OPT_STATS_INTERVAL,
	OPT_FLOW_UPDATE
};

static const struct option long_opts[] = {
    {"json", required_argument, NULL, 'j'},
    {"quiet", no_argument, NULL, 'q'},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"max-flows", required_argument, NULL, OPT_MAX_FLOWS},
    {"tcp-timeout", required_argument, NULL, OPT_TCP_TO},
    {"udp-timeout", required_argument, NULL, OPT_UDP_TO},
    {"icmp-timeout", required_argument, NULL, OPT_ICMP_TO},
    {"other-timeout", required_argument, NULL, OPT_OTHER_TO},
    {"linger", required_argument, NULL, OPT_LINGER},
    {"signatures", required_argument, NULL, OPT_SIGS},
    {"no-signatures", no_argument, NULL, OPT_NO_SIGS},
    {"dpi-packets-tcp", required_argument, NULL, OPT_DPI_TCP},
    {"dpi-packets-udp", required_argument, NULL, OPT_DPI_UDP},
    {"no-guess", no_argument, NULL, OPT_NO_GUESS},
    {"geoip", required_argument, NULL, OPT_GEOIP},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"policy", required_argument, NULL, 'p'},
    {"site", required_argument, NULL, OPT_SITE},
    {"report", required_argument, NULL, OPT_REPORT},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"unknown-app", required_argument, NULL, OPT_UNKNOWN_APP},
    {"max-findings", required_argument, NULL, OPT_MAX_FINDINGS},
    {"interface", required_argument, NULL, 'i'},
    {"no-promisc", no_argument, NULL, OPT_NO_PROMISC},
    {"buffer-size", required_argument, NULL, 'B'},
    {"snaplen", required_argument, NULL, 's'},
    {"tstamp-type", required_argument, NULL, OPT_TSTAMP_TYPE},
    {"stats-interval", required_argument, NULL, OPT_STATS_INTERVAL},
    {"flow-update", required_argument, NULL, OPT_FLOW_UPDATE},
    {"user", required_argument, NULL, 'Z'},
    {"tui", no_argument, NULL, OPT_TUI},
    {"speed", required_argument, NULL, OPT_SPEED},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void version(void)
{
	printf("flowaudit %s\n", FLOWAUDIT_VERSION);
	printf("built with nDPI 4.2 API, libpcap, libmaxminddb\n");
}

static int set_timeout(const char *arg, const char *name, uint64_t *out)
{
	uint64_t v;
	if (!parse_u64(arg, 1, 7ULL * 24 * 3600, &v))
		return usage_error("%s takes a whole number of seconds from 1 to 604800", name);
	*out = v * 1000000ULL;
	return 0;
}

/* Returns -1 to go on, or an exit status. */
int cli_parse_args(struct cli *c, int argc, char **argv)
{
	uint64_t v;
	const char *filter_file = NULL;
	int opt;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+r:i:B:s:Z:F:j:p:C:G:qhV", long_opts, NULL)) != -1) {
		int rc = 0;
		switch (opt) {
		case 'r':
			if (!cli_list_add(&c->inputs, optarg))
				return usage_error("too many -r files (at most %d)", MAX_LIST);
			break;
		case 'F': filter_file = optarg; break;
		case 'j': c->eo.json_path = optarg; break;
		case 'q': c->quiet = true; break;
		case OPT_NO_PROGRESS: c->no_progress = true; break;
		case OPT_MAX_FLOWS:
			if (!parse_u64(optarg, 1, 100000000, &v))
				return usage_error(
				    "--max-flows takes a number from 1 to 100000000, not '%s'",
				    optarg);
			c->eo.max_flows = (uint32_t)v;
			break;
		case OPT_TCP_TO:
			rc = set_timeout(optarg, "--tcp-timeout", &c->eo.tcp_timeout_us);
			break;
		case OPT_UDP_TO:
			rc = set_timeout(optarg, "--udp-timeout", &c->eo.udp_timeout_us);
			break;
		case OPT_ICMP_TO:
			rc = set_timeout(optarg, "--icmp-timeout", &c->eo.icmp_timeout_us);
			break;
		case OPT_OTHER_TO:
			rc = set_timeout(optarg, "--other-timeout", &c->eo.other_timeout_us);
			break;
		case OPT_LINGER: rc = set_timeout(optarg, "--linger", &c->eo.linger_us); break;
		case OPT_SIGS:
			if (!cli_list_add(&c->sigs, optarg))
				return usage_error("too many --signatures files (at most %d)",
				                   MAX_LIST);
			break;
		case OPT_NO_SIGS: c->no_signatures = true; break;
		case OPT_DPI_TCP:
			if (!parse_u64(optarg, 1, 10000, &v))
				return usage_error(
				    "--dpi-packets-tcp takes a number from 1 to 10000, not '%s'",
				    optarg);
			c->eo.dpi.max_pkts_tcp = (uint32_t)v;
			break;
		case OPT_DPI_UDP:
			if (!parse_u64(optarg, 1, 10000, &v))
				return usage_error(
				    "--dpi-packets-udp takes a number from 1 to 10000, not '%s'",
				    optarg);
			c->eo.dpi.max_pkts_udp = c->eo.dpi.max_pkts_other = (uint32_t)v;
			break;
		case OPT_NO_GUESS: c->eo.dpi.no_guess = true; break;
		case OPT_GEOIP:
			if (!cli_list_add(&c->geoip, optarg))
				return usage_error("too many --geoip files (at most %d)", MAX_LIST);
			break;
		case OPT_THREADS:
			if (!parse_u64(optarg, 1, 8, &v))
				return usage_error("--threads takes a number from 1 to 8, not '%s'",
				                   optarg);
			c->eo.workers = (unsigned)v;
			break;
		case 'p':
			if (!cli_list_add(&c->policies, optarg))
				return usage_error("too many -p files (at most %d)", MAX_LIST);
			break;
		case OPT_SITE: c->site = optarg; break;
		case OPT_REPORT: c->eo.report_path = optarg; break;
		case OPT_FAIL_ON: {
			enum fa_severity sev;
			if (!fa_severity_parse(optarg, &sev) || sev == FA_SEV_NONE)
				return usage_error("--fail-on takes info, low, medium, high or "
				                   "critical, not '%s'",
				                   optarg);
			c->eo.fail_on = (uint8_t)sev;
			c->fail_on_set = true;
			break;
		}
		case OPT_UNKNOWN_APP:
			if (!cli_parse_unknown_app(optarg, &c->eo.match.unknown_app))
				return usage_error(
				    "--unknown-app takes flag, allow or mismatch, not "
				    "'%s'",
				    optarg);
			break;
		case OPT_MAX_FINDINGS:
			if (!parse_u64(optarg, 1, 10000000, &v))
				return usage_error(
				    "--max-findings takes a number from 1 to 10000000, "
				    "not '%s'",
				    optarg);
			c->eo.max_findings = (uint32_t)v;
			break;
		case 'i':
			if (!cli_list_add(&c->ifaces, optarg))
				return usage_error("too many -i interfaces (at most %d)", MAX_LIST);
			break;
		case OPT_NO_PROMISC: c->eo.live.no_promisc = true; break;
		case 'B':
			if (!parse_u64(optarg, 1, 4194304, &v))
				return usage_error(
				    "-B takes a buffer size in KiB from 1 to 4194304, not '%s'",
				    optarg);
			c->eo.live.buffer_kib = (int)v;
			break;
		case 's':
			if (!parse_u64(optarg, 64, 262144, &v))
				return usage_error(
				    "-s takes a snapshot length from 64 to 262144, not '%s'",
				    optarg);
			c->eo.live.snaplen = (int)v;
			break;
		case OPT_TSTAMP_TYPE: c->eo.live.tstamp_type = optarg; break;
		case 'Z': c->drop_user = optarg; break;
		case 'C':
			if (!parse_size(optarg, &c->eo.json_max_bytes))
				return usage_error(
				    "-C takes a size in bytes from 1000, with k, M or G "
				    "for 10^3, 10^6, 10^9 (100M, not 100), not '%s'",
				    optarg);
			break;
		case 'G': rc = set_timeout(optarg, "-G", &c->eo.json_rotate_us); break;
		case OPT_STATS_INTERVAL:
			rc = set_timeout(optarg, "--stats-interval", &c->eo.stats_every_us);
			break;
		case OPT_FLOW_UPDATE:
			rc = set_timeout(optarg, "--flow-update", &c->eo.flow_update_us);
			break;
		case OPT_TUI: c->tui = true; break;
		case OPT_SPEED:
			if (strcmp(optarg, "max") == 0) {
				c->eo.speed = 0;
			} else {
				char *end;
				double sp = strtod(optarg, &end);
				if (*end || !(sp >= 0.01 && sp <= 1e6))
					return usage_error(
					    "--speed takes a factor from 0.01 to 1000000 or "
					    "'max', not '%s'",
					    optarg);
				c->eo.speed = sp;
			}
			c->speed_set = true;
			break;
		case 'h': usage(stdout); return 0;
		case 'V': version(); return 0;
		case '?':
			if (optopt)
				return usage_error("option -%c is unknown or needs an argument",
				                   optopt);
			return usage_error("option '%s' is unknown or needs an argument",
			                   argv[optind - 1]);
		}
		if (rc)
			return rc;
	}
	if (!c->inputs.n && !c->ifaces.n)
		return usage_error("nothing to read: give -r FILE or -i INTERFACE");
	if (c->inputs.n && c->ifaces.n)
		return usage_error("read either capture files (-r) or interfaces (-i), not both");
	bool json_file = c->eo.json_path && strcmp(c->eo.json_path, "-") != 0;
	if ((c->eo.json_max_bytes || c->eo.json_rotate_us) && !json_file)
		return usage_error("-C and -G rotate the JSON output: give --json FILE");
	if ((c->eo.stats_every_us || c->eo.flow_update_us) && !c->eo.json_path)
		return usage_error("--stats-interval and --flow-update write JSON records: give "
		                   "--json");
	if (c->learn && c->eo.json_path && strcmp(c->eo.json_path, "-") == 0)
		return usage_error(
		    "learn prints draft rules on standard output: give --json a file");
	if (!c->policies.n && !c->learn) {
		if (c->site)
			return usage_error(
			    "--site binds the roles of a policy: give -p POLICY too");
		if (c->eo.report_path)
			return usage_error("--report writes an audit report: give -p POLICY too");
		if (c->fail_on_set)
			return usage_error(
			    "--fail-on judges policy violations: give -p POLICY too");
	}
	if (filter_file) {
		if (optind < argc)
			return usage_error(
			    "give the filter either with -F or as arguments, not both");
		c->bpf = cli_read_filter_file(filter_file);
		if (!c->bpf)
			return usage_error("cannot read filter file '%s'", filter_file);
	} else if (optind < argc) {
		c->bpf = cli_join_args(argc - optind, argv + optind);
		if (!c->bpf)
			return usage_error("out of memory");
	}
	return -1;
}
