/* fa_error.h - flowaudit's one error enum and its messages.
 *
 * Library-style code returns these (negative = error, FA_OK = 0) and leaves
 * the decision to exit to main(). fa_strerror() never returns NULL. */
#ifndef FA_ERROR_H
#define FA_ERROR_H

enum fa_err {
	FA_OK = 0,
	FA_ERR_NOMEM = -1,    /* an allocation failed */
	FA_ERR_IO = -2,       /* a file could not be opened, read or written */
	FA_ERR_USAGE = -3,    /* a bad option or argument */
	FA_ERR_FORMAT = -4,   /* input is not in the expected format */
	FA_ERR_CAPTURE = -5,  /* libpcap refused (open, filter, read) */
	FA_ERR_DPI = -6,      /* nDPI could not be initialised or configured */
	FA_ERR_GEO = -7,      /* a MaxMind database could not be used */
	FA_ERR_RANGE = -8,    /* a value is outside its allowed range */
	FA_ERR_THREAD = -9,   /* a thread could not be started */
	FA_ERR_NOTFOUND = -10 /* a lookup found nothing */
};

const char *fa_strerror(int err);

#endif
