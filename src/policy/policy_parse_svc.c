/* policy_parse_svc.c - the service half of the language: protocols, port
 * lists, application names, and the service statement. */
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

/* ---- ports ---------------------------------------------------------------- */

static bool one_port(struct parser *p, const char *s, uint16_t *out)
{
	unsigned long v;
	if (!pp_uint(s, 65536, &v)) {
		pp_err(p, &p->tok, "bad port '%s': ports are numbers 1-65535", p->tok.text);
		return false;
	}
	if (v == 0 || v > 65535) {
		pp_err(p, &p->tok, "port %s is out of range: ports are 1-65535", s);
		return false;
	}
	*out = (uint16_t)v;
	return true;
}

static bool parse_port_word(struct parser *p, struct fa_port_range *r)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", p->tok.text);
	char *dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (!one_port(p, buf, &r->lo))
		return false;
	r->hi = r->lo;
	if (dash && !one_port(p, dash + 1, &r->hi))
		return false;
	if (r->lo > r->hi) {
		pp_err(p, &p->tok, "port range %s is reversed (low-high)", p->tok.text);
		return false;
	}
	return true;
}

/* PORTS = port {"," port}: a comma followed by a number continues the list. */
bool pp_ports(struct parser *p, struct fa_port_range **arr, size_t *n)
{
	size_t cap = *n;
	for (;;) {
		if (!pp_is_digit_word(p)) {
			pp_err(p, &p->tok, "expected a port or port range, found %s",
			       pp_describe(&p->tok));
			return false;
		}
		if (!pl_grow(arr, &cap, *n, sizeof(**arr))) {
			p->c->nomem = true;
			return false;
		}
		if (!parse_port_word(p, &(*arr)[*n]))
			return false;
		(*n)++;
		pp_next(p);
		if (p->tok.kind != PL_COMMA)
			return true;
		/* look past the comma: a number continues this list */
		struct pl_lexer save = p->lx;
		struct pl_token comma = p->tok;
		pp_next(p);
		if (!pp_is_digit_word(p)) {
			p->lx = save;
			p->tok = comma;
			return true;
		}
	}
}

/* ---- services --------------------------------------------------------------- */

static const struct {
	const char *name;
	uint8_t num;
} protos[] = {{"tcp", 6},  {"udp", 17},    {"sctp", 132},
              {"icmp", 1}, {"icmpv6", 58}, {"any", FA_PROTO_ANY}};

bool pp_proto_word(const char *s, uint8_t *num)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (strcmp(s, protos[i].name) == 0) {
			*num = protos[i].num;
			return true;
		}
	}
	unsigned long v;
	if (s[0] >= '0' && s[0] <= '9' && pp_uint(s, 256, &v) && v <= 255) {
		*num = (uint8_t)v;
		return true;
	}
	return false;
}

bool pp_starts_service(const struct parser *p)
{
	uint8_t num;
	return p->tok.kind == PL_WORD && (pp_proto_word(p->tok.text, &num) || pp_is_digit_word(p));
}

static bool has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132;
}

/* ITEM {"," ITEM}, ITEM = PROTO [PORTS] */
bool pp_items(struct parser *p, struct fa_service *svc)
{
	size_t cap = svc->nitems;
	for (;;) {
		uint8_t num;
		if (p->tok.kind != PL_WORD || !pp_proto_word(p->tok.text, &num)) {
			if (pp_is_digit_word(p))
				pp_err(p, &p->tok, "protocol number %s is out of range (0-255)",
				       p->tok.text);
			else
				pp_err(p, &p->tok,
				       "unknown protocol '%s': use tcp, udp, sctp, icmp, icmpv6, "
				       "any or a number 0-255",
				       pp_describe(&p->tok));
			return false;
		}
		if (!pl_grow(&svc->items, &cap, svc->nitems, sizeof(*svc->items))) {
			p->c->nomem = true;
			return false;
		}
		struct fa_svc_item *it = &svc->items[svc->nitems++];
		memset(it, 0, sizeof(*it));
		it->proto = num;
		pp_next(p);
		if (pp_is_digit_word(p)) {
			if (!has_ports(num)) {
				pp_err(p, &p->tok, "ports apply only to tcp, udp and sctp");
				return false;
			}
			if (!pp_ports(p, &it->ports, &it->nports))
				return false;
		}
		if (p->tok.kind != PL_COMMA)
			return true;
		pp_next(p);
	}
}

