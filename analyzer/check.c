/*
 * The checker: judges every flow the engine found against the policy and
 * turns what breaks it into findings, and every flow and source into rows
 * of the data inventory. Owns the wording of messages. Everything it
 * keeps is copied into the results' arena.
 */
#include <stdio.h>
#include <string.h>

#include "engine_p.h"

struct pf_checker {
	pf_results *res;
	const pf_program *prog;
	const pf_policy *pol;
	PF_VEC(pf_finding) findings;
	PF_VEC(pf_use) uses;
	pf_map *seen;
	size_t nflows;
};

pf_checker *pf_checker_new(pf_results *res, const pf_program *prog, const pf_policy *pol)
{
	pf_checker *c = pf_calloc(1, sizeof(*c));

	c->res = res;
	c->prog = prog;
	c->pol = pol;
	c->seen = pf_map_new();
	return c;
}

static const char *keep(pf_checker *c, const char *s)
{
	return s ? pf_arena_strdup(c->res->arena, s) : NULL;
}

static const char *file_of(pf_checker *c, pf_loc loc)
{
	return keep(c, pf_program_str(c->prog, loc.file));
}

static int once(pf_checker *c, uint64_t key)
{
	if (pf_map_get(c->seen, key, NULL))
		return 0;
	pf_map_put(c->seen, key, 1);
	return 1;
}

static uint64_t hstr(uint64_t h, const char *s)
{
	return (h ^ (s ? pf_hash64_str(s) : 0x51u)) * 0x100000001b3ull + 0x9e37;
}

static void trace_copy(pf_checker *c, pf_finding *f, const pf_tnode *t)
{
	const pf_tnode *steps[PF_TRACE_STEPS];
	size_t n = pf_trace_steps(t, steps, PF_TRACE_STEPS);

	f->ntrace = n;
	f->trace = n ? pf_arena_alloc(c->res->arena, n * sizeof(pf_step)) : NULL;
	for (size_t i = 0; i < n; i++) {
		pf_step *s = &f->trace[i];
		s->file = file_of(c, steps[i]->loc);
		s->line = steps[i]->loc.line;
		s->col = steps[i]->loc.col;
		s->note = keep(c, steps[i]->note);
	}
}


static const char *what(pf_checker *c, const pf_flow *fl, char *buf, size_t size);

static void add_finding(pf_checker *c, int rule, const pf_flow *fl, const char *message,
                        const char *ref)
{
	int sev = c->pol ? pf_policy_severity(c->pol, rule) : pf_rule_default_severity(rule);
	uint64_t key = 0xf1;
	pf_finding f = {0};

	if (sev < 0)
		return;
	key = hstr(key, pf_rule_id(rule));
	key = hstr(key, fl->category);
	key = hstr(key, fl->recipient);
	key = (key ^ fl->loc.file) * 31 + fl->loc.line * 131 + fl->loc.col;
	if (rule == PF_RULE_UNDECLARED_CATEGORY)
		key = key * 17 + fl->origin; /* one per declaration */
	if (rule == PF_RULE_UNDECLARED_PURPOSE || rule == PF_RULE_MISSING_CONSENT_CHECK ||
	    rule == PF_RULE_NOT_ANONYMIZED)
		key = hstr(key, fl->purpose);
	if (!once(c, key))
		return;
	f.rule = rule;
	f.severity = sev;
	f.category = keep(c, fl->category);
	f.purpose = keep(c, fl->purpose);
	f.recipient = keep(c, fl->recipient);
	f.sink = keep(c, pf_sink_id(fl->sink));
	f.function = keep(c, fl->function);
	f.file = file_of(c, fl->loc);
	f.line = fl->loc.line;
	f.col = fl->loc.col;
	f.message = keep(c, message);
	{
		char w[256];
		what(c, fl, w, sizeof(w));
		size_t n = strlen(w);
		if (rule != PF_RULE_UNDECLARED_CATEGORY && !strncmp(message, w, n))
			f.subject = (uint32_t)n; /* results.c groups by the rest */
	}
	f.policy_ref = keep(c, ref);
	trace_copy(c, &f, fl->trace);
	pf_vec_push(&c->findings, f);
}

