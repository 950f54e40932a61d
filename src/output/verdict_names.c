/* verdict_names.c - the verdict and severity name tables of the outputs. */
#include "verdict_names.h"

#include <stddef.h>
#include <strings.h>

static const char *const verdict_names[FA_V__COUNT] = {
    [FA_V_NONE] = "",
    [FA_V_ALLOWED] = "allowed",
    [FA_V_APP_MISMATCH] = "app-mismatch",
    [FA_V_APP_UNKNOWN] = "app-unknown",
    [FA_V_WRONG_DIRECTION] = "wrong-direction",
    [FA_V_DENIED] = "denied",
    [FA_V_UNDOCUMENTED] = "undocumented",
    [FA_V_OUT_OF_SCOPE] = "out-of-scope",
};

static const char *const severity_names[FA_SEV__COUNT] = {
    [FA_SEV_NONE] = NULL,       [FA_SEV_INFO] = "info", [FA_SEV_LOW] = "low",
    [FA_SEV_MEDIUM] = "medium", [FA_SEV_HIGH] = "high", [FA_SEV_CRITICAL] = "critical",
};

const char *fa_out_severity_name(unsigned sev)
{
	return sev < FA_SEV__COUNT ? severity_names[sev] : NULL;
}

unsigned fa_out_severity_index(const char *s)
{
	if (!s)
		return FA_SEV_NONE;
	for (unsigned i = FA_SEV_INFO; i < FA_SEV__COUNT; i++) {
		if (strcasecmp(s, severity_names[i]) == 0)
			return i;
	}
	return FA_SEV_NONE;
}

unsigned fa_out_verdict_index(const char *s)
{
	if (!s || !s[0])
		return FA_V_NONE;
	for (unsigned i = FA_V_ALLOWED; i < FA_V__COUNT; i++) {
		if (strcasecmp(s, verdict_names[i]) == 0)
			return i;
	}
	return FA_V_NONE;
}

const char *fa_out_verdict_name(unsigned v)
{
	return v < FA_V__COUNT ? verdict_names[v] : "";
}

bool fa_out_verdict_is_violation(unsigned v)
{
	return v != FA_V_NONE && v != FA_V_ALLOWED && v != FA_V_OUT_OF_SCOPE && v < FA_V__COUNT;
}
