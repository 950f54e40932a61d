/* fuzz_link.h - the link type a fuzz input's first byte selects.
 *
 * Inputs of fuzz_decode and fuzz_flow_dpi start with one byte naming the
 * link type, so one corpus reaches every link layer the decoder knows.
 * The byte indexes this table modulo its size; tests/fuzz/make-corpus
 * writes the same indexes, so both must change together. The last entry is
 * a link type the decoder does not know (LINKTYPE_USER0), to keep the
 * rejection path fuzzed too. */
#ifndef FA_FUZZ_LINK_H
#define FA_FUZZ_LINK_H

#include <stdint.h>

#include "decode/decode.h"

static const int fuzz_linktypes[] = {
    FA_LINK_EN10MB,     /* 0 */
    FA_LINK_NULL,       /* 1 */
    FA_LINK_RAW,        /* 2 */
    FA_LINK_LOOP,       /* 3 */
    FA_LINK_LINUX_SLL,  /* 4 */
    FA_LINK_IPV4,       /* 5 */
    FA_LINK_IPV6,       /* 6 */
    FA_LINK_LINUX_SLL2, /* 7 */
    FA_LINK_RAW_ALT,    /* 8 */
    147,                /* 9: LINKTYPE_USER0, not decoded */
};

static inline int fuzz_linktype(uint8_t selector)
{
	return fuzz_linktypes[selector % (sizeof(fuzz_linktypes) / sizeof(fuzz_linktypes[0]))];
}

#endif
