/*
 * The control-flow graph of the function being lowered: blocks, their
 * terminators (goto, branch, switch, exit) and labels; and the hand-over
 * of a finished function to the TU builder, instructions grouped by block.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe_p.h"

/* --- blocks -------------------------------------------------------------- */

uint32_t fe_blk_new(fe_fn *fn)
{
	fe_blk b = {0};
	pf_vec_push(&fn->blocks, b);
	return (uint32_t)fn->blocks.n - 1;
}

void fe_blk_succ(fe_fn *fn, uint32_t b, uint32_t s)
{
	fe_blk *bl = &fn->blocks.v[b];
	if (bl->nsucc == bl->cap) {
		bl->cap = bl->cap ? bl->cap * 2 : 2;
		bl->succ = pf_realloc(bl->succ, bl->cap * sizeof(uint32_t));
	}
	bl->succ[bl->nsucc++] = s;
}

uint32_t fe_cur_block(fe_fn *fn)
{
	if (fn->cur == PF_NO_BLOCK)
		fn->cur = fe_blk_new(fn); /* unreachable code still gets a block */
	return fn->cur;
}

void fe_term_goto(fe_fn *fn, uint32_t target)
{
	if (fn->cur == PF_NO_BLOCK)
		return;
	fe_blk *bl = &fn->blocks.v[fn->cur];
	bl->term = PF_TERM_GOTO;
	bl->done = 1;
	fe_blk_succ(fn, fn->cur, target);
	fn->cur = PF_NO_BLOCK;
}

void fe_term_exit(fe_fn *fn)
{
	uint32_t b = fe_cur_block(fn);
	fn->blocks.v[b].term = PF_TERM_EXIT;
	fn->blocks.v[b].done = 1;
	fn->cur = PF_NO_BLOCK;
}

void fe_term_branch(fe_fn *fn, const pf_cond *c, uint32_t t, uint32_t f)
{
	uint32_t b = fe_cur_block(fn);
	fn->blocks.v[b].term = PF_TERM_BRANCH;
	fn->blocks.v[b].done = 1;
	fn->blocks.v[b].cond = *c;
	fe_blk_succ(fn, b, t);
	fe_blk_succ(fn, b, f);
	fn->cur = PF_NO_BLOCK;
}

/* Continues into block b (falling through from the open block, if any). */
void fe_enter(fe_fn *fn, uint32_t b)
{
	if (fn->cur != PF_NO_BLOCK && fn->cur != b)
		fe_term_goto(fn, b);
	fn->cur = b;
}

void fe_emit(fe_fn *fn, const pf_insn *in)
{
	uint32_t b = fe_cur_block(fn);
	pf_vec_push(&fn->insns, *in);
	pf_vec_push(&fn->insn_blk, b);
}

uint32_t fe_label_block(fe_tu *x, CXCursor c)
{
	fe_fn *fn = &x->fn;
	CXString s = clang_getCursorSpelling(c);
	pf_sym name = pf_tub_sym(x->b, clang_getCString(s));
	clang_disposeString(s);
	for (size_t i = 0; i < fn->labels.n; i++)
		if (fn->labels.v[i].name == name)
			return fn->labels.v[i].block;
	fe_label l = {name, fe_blk_new(fn)};
	pf_vec_push(&fn->labels, l);
	return l.block;
}

/* --- functions ----------------------------------------------------------- */

void fe_fn_reset(fe_fn *fn)
{
	for (size_t i = 0; i < fn->blocks.n; i++)
		pf_free(fn->blocks.v[i].succ);
	fn->params.n = 0;
	fn->locals.n = 0;
	fn->insns.n = 0;
	fn->insn_blk.n = 0;
	fn->blocks.n = 0;
	fn->labels.n = 0;
	pf_map_free(fn->vars);
	fn->vars = pf_map_new();
	fn->cur = PF_NO_BLOCK;
	fn->brk = fn->cont = fn->sw = PF_NO_BLOCK;
	fn->sw_default = 0;
	fn->collect = NULL;
	fn->decl = 0;
}

void fe_fn_free(fe_fn *fn)
{
	for (size_t i = 0; i < fn->blocks.n; i++)
		pf_free(fn->blocks.v[i].succ);
	pf_vec_free(&fn->params);
	pf_vec_free(&fn->locals);
	pf_vec_free(&fn->insns);
	pf_vec_free(&fn->insn_blk);
	pf_vec_free(&fn->blocks);
	pf_vec_free(&fn->labels);
	pf_map_free(fn->vars);
	fn->vars = NULL;
}

/* Closes the function being lowered and hands it to the builder: open
   blocks end in EXIT, instructions are grouped by block. */
void fe_fn_finish(fe_tu *x, pf_loc loc)
{
	fe_fn *fn = &x->fn;
	if (fn->cur != PF_NO_BLOCK)
		fe_term_exit(fn);
	pf_arena *a = x->arena;
	pf_func f;
	memset(&f, 0, sizeof(f));
	f.decl = fn->decl;
	f.loc = loc;
	f.nparams = (uint32_t)fn->params.n;
	if (f.nparams) {
		f.params = pf_arena_alloc(a, f.nparams * sizeof(pf_declid));
		memcpy(f.params, fn->params.v, f.nparams * sizeof(pf_declid));
	}
	f.nlocals = (uint32_t)fn->locals.n;
	if (f.nlocals) {
		f.locals = pf_arena_alloc(a, f.nlocals * sizeof(pf_declid));
		memcpy(f.locals, fn->locals.v, f.nlocals * sizeof(pf_declid));
	}
	f.nblocks = (uint32_t)fn->blocks.n;
	f.blocks = pf_arena_alloc(a, (f.nblocks ? f.nblocks : 1) * sizeof(pf_block));
	uint32_t *count = pf_calloc(f.nblocks + 1, sizeof(uint32_t));
	for (size_t i = 0; i < fn->insns.n; i++)
		count[fn->insn_blk.v[i]]++;
	uint32_t first = 0;
	for (uint32_t b = 0; b < f.nblocks; b++) {
		fe_blk *src = &fn->blocks.v[b];
		pf_block *bl = &f.blocks[b];
		bl->first = first;
		bl->count = count[b];
		first += count[b];
		count[b] = bl->first; /* becomes the fill cursor */
		bl->term = src->done ? src->term : PF_TERM_EXIT;
		bl->nsucc = src->nsucc;
		if (src->nsucc) {
			bl->succ = pf_arena_alloc(a, src->nsucc * sizeof(uint32_t));
			memcpy(bl->succ, src->succ, src->nsucc * sizeof(uint32_t));
		}
		if (!src->done)
			bl->nsucc = 0;
		bl->cond = src->cond;
	}
	f.ninsns = (uint32_t)fn->insns.n;
	if (f.ninsns) {
		f.insns = pf_arena_alloc(a, f.ninsns * sizeof(pf_insn));
		for (size_t i = 0; i < fn->insns.n; i++)
			f.insns[count[fn->insn_blk.v[i]]++] = fn->insns.v[i];
	}
	pf_free(count);
	pf_tub_func(x->b, &f);
}

