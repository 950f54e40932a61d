/* policy_iset.h - sets of address intervals, the arithmetic under the
 * role index: addresses as 128-bit numbers, intervals sorted and merged,
 * one set per family. Private to the policy stage. */
#ifndef FA_POLICY_ISET_H
#define FA_POLICY_ISET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy_match_int.h"

struct fa_ival {
	struct fa_k128 lo, hi;
};

struct fa_iset {
	struct fa_ival *v;
	size_t n, cap;
};

struct fa_aset {
	struct fa_iset f[2]; /* IPv4, IPv6 */
};

extern const struct fa_k128 fa_fam_max[2]; /* per family: its last address */

int fa_k_cmp(struct fa_k128 a, struct fa_k128 b);
struct fa_k128 fa_k_inc(struct fa_k128 a);
struct fa_k128 fa_k_dec(struct fa_k128 a);
struct fa_k128 fa_k_of(const uint8_t *b, int fam);
/* 0 for IPv4, 1 for IPv6, -1 unset. */
int fa_fam_of(const struct fa_addr *a);
/* The block addr/prefix as lo..hi; prefix is clamped to the family width. */
struct fa_ival fa_net_ival(const uint8_t *b, int fam, unsigned prefix);
int fa_iset_push(struct fa_iset *s, struct fa_k128 lo, struct fa_k128 hi);
int fa_iset_push_all(struct fa_iset *s, const struct fa_iset *from);
/* Sorts and merges overlapping or touching intervals. */
void fa_iset_norm(struct fa_iset *s, int fam);
/* a -= b, both normalised. */
int fa_iset_sub(struct fa_iset *a, const struct fa_iset *b);

#endif
