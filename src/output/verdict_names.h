/* verdict_names.h - verdict and severity names as the outputs print and
 * order them, without calling the policy stage (the output stage links only
 * the common library). The names are those of fa_verdict_name and
 * fa_severity_name, in the order of enum fa_verdict and enum fa_severity. */
#ifndef FA_VERDICT_NAMES_H
#define FA_VERDICT_NAMES_H

#include <stdbool.h>

#include "policy/policy.h"

/* "info" ... "critical"; NULL for FA_SEV_NONE and out-of-range values. */
const char *fa_out_severity_name(unsigned sev);
/* The enum fa_severity of a name ("high" -> FA_SEV_HIGH), FA_SEV_NONE when
 * s is NULL or unknown. Case-insensitive. */
unsigned fa_out_severity_index(const char *s);
/* The enum fa_verdict of a name, FA_V_NONE when s is NULL or unknown. */
unsigned fa_out_verdict_index(const char *s);
/* Name of enum fa_verdict v, "" for FA_V_NONE and out-of-range values. */
const char *fa_out_verdict_name(unsigned v);
/* Verdicts that are problems: everything but none, allowed and out-of-scope. */
bool fa_out_verdict_is_violation(unsigned v);

#endif
