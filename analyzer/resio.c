/*
 * What the engine adds to a link unit's results (findings with their
 * traces, uses, functions, truncated functions, the flow count) as
 * bytes, and back: how the cache keeps a unit's analysis (tucache.h).
 * Fingerprints, suppressions and everything the scan adds come later
 * and are not kept. The reader trusts nothing (bytes.h); rule and
 * severity are checked against their ranges.
 */
#include "bytes.h"
#include "kinds.h"
#include "results_p.h"

#define RES_MAGIC "PFRS"
#define RES_VERSION 1u

static void w_step(pf_wbuf *b, const pf_step *s)
{
	pf_w_str(b, s->file);
	pf_w_u32(b, s->line);
	pf_w_u32(b, s->col);
	pf_w_str(b, s->note);
}

void pf_results_engine_write(const pf_results *r, char **out, size_t *len)
{
	pf_wbuf b = {0};

	pf_w_bytes(&b, RES_MAGIC, 4);
	pf_w_u32(&b, RES_VERSION);
	pf_w_u32(&b, (uint32_t)r->nfindings);
	for (size_t i = 0; i < r->nfindings; i++) {
		const pf_finding *f = &r->findings[i];
		pf_w_u32(&b, (uint32_t)f->rule);
		pf_w_u32(&b, (uint32_t)f->severity);
		pf_w_str(&b, f->category);
		pf_w_str(&b, f->categories);
		pf_w_u32(&b, f->subject);
		pf_w_str(&b, f->purpose);
		pf_w_str(&b, f->recipient);
		pf_w_str(&b, f->sink);
		pf_w_str(&b, f->function);
		pf_w_str(&b, f->file);
		pf_w_u32(&b, f->line);
		pf_w_u32(&b, f->col);
		pf_w_str(&b, f->message);
		pf_w_str(&b, f->policy_ref);
		pf_w_u32(&b, (uint32_t)f->ntrace);
		for (size_t k = 0; k < f->ntrace; k++)
			w_step(&b, &f->trace[k]);
	}
	pf_w_u32(&b, (uint32_t)r->nuses);
	for (size_t i = 0; i < r->nuses; i++) {
		const pf_use *u = &r->uses[i];
		pf_w_str(&b, u->category);
		pf_w_str(&b, u->kind);
		pf_w_str(&b, u->sink);
		pf_w_str(&b, u->target);
		pf_w_str(&b, u->purpose);
		pf_w_str(&b, u->transforms);
		pf_w_str(&b, u->function);
		pf_w_str(&b, u->file);
		pf_w_u32(&b, u->line);
		pf_w_u32(&b, u->col);
	}
	pf_w_u8(&b, r->functions != NULL);
	pf_w_u32(&b, r->functions ? (uint32_t)r->nfunctions : 0);
	for (size_t i = 0; r->functions && i < r->nfunctions; i++) {
		const pf_function_fact *f = &r->functions[i];
		pf_w_str(&b, f->name);
		pf_w_str(&b, f->file);
		pf_w_u32(&b, f->line);
		pf_w_str(&b, f->purpose);
	}
	pf_w_u32(&b, (uint32_t)r->ntruncated);
	for (size_t i = 0; i < r->ntruncated; i++)
		pf_w_str(&b, r->truncated[i]);
	pf_w_i64(&b, (int64_t)r->nflows);
	*out = b.v;
	*len = b.n;
}

/* An array of n items of `size` bytes in r's arena (NULL for none). */
static void *items(pf_results *r, size_t n, size_t size)
{
	return n ? pf_arena_alloc(r->arena, n * size) : NULL;
}

