/*
 * One function over its CFG. Its parameters start out holding their own
 * symbols; a worklist in reverse post-order applies each block's
 * instructions to the block's state (a persistent map, pmap.c) until no
 * state grows; then a final pass over the fixpoint records the sink
 * events, once per instruction. What the function leaves its callers
 * (its result, what it wrote into its parameters and into globals, its
 * events) is its summary (summary.c).
 *
 * A call applies, in this order: the callee's annotations, its catalogue
 * entry, its summary (a function defined in the program), or what an
 * unknown external function is assumed to do: a pointer result may carry
 * what its text arguments carry (json_string(email)); a number does not,
 * and its arguments are not written.
 *
 * Each fact keeps one trace, the best found (eng_best): traces never
 * decide what flows, only how a flow is explained.
 */
#include <stdlib.h>
#include <string.h>

#include "eng_p.h"

/* --- traces of facts -------------------------------------------------------- */

static uint64_t trace_key(uint32_t slot, fkey k)
{
	return eng_mix(eng_mix(0x7ace, slot), k);
}

const pf_tnode *eng_trace_of(fctx *c, uint32_t slot, fkey k)
{
	uint64_t key = trace_key(slot, k);
	uint32_t i;

	if (slot & GSLOT)
		return eng_global_trace_of(c->e, slot, k);
	while (pf_map_get(c->traces, key, &i)) {
		if (c->tr_v.v[i].slot == slot && c->tr_v.v[i].key == k)
			return c->tr_v.v[i].t;
		key = eng_mix(key, 1);
	}
	return NULL;
}

void eng_set_trace(fctx *c, uint32_t slot, fkey k, const pf_tnode *t)
{
	uint64_t key = trace_key(slot, k);
	uint32_t i;

	if (!t)
		return;
	while (pf_map_get(c->traces, key, &i)) {
		if (c->tr_v.v[i].slot == slot && c->tr_v.v[i].key == k) {
			c->tr_v.v[i].t = eng_best(c->tr_v.v[i].t, t);
			return;
		}
		key = eng_mix(key, 1);
	}
	struct trent te = {slot, k, t};
	pf_map_put(c->traces, key, (uint32_t)c->tr_v.n);
	pf_vec_push(&c->tr_v, te);
}

/* --- small helpers ----------------------------------------------------------- */

static int kind_of(const eng *e, fkey k)
{
	return eng_lab(e, FK_LABEL(k))->kind;
}

static int is_data(const eng *e, fkey k)
{
	int kind = kind_of(e, k);
	return kind == L_DATA || kind == L_SYM;
}

/* Adds a trace step to every personal-data fact of v. */
static void step_all(eng *e, vtree *v, pf_loc loc, const char *note)
{
	for (size_t i = 0; i < v->n; i++)
		if (eng_traced(e, kind_of(e, v->v[i].key)))
			v->v[i].t = eng_step(e, v->v[i].t, loc, note);
}

/* All facts of v at the empty suffix (a collapsed value). */
static void flatten(eng *e, vtree *v)
{
	uint32_t empty = eng_suffix(e, NULL, 0);

	for (size_t i = 0; i < v->n; i++)
		v->v[i].sfx = empty;
}

/* --- library and annotated functions ------------------------------------------------ */

static int effect_applies(fctx *c, const pf_insn *in, const pf_effect *ef)
{
	const eng *e = c->e;

	if (ef->when_arg < 0)
		return 1;
	if ((uint32_t)ef->when_arg >= in->nargs)
		return 0;
	const pf_rval *a = &in->args[ef->when_arg];
	if (ef->when_ident)
		return a->ident && strcmp(eng_pstr(e, eng_decl(e, a->ident)->name), ef->when_ident) == 0;
	if (ef->when_str)
		return (a->flags & PF_RV_STR) && a->str && pf_glob_match(ef->when_str, a->str);
	if (ef->has_when_int)
		return (a->flags & PF_RV_INT) && !a->npaths && a->ival == ef->when_int;
	return 1;
}

