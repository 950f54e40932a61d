/* tui_demo.c - runs the dashboard on made-up snapshots (findings of every
 * severity, rules some of which are unused, flows, applications, talkers),
 * one every 200 ms, so the screen can be tried and tested without traffic.
 *   tui_demo [--finish-after N] [--color|--no-color]
 * With --finish-after, the Nth snapshot says the replay has ended and the
 * demo waits for q, as the engine does at the end of a file. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/verdict_names.h"
#include "tui/tui.h"

#define SEC 1000000ull
#define BASE_US (1795000000ull * SEC) /* 2026-11-18, any fixed day will do */

struct fake_finding {
	const char *verdict;
	unsigned sev;
	const char *init, *resp;
	bool init_role, resp_role;
	const char *proto;
	unsigned port;
	const char *app, *rule, *why, *fix;
};

static const struct fake_finding findings[] = {
    {"denied", FA_SEV_CRITICAL, "guest-wifi", "ovoc-servers", true, true, "tcp", 22, "SSH",
     "ssh-exposed", "denied by rule ssh-exposed", "investigate: traffic the document forbids"},
    {"app-mismatch", FA_SEV_HIGH, "aspenuc-clients", "aspenuc-platform-servers", true, true, "tcp",
     443, "HTTP", "aspenuc-tls", "rule aspenuc-tls expects app TLS on tcp/443; saw HTTP",
     "add app HTTP to rule aspenuc-tls, or investigate: HTTP is not what the document allows on "
     "this port"},
    {"wrong-direction", FA_SEV_HIGH, "device-manager", "endpoints", true, true, "tcp", 443, "TLS",
     "dm-https",
     "only the reverse is documented: rule dm-https endpoints -> device-manager tcp/443",
     "make rule dm-https bidirectional (<->) or add the reverse rule"},
    {"undocumented", FA_SEV_MEDIUM, "10.1.2.3", "ovoc-servers", false, true, "udp", 162, "SNMP",
     "ovoc-trap",
     "rule ovoc-trap expects udp/162 from role devices; initiator 10.1.2.3 is in no role",
     "add 10.1.2.3 to role devices if it is one"},
    {"undocumented", FA_SEV_MEDIUM, "endpoints", "198.51.100.77", true, false, "tcp", 8080, "HTTP",
     NULL, "no rule covers tcp/8080 from endpoints", "add a rule, or investigate"},
    {"app-unknown", FA_SEV_LOW, "sbc-media", "endpoints", true, true, "udp", 5004, "Unknown",
     "rtp-media", "rule rtp-media expects app RTP on udp/5004; nDPI could not name the payload",
     "check the traffic; --unknown-app allow trusts the port"},
    {"app-unknown", FA_SEV_INFO, "ntp-clients", "ntp-servers", true, true, "udp", 123, "Unknown",
     "ntp-sync", "rule ntp-sync expects app NTP on udp/123; nDPI only guessed from the port",
     "nothing to do if the peers are NTP servers"},
};

struct fake_rule {
	const char *id, *src, *dst, *service, *apps;
	bool deny;
	unsigned weight; /* 0: unused */
};

static const struct fake_rule rules[] = {
    {"dm-https", "endpoints", "device-manager", "tcp/443", "TLS", false, 40},
    {"aspenuc-tls", "aspenuc-clients", "aspenuc-platform-servers", "tcp/443", "TLS", false, 25},
    {"ovoc-trap", "devices", "ovoc-servers", "udp/162", "SNMP", false, 9},
    {"rtp-media", "sbc-media", "endpoints", "udp/5004-5100", "RTP", false, 30},
    {"ntp-sync", "ntp-clients", "ntp-servers", "udp/123", "NTP", false, 3},
    {"dns-lookups", "any", "dns-servers", "udp/53", "DNS", false, 55},
    {"snmp-legacy-poll", "ovoc-servers", "devices", "udp/161", "SNMP", false, 0},
    {"ldap-directory", "device-manager", "ldap-servers", "tcp/636", "LDAP TLS", false, 0},
    {"ssh-exposed", "any", "ovoc-servers", "tcp/22", "", true, 1},
    {"ftp-old-backup", "any", "ovoc-servers", "tcp/21", "", true, 0},
};

static const char *const apps[] = {"TLS", "DNS", "HTTP", "RTP", "SNMP", "SSH", "NTP", "Unknown"};

