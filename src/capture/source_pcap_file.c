/* source_pcap_file.c - capture files (pcap, pcapng, stdin) through libpcap. */
#include "capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture_int.h"
#include "common/fa_error.h"

#define READ_BUFFER (1u << 20)

int fa_capture_open_file(struct fa_capture **out, const char *path, const char *bpf, char *errbuf,
                         size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	*out = NULL;
	struct fa_capture *c = calloc(1, sizeof(*c));
	if (!c || !(c->name = strdup(path))) {
		snprintf(errbuf, errlen, "%s: out of memory", path);
		free(c);
		return FA_ERR_NOMEM;
	}
	/* We open the file ourselves to give it a large stdio buffer: libpcap
	 * reads each record with two small freads. */
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!fp) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		fa_capture_close(&c);
		return FA_ERR_IO;
	}
	setvbuf(fp, NULL, _IOFBF, READ_BUFFER);
	/* Microsecond timestamps whatever the file holds (nanosecond pcap,
	 * pcapng with any resolution): libpcap converts. It owns fp from here. */
	c->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (!c->pcap) {
		snprintf(errbuf, errlen, "%s: %s", path, perr);
		if (fp != stdin)
			fclose(fp);
		fa_capture_close(&c);
		return FA_ERR_CAPTURE;
	}
	struct stat st;
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
		c->size = (uint64_t)st.st_size;

	if (bpf && *bpf) {
		struct bpf_program prog;
		if (pcap_compile(c->pcap, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			snprintf(errbuf, errlen, "invalid filter expression '%s': %s", bpf,
			         pcap_geterr(c->pcap));
			fa_capture_close(&c);
			return FA_ERR_USAGE;
		}
		int rc = pcap_setfilter(c->pcap, &prog);
		pcap_freecode(&prog);
		if (rc != 0) {
			snprintf(errbuf, errlen, "%s: cannot set filter: %s", path,
			         pcap_geterr(c->pcap));
			fa_capture_close(&c);
			return FA_ERR_CAPTURE;
		}
	}
	*out = c;
	return FA_OK;
}

void fa_capture_close(struct fa_capture **cap)
{
	if (!cap || !*cap)
		return;
	if ((*cap)->pcap)
		pcap_close((*cap)->pcap);
	free((*cap)->name);
	free(*cap);
	*cap = NULL;
}

int fa_capture_next(struct fa_capture *cap, struct fa_frame *f)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = pcap_next_ex(cap->pcap, &h, &data);
	if (rc == 1) {
		f->ts_us = (uint64_t)h->ts.tv_sec * 1000000ULL + (uint64_t)h->ts.tv_usec;
		f->caplen = h->caplen;
		f->wire_len = h->len;
		f->data = data;
		return 1;
	}
	if (rc == 0 && cap->live)
		return FA_CAPTURE_NONE; /* nothing arrived within the timeout */
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	snprintf(cap->err, sizeof(cap->err), "%s: %s", cap->name, pcap_geterr(cap->pcap));
	return FA_ERR_CAPTURE;
}

int fa_capture_linktype(const struct fa_capture *cap)
{
	return pcap_datalink(cap->pcap);
}

const char *fa_capture_linktype_name(const struct fa_capture *cap)
{
	const char *n = pcap_datalink_val_to_name(pcap_datalink(cap->pcap));
	return n ? n : "unknown";
}

const char *fa_capture_name(const struct fa_capture *cap)
{
	return cap->name;
}

const char *fa_capture_error(const struct fa_capture *cap)
{
	return cap->err[0] ? cap->err : "no error";
}

bool fa_capture_failed(const struct fa_capture *cap)
{
	return cap->err[0] != '\0';
}

int fa_capture_check_filter(const char *bpf, char *errbuf, size_t errlen)
{
	if (!bpf || !*bpf)
		return FA_OK;
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	if (!dead) {
		snprintf(errbuf, errlen, "cannot check the filter: out of memory");
		return FA_ERR_NOMEM;
	}
	struct bpf_program prog;
	int rc = FA_OK;
	if (pcap_compile(dead, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(errbuf, errlen, "invalid filter expression '%s': %s", bpf,
		         pcap_geterr(dead));
		rc = FA_ERR_USAGE;
	} else {
		pcap_freecode(&prog);
	}
	pcap_close(dead);
	return rc;
}

uint32_t fa_capture_snaplen(const struct fa_capture *cap)
{
	return (uint32_t)pcap_snapshot(cap->pcap);
}

bool fa_capture_progress(const struct fa_capture *cap, uint64_t *done, uint64_t *total)
{
	if (!cap->size)
		return false;
	FILE *fp = pcap_file(cap->pcap);
	if (!fp)
		return false;
	off_t pos = ftello(fp);
	if (pos < 0)
		return false;
	*done = (uint64_t)pos;
	*total = cap->size;
	return true;
}