int pf_results_engine_read(pf_results *r, const void *data, size_t len)
{
	pf_rbuf b = {data, (const unsigned char *)data + len, 0, NULL};
	pf_arena *a = r->arena;

	if (len < 8 || memcmp(data, RES_MAGIC, 4)) {
		pf_error_set("not privflow results");
		return PF_EINVALID;
	}
	b.p += 4;
	if (pf_r_u32(&b) != RES_VERSION) {
		pf_error_set("privflow results of another version");
		return PF_EINVALID;
	}
	r->nfindings = pf_r_count(&b, 64);
	r->findings = items(r, r->nfindings, sizeof(pf_finding));
	for (size_t i = 0; i < r->nfindings && !b.bad; i++) {
		pf_finding *f = &r->findings[i];
		f->rule = (int)pf_r_u32(&b);
		f->severity = (int)pf_r_u32(&b);
		if (f->rule < 0 || f->rule >= PF_RULE_COUNT || f->severity < 0 ||
		    f->severity >= PF_SEV_COUNT)
			pf_r_fail(&b, "rule or severity out of range");
		f->category = pf_r_str(&b, a);
		f->categories = pf_r_str(&b, a);
		f->subject = pf_r_u32(&b);
		f->purpose = pf_r_str(&b, a);
		f->recipient = pf_r_str(&b, a);
		f->sink = pf_r_str(&b, a);
		f->function = pf_r_str(&b, a);
		f->file = pf_r_str(&b, a);
		f->line = pf_r_u32(&b);
		f->col = pf_r_u32(&b);
		f->message = pf_r_str(&b, a);
		f->policy_ref = pf_r_str(&b, a);
		f->ntrace = pf_r_count(&b, 16);
		f->trace = items(r, f->ntrace, sizeof(pf_step));
		for (size_t k = 0; k < f->ntrace && !b.bad; k++) {
			f->trace[k].file = pf_r_str(&b, a);
			f->trace[k].line = pf_r_u32(&b);
			f->trace[k].col = pf_r_u32(&b);
			f->trace[k].note = pf_r_str(&b, a);
		}
		if (!f->message || !f->file)
			pf_r_fail(&b, "a finding without a message or a file");
	}
	r->nuses = pf_r_count(&b, 40);
	r->uses = items(r, r->nuses, sizeof(pf_use));
	for (size_t i = 0; i < r->nuses && !b.bad; i++) {
		pf_use *u = &r->uses[i];
		u->category = pf_r_str(&b, a);
		u->kind = pf_r_str(&b, a);
		u->sink = pf_r_str(&b, a);
		u->target = pf_r_str(&b, a);
		u->purpose = pf_r_str(&b, a);
		u->transforms = pf_r_str(&b, a);
		u->function = pf_r_str(&b, a);
		u->file = pf_r_str(&b, a);
		u->line = pf_r_u32(&b);
		u->col = pf_r_u32(&b);
		if (!u->category || !u->kind || !u->transforms)
			pf_r_fail(&b, "a use without a category, kind or transforms");
	}
	int has_functions = pf_r_u8(&b);
	r->nfunctions = pf_r_count(&b, 16);
	r->functions = has_functions ? pf_arena_alloc(a, (r->nfunctions ? r->nfunctions : 1) *
	                                                     sizeof(pf_function_fact))
	                             : NULL;
	for (size_t i = 0; i < r->nfunctions && !b.bad; i++) {
		pf_function_fact *f = &r->functions[i];
		if (!has_functions) {
			pf_r_fail(&b, "functions where none were");
			break;
		}
		f->name = pf_r_str(&b, a);
		f->file = pf_r_str(&b, a);
		f->line = pf_r_u32(&b);
		f->purpose = pf_r_str(&b, a);
		if (!f->name)
			pf_r_fail(&b, "a function without a name");
	}
	r->ntruncated = pf_r_count(&b, 4);
	r->truncated = items(r, r->ntruncated, sizeof(char *));
	for (size_t i = 0; i < r->ntruncated && !b.bad; i++)
		if (!(r->truncated[i] = (char *)pf_r_str(&b, a)))
			pf_r_fail(&b, "an empty name");
	r->nflows = (size_t)pf_r_i64(&b);
	if (!b.bad && b.p != b.end)
		pf_r_fail(&b, "trailing bytes");
	if (b.bad) {
		pf_error_set("malformed privflow results: %s at byte %zu", b.why,
		             (size_t)(b.p - (const unsigned char *)data));
		r->nfindings = r->nuses = r->nfunctions = r->ntruncated = r->nflows = 0;
		r->functions = NULL;
		return PF_EINVALID;
	}
	return PF_OK;
}