static int arg_in(const pf_effect *ef, uint32_t i)
{
	return (i < 64 && (ef->from & (1ull << i))) ||
	       (ef->from_rest >= 0 && i >= (uint32_t)ef->from_rest);
}

static unsigned ninputs(const pf_insn *in, const pf_effect *ef)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < in->nargs; i++)
		n += arg_in(ef, i);
	return n;
}

/* The constant strings (a path, SQL, a URL) and symbols of `in`, onto the
   value itself of `out`. */
static void keep_strings(const eng *e, vtree *out, const vtree *in, uint32_t empty)
{
	for (size_t i = 0; i < in->n; i++) {
		int kind = kind_of(e, in->v[i].key);
		if (kind == L_STR || kind == L_SYM) {
			vfact f = {empty, in->v[i].key, NULL};
			pf_vec_push(out, f);
		}
	}
}

/* The inputs of an effect: one argument is copied as a tree (memcpy of a
   struct keeps its fields); several are formatted into one value. */
static void effect_inputs(fctx *c, vtree *out, const pf_insn *in, const pf_effect *ef, int mode)
{
	if (mode == R_TREE && ninputs(in, ef) > 1)
		mode = R_WHOLE;
	for (uint32_t i = 0; i < in->nargs; i++)
		if (arg_in(ef, i))
			eng_read_rval(c, out, &in->args[i], in->args[i].loc.line ? in->args[i].loc : in->loc,
			              mode);
	if (mode & R_WHOLE)
		flatten(c->e, out);
}

static void effect_output(fctx *c, const pf_insn *in, int to, const vtree *v, int strong)
{
	if (to == PF_ARG_RET) {
		eng_write(c, &in->dst, v, in->strong);
	} else if (to >= 0 && (uint32_t)to < in->nargs) {
		const pf_rval *a = &in->args[to];
		for (uint32_t i = 0; i < a->npaths; i++)
			eng_write(c, &a->paths[i], v,
			          strong && a->npaths == 1 && a->paths[i].base == PF_BASE_LOCAL);
	}
}

/* A store argument that is a parameter's symbol: what the callers pass
   there may be a deletion. */
static void mark_erase_param(fctx *c, const label *l)
{
	if (l->a < 32 && eng_sfx(c->e, l->b)->n == 0 && !(c->sum->erase_params & (1u << l->a))) {
		c->sum->erase_params |= 1u << l->a;
		c->sum->version++;
	}
}

uint32_t eng_pick_store(fctx *c, const vtree *sf, int allow_sym)
{
	eng *e = c->e;
	uint32_t sym = 0, str = 0;

	for (size_t i = 0; i < sf->n; i++) {
		uint32_t lid = FK_LABEL(sf->v[i].key);
		const label *l = eng_lab(e, lid);
		int erase;
		if (l->kind == L_STR) {
			uint32_t st = eng_store_name(e, eng_cstr(e, l->a), &erase);
			if (st && erase)
				eng_add_erase(e, c->fi, st);
			else if (st && !str)
				str = lid;
		} else if (l->kind == L_SYM && allow_sym) {
			if (!sym)
				sym = lid;
			mark_erase_param(c, l);
		}
	}
	return str ? str : sym;
}