static const char *what(pf_checker *c, const pf_flow *fl, char *buf, size_t size)
{
	const pf_decl *d = fl->origin ? &c->prog->decls.v[fl->origin] : NULL;

	if (d && d->kind == PF_DECL_FIELD)
		snprintf(buf, size, "%s (field %s.%s)", fl->category,
		         pf_program_str(c->prog, d->scope), pf_program_str(c->prog, d->name));
	else if (d)
		snprintf(buf, size, "%s (%s)", fl->category, pf_program_str(c->prog, d->name));
	else
		snprintf(buf, size, "%s", fl->category);
	return buf;
}

static const char *rule_ref(const pf_policy *pol, int rule, const char *fallback)
{
	if (fallback)
		return fallback;
	return pol ? pol->rules[rule].ref : NULL;
}

static void check_purpose(pf_checker *c, const pf_flow *fl, const char *w);

/* What a finding on a write of unknown kind says of its handle. */
#define UNKNOWN_NOTE " to a handle of unknown kind (a FILE * or descriptor privflow could not trace)"

static void add_use(pf_checker *c, const pf_flow *fl)
{
	static const char *const kinds[] = {"logged", "stored", "sent", "sent"};
	char tr[96];
	pf_use u = {0};
	uint64_t key = 0x05e;

	u.category = fl->category;
	u.kind = fl->received ? "received"
	         : fl->sink == PF_SINK_UNKNOWN ? "written"
	         : fl->sink >= 0 && fl->sink < 4 ? kinds[fl->sink] : "processed";
	u.sink = pf_sink_id(fl->sink);
	u.target = fl->recipient ? fl->recipient : fl->store ? fl->store : fl->host;
	u.purpose = fl->purpose;
	u.transforms = pf_transforms_str(fl->transforms, tr, sizeof(tr));
	u.function = fl->function;
	key = hstr(key, u.category);
	key = hstr(key, u.kind);
	key = hstr(key, u.sink);
	key = hstr(key, u.target);
	key = hstr(key, u.purpose);
	key = hstr(key, u.transforms);
	key = (key ^ fl->loc.file) * 31 + fl->loc.line * 131 + fl->loc.col;
	if (!once(c, key))
		return;
	u.category = keep(c, u.category);
	u.sink = keep(c, u.sink);
	u.target = keep(c, u.target);
	u.purpose = keep(c, u.purpose);
	u.transforms = keep(c, u.transforms);
	u.function = keep(c, u.function);
	u.file = file_of(c, fl->loc);
	u.line = fl->loc.line;
	u.col = fl->loc.col;
	pf_vec_push(&c->uses, u);
}

