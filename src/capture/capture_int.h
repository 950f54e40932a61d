/* capture_int.h - private to the capture stage: the handle shared by the
 * file source and the live source. */
#ifndef FA_CAPTURE_INT_H
#define FA_CAPTURE_INT_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>

struct fa_capture {
	pcap_t *pcap;
	char *name;
	uint64_t size; /* a file's size; 0 when unknown or live */
	bool live;
	char err[PCAP_ERRBUF_SIZE + 256];
};

#endif