static void spec_sink(fctx *c, const pf_insn *in, const char *name, const spec *sp,
                      const pf_effect *ef)
{
	eng *e = c->e;
	vtree data = {0}, hf = {0}, sf = {0};
	uint32_t store;

	/* what leaves: the arguments; what comes in: the buffer, whose name
	   or annotation says what it receives, as a field's does */
	if (ef->kind == PF_EFF_RECEIVE) {
		if (ef->to >= 0 && (uint32_t)ef->to < in->nargs)
			eng_read_rval(c, &data, &in->args[ef->to], in->loc, R_WHOLE | R_DECLARED);
	} else {
		effect_inputs(c, &data, in, ef, R_WHOLE);
	}
	if (ef->sink < 0 && ef->handle >= 0 && (uint32_t)ef->handle < in->nargs)
		eng_read_rval(c, &hf, &in->args[ef->handle], in->loc, R_HANDLE);
	if (ef->store_arg >= 0 && (uint32_t)ef->store_arg < in->nargs)
		eng_read_rval(c, &sf, &in->args[ef->store_arg], in->loc, R_HANDLE);
	else if (ef->handle >= 0 && (uint32_t)ef->handle < in->nargs)
		eng_read_rval(c, &sf, &in->args[ef->handle], in->loc, R_HANDLE);
	store = ef->kind == PF_EFF_RECEIVE ? 0 : eng_pick_store(c, &sf, ef->store_arg >= 0);
	if (sp->store && ef->kind != PF_EFF_RECEIVE)
		store = eng_label(e, L_STR, eng_str(e, sp->store), 0, 0);
	for (size_t i = 0; i < data.n; i++) {
		if (!is_data(e, data.v[i].key))
			continue;
		evkey k = {0};
		k.data = data.v[i].key;
		k.sink = ef->sink;
		k.received = ef->kind == PF_EFF_RECEIVE;
		k.recipient = eng_str(e, ef->recipient);
		k.purpose = eng_str(e, ef->purpose ? ef->purpose : sp->purpose);
		k.store = store;
		uint32_t site = eng_site(e, data.v[i].t, in->use, c->fi, eng_str(e, name));
		if (ef->sink < 0 && !(k.handles = eng_handle_set(e, &hf, ef->sink)) &&
		    !(k.handles = eng_unknown_handles(e, k.data)))
			continue; /* nothing known of the handle, and no rule for it */
		eng_event(c, k, site);
	}
	pf_vec_free(&data);
	pf_vec_free(&hf);
	pf_vec_free(&sf);
}

/*
 * What a receive leaves in its buffer besides what the buffer is declared
 * to hold: a marker of the call ("@received:FILE:LINE:COL"), carried like
 * data. If it reaches a decryption, what came in was encrypted and the
 * receive is no cleartext-transport (eng_emit_all). Only where a finding
 * can be: the buffer holds personal data by its name or annotation.
 */
static void received_marker(fctx *c, const pf_insn *in, const pf_effect *ef)
{
	eng *e = c->e;
	vtree d = {0}, out = {0};
	int any = 0;

	if (ef->to < 0 || (uint32_t)ef->to >= in->nargs)
		return;
	eng_read_rval(c, &d, &in->args[ef->to], in->loc, R_WHOLE | R_DECLARED);
	for (size_t i = 0; i < d.n && !any; i++)
		any = kind_of(e, d.v[i].key) == L_DATA;
	if (any) {
		vfact f = {eng_suffix(e, NULL, 0),
		           FK(eng_label(e, L_DATA, eng_received_marker(e, in->use), 0, 0), 0), NULL};
		pf_vec_push(&out, f);
		effect_output(c, in, ef->to, &out, 0);
	}
	pf_vec_free(&d);
	pf_vec_free(&out);
}

/* A write to a stream on memory (open_memstream, fmemopen) is a copy
   into its buffer: the stream aliases the buffer (eng_aliases). */
static void memory_write(fctx *c, const pf_insn *in, const pf_effect *ef)
{
	eng *e = c->e;
	vtree hf = {0}, data = {0};
	int mem = 0;

	if (ef->sink != PF_SINK_BY_HANDLE || ef->handle < 0 || (uint32_t)ef->handle >= in->nargs)
		return;
	eng_read_rval(c, &hf, &in->args[ef->handle], in->loc, R_HANDLE);
	for (size_t i = 0; i < hf.n && !mem; i++) {
		const label *l = eng_lab(e, FK_LABEL(hf.v[i].key));
		mem = l->kind == L_RES && strcmp(eng_cstr(e, l->a), "memory") == 0;
	}
	if (mem) {
		effect_inputs(c, &data, in, ef, R_WHOLE);
		effect_output(c, in, ef->handle, &data, 0);
	}
	pf_vec_free(&hf);
	pf_vec_free(&data);
}

/* A decryption: the markers of receives its ciphertext holds (or, as
   symbols, may hold at the callers) reach it. */
