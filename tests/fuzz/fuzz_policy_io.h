/* fuzz_policy_io.h - what the policy and site fuzz targets share: the input
 * as a file the loader can open, an application-name checker standing in
 * for nDPI's list, and a load that must be all or nothing. */
#ifndef FA_FUZZ_POLICY_IO_H
#define FA_FUZZ_POLICY_IO_H

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fa_error.h"
#include "policy/policy.h"

struct fuzz_file {
	char path[PATH_MAX];
};

/* The loader reads files by name, so the input is written to a file of its
 * own in a private directory on tmpfs (/dev/shm when there is one). Not a
 * memfd named through /proc/self/fd: a relative include would then resolve
 * there, and `include "1"` read the fuzzer's own, ever-growing log. */
static char fuzz_dir[PATH_MAX];

static inline void fuzz_dir_remove(void)
{
	char p[PATH_MAX + 16];
	snprintf(p, sizeof(p), "%s/input", fuzz_dir);
	unlink(p);
	rmdir(fuzz_dir);
}

static inline int fuzz_file_open(struct fuzz_file *f, const uint8_t *data, size_t size)
{
	if (!fuzz_dir[0]) {
		const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
		snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/flowaudit-fuzz-XXXXXX", base);
		if (!mkdtemp(fuzz_dir)) {
			fuzz_dir[0] = '\0';
			return -1;
		}
		atexit(fuzz_dir_remove);
	}
	snprintf(f->path, sizeof(f->path), "%s/input", fuzz_dir);
	int fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	close(fd);
	return 0;
}

/* An "include" of /proc/self/fd/0 or /dev/stdin must not wait for a
 * terminal: standard input is made empty once, at start. */
static inline void fuzz_stdin_empty(void)
{
	int fd = open("/dev/null", O_RDONLY);
	if (fd >= 0 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
}

static inline void fuzz_file_close(struct fuzz_file *f)
{
	(void)f; /* the next input overwrites it; fuzz_dir_remove at exit */
}

/* A name is known when it looks like one of nDPI's ("TLS", "Google.Meet",
 * "ICMPV6"), so rules using plausible names get past validation to the
 * matcher while odd ones reach the "did you mean" path. */
static inline bool fuzz_app_known(const char *name, char *canonical, size_t len, void *ctx)
{
	(void)ctx;
	size_t n = strlen(name);
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return false;
	}
	if (canonical && len)
		snprintf(canonical, len, "%s", name);
	return true;
}

static inline void fuzz_app_foreach(void (*fn)(const char *name, void *fctx), void *fctx, void *ctx)
{
	static const char *const names[] = {"DNS", "TLS",  "HTTP",   "SSH",    "NTP", "SNMP", "SIP",
	                                    "RTP", "ICMP", "ICMPV6", "Syslog", "Git", "LDAP"};
	(void)ctx;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		fn(names[i], fctx);
}

static inline void fuzz_check(int ok)
{
	if (!ok)
		abort();
}

/* Loads, and on success matches a few flows and prints the rules, so what
 * a strange but valid policy builds is exercised too. Diagnostics go to a
 * memory stream that is thrown away. */
static inline void fuzz_policy_run(const char *const *policies, size_t npolicies, const char *site,
                                   bool allow_unbound)
{
	char *diag_buf = NULL;
	size_t diag_len = 0;
	FILE *diag = open_memstream(&diag_buf, &diag_len);
	if (!diag)
		return;
	struct fa_app_names apps = {fuzz_app_known, fuzz_app_foreach, NULL};
	struct fa_policy_load_opts o = {
	    .policy_files = policies,
	    .npolicy_files = npolicies,
	    .site_file = site,
	    .apps = &apps,
	    .allow_unbound = allow_unbound,
	    .diag = diag,
	};
	struct fa_policy_set *set = NULL;
	unsigned nwarn = 0;
	int rc = fa_policy_load(&set, &o, &nwarn);
	fuzz_check((rc == FA_OK) == (set != NULL)); /* all or nothing */
	if (set) {
		static const char *const addrs[] = {"192.0.2.10",     "192.0.2.20", "10.1.2.3",
		                                    "2001:db8:1::10", "ff02::1",    "8.8.8.8"};
		static const uint8_t protos[] = {6, 17, 1, 58, 132};
		static const char *const apps_seen[] = {"TLS", "DNS", "Unknown", NULL};
		struct fa_match_opts mo = {FA_UNKNOWN_APP_FLAG};
		for (size_t i = 0; i < 12; i++) {
			struct fa_policy_flow fl = {
			    .proto = protos[i % 5],
			    .sport = (uint16_t)(40000 + i),
			    .dport = (uint16_t)(i & 1 ? 443 : 53),
			    .app = apps_seen[i % 4],
			    .app_guessed = i % 3 == 0,
			    .dst_names = {"app.example.com", NULL},
			    .dst_asn = 64496,
			    .dst_country = "FR",
			};
			fuzz_check(fa_addr_parse(addrs[i % 6], &fl.src));
			fuzz_check(fa_addr_parse(addrs[(i + 1) % 6], &fl.dst));
			mo.unknown_app = (enum fa_unknown_app_mode)(i % 3);
			struct fa_policy_verdict v;
			fa_policy_match(set, &mo, &fl, &v);
			fuzz_check(v.verdict < FA_V__COUNT && v.severity < FA_SEV__COUNT);
			fuzz_check(v.rule < 0 || (size_t)v.rule < set->nrules);
			fuzz_check(strnlen(v.why, sizeof(v.why)) < sizeof(v.why));
		}
		fa_policy_show(set, diag);
		fa_policy_free(&set);
		fuzz_check(set == NULL);
	}
	fclose(diag);
	free(diag_buf);
}

#endif