static void suggest_cb(const char *name, void *fctx)
{
	pl_suggest_add(fctx, name);
}

static bool check_app(struct parser *p, char **out)
{
	const struct fa_app_names *an = p->c->opts->apps;
	char canon[128];
	const char *name = p->tok.text;
	if (p->tok.kind != PL_WORD) {
		pp_err(p, &p->tok, "expected an application name, found %s", pp_describe(&p->tok));
		return false;
	}
	if (an && an->known) {
		if (!an->known(name, canon, sizeof(canon), an->ctx)) {
			struct pl_suggest sg;
			pl_suggest_init(&sg, name);
			if (an->foreach)
				an->foreach (suggest_cb, &sg, an->ctx);
			char hint[256];
			pl_suggest_format(&sg, hint, sizeof(hint));
			pp_err(p, &p->tok, "unknown application '%s';%s", name,
			       *hint ? hint
			             : " application names are nDPI's protocol names (ndpiReader "
			               "-a 0 lists them)");
			return false;
		}
		name = canon;
	}
	*out = pl_strdup(p->c, name);
	pp_next(p);
	return *out != NULL;
}

/* "app" NAME {"," NAME} (the current token is "app") */
bool pp_apps(struct parser *p, struct fa_service *svc)
{
	size_t cap = svc->napps;
	pp_next(p);
	for (;;) {
		if (!pl_grow(&svc->apps, &cap, svc->napps, sizeof(*svc->apps))) {
			p->c->nomem = true;
			return false;
		}
		if (!check_app(p, &svc->apps[svc->napps]))
			return false;
		svc->napps++;
		if (p->tok.kind != PL_COMMA)
			return true;
		pp_next(p);
	}
}

/* secured / cleartext; false (without error) when it is neither */
bool pp_take_secured(struct parser *p, uint8_t *sec)
{
	if (pp_is_word(p, "secured") || pp_is_word(p, "cleartext")) {
		uint8_t v = pp_is_word(p, "secured") ? FA_SEC_SECURED : FA_SEC_CLEARTEXT;
		if (*sec)
			pp_err(p, &p->tok, "'secured' or 'cleartext' given twice");
		*sec = v;
		pp_next(p);
		return true;
	}
	return false;
}

void pp_service(struct parser *p)
{
	struct pl_ctx *c = p->c;
	struct fa_srcloc at = pp_loc(p, &p->tok);
	const char *name = pp_take_name(p, "service");
	if (!name)
		return;
	uint8_t num;
	if (pp_proto_word(name, &num)) {
		pp_err(p, &p->tok, "'%s' is a protocol and cannot name a service", name);
		return;
	}
	int32_t prev = pl_find_service(c, p->policy, name);
	if (prev >= 0) {
		p->failed = true;
		pl_error(c, &at, "duplicate service '%s' in this policy (first defined at line %u)",
		         name, c->set->services[prev].loc.line);
		return;
	}
	if (p->tok.kind != PL_EQ) {
		pp_err(p, &p->tok, "expected '=' after the service name, found %s",
		       pp_describe(&p->tok));
		return;
	}
	pp_next(p);
	struct fa_service s = {0};
	s.loc = at;
	if (!pp_items(p, &s))
		goto fail;
	while (!pp_at_end(p) && !p->failed) {
		if (pp_is_word(p, "app")) {
			if (!pp_apps(p, &s))
				goto fail;
		} else if (!pp_take_secured(p, &s.secured)) {
			pp_err(p, &p->tok,
			       "unexpected %s in service: expected app, secured or "
			       "cleartext",
			       pp_describe(&p->tok));
		}
	}
	if (p->failed)
		goto fail;
	s.name = pl_strdup(c, name);
	if (!s.name ||
	    !pl_grow(&c->set->services, &c->services_cap, c->set->nservices, sizeof(s)) ||
	    !pl_grow(&c->svc_policy, &c->svc_policy_cap, c->set->nservices, sizeof(uint32_t))) {
		c->nomem = true;
		goto fail;
	}
	c->svc_policy[c->set->nservices] = p->policy;
	c->set->services[c->set->nservices++] = s;
	return;
fail:
	pl_service_clear(&s);
}
