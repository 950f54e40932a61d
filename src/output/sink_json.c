/* sink_json.c - the JSON Lines sink: one record per line to a file or stdout.
 *
 * Each record is formatted whole into a buffer and handed to stdio with one
 * fwrite, so records are never interleaved or split by our own writes. After
 * the first write error the sink refuses further records: a reader then
 * finds the file ending at a record boundary rather than mixing lines
 * written before and after a transient failure. */
#include "sink.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fa_error.h"
#include "jsonw.h"

/* Large writes keep the syscall count low at hundreds of thousands of
 * records per second. */
#define SINK_JSON_IOBUF (1u << 20)

struct sink_json {
	FILE *fp;
	bool own_fp; /* false for stdout: flushed at close, not closed */
	char *iobuf;
	int err; /* sticky: first failure */
	struct jw w;
	char path[128]; /* for messages; long paths are cut */
};

static void sink_json_fail(struct fa_sink *s, const char *what, int errnum)
{
	struct sink_json *sj = s->priv;
	if (sj->err)
		return; /* keep the first cause */
	sj->err = FA_ERR_IO;
	snprintf(s->errmsg, sizeof(s->errmsg), "%s %s: %s", what, sj->path,
	         strerror(errnum ? errnum : EIO));
}

static int sink_json_emit(struct fa_sink *s)
{
	struct sink_json *sj = s->priv;
	if (jw_failed(&sj->w)) {
		/* Nothing was written; later records may still fit. */
		snprintf(s->errmsg, sizeof(s->errmsg), "formatting a record for %s: %s", sj->path,
		         fa_strerror(FA_ERR_NOMEM));
		return FA_ERR_NOMEM;
	}
	errno = 0;
	if (fwrite(sj->w.buf, 1, sj->w.len, sj->fp) != sj->w.len) {
		sink_json_fail(s, "writing", errno);
		return sj->err;
	}
	return FA_OK;
}

static int sink_json_write_flow(struct fa_sink *s, const struct fa_flow_record *r)
{
	struct sink_json *sj = s->priv;
	if (sj->err)
		return sj->err;
	jw_reset(&sj->w);
	fa_json_flow(&sj->w, r);
	return sink_json_emit(s);
}

static int sink_json_write_stats(struct fa_sink *s, const struct fa_stats_record *r)
{
	struct sink_json *sj = s->priv;
	if (sj->err)
		return sj->err;
	jw_reset(&sj->w);
	fa_json_stats(&sj->w, r);
	return sink_json_emit(s);
}

static int sink_json_write_finding(struct fa_sink *s, const struct fa_finding *f)
{
	struct sink_json *sj = s->priv;
	if (sj->err)
		return sj->err;
	jw_reset(&sj->w);
	fa_json_finding(&sj->w, f);
	return sink_json_emit(s);
}

static int sink_json_write_rule(struct fa_sink *s, const struct fa_rule_coverage *r)
{
	struct sink_json *sj = s->priv;
	if (sj->err)
		return sj->err;
	jw_reset(&sj->w);
	fa_json_rule(&sj->w, r);
	return sink_json_emit(s);
}

static int sink_json_flush(struct fa_sink *s)
{
	struct sink_json *sj = s->priv;
	if (sj->err)
		return sj->err;
	errno = 0;
	if (fflush(sj->fp) != 0 || ferror(sj->fp))
		sink_json_fail(s, "writing", errno);
	return sj->err;
}

static int sink_json_close(struct fa_sink *s)
{
	struct sink_json *sj = s->priv;
	if (!sj)
		return FA_OK;
	sink_json_flush(s);
	if (sj->own_fp) {
		errno = 0;
		if (fclose(sj->fp) != 0)
			sink_json_fail(s, "closing", errno);
	}
	int rc = sj->err;
	/* stdio may use the buffer until fclose: freed only after it. */
	free(sj->iobuf);
	jw_free(&sj->w);
	free(sj);
	s->priv = NULL;
	return rc;
}

static const struct fa_sink_ops sink_json_ops = {
    .name = "json",
    .write_flow = sink_json_write_flow,
    .write_stats = sink_json_write_stats,
    .write_finding = sink_json_write_finding,
    .write_rule = sink_json_write_rule,
    .flush = sink_json_flush,
    .close = sink_json_close,
};

int fa_sink_json_open(struct fa_sink **out, const char *path, char *errbuf, size_t errlen)
{
	struct fa_sink *s = NULL;
	struct sink_json *sj = NULL;
	int rc = FA_ERR_NOMEM;

	*out = NULL;
	if (errbuf && errlen)
		errbuf[0] = '\0';
	s = calloc(1, sizeof(*s));
	sj = calloc(1, sizeof(*sj));
	if (!s || !sj)
		goto fail;
	jw_init(&sj->w);
	bool to_stdout = strcmp(path, "-") == 0;
	snprintf(sj->path, sizeof(sj->path), "%s", to_stdout ? "standard output" : path);

	if (to_stdout) {
		/* stdout may already have been used, so its buffering is left
		 * as it is (setvbuf must come before any I/O on a stream). */
		sj->fp = stdout;
	} else {
		sj->fp = fopen(path, "w");
		if (!sj->fp) {
			if (errbuf && errlen)
				snprintf(errbuf, errlen, "cannot open %s for writing: %s", path,
				         strerror(errno));
			rc = FA_ERR_IO;
			goto fail;
		}
		sj->own_fp = true;
		sj->iobuf = malloc(SINK_JSON_IOBUF);
		if (sj->iobuf && setvbuf(sj->fp, sj->iobuf, _IOFBF, SINK_JSON_IOBUF) != 0) {
			free(sj->iobuf);
			sj->iobuf = NULL; /* stdio keeps its own buffer */
		}
	}
	s->ops = &sink_json_ops;
	s->priv = sj;
	*out = s;
	return FA_OK;

fail:
	if (errbuf && errlen && !errbuf[0])
		snprintf(errbuf, errlen, "cannot open %s for writing: %s", path, fa_strerror(rc));
	if (sj && sj->fp && sj->own_fp)
		fclose(sj->fp);
	free(sj);
	free(s);
	return rc;
}
