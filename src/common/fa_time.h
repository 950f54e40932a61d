/* fa_time.h - timestamps: microseconds since the Unix epoch, printed as
 * RFC 3339 UTC with microseconds ("2026-11-21T19:28:03.123456Z"). */
#ifndef FA_TIME_H
#define FA_TIME_H

#include <stddef.h>
#include <stdint.h>

#define FA_TIME_RFC3339_LEN 28 /* including the terminating NUL */
#define FA_USEC_PER_SEC 1000000ULL

/* Writes at most len bytes including the NUL; returns the length written
 * (27) or 0 when len is too small. */
size_t fa_time_rfc3339(uint64_t ts_us, char *buf, size_t len);

/* Monotonic wall clock in microseconds (for progress and rates, not packets). */
uint64_t fa_time_mono_us(void);

#endif
