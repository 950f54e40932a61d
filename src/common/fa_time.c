/* fa_time.c - timestamp formatting and the monotonic clock. */
#include "fa_time.h"

#include <stdio.h>
#include <time.h>

size_t fa_time_rfc3339(uint64_t ts_us, char *buf, size_t len)
{
	if (len < FA_TIME_RFC3339_LEN)
		return 0;
	time_t secs = (time_t)(ts_us / FA_USEC_PER_SEC);
	unsigned usec = (unsigned)(ts_us % FA_USEC_PER_SEC);
	struct tm tm;
	if (!gmtime_r(&secs, &tm))
		return 0;
	int n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
	return (n > 0 && (size_t)n < len) ? (size_t)n : 0;
}

uint64_t fa_time_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * FA_USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
}
