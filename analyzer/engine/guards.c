/*
 * Consent and opt-out checks. A sink is guarded when it is control-
 * dependent on a test of an opt-out or consent value with the right
 * polarity. Per function, a must-analysis over the CFG computes the
 * guard tests that hold on every path to each block (intersection at
 * joins); only conditions that resolve to a guard are kept. A tested
 * value is an annotated field (its record is the owner: the check must be
 * on the same user's record as the data), a parameter or global so
 * annotated, a local assigned from one (through `!`), or the result of a
 * predicate function called on a record: annotated, or one whose returns
 * are such a test on its parameter's record (followed through calls).
 */
#include <stdlib.h>
#include <string.h>

#include "eng_p.h"

static int guard_index(const eng *e, int kind, const char *use)
{
	for (int i = 0; i < e->nguards; i++)
		if (e->guards[i].kind == kind && strcmp(e->guards[i].use, use) == 0)
			return i;
	return -1;
}

void eng_guards_setup(eng *e)
{
	const pf_policy *pol = e->pol;

	for (size_t i = 0; pol && i < pol->npurposes && e->nguards < MAX_GUARDS; i++) {
		const pf_pol_purpose *pp = &pol->purposes[i];
		if (pp->opt_out && guard_index(e, G_OPTOUT, pp->opt_out) < 0) {
			e->guards[e->nguards].kind = G_OPTOUT;
			e->guards[e->nguards++].use = pp->opt_out;
		}
		if (pp->consent && guard_index(e, G_CONSENT, pp->consent) < 0 && e->nguards < MAX_GUARDS) {
			e->guards[e->nguards].kind = G_CONSENT;
			e->guards[e->nguards++].use = pp->consent;
		}
	}
}

/* The guard a declaration's annotation makes of a value, or -1. */
static int decl_guard(const eng *e, pf_declid d)
{
	const char *v;
	const pf_decl *dd;

	if (!d || eng_path_is_index(d))
		return -1;
	dd = eng_decl(e, d);
	if (!dd->nannots)
		return -1;
	if ((v = eng_annot(e, dd, "optout")))
		return guard_index(e, G_OPTOUT, v);
	if ((v = eng_annot(e, dd, "consent")))
		return guard_index(e, G_CONSENT, v);
	return -1;
}

static int resolve(fctx *c, const pf_path *p, uint32_t *owner, int depth);

/*
 * A function of the program whose every return is one guard's test on a
 * record its parameter points to (`return !u->no_mail;`, `int ok =
 * u->consent_analytics; return ok;`, a predicate calling another), or
 * the answer that forbids the use (`if (!u) return false;`): the guard
 * (| 0x100 negated), *param the record's parameter; -1 if not one.
 */
static int predicate(fctx *c, pf_declid fn, uint32_t *param, int depth)
{
	eng *e = c->e;
	const pf_func *f = pf_program_func_of(e->prog, fn);
	int g = -1, nconst = 0;
	int consts[4];

	if (!f || depth > 4)
		return -1;
	fctx pc = {.e = e, .f = f};
	for (uint32_t i = 0; i < f->ninsns; i++) {
		const pf_insn *in = &f->insns[i];
		uint32_t owner;
		int gi;
		if (in->op != PF_OP_RETURN)
			continue;
		if (in->src.npaths == 0 && (in->src.flags & PF_RV_INT)) {
			if (nconst == 4)
				return -1;
			consts[nconst++] = in->src.ival != 0;
			continue;
		}
		if (in->src.npaths != 1 || (gi = resolve(&pc, &in->src.paths[0], &owner, depth + 1)) < 0)
			return -1;
		if ((in->src.flags & PF_RV_BOOL) && (in->src.flags & PF_RV_NEG))
			gi ^= 0x100;
		const pf_path *op = owner ? eng_owner_def(e, owner) : NULL;
		if (!op || op->base != PF_BASE_PARAM || op->depth)
			return -1;
		if (g >= 0 && (g != gi || *param != op->var))
			return -1;
		g = gi;
		*param = op->var;
	}
	if (g < 0)
		return -1;
	/* the result allows the use when the flag has the wanted value:
	   true for consent, false for an opt-out, xor the negation */
	int allow = (e->guards[g & 0xff].kind == G_CONSENT) ^ ((g >> 8) & 1);
	for (int k = 0; k < nconst; k++)
		if (consts[k] == allow)
			return -1;
	return g;
}

/*
 * What a tested path is: the guard index (| 0x100 when the path holds
 * its negation) or -1; *owner gets the record's path (0 if unknown).
 */
static int resolve(fctx *c, const pf_path *p, uint32_t *owner, int depth)
{
	eng *e = c->e;

	*owner = 0;
	if (depth > 4)
		return -1;
	if (p->depth > 0) {
		int g = decl_guard(e, p->field[p->depth - 1]);
		if (g >= 0) {
			pf_path o = *p;
			o.depth--;
			o.field[o.depth] = 0;
			*owner = eng_owner_path(e, &o);
		}
		return g;
	}
	if (p->base == PF_BASE_PARAM)
		return decl_guard(e, p->var < c->f->nparams ? c->f->params[p->var] : 0);
	if (p->base == PF_BASE_GLOBAL)
		return decl_guard(e, p->var);
	if (p->base != PF_BASE_LOCAL)
		return -1;
	/* a local: what was assigned to it */
	for (uint32_t i = 0; i < c->f->ninsns; i++) {
		const pf_insn *in = &c->f->insns[i];
		if (!pf_path_eq(&in->dst, p))
			continue;
		if (in->op == PF_OP_ASSIGN && in->src.npaths == 1) {
			int g = resolve(c, &in->src.paths[0], owner, depth + 1);
			if (g >= 0 && (in->src.flags & PF_RV_BOOL) && (in->src.flags & PF_RV_NEG))
				g ^= 0x100;
			return g;
		}
		if (in->op == PF_OP_CALL && in->callee) {
			uint32_t k = 0;
			int g = decl_guard(e, in->callee);
			if (g < 0 && !eng_decl(e, in->callee)->nannots)
				g = predicate(c, in->callee, &k, depth);
			if (g >= 0 && k < in->nargs && in->args[k].npaths == 1)
				*owner = eng_owner_path(e, &in->args[k].paths[0]);
			return g;
		}
		return -1;
	}
	return -1;
}