void pf_checker_flow(pf_checker *c, const pf_flow *fl)
{
	const pf_policy *pol = c->pol;
	const pf_pol_category *pc = pol ? pf_policy_category(pol, fl->category) : NULL;
	char w[256], msg[768], tr[96];
	const char *fn = fl->sink_func;
	int unknown = fl->sink == PF_SINK_UNKNOWN;

	c->nflows++;
	add_use(c, fl);
	if (!pol)
		return;
	pf_transforms_str(fl->transforms, tr, sizeof(tr));
	what(c, fl, w, sizeof(w));

	if (fl->received) {
		/* data coming in is not a use: only its channel can break a promise */
		if (fl->sink == PF_SINK_NETWORK && pol->require_tls &&
		    !(fl->transforms & pol->transport_transforms)) {
			snprintf(msg, sizeof(msg), "%s is received over a cleartext channel by %s()%s%s",
			         w, fn, fl->host ? " from " : "", fl->host ? fl->host : "");
			add_finding(c, PF_RULE_CLEARTEXT_TRANSPORT, fl, msg,
			            rule_ref(pol, PF_RULE_CLEARTEXT_TRANSPORT, pol->transport_ref));
		}
		return;
	}

	if (fl->sink == PF_SINK_LOG && !(fl->transforms & pol->log_transforms) &&
	    !pf_strlist_cover(&pol->log_allowed, fl->category)) {
		snprintf(msg, sizeof(msg), "%s is written to a log by %s() without redaction", w, fn);
		add_finding(c, PF_RULE_SENSITIVE_LOG, fl, msg, rule_ref(pol, PF_RULE_SENSITIVE_LOG, pol->log_ref));
	}
	if (pc && pc->credential && !(fl->transforms & pc->credential_transforms)) {
		static const char *const verbs[] = {"logged", "stored", "sent", "sent"};
		snprintf(msg, sizeof(msg), "%s is %s by %s()%s without hashing%s%s%s", w,
		         fl->sink == PF_SINK_UNKNOWN ? "written"
		                                     : verbs[fl->sink >= 0 && fl->sink < 4 ? fl->sink : 2],
		         fn, unknown ? UNKNOWN_NOTE : "", tr[0] ? " (only " : "", tr, tr[0] ? ")" : "");
		add_finding(c, PF_RULE_PLAINTEXT_CREDENTIAL, fl, msg, rule_ref(pol, PF_RULE_PLAINTEXT_CREDENTIAL, pc->ref));
	}
	if ((fl->sink == PF_SINK_STORAGE || unknown) && pc && pc->never_stored &&
	    !(fl->transforms & pc->stored_transforms)) {
		snprintf(msg, sizeof(msg), "%s is %s by %s()%s, but the policy says it is never stored%s%s",
		         w, unknown ? "written" : "stored", fn, unknown ? UNKNOWN_NOTE : "",
		         fl->store ? " (store " : "", fl->store ? fl->store : "");
		if (fl->store)
			strncat(msg, ")", sizeof(msg) - strlen(msg) - 1);
		add_finding(c, PF_RULE_FORBIDDEN_STORAGE, fl, msg, rule_ref(pol, PF_RULE_FORBIDDEN_STORAGE, pc->ref));
	}
	if (fl->sink == PF_SINK_NETWORK && pol->require_tls &&
	    !(fl->transforms & pol->transport_transforms)) {
		snprintf(msg, sizeof(msg), "%s leaves over a cleartext channel by %s()%s%s", w, fn,
		         fl->host ? " to " : "", fl->host ? fl->host : "");
		add_finding(c, PF_RULE_CLEARTEXT_TRANSPORT, fl, msg, rule_ref(pol, PF_RULE_CLEARTEXT_TRANSPORT, pol->transport_ref));
	}
	if (!fl->purpose && ((fl->sink >= 0 && fl->sink < PF_SINK_COUNT) || unknown)) {
		snprintf(msg, sizeof(msg), "%s is %s by %s() in %s(), for a purpose privflow could not "
		         "determine: give %s() a PRIVFLOW_PURPOSE, or bind its file to a purpose in the "
		         "policy", w, unknown ? "written" : fl->sink == PF_SINK_LOG ? "logged"
		                          : fl->sink == PF_SINK_STORAGE ? "stored" : "sent",
		         fn, fl->function ? fl->function : "?", fl->function ? fl->function : "its function");
		add_finding(c, PF_RULE_UNKNOWN_PURPOSE, fl, msg, rule_ref(pol, PF_RULE_UNKNOWN_PURPOSE, NULL));
	}
	if (unknown)
		return; /* only the rules that hold for every kind of sink */
	check_purpose(c, fl, w);
	if (fl->recipient) {
		const pf_pol_recipient *r = pf_policy_recipient(pol, fl->recipient);
		if (!r) {
			snprintf(msg, sizeof(msg), "%s is sent by %s() to '%s', a recipient the policy does not declare",
			         w, fn, fl->recipient);
			add_finding(c, PF_RULE_UNDECLARED_RECIPIENT, fl, msg, rule_ref(pol, PF_RULE_UNDECLARED_RECIPIENT, NULL));
		} else if (fl->purpose && r->purposes.n && !pf_strlist_cover(&r->purposes, fl->purpose) &&
		           pf_policy_purpose(pol, fl->purpose)) {
			/* a purpose the policy does not declare at all is
			   undeclared-purpose's finding alone */
			char listed[256] = "";
			int broader = 0;
			for (size_t i = 0; i < r->purposes.n; i++) {
				size_t l = strlen(listed);
				snprintf(listed + l, sizeof(listed) - l, "%s%s",
				         i == 0 ? "" : i + 1 == r->purposes.n ? " and " : ", ", r->purposes.v[i]);
				broader |= pf_category_covers(fl->purpose, r->purposes.v[i]);
			}
			snprintf(msg, sizeof(msg), "%s is sent by %s() to '%s' for %s, but the policy declares that recipient only for %s%s",
			         w, fn, r->id, fl->purpose, listed,
			         broader ? ", narrower than this use" : "");
			add_finding(c, PF_RULE_UNDECLARED_RECIPIENT, fl, msg, rule_ref(pol, PF_RULE_UNDECLARED_RECIPIENT, r->ref));
		} else if ((r->categories.n && !pf_strlist_cover(&r->categories, fl->category)) ||
		           (pc && pc->recipients.n && !pf_strlist_has(&pc->recipients, r->id))) {
			snprintf(msg, sizeof(msg), "%s is sent by %s() to '%s', which the policy does not allow to receive it",
			         w, fn, r->id);
			add_finding(c, PF_RULE_UNDECLARED_RECIPIENT, fl, msg,
			            rule_ref(pol, PF_RULE_UNDECLARED_RECIPIENT, pc && pc->recipients.n ? pc->ref : r->ref));
		}
	}
}

