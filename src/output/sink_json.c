/* sink_json.c - the JSON Lines sink: one record per line to a file or stdout.
 *
 * Each record is formatted whole into a buffer and handed to stdio with one
 * fwrite, so records are never interleaved or split by our own writes. After
 * the first write error the sink refuses further records: a reader then
 * finds the file ending at a record boundary rather than mixing lines
 * written before and after a transient failure.
 *
 * A rotating sink starts a new file between two records: when the next
 * record would take the file past its size limit, or when the caller says
 * (the engine's -G clock). Each file is closed before the next is created,
 * so every file but the current one is complete JSON Lines. */
#include "sink.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/fa_error.h"
#include "jsonw.h"

/* Large writes keep the syscall count low at hundreds of thousands of
 * records per second. */
#define SINK_JSON_IOBUF (1u << 20)

struct sink_json {
	FILE *fp;    /* NULL while a time-named first file waits for its time */
	bool own_fp; /* false for stdout: flushed at close, not closed */
	char *iobuf;
	int err; /* sticky: first failure */
	struct jw w;
	char path[128]; /* for messages; long paths are cut */

	/* Rotation; rotating false = one file, as fa_sink_json_open. */
	bool rotating, templ;
	uint64_t max_bytes, written; /* written: bytes in the current file */
	unsigned index;              /* numbered names: the current file's number */
	unsigned same;               /* template names: files before this one with its stem */
	char base[PATH_MAX];         /* path as given */
	char stem[PATH_MAX];         /* template names: base formatted for a time */
};

static uint64_t wall_clock_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void sink_json_fail(struct fa_sink *s, const char *what, int errnum)
{
	struct sink_json *sj = s->priv;
	if (sj->err)
		return; /* keep the first cause */
	sj->err = FA_ERR_IO;
	snprintf(s->errmsg, sizeof(s->errmsg), "%s %s: %s", what, sj->path,
	         strerror(errnum ? errnum : EIO));
}

/* Creates (truncates) `name` and makes it the current file. */
static int sink_json_create(struct fa_sink *s, const char *name)
{
	struct sink_json *sj = s->priv;
	/* For messages; a long path is cut (by hand: the compiler rightly
	 * warns that snprintf would cut it). */
	size_t n = strnlen(name, sizeof(sj->path) - 1);
	memcpy(sj->path, name, n);
	sj->path[n] = '\0';
	sj->fp = fopen(name, "w");
	if (!sj->fp) {
		sink_json_fail(s, "creating", errno);
		return sj->err;
	}
	sj->own_fp = true;
	sj->written = 0;
	if (!sj->iobuf)
		sj->iobuf = malloc(SINK_JSON_IOBUF);
	/* The buffer is free again: the previous file was closed before. */
	if (sj->iobuf && setvbuf(sj->fp, sj->iobuf, _IOFBF, SINK_JSON_IOBUF) != 0) {
		free(sj->iobuf);
		sj->iobuf = NULL; /* stdio keeps its own buffer */
	}
	return FA_OK;
}

