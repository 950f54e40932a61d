/* source_pcap_live.c - live capture from an interface through libpcap:
 * pcap_create, options, pcap_activate (libpcap's two-phase setup). */
#include "capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_int.h"
#include "common/fa_error.h"

#define DEFAULT_SNAPLEN 262144
#define READ_TIMEOUT_MS 100

static int set_filter(struct fa_capture *c, const char *bpf, char *errbuf, size_t errlen)
{
	struct bpf_program prog;
	if (pcap_compile(c->pcap, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(errbuf, errlen, "invalid filter expression '%s' on %s: %s", bpf, c->name,
		         pcap_geterr(c->pcap));
		return FA_ERR_USAGE;
	}
	int rc = pcap_setfilter(c->pcap, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(errbuf, errlen, "%s: cannot set filter: %s", c->name,
		         pcap_geterr(c->pcap));
		return FA_ERR_CAPTURE;
	}
	return FA_OK;
}

/* What to do about a failed activation, in words a user can act on. */
static const char *activate_hint(int rc)
{
	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE: return "no such interface (see 'ip link')";
	case PCAP_ERROR_PERM_DENIED:
		return "permission denied: run as root or give the binary CAP_NET_RAW and "
		       "CAP_NET_ADMIN";
	case PCAP_ERROR_IFACE_NOT_UP: return "the interface is down";
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		return "not allowed to enable promiscuous mode (try -p)";
	default: return NULL;
	}
}

int fa_capture_open_live(struct fa_capture **out, const char *iface, const struct fa_live_opts *lo,
                         const char *bpf, char *errbuf, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	*out = NULL;
	if (errlen)
		errbuf[0] = '\0';
	struct fa_capture *c = calloc(1, sizeof(*c));
	if (!c || !(c->name = strdup(iface))) {
		snprintf(errbuf, errlen, "%s: out of memory", iface);
		free(c);
		return FA_ERR_NOMEM;
	}
	c->live = true;
	c->pcap = pcap_create(iface, perr);
	if (!c->pcap) {
		snprintf(errbuf, errlen, "%s: %s", iface, perr);
		fa_capture_close(&c);
		return FA_ERR_CAPTURE;
	}
	pcap_set_snaplen(c->pcap, lo && lo->snaplen ? lo->snaplen : DEFAULT_SNAPLEN);
	pcap_set_promisc(c->pcap, !(lo && lo->no_promisc));
	pcap_set_timeout(c->pcap, READ_TIMEOUT_MS);
	pcap_set_immediate_mode(c->pcap, 1);
	pcap_set_tstamp_precision(c->pcap, PCAP_TSTAMP_PRECISION_MICRO);
	if (lo && lo->buffer_kib > 0)
		pcap_set_buffer_size(c->pcap, lo->buffer_kib * 1024);
	if (lo && lo->tstamp_type) {
		int t = pcap_tstamp_type_name_to_val(lo->tstamp_type);
		if (t < 0 || pcap_set_tstamp_type(c->pcap, t) != 0) {
			snprintf(errbuf, errlen, "%s: time stamp type '%s' is not supported here",
			         iface, lo->tstamp_type);
			fa_capture_close(&c);
			return FA_ERR_USAGE;
		}
	}
	int rc = pcap_activate(c->pcap);
	if (rc < 0) {
		const char *hint = activate_hint(rc);
		snprintf(errbuf, errlen, "%s: cannot capture: %s%s%s", iface, pcap_geterr(c->pcap),
		         hint ? "; " : "", hint ? hint : "");
		fa_capture_close(&c);
		return rc == PCAP_ERROR_NO_SUCH_DEVICE ? FA_ERR_USAGE : FA_ERR_CAPTURE;
	}
	if (rc > 0) /* a warning: capture goes on */
		snprintf(errbuf, errlen, "%s: warning: %s", iface, pcap_geterr(c->pcap));
	if (pcap_setnonblock(c->pcap, 1, perr) != 0) {
		snprintf(errbuf, errlen, "%s: %s", iface, perr);
		fa_capture_close(&c);
		return FA_ERR_CAPTURE;
	}
	if (bpf && *bpf && (rc = set_filter(c, bpf, errbuf, errlen)) < 0) {
		fa_capture_close(&c);
		return rc;
	}
	*out = c;
	return FA_OK;
}

bool fa_capture_is_live(const struct fa_capture *cap)
{
	return cap->live;
}

int fa_capture_fd(const struct fa_capture *cap)
{
	return cap->live ? pcap_get_selectable_fd(cap->pcap) : -1;
}

bool fa_capture_stats(struct fa_capture *cap, struct fa_capture_stats *out)
{
	struct pcap_stat ps;
	if (!cap->live || pcap_stats(cap->pcap, &ps) != 0)
		return false;
	out->received = ps.ps_recv;
	out->dropped = ps.ps_drop;
	out->if_dropped = ps.ps_ifdrop;
	return true;
}