/* The rules about why data is used: purpose, consent, anonymisation. */
static void check_purpose(pf_checker *c, const pf_flow *fl, const char *w)
{
	const pf_policy *pol = c->pol;
	const pf_pol_purpose *pp;
	char msg[768], tr[96];

	if (!fl->purpose || !pf_policy_category(pol, fl->category))
		return; /* an undeclared category is undeclared-category's finding */
	pp = pf_policy_purpose(pol, fl->purpose);
	if (!pp) {
		snprintf(msg, sizeof(msg), "%s is used by %s() for %s, a purpose the policy does not declare",
		         w, fl->sink_func, fl->purpose);
		add_finding(c, PF_RULE_UNDECLARED_PURPOSE, fl, msg, rule_ref(pol, PF_RULE_UNDECLARED_PURPOSE, NULL));
		return;
	}
	int allowed = !pp->categories.n || pf_strlist_cover(&pp->categories, fl->category) != NULL;

	if (!allowed) {
		snprintf(msg, sizeof(msg), "%s is used by %s() for %s, a purpose the policy does not allow for this category",
		         w, fl->sink_func, pp->id);
		add_finding(c, PF_RULE_UNDECLARED_PURPOSE, fl, msg, rule_ref(pol, PF_RULE_UNDECLARED_PURPOSE, pp->ref));
	}
	/* a category the purpose does not take at all is that purpose's
	   finding alone: no advice to anonymise it */
	if (allowed && pp->requires_transforms && !(fl->transforms & pp->requires_transforms)) {
		pf_transforms_str(pp->requires_transforms, tr, sizeof(tr));
		snprintf(msg, sizeof(msg), "%s reaches %s() for %s without being %s first",
		         w, fl->sink_func, pp->id, tr);
		add_finding(c, PF_RULE_NOT_ANONYMIZED, fl, msg, rule_ref(pol, PF_RULE_NOT_ANONYMIZED, pp->ref));
	}
	if (fl->guard_missing) {
		const char *kind = fl->guard_id && strncmp(fl->guard_id, "consent:", 8) == 0 ? "consent" : "opt-out";
		const char *use = fl->guard_id ? strchr(fl->guard_id, ':') + 1 : "?";
		if (fl->guard_wrong)
			snprintf(msg, sizeof(msg), "%s is used by %s() for %s behind a %s check on the wrong record or with the wrong polarity (%s '%s')",
			         w, fl->sink_func, pp->id, kind, kind, use);
		else
			snprintf(msg, sizeof(msg), "%s is used by %s() for %s on a path that does not check the user's %s '%s'",
			         w, fl->sink_func, pp->id, kind, use);
		add_finding(c, PF_RULE_MISSING_CONSENT_CHECK, fl, msg, rule_ref(pol, PF_RULE_MISSING_CONSENT_CHECK, pp->ref));
	}
}