static void decrypt_events(fctx *c, const pf_insn *in, const char *name, const pf_effect *ef)
{
	eng *e = c->e;
	vtree data = {0};

	effect_inputs(c, &data, in, ef, R_WHOLE);
	for (size_t i = 0; i < data.n; i++) {
		const label *l = eng_lab(e, FK_LABEL(data.v[i].key));
		if (l->kind != L_SYM && !(l->kind == L_DATA && eng_is_marker(e, l->a)))
			continue;
		evkey k = {0};
		k.data = data.v[i].key;
		k.sink = PF_SINK_DECRYPTED;
		eng_event(c, k, eng_site(e, data.v[i].t, in->use, c->fi, eng_str(e, name)));
	}
	pf_vec_free(&data);
}

static void call_spec(fctx *c, const pf_insn *in, pf_declid callee, const spec *sp)
{
	eng *e = c->e;
	const char *name = eng_pstr(e, eng_decl(e, callee)->name);
	vtree in_f = {0}, out_f = {0};
	uint32_t empty = eng_suffix(e, NULL, 0);

	uint64_t handled = 0;

	if (sp->erases)
		eng_add_erase(e, c->fi, eng_str(e, sp->erases));
	for (size_t k = 0; k < sp->n; k++) {
		const pf_effect *ef = &sp->effects[k];
		if (!effect_applies(c, in, ef))
			continue;
		in_f.n = out_f.n = 0;
		switch (ef->kind) {
		case PF_EFF_SOURCE: {
			vfact f = {empty, FK(eng_label(e, L_DATA, eng_str(e, ef->category), 0, 0), 0),
			           eng_step(e, NULL, in->use, eng_note(e, "%s obtained from %s()",
			                                              ef->category, name))};
			pf_vec_push(&out_f, f);
			effect_output(c, in, ef->to, &out_f, 0);
			break;
		}
		case PF_EFF_PROPAGATE:
		case PF_EFF_SANITIZE: {
			effect_inputs(c, &in_f, in, ef, R_TREE);
			if (ef->to == PF_ARG_RET) /* atoi(email) is no address */
				eng_drop_text(e, &in_f, 0, eng_decl(e, callee));
			const char *note = NULL; /* formatted for the first fact it is said of */
			for (size_t i = 0; i < in_f.n; i++) {
				vfact f = in_f.v[i];
				if (is_data(e, f.key)) {
					if (ef->kind == PF_EFF_SANITIZE)
						f.key |= 1u << ef->transform;
					if (eng_traced(e, kind_of(e, f.key))) {
						if (!note)
							note = ef->kind == PF_EFF_SANITIZE
							               ? eng_note(e, "%s by %s()",
							                          pf_transform_id(ef->transform), name)
							               : eng_note(e, "copied by %s()", name);
						f.t = eng_step(e, f.t, in->use, note);
					}
				}
				pf_vec_push(&out_f, f);
			}
			effect_output(c, in, ef->to, &out_f, ef->overwrite);
			break;
		}
		case PF_EFF_HANDLE: {
			vfact f = {empty, FK(eng_label(e, L_RES, eng_str(e, ef->resource), 0, 0), 0), NULL};
			pf_vec_push(&out_f, f);
			/* a handle remembers the path or SQL it was opened with */
			effect_inputs(c, &in_f, in, ef, R_HANDLE);
			keep_strings(e, &out_f, &in_f, empty);
			/* the first kind replaces what was there, the next ones
			   add to it (a log file is a log and a file) */
			uint64_t bit = ef->to >= -1 && ef->to < 63 ? 1ull << (ef->to + 1) : 0;
			if (ef->to == PF_ARG_RET)
				eng_write(c, &in->dst, &out_f, in->strong && !(handled & bit));
			else
				effect_output(c, in, ef->to, &out_f, !(handled & bit));
			handled |= bit;
			break;
		}
		case PF_EFF_ERASE: {
			effect_inputs(c, &in_f, in, ef, R_HANDLE);
			for (size_t i = 0; i < in_f.n; i++) {
				const label *l = eng_lab(e, FK_LABEL(in_f.v[i].key));
				int erase;
				uint32_t st;
				if (l->kind == L_STR && (st = eng_store_name(e, eng_cstr(e, l->a), &erase)))
					eng_add_erase(e, c->fi, st);
				else if (l->kind == L_SYM)
					mark_erase_param(c, l);
			}
			break;
		}
		case PF_EFF_URL: {
			effect_inputs(c, &in_f, in, ef, R_HANDLE);
			keep_strings(e, &out_f, &in_f, empty);
			effect_output(c, in, ef->to, &out_f, 0);
			break;
		}
		case PF_EFF_RECEIVE:
			received_marker(c, in, ef);
			c->info->sinks = 1;
			if (c->emit && e->events)
				spec_sink(c, in, name, sp, ef);
			break;
		case PF_EFF_SINK:
			memory_write(c, in, ef);
			c->info->sinks = 1;
			if (c->emit && e->events)
				spec_sink(c, in, name, sp, ef);
			break;
		case PF_EFF_DECRYPT:
			c->info->sinks = 1;
			if (c->emit && e->events)
				decrypt_events(c, in, name, ef);
			break;
		default:
			break;
		}
	}
	pf_vec_free(&in_f);
	pf_vec_free(&out_f);
}