/* The stem of a template name for now_us; false when it does not fit. */
static bool sink_json_format_stem(struct sink_json *sj, uint64_t now_us, char *out, size_t len)
{
	time_t t = (time_t)(now_us / 1000000u);
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return false;
		/* The template is the user's own --json argument, as with tcpdump -w
		 * and -G. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	size_t n = strftime(out, len, sj->base, &tm);
#pragma GCC diagnostic pop
	return n > 0 && n < len - 1;
}

/* Closes the current file, if any, and creates the next. new_time: a -G
 * rotation at now_us (a template gets a new stem); otherwise the size limit
 * was reached and the next name is the same stem numbered. */
static int sink_json_next(struct fa_sink *s, bool new_time, uint64_t now_us)
{
	struct sink_json *sj = s->priv;
	char name[PATH_MAX];
	bool first = !sj->fp && sj->templ && !sj->stem[0];

	if (sj->fp) {
		errno = 0;
		if (fclose(sj->fp) != 0) {
			sj->fp = NULL;
			sink_json_fail(s, "closing", errno);
			return sj->err;
		}
		sj->fp = NULL;
	}
	int n;
	if (sj->templ) {
		char stem[PATH_MAX];
		if (!sink_json_format_stem(sj, now_us, stem, sizeof(stem))) {
			snprintf(s->errmsg, sizeof(s->errmsg),
			         "file name template %.200s: too long", sj->base);
			sj->err = FA_ERR_RANGE;
			return sj->err;
		}
		/* A new stem restarts the count; the same stem again (a size
		 * rotation, or a template coarser than -G) is numbered, so no
		 * file of this run is overwritten. */
		if (first || (new_time && strcmp(stem, sj->stem) != 0)) {
			memcpy(sj->stem, stem, sizeof(stem));
			sj->same = 0;
		} else {
			sj->same++;
		}
		n = sj->same ? snprintf(name, sizeof(name), "%s.%u", sj->stem, sj->same)
		             : snprintf(name, sizeof(name), "%s", sj->stem);
	} else {
		sj->index++;
		n = snprintf(name, sizeof(name), "%s.%u", sj->base, sj->index);
	}
	if (n < 0 || (size_t)n >= sizeof(name)) {
		snprintf(s->errmsg, sizeof(s->errmsg), "next file after %.200s: name too long",
		         sj->path);
		sj->err = FA_ERR_RANGE;
		return sj->err;
	}
	return sink_json_create(s, name);
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
	/* A time-named first file that no rotate call has created yet is
	 * named for the wall clock. */
	if (!sj->fp && sj->rotating && sink_json_next(s, true, wall_clock_us()) < 0)
		return sj->err;
	if (sj->max_bytes && sj->written > 0 && sj->written + sj->w.len > sj->max_bytes &&
	    sink_json_next(s, false, 0) < 0)
		return sj->err;
	errno = 0;
	if (fwrite(sj->w.buf, 1, sj->w.len, sj->fp) != sj->w.len) {
		sink_json_fail(s, "writing", errno);
		return sj->err;
	}
	sj->written += sj->w.len;
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
	if (sj->err || !sj->fp)
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
	if (sj->own_fp && sj->fp) {
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

int fa_sink_json_rotate(struct fa_sink *s, uint64_t now_us)
{
	if (!s || s->ops != &sink_json_ops)
		return FA_ERR_USAGE;
	struct sink_json *sj = s->priv;
	if (!sj->rotating)
		return FA_ERR_USAGE;
	if (sj->err)
		return sj->err;
	/* An empty numbered file stays the current one: -G on a quiet link
	 * makes no string of empty files. */
	if (sj->fp && sj->written == 0 && !sj->templ)
		return FA_OK;
	return sink_json_next(s, true, now_us);
}

int fa_sink_json_open(struct fa_sink **out, const char *path, char *errbuf, size_t errlen)
{
	return fa_sink_json_open_rotating(out, path, NULL, errbuf, errlen);
}

/* A template's directory must be writable now, since its first file is
 * created only when the time for its name is known. */
static int check_template_dir(const char *path, char *errbuf, size_t errlen)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash == path ? 1 : slash - path), path);
	if (access(dir, W_OK) == 0)
		return FA_OK;
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "cannot create files in %s for %s: %s", dir, path,
		         strerror(errno));
	return FA_ERR_IO;
}

int fa_sink_json_open_rotating(struct fa_sink **out, const char *path,
                               const struct fa_json_rotation *rot, char *errbuf, size_t errlen)
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
	if (rot && (rot->max_bytes || rot->by_time)) {
		if (to_stdout || strlen(path) >= sizeof(sj->base)) {
			if (errbuf && errlen)
				snprintf(errbuf, errlen,
				         "%s: files are rotated only on disk, "
				         "under a name shorter than %zu bytes",
				         to_stdout ? "standard output" : path, sizeof(sj->base));
			rc = FA_ERR_USAGE;
			goto fail;
		}
		sj->rotating = true;
		sj->templ = rot->by_time && strchr(path, '%') != NULL;
		sj->max_bytes = rot->max_bytes;
		memcpy(sj->base, path, strlen(path) + 1);
	}
	if (sj->templ) {
		rc = check_template_dir(path, errbuf, errlen);
		if (rc < 0)
			goto fail;
		snprintf(sj->path, sizeof(sj->path), "%s", path);
		s->ops = &sink_json_ops;
		s->priv = sj;
		*out = s;
		return FA_OK;
	}
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