void pf_checker_source(pf_checker *c, pf_declid id, const char *category, const char *function,
                       const pf_tnode *trace, int report)
{
	const pf_decl *d = id ? &c->prog->decls.v[id] : NULL;
	pf_use u = {0};
	pf_flow fl = {0};
	char msg[512];

	if (!d)
		return; /* source calls are recorded as flows reach sinks */
	u.category = keep(c, category);
	u.kind = "collected";
	u.transforms = "";
	u.function = keep(c, function);
	u.file = file_of(c, d->loc);
	u.line = d->loc.line;
	u.col = d->loc.col;
	pf_vec_push(&c->uses, u);
	if (!report || !c->pol || pf_policy_category(c->pol, category))
		return;
	fl.category = category;
	fl.origin = id;
	fl.sink = -1;
	fl.loc = d->loc;
	fl.function = function;
	snprintf(msg, sizeof(msg), "'%s' holds %s, a category of personal data the policy does not declare",
	         pf_program_str(c->prog, d->name), category);
	pf_tnode t = {.loc = d->loc, .note = "declared here", .len = 1};
	fl.trace = trace ? trace : &t;
	add_finding(c, PF_RULE_UNDECLARED_CATEGORY, &fl, msg,
	            rule_ref(c->pol, PF_RULE_UNDECLARED_CATEGORY, NULL));
	/* a declaration finding has no sink */
	c->findings.v[c->findings.n - 1].sink = NULL;
}

void pf_checker_entry(pf_checker *c, int rule, const pf_decl *fn, const char *message,
                      const pf_tnode *trace)
{
	pf_flow fl = {0};

	fl.loc = fn->loc;
	fl.function = pf_program_str(c->prog, fn->name);
	fl.sink = -1;
	fl.trace = trace;
	size_t before = c->findings.n;
	add_finding(c, rule, &fl, message,
	            rule_ref(c->pol, rule, rule == PF_RULE_INCOMPLETE_ERASURE ? c->pol->erasure_ref : c->pol->export_ref));
	if (c->findings.n > before)
		c->findings.v[c->findings.n - 1].sink = NULL;
}

void pf_checker_finish(pf_checker *c)
{
	pf_results *r = c->res;

	r->nfindings = c->findings.n;
	r->findings = c->findings.n ? pf_arena_alloc(r->arena, c->findings.n * sizeof(pf_finding)) : NULL;
	if (c->findings.n)
		memcpy(r->findings, c->findings.v, c->findings.n * sizeof(pf_finding));
	r->nuses = c->uses.n;
	r->uses = c->uses.n ? pf_arena_alloc(r->arena, c->uses.n * sizeof(pf_use)) : NULL;
	if (c->uses.n)
		memcpy(r->uses, c->uses.v, c->uses.n * sizeof(pf_use));
	r->nflows = c->nflows;
	pf_vec_free(&c->findings);
	pf_vec_free(&c->uses);
	pf_map_free(c->seen);
	pf_free(c);
}
