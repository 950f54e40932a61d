/* audit.h - from verdicts to what an auditor reads: findings and coverage.
 *
 * A struct fa_audit collects every ended flow with its verdict. Flows that
 * are not allowed (and in scope) are aggregated into findings keyed by
 * verdict, initiator (its role, else its address), responder (role, else
 * address), protocol, responder port and application, so a week of retries
 * is one finding with a count, not a million lines. Allowed flows count
 * towards the coverage of the rule that allowed them; rules no flow used
 * are reported unused. fa_audit_learn drafts rules, in the policy language,
 * that would document the undocumented findings.
 *
 * Not thread-safe: the engine calls it under its output lock. Memory is
 * bounded: at most max_findings findings are kept (the rest are counted in
 * an overflow finding per verdict). */
#ifndef FA_AUDIT_H
#define FA_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/fa_addr.h"
#include "policy/policy.h"

struct fa_audit_flow {
	uint8_t proto;
	struct fa_addr src, dst; /* src = initiator */
	uint16_t sport, dport;
	const char *app; /* nDPI name */
	uint64_t pkts, bytes; /* both directions */
	uint64_t ts_first_us, ts_last_us;
	const struct fa_policy_verdict *v;
};

/* One aggregated finding, as written in a "finding" record and the report.
 * Strings are owned by the audit and valid until fa_audit_free. Past
 * max_findings, a verdict's overflow finding has initiator, responder and
 * app "(other)", proto "any", port 0 and no rule. */
struct fa_finding {
	const char *verdict, *severity;
	uint8_t verdict_id, severity_id;
	const char *policy;     /* of the nearest rule, or NULL */
	const char *initiator;  /* role name, or the address as text */
	bool initiator_is_role;
	const char *responder;
	bool responder_is_role;
	const char *proto;      /* "tcp", ... */
	uint16_t port;          /* responder port */
	const char *app;
	uint64_t flows, pkts, bytes;
	uint64_t first_us, last_us;
	const char *rule;       /* nearest or matched rule id, or NULL */
	const char *why;        /* why, for the example flow */
	const char *fix;        /* what to add or change, in the policy language */
	struct fa_addr ex_src, ex_dst; /* the first flow seen */
	uint16_t ex_sport, ex_dport;
	uint64_t ex_ts_us;
};

/* Coverage of one rule, as written in a "rule" record and the report. */
struct fa_rule_coverage {
	const char *id, *policy;
	const char *src_role, *dst_role; /* "any" for any */
	const char *service;   /* normalised: "udp/162", "tcp/5060-5061,udp/5060" */
	const char *apps;      /* "SIP,RTP" or "" */
	const char *ref, *purpose; /* or NULL */
	uint32_t flags;        /* enum fa_rule_flags */
	uint8_t severity_id;
	uint64_t flows, pkts, bytes;
	uint64_t first_us, last_us; /* 0 when unused */
	uint64_t initiators, responders; /* distinct addresses (exact up to
					  * FA_AUDIT_DISTINCT_MAX, then capped) */
	bool unused;
};

#define FA_AUDIT_DISTINCT_MAX 65536

struct fa_audit_counts {
	uint64_t flows;
	uint64_t by_verdict[FA_V__COUNT];
	uint64_t by_severity[FA_SEV__COUNT]; /* non-allowed, in-scope flows */
	uint64_t findings, rules, rules_unused;
};

struct fa_audit;

/* set (may be NULL) must outlive the audit; max_findings 0 = 10,000. */
int fa_audit_new(struct fa_audit **out, const struct fa_policy_set *set, uint32_t max_findings);
void fa_audit_free(struct fa_audit **a);

void fa_audit_flow(struct fa_audit *a, const struct fa_audit_flow *f);

/* Findings, worst severity first then newest; then every rule in policy
 * order. Either callback may be NULL. */
void fa_audit_emit(struct fa_audit *a, void (*finding)(const struct fa_finding *, void *),
		   void (*rule)(const struct fa_rule_coverage *, void *), void *ctx);

void fa_audit_counts(const struct fa_audit *a, struct fa_audit_counts *out);

/* True when a non-allowed, in-scope flow at or above `fail_on` was seen. */
bool fa_audit_failed(const struct fa_audit *a, enum fa_severity fail_on);

/* Writes draft rules in the policy language for the undocumented findings,
 * grouped by service (protocol, port, application) and by role or subnet
 * (/24 for IPv4, /64 for IPv6) of each side, each commented with its
 * evidence (flows, bytes, first and last seen, example). */
void fa_audit_learn(const struct fa_audit *a, FILE *fp);

#endif