/* An external function nobody described. */
static void call_unknown(fctx *c, const pf_insn *in, pf_declid callee)
{
	eng *e = c->e;
	vtree out = {0};
	const pf_decl *d = callee ? eng_decl(e, callee) : NULL;

	if (in->dst.base == PF_BASE_NONE || !d)
		return;
	if (d->tclass != PF_TY_STRING && d->tclass != PF_TY_BYTES && d->tclass != PF_TY_POINTER &&
	    d->tclass != PF_TY_RECPTR)
		return;
	for (uint32_t i = 0; i < in->nargs; i++) {
		const pf_rval *a = &in->args[i];
		int text = 0;
		for (uint32_t k = 0; k < a->npaths && !text; k++) {
			const pf_path *p = &a->paths[k];
			pf_declid pd = p->depth ? p->field[p->depth - 1]
			               : p->base == PF_BASE_LOCAL && p->var < c->f->nlocals ? c->f->locals[p->var]
			               : p->base == PF_BASE_PARAM && p->var < c->f->nparams ? c->f->params[p->var]
			               : p->base == PF_BASE_GLOBAL ? p->var : 0;
			int tc = pd && !eng_path_is_index(pd) ? eng_decl(e, pd)->tclass : PF_TY_STRING;
			text = tc == PF_TY_STRING || tc == PF_TY_BYTES;
		}
		/* text is read whole (what is in the string); a record only for
		   what is known of it as a whole */
		eng_read_rval(c, &out, a, in->loc, text ? R_WHOLE : R_HANDLE);
	}
	size_t k = 0;
	for (size_t i = 0; i < out.n; i++)
		if (is_data(e, out.v[i].key))
			out.v[k++] = out.v[i];
	out.n = k;
	flatten(e, &out);
	if (out.n)
		step_all(e, &out, in->use, eng_note(e, "passed through %s()", eng_pstr(e, d->name)));
	eng_write(c, &in->dst, &out, in->strong);
	pf_vec_free(&out);
}

static void transfer_call(fctx *c, const pf_insn *in)
{
	eng *e = c->e;
	pf_declid tg[MAX_TARGETS];
	size_t nt = eng_call_targets(e, c->fi, in, tg, MAX_TARGETS);

	for (size_t t = 0; t < nt; t++) {
		const spec *sp = eng_spec(e, tg[t]);
		const pf_func *cf;
		if (sp)
			call_spec(c, in, tg[t], sp);
		else if ((cf = pf_program_func_of(e->prog, tg[t])))
			eng_call_summary(c, in, (uint32_t)(cf - e->prog->funcs.v));
		else
			call_unknown(c, in, tg[t]);
	}
}

