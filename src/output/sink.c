/* sink.c - the generic side of sinks: dispatch to a sink's ops, and the
 * close that frees what the sink's open allocated. */
#include "sink.h"

#include <stdlib.h>
#include <string.h>

#include "common/fa_error.h"

int fa_sink_write_flow(struct fa_sink *s, const struct fa_flow_record *r)
{
	if (!s || !r)
		return FA_ERR_USAGE;
	return s->ops->write_flow ? s->ops->write_flow(s, r) : FA_OK;
}

int fa_sink_write_stats(struct fa_sink *s, const struct fa_stats_record *r)
{
	if (!s || !r)
		return FA_ERR_USAGE;
	return s->ops->write_stats ? s->ops->write_stats(s, r) : FA_OK;
}

int fa_sink_flush(struct fa_sink *s)
{
	if (!s)
		return FA_ERR_USAGE;
	return s->ops->flush ? s->ops->flush(s) : FA_OK;
}

int fa_sink_close_msg(struct fa_sink **sp, char *errbuf, size_t errlen)
{
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (!sp || !*sp)
		return FA_OK;
	struct fa_sink *s = *sp;
	*sp = NULL;
	int rc = s->ops->close ? s->ops->close(s) : FA_OK;
	if (rc < 0 && errbuf && errlen) {
		size_t n = strnlen(s->errmsg, sizeof(s->errmsg));
		if (n >= errlen)
			n = errlen - 1;
		memcpy(errbuf, s->errmsg, n);
		errbuf[n] = '\0';
	}
	free(s);
	return rc;
}

int fa_sink_close(struct fa_sink **sp)
{
	return fa_sink_close_msg(sp, NULL, 0);
}

int fa_sink_write_finding(struct fa_sink *s, const struct fa_finding *f)
{
	return s->ops->write_finding ? s->ops->write_finding(s, f) : FA_OK;
}

int fa_sink_write_rule(struct fa_sink *s, const struct fa_rule_coverage *r)
{
	return s->ops->write_rule ? s->ops->write_rule(s, r) : FA_OK;
}
