/* capture.h - where frames come from: a capture file (pcap or pcapng, or
 * "-" for standard input) read with libpcap, optionally filtered by a BPF
 * expression. One struct fa_capture is one open source; the engine reads
 * several files one after another.
 *
 * Setup errors are written to a caller-supplied buffer (there is no handle
 * yet); read errors are kept in the handle (fa_capture_error). */
#ifndef FA_CAPTURE_H
#define FA_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fa_frame {
	uint64_t ts_us;
	uint32_t caplen;     /* bytes captured (available at data) */
	uint32_t wire_len;   /* length on the wire */
	const uint8_t *data; /* valid until the next fa_capture_next call */
};

struct fa_capture;

/* fa_capture_next's answer for a live source when no frame arrived within
 * its timeout (poll fa_capture_fd, then ask again). */
#define FA_CAPTURE_NONE 2

/* Live capture settings, as tcpdump's options. */
struct fa_live_opts {
	int snaplen;            /* 0 = 262144 */
	bool no_promisc;        /* -p: do not put the interface in promiscuous mode */
	int buffer_kib;         /* -B: kernel buffer in KiB; 0 = libpcap's default */
	const char *tstamp_type; /* -j: e.g. "adapter", "host"; NULL = default */
};

/* Opens a capture file; bpf may be NULL or "" for no filter. */
int fa_capture_open_file(struct fa_capture **out, const char *path, const char *bpf, char *errbuf,
                         size_t errlen);
void fa_capture_close(struct fa_capture **cap);

/* Opens an interface ("any" for all) for live capture with libpcap's
 * create / set options / activate; non-blocking, immediate delivery.
 * Warnings from activation (e.g. promiscuous mode not supported) are
 * written to errbuf with a return of FA_OK. */
int fa_capture_open_live(struct fa_capture **out, const char *iface, const struct fa_live_opts *lo,
                         const char *bpf, char *errbuf, size_t errlen);
bool fa_capture_is_live(const struct fa_capture *cap);
/* A descriptor to poll for readability (live), or -1. */
int fa_capture_fd(const struct fa_capture *cap);

struct fa_capture_stats {
	uint64_t received, dropped, if_dropped; /* pcap_stats: ps_recv, ps_drop, ps_ifdrop */
};
/* Kernel counters of a live capture; false when unavailable. */
bool fa_capture_stats(struct fa_capture *cap, struct fa_capture_stats *out);

/* 1: a frame in *f; 0: end of input; FA_CAPTURE_NONE (live): nothing yet;
 * negative: a read error, message in
 * fa_capture_error() (e.g. a file cut mid-record). Frames before the error
 * have been delivered. */
int fa_capture_next(struct fa_capture *cap, struct fa_frame *f);

int fa_capture_linktype(const struct fa_capture *cap); /* DLT_ value */
const char *fa_capture_linktype_name(const struct fa_capture *cap);
const char *fa_capture_name(const struct fa_capture *cap);
const char *fa_capture_error(const struct fa_capture *cap);
bool fa_capture_failed(const struct fa_capture *cap); /* a read error ended it */

/* Checks a filter expression's syntax (as for Ethernet) before anything
 * is opened, so a typo fails at once; errbuf gets libpcap's message. */
int fa_capture_check_filter(const char *bpf, char *errbuf, size_t errlen);
uint32_t fa_capture_snaplen(const struct fa_capture *cap);

/* Bytes read so far and the file size, for a progress bar; false when the
 * size is unknown (a pipe). */
bool fa_capture_progress(const struct fa_capture *cap, uint64_t *done, uint64_t *total);

#endif