static void transfer(fctx *c, const pf_insn *in)
{
	vtree *v = &c->tmp;

	v->n = 0;
	switch (in->op) {
	case PF_OP_ASSIGN:
		eng_read_rval(c, v, &in->src, in->loc, R_TREE);
		eng_write(c, &in->dst, v, in->strong);
		break;
	case PF_OP_RETURN:
		eng_read_rval(c, v, &in->src, in->loc, R_TREE);
		for (size_t i = 0; i < v->n; i++)
			eng_sum_out(c, OUT_RET, 0, v->v[i].sfx, v->v[i].key, v->v[i].t);
		break;
	case PF_OP_CALL:
		transfer_call(c, in);
		break;
	default:
		break;
	}
}

/* --- the exit: what the parameters hold ------------------------------------------- */

typedef struct exit_scan {
	fctx *c;
} exit_scan;

static void exit_one(void *arg, uint32_t s, uint32_t set)
{
	fctx *c = ((exit_scan *)arg)->c;
	eng *e = c->e;
	const fslot *sd;
	size_t n;
	const fkey *k;

	if (s & GSLOT)
		return;
	sd = &c->info->slots.v.v[s];
	if (sd->p.base != PF_BASE_PARAM)
		return;
	k = eng_set_keys(e, set, &n);
	for (size_t i = 0; i < n; i++) {
		const label *l = eng_lab(e, FK_LABEL(k[i]));
		if (l->kind != L_DATA && l->kind != L_SYM)
			continue;
		if (l->kind == L_SYM && l->a == sd->p.var)
			continue; /* its own value, or a field of itself */
		eng_sum_out(c, OUT_PARAM, sd->p.var, eng_suffix(e, sd->p.field, sd->p.depth), k[i],
		            eng_trace_of(c, s, k[i]));
	}
}

/* --- the function -------------------------------------------------------------------- */

static uint32_t merge_sets(void *arg, uint32_t a, uint32_t b)
{
	return eng_set_union(arg, a, b);
}

/* Blocks in reverse post-order from the entry; unreachable ones after. */
static uint32_t *rpo_order(const pf_func *f, uint32_t *rank)
{
	uint32_t n = f->nblocks, *order = pf_calloc(n, sizeof(uint32_t)), k = n;
	uint8_t *seen = pf_calloc(n, 1);
	struct fr { uint32_t b, i; } *stack = pf_calloc(n + 1, sizeof(*stack));
	size_t sp = 0;

	stack[sp++] = (struct fr){0, 0};
	seen[0] = 1;
	while (sp) {
		struct fr *t = &stack[sp - 1];
		const pf_block *bl = &f->blocks[t->b];
		if (t->i < bl->nsucc) {
			uint32_t s = bl->succ[t->i++];
			if (s < n && !seen[s]) {
				seen[s] = 1;
				stack[sp++] = (struct fr){s, 0};
			}
			continue;
		}
		order[--k] = t->b;
		sp--;
	}
	/* unreachable blocks keep their order after the reachable ones */
	uint32_t reach = n - k, m = 0;
	uint32_t *all = pf_calloc(n, sizeof(uint32_t));
	for (uint32_t i = k; i < n; i++)
		all[m++] = order[i];
	for (uint32_t b = 0; b < n; b++)
		if (!seen[b])
			all[m++] = b;
	for (uint32_t i = 0; i < n; i++)
		rank[all[i]] = i;
	(void)reach;
	pf_free(order);
	pf_free(seen);
	pf_free(stack);
	return all;
}

