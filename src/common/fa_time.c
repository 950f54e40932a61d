/* fa_time.c - timestamp formatting and the monotonic clock. */
#include "fa_time.h"

#include <string.h>
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
	int year = tm.tm_year + 1900;
	if (year < 0 || year > 9999)
		return 0;
	/* Fixed-width fields written by hand: this runs twice per flow record
	 * and snprintf dominated the cost of a record. */
	static const struct {
		uint8_t pos, width;
	} fields[] = {{0, 4}, {5, 2}, {8, 2}, {11, 2}, {14, 2}, {17, 2}, {20, 6}};
	unsigned vals[] = {(unsigned)year,
	                   (unsigned)tm.tm_mon + 1,
	                   (unsigned)tm.tm_mday,
	                   (unsigned)tm.tm_hour,
	                   (unsigned)tm.tm_min,
	                   (unsigned)tm.tm_sec,
	                   usec};
	memcpy(buf, "0000-00-00T00:00:00.000000Z", FA_TIME_RFC3339_LEN);
	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		unsigned v = vals[f];
		for (int i = fields[f].pos + fields[f].width - 1; i >= fields[f].pos; i--) {
			buf[i] = (char)('0' + v % 10);
			v /= 10;
		}
	}
	return FA_TIME_RFC3339_LEN - 1;
}

uint64_t fa_time_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * FA_USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
}
