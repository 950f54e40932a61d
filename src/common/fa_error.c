/* fa_error.c - messages for enum fa_err. */
#include "fa_error.h"

const char *fa_strerror(int err)
{
	switch (err) {
	case FA_OK: return "success";
	case FA_ERR_NOMEM: return "out of memory";
	case FA_ERR_IO: return "input/output error";
	case FA_ERR_USAGE: return "invalid usage";
	case FA_ERR_FORMAT: return "malformed input";
	case FA_ERR_CAPTURE: return "capture error";
	case FA_ERR_DPI: return "nDPI error";
	case FA_ERR_GEO: return "GeoIP database error";
	case FA_ERR_RANGE: return "value out of range";
	case FA_ERR_THREAD: return "cannot start thread";
	case FA_ERR_NOTFOUND: return "not found";
	}
	return "unknown error";
}