/*
 * gin[b]: the guard tests that hold on every path from the entry to block
 * b, each (owner path << 32 | guard index << 1 | value). NULL when the
 * policy has no guard.
 */
u64vec *eng_compute_guards(fctx *c)
{
	eng *e = c->e;
	const pf_func *f = c->f;
	u64vec *gin;
	uint64_t *test;
	uint8_t *seen;
	int changed = 1;

	if (e->nguards == 0)
		return NULL;
	/* the test each branch makes, resolved once */
	test = pf_calloc(f->nblocks, sizeof(uint64_t));
	int any = 0;
	for (uint32_t b = 0; b < f->nblocks; b++) {
		const pf_block *bl = &f->blocks[b];
		uint32_t owner;
		int g;
		if (bl->term != PF_TERM_BRANCH || bl->cond.path.base == PF_BASE_NONE)
			continue;
		if ((g = resolve(c, &bl->cond.path, &owner, 0)) < 0)
			continue;
		/* owner << 32 | negated << 10 | guard << 1 | 1 (present) */
		test[b] = (uint64_t)owner << 32 | (uint64_t)((g >> 8) & 1) << 10 |
		          (uint64_t)(g & 0xff) << 1 | 1;
		any = 1;
	}
	gin = pf_calloc(f->nblocks, sizeof(*gin));
	if (!any) {
		pf_free(test);
		return gin;
	}
	seen = pf_calloc(f->nblocks, 1);
	seen[0] = 1;
	for (int round = 0; changed && round < 64; round++) {
		changed = 0;
		for (uint32_t b = 0; b < f->nblocks; b++) {
			const pf_block *bl = &f->blocks[b];
			if (!seen[b])
				continue;
			for (uint32_t k = 0; k < bl->nsucc; k++) {
				uint32_t t = bl->succ[k];
				u64vec out = {0};
				if (t >= f->nblocks)
					continue;
				for (size_t i = 0; i < gin[b].n; i++)
					pf_vec_push(&out, gin[b].v[i]);
				if (test[b] && k < 2) {
					/* branch 0 is taken when the path is true, xor negate */
					int value = k == 0 ? !bl->cond.negate : bl->cond.negate;
					int neg = (int)((test[b] >> 10) & 1);
					uint64_t owner = test[b] >> 32;
					uint64_t gi = (test[b] >> 1) & 0xff;
					pf_vec_push(&out, owner << 32 | gi << 1 | (uint64_t)(value ^ neg));
					qsort(out.v, out.n, sizeof(uint64_t), pf_u64_cmp);
				}
				if (!seen[t]) {
					seen[t] = 1;
					pf_vec_free(&gin[t]);
					gin[t].v = out.v;
					gin[t].n = out.n;
					gin[t].cap = out.cap;
					changed = 1;
					continue;
				}
				size_t n = 0;
				for (size_t i = 0; i < gin[t].n; i++) {
					uint64_t v = gin[t].v[i];
					if (out.n && bsearch(&v, out.v, out.n, sizeof(uint64_t), pf_u64_cmp))
						gin[t].v[n++] = v;
				}
				if (n != gin[t].n) {
					gin[t].n = n;
					changed = 1;
				}
				pf_vec_free(&out);
			}
		}
	}
	pf_free(seen);
	pf_free(test);
	return gin;
}

/* Guards that hold at the current block for data owned by `owner`. */
void eng_guard_bits(fctx *c, uint32_t owner, uint32_t *ok, uint32_t *wrong)
{
	eng *e = c->e;

	if (!c->gin)
		return;
	const u64vec *g = &c->gin[c->block];
	for (size_t i = 0; i < g->n; i++) {
		uint32_t gowner = (uint32_t)(g->v[i] >> 32);
		int gi = (int)((g->v[i] >> 1) & 0xff);
		int value = (int)(g->v[i] & 1);
		int want = e->guards[gi].kind == G_CONSENT;
		if (value == want && !(owner && gowner && owner != gowner))
			*ok |= 1u << gi;
		else
			*wrong |= 1u << gi;
	}
}

/*
 * The guard a use needs, or -1: consent guards every use of its purpose;
 * an opt-out guards the uses that reach the user (logs and storage are
 * record keeping, not solicitation). `sink` < 0: not known yet.
 */
int eng_purpose_guard(const eng *e, uint32_t purpose, int sink)
{
	const pf_pol_purpose *pp;

	if (!purpose || !e->pol || !(pp = pf_policy_purpose(e->pol, eng_cstr(e, purpose))))
		return -1;
	if (pp->opt_out && (sink == PF_SINK_STORAGE || sink == PF_SINK_LOG))
		return -1;
	if (pp->opt_out)
		return guard_index(e, G_OPTOUT, pp->opt_out);
	if (pp->consent)
		return guard_index(e, G_CONSENT, pp->consent);
	return -1;
}