void eng_analyse(eng *e, uint32_t fi)
{
	const pf_func *f = &e->prog->funcs.v[fi];
	fctx c = {0};
	const pnode **in, *exitst = NULL;
	uint32_t *rank, *order;
	uint64_t *pending;
	uint8_t *visited;
	size_t nwords;

	if (f->nblocks == 0)
		return;
	c.e = e;
	c.fi = fi;
	c.f = f;
	c.info = &e->fi[fi];
	c.sum = &c.info->sum;
	c.pm = pm_new(merge_sets, e);
	c.traces = pf_map_new();
	c.gin = eng_compute_guards(&c);
	eng_aliases(&c);

	/* entry: each parameter holds its symbol */
	for (uint32_t k = 0; k < f->nparams; k++) {
		pf_path p = {.base = PF_BASE_PARAM, .var = k};
		const pf_decl *pd = eng_decl(e, f->params[k]);
		uint32_t s = eng_slot(&c, &p);
		fkey key = FK(eng_label(e, L_SYM, k, eng_suffix(e, NULL, 0), 0), 0);
		c.st = pm_set(c.pm, c.st, s, eng_set(e, &key, 1));
		eng_set_trace(&c, s, key, eng_step(e, NULL, pd->loc, eng_note(e, "parameter %s of %s()",
		                                                          eng_pstr(e, pd->name),
		                                                          eng_fname(e, fi))));
	}
	if (eng_decl(e, f->decl)->flags & PF_DF_VARIADIC) {
		pf_path p = {.base = PF_BASE_VARARGS};
		uint32_t s = eng_slot(&c, &p);
		fkey key = FK(eng_label(e, L_SYM, SYM_VARARGS, eng_suffix(e, NULL, 0), 0), 0);
		c.st = pm_set(c.pm, c.st, s, eng_set(e, &key, 1));
		eng_set_trace(&c, s, key, eng_step(e, NULL, f->loc, eng_note(e, "variadic arguments of %s()",
		                                                         eng_fname(e, fi))));
	}

	in = pf_calloc(f->nblocks, sizeof(*in));
	rank = pf_calloc(f->nblocks, sizeof(uint32_t));
	order = rpo_order(f, rank);
	nwords = (f->nblocks + 63) / 64;
	pending = pf_calloc(nwords, sizeof(uint64_t));
	visited = pf_calloc(f->nblocks, 1);
	in[0] = c.st;
	visited[0] = 1;
	pending[rank[0] / 64] |= 1ull << (rank[0] % 64);
	size_t budget = (size_t)f->nblocks * 64 + 1024, visits = 0;
	for (;;) {
		size_t w = 0;
		while (w < nwords && !pending[w])
			w++;
		if (w == nwords)
			break;
		if (!budget--) {
			eng_truncated(e, fi, "its fixpoint took too many steps");
			break;
		}
		visits++;
		uint32_t r = (uint32_t)(w * 64 + (uint32_t)__builtin_ctzll(pending[w]));
		pending[w] &= pending[w] - 1;
		uint32_t b = order[r];
		const pf_block *bl = &f->blocks[b];
		c.block = b;
		c.st = in[b];
		for (uint32_t k = 0; k < bl->count; k++)
			transfer(&c, &f->insns[bl->first + k]);
		for (uint32_t s = 0; s < bl->nsucc; s++) {
			uint32_t t = bl->succ[s];
			if (t >= f->nblocks)
				continue;
			const pnode *nw = pm_union(c.pm, in[t], c.st);
			if (nw == in[t] && visited[t])
				continue;
			in[t] = nw;
			visited[t] = 1;
			pending[rank[t] / 64] |= 1ull << (rank[t] % 64);
		}
	}
	c.info->visits = visits;
	/* the final pass: sink events, once per instruction, on the fixpoint;
	   not in blocks no path reaches (after exit(), a noreturn helper) */
	c.emit = 1;
	for (uint32_t r = 0; r < f->nblocks; r++) {
		uint32_t b = order[r];
		const pf_block *bl = &f->blocks[b];
		if (!visited[b])
			continue;
		c.block = b;
		c.st = in[b];
		for (uint32_t k = 0; k < bl->count; k++)
			transfer(&c, &f->insns[bl->first + k]);
		if (bl->term == PF_TERM_EXIT && visited[b])
			exitst = pm_union(c.pm, exitst, c.st);
	}
	exit_scan es = {&c};
	pm_foreach(exitst, exit_one, &es);

	for (uint32_t b = 0; c.gin && b < f->nblocks; b++)
		pf_vec_free(&c.gin[b]);
	pf_free(c.gin);
	pf_free(in);
	pf_free(rank);
	pf_free(order);
	pf_free(pending);
	pf_free(visited);
	pf_vec_free(&c.tmp);
	pf_vec_free(&c.tr_v);
	pf_vec_free(&c.aliases);
	pf_map_free(c.traces);
	eng_memos_free(&c);
	pm_free(c.pm);
}