static struct fa_addr v4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	struct fa_addr x = {.ver = 4};
	x.b[0] = (uint8_t)a;
	x.b[1] = (uint8_t)b;
	x.b[2] = (uint8_t)c;
	x.b[3] = (uint8_t)d;
	return x;
}

static void fill_findings(struct fa_snapshot *s, uint64_t tick, uint64_t now)
{
	size_t n = sizeof(findings) / sizeof(findings[0]);
	s->findings = fa_snapshot_alloc(s, n * sizeof(*s->findings));
	for (size_t i = 0; i < n; i++) {
		const struct fake_finding *f = &findings[i];
		struct fa_snap_finding *o = &s->findings[i];
		o->verdict = fa_snapshot_str(s, f->verdict);
		o->severity = fa_snapshot_str(s, fa_out_severity_name(f->sev));
		o->severity_id = (uint8_t)f->sev;
		o->initiator = fa_snapshot_str(s, f->init);
		o->responder = fa_snapshot_str(s, f->resp);
		o->initiator_is_role = f->init_role;
		o->responder_is_role = f->resp_role;
		o->proto = fa_snapshot_str(s, f->proto);
		o->port = (uint16_t)f->port;
		o->app = fa_snapshot_str(s, f->app);
		o->flows = 1 + i * 3 + tick / (i + 1);
		o->bytes = o->flows * (900 + 4000 * i);
		o->first_us = BASE_US + i * SEC;
		o->last_us = now - (i * 7 % 5) * SEC;
		o->rule = fa_snapshot_str(s, f->rule);
		o->why = fa_snapshot_str(s, f->why);
		o->fix = fa_snapshot_str(s, f->fix);
		o->ex_src = v4(10, 1, 2, (unsigned)(3 + i));
		o->ex_dst = v4(198, 51, 100, (unsigned)(10 + i));
		o->ex_sport = (uint16_t)(40000 + i);
		o->ex_dport = (uint16_t)f->port;
	}
	s->nfindings = n;
}

static void fill_rules(struct fa_snapshot *s, uint64_t tick, uint64_t now)
{
	size_t n = sizeof(rules) / sizeof(rules[0]);
	s->rules = fa_snapshot_alloc(s, n * sizeof(*s->rules));
	for (size_t i = 0; i < n; i++) {
		const struct fake_rule *r = &rules[i];
		struct fa_snap_rule *o = &s->rules[i];
		o->id = fa_snapshot_str(s, r->id);
		o->policy = fa_snapshot_str(s, "Device Manager and OVOC (vendor tables)");
		o->src_role = fa_snapshot_str(s, r->src);
		o->dst_role = fa_snapshot_str(s, r->dst);
		o->service = fa_snapshot_str(s, r->service);
		o->apps = fa_snapshot_str(s, r->apps);
		o->deny = r->deny;
		o->unused = r->weight == 0;
		o->flows = r->weight * (tick + 1);
		o->bytes = o->flows * 2300;
		o->last_us = r->weight ? now - (i % 4) * SEC : 0;
	}
	s->nrules = n;
}

static void fill_flows(struct fa_snapshot *s, uint64_t tick, uint64_t now)
{
	size_t n = 40;
	s->flows = fa_snapshot_alloc(s, n * sizeof(*s->flows));
	for (size_t i = 0; i < n; i++) {
		struct fa_snap_flow *o = &s->flows[i];
		bool udp = i % 3 == 1;
		o->proto = fa_snapshot_str(s, udp ? "udp" : "tcp");
		o->src = v4(192, 0, 2, (unsigned)(10 + i % 7));
		o->dst = v4(198, 51, 100, (unsigned)(20 + i));
		if (i == 5) { /* one IPv6 flow, long enough to be cut in the middle */
			fa_addr_parse("2001:db8:4a1c:100::2f:10", &o->src);
			fa_addr_parse("2001:db8:77:1::443", &o->dst);
		}
		o->sport = (uint16_t)(40000 + i * 17);
		o->dport = (uint16_t)(udp ? 53 : i % 3 == 2 ? 8080 : 443);
		o->app = fa_snapshot_str(s, apps[i % (sizeof(apps) / sizeof(apps[0]))]);
		unsigned sev = i % 4 == 0 ? FA_SEV_MEDIUM : i % 9 == 0 ? FA_SEV_HIGH : FA_SEV_NONE;
		o->verdict = fa_snapshot_str(s, sev ? "undocumented" : "allowed");
		o->severity = sev ? fa_snapshot_str(s, fa_out_severity_name(sev)) : NULL;
		o->severity_id = (uint8_t)sev;
		o->src_role = fa_snapshot_str(s, "endpoints");
		o->dst_role = fa_snapshot_str(s, sev ? NULL : "device-manager");
		o->rule = fa_snapshot_str(s, sev ? NULL : "dm-https");
		o->why =
		    sev ? fa_snapshot_str(s, "no rule covers this service from endpoints") : NULL;
		o->pkts = (n - i) * 10 + tick;
		o->bytes = o->pkts * 700;
		o->first_us = now - (60 + i) * SEC;
		o->last_us = now - (i % 5) * SEC;
		o->ended = i >= 32;
	}
	s->nflows = n;
}

