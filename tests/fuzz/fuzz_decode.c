/* fuzz_decode.c - libFuzzer target: one frame through the packet decoder,
 * on every link type (the first input byte picks it, see fuzz_link.h).
 *
 * Besides what ASan and UBSan catch, it checks the promises decode.h makes
 * to the flow stage: exactly one outcome per frame, counted once, and every
 * pointer of a decoded packet inside the captured bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "common/cursor.h"
#include "decode/decode.h"
#include "fuzz_link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort(); /* a broken promise is a finding, like a crash */
}

static int inside(const uint8_t *p, size_t n, const uint8_t *base, size_t len)
{
	return p >= base && (size_t)(p - base) <= len && n <= len - (size_t)(p - base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fa_cursor c = fa_cur_init(data, size);
	uint8_t sel;
	if (!fa_cur_u8(&c, &sel))
		return 0;
	const uint8_t *frame = fa_cur_ptr(&c);
	uint32_t caplen = (uint32_t)fa_cur_left(&c);

	struct fa_decoder *dec = NULL;
	if (fa_decoder_new(&dec, NULL) < 0)
		return 0;
	struct fa_pkt pkt;
	/* wire_len above caplen, as when the capture was cut by a snaplen. */
	enum fa_dec_result r =
	    fa_decode(dec, fuzz_linktype(sel), frame, caplen, caplen + 16, 1000000, &pkt);
	const struct fa_decode_stats *st = fa_decoder_stats(dec);
	uint64_t errors = 0;
	for (int i = 0; i < FA_DR__COUNT; i++)
		errors += st->errors[i];
	check(st->frames == 1);

	switch (r) {
	case FA_DEC_PACKET:
		check(st->packets == 1 && errors == 0);
		/* One frame alone never completes a datagram from fragments. */
		check(!pkt.reassembled);
		check(pkt.l3 && inside(pkt.l3, pkt.l3_len, frame, caplen));
		check(!pkt.payload_len || inside(pkt.payload, pkt.payload_len, pkt.l3, pkt.l3_len));
		check(pkt.nvlan <= FA_MAX_VLANS);
		check(pkt.src.ver == pkt.dst.ver && (pkt.src.ver == 4 || pkt.src.ver == 6));
		break;
	case FA_DEC_ERROR:
		check(pkt.error > FA_DR_NONE && pkt.error < FA_DR__COUNT);
		check(errors == 1 && st->errors[pkt.error] == 1);
		break;
	case FA_DEC_NOT_IP: check(st->not_ip == 1 && errors == 0); break;
	case FA_DEC_HELD: check(st->fragments == 1 && errors == 0); break;
	default: check(0);
	}
	check(fa_decode_linktype_supported(fuzz_linktype(sel)) || r == FA_DEC_ERROR);
	fa_decoder_free(&dec);
	check(dec == NULL);
	return 0;
}