static void fill_counts(struct fa_snapshot *s, uint64_t tick)
{
	size_t n = sizeof(apps) / sizeof(apps[0]);
	s->apps = fa_snapshot_alloc(s, n * sizeof(*s->apps));
	for (size_t i = 0; i < n; i++)
		s->apps[i] =
		    (struct fa_snap_count){fa_snapshot_str(s, apps[i]), (n - i) * 20 + tick,
		                           (n - i) * 150000 + tick * 1000};
	s->napps = n;
	s->talkers = fa_snapshot_alloc(s, 6 * sizeof(*s->talkers));
	static const char *const who[] = {"198.51.100.20", "192.0.2.10", "2001:db8:4a1c:100::2f:10",
	                                  "203.0.113.7",   "192.0.2.11", "10.1.2.3"};
	for (size_t i = 0; i < 6; i++)
		s->talkers[i] = (struct fa_snap_count){fa_snapshot_str(s, who[i]), 30 - i * 4,
		                                       (6 - i) * 2400000 + tick * 5000};
	s->ntalkers = 6;
}

static struct fa_snapshot *make(uint64_t tick, bool done)
{
	struct fa_snapshot *s = fa_snapshot_new();
	if (!s)
		return NULL;
	uint64_t now = BASE_US + 120 * SEC + tick * SEC / 5;
	s->seq = tick + 1;
	s->source = fa_snapshot_str(s, "lab-capture.pcap");
	s->policy = fa_snapshot_str(s, "device-manager");
	s->elapsed_us = tick * SEC / 5;
	s->packet_time_us = now;
	s->packets = 1000 + tick * 2345;
	s->bytes = s->packets * 700;
	s->pps = 11725.0 + (double)(tick % 10);
	s->bps = s->pps * 700 * 8;
	s->flows_active = 32;
	s->flows_ended = 100 + tick;
	s->kernel_drops = 0;
	s->decode_errors = 3;
	s->input_done = done;
	s->by_verdict[FA_V_ALLOWED] = 1200 + tick;
	s->by_verdict[FA_V_UNDOCUMENTED] = 14;
	s->by_verdict[FA_V_WRONG_DIRECTION] = 2;
	s->by_verdict[FA_V_DENIED] = 1;
	fill_findings(s, tick, now);
	fill_rules(s, tick, now);
	fill_flows(s, tick, now);
	fill_counts(s, tick);
	return s;
}

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

int main(int argc, char **argv)
{
	struct fa_tui_opts o = {.quit = &quit, .color = -1, .refresh_ms = 250};
	unsigned long finish_after = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--finish-after") && i + 1 < argc)
			finish_after = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--color"))
			o.color = 1;
		else if (!strcmp(argv[i], "--no-color"))
			o.color = 0;
		else {
			fprintf(stderr,
			        "usage: tui_demo [--finish-after N] [--color|--no-color]\n");
			return 2;
		}
	}
	struct fa_snapshot_box box;
	if (fa_snapshot_box_init(&box))
		return 1;
	o.box = &box;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	char err[256];
	struct fa_tui *tui;
	if (fa_tui_start(&tui, &o, err, sizeof(err))) {
		fprintf(stderr, "tui_demo: %s\n", err);
		fa_snapshot_box_destroy(&box);
		return 1;
	}
	struct timespec period = {0, 200 * 1000 * 1000};
	for (uint64_t tick = 0; !quit; tick++) {
		bool done = finish_after && tick + 1 >= finish_after;
		struct fa_snapshot *s = make(tick, done);
		if (s)
			fa_snapshot_box_put(&box, s);
		if (done) {
			fa_tui_wait(tui); /* the last view stays until q */
			break;
		}
		nanosleep(&period, NULL);
	}
	fa_tui_stop(&tui);
	fa_snapshot_box_destroy(&box);
	return 0;
}
