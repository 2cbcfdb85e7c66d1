/*
 * Internals of the frontend (analyzer/frontend/): the state of one
 * translation unit and of the function being lowered, and the functions
 * the frontend's files share. Only the frontend includes this header (and
 * clang-c with it).
 *
 *   frontend.c   a TU: parse with libclang, diagnostics, top-level
 *                declarations, the files it read
 *   decls.c      files and locations, types, declarations, annotations
 *   cfg.c        blocks and terminators; closing a function into the IR
 *   operators.c  operator kinds read from the source text (libclang 14
 *                does not expose them)
 *   expr.c       expressions and conditions: values, calls, branches
 *   stmt.c       statements, initialisers, function bodies
 */
#ifndef PF_FE_P_H
#define PF_FE_P_H

#include <clang-c/Index.h>

#include "../frontend.h"

struct pf_frontend {
	CXIndex index;
	char *root;        /* absolute, normalised; NULL: everything is the project's */
	size_t rootlen;
	char *include_arg; /* "-I<include_dir>" or NULL */
	char *install_dir; /* the clang driver's directory, or NULL */
	char *resource_dir; /* libclang's built-in headers, or NULL */
	/* Digests of the files parsed so far, by file identity: a worker parses
	   many TUs, and hashing every header of each was 7 % of sudo's scan. */
	pf_map *digest_map; /* hash of the identity -> index in digests */
	PF_VEC(struct fe_digest {
		unsigned long long id[3]; /* device, inode, modification time */
		size_t size;
		char hex[65];
	}) digests;
};

/* Children of a cursor, in order. Small inline buffer: most nodes have
   fewer than 8 children. */
typedef struct kids {
	CXCursor buf[8];
	CXCursor *v;
	unsigned n, cap;
} kids;

typedef struct fe_file {
	CXFile file;
	pf_sym sym;
	uint8_t project; /* under the root */
	uint8_t has_text;
	const char *text; /* its contents (fe_file_text) */
	size_t size;
} fe_file;

typedef struct fe_cached {
	CXCursor c;
	pf_declid id;
} fe_cached;

typedef struct fe_blk {
	uint8_t term;
	uint8_t done;
	uint32_t nsucc, cap;
	uint32_t *succ;
	pf_cond cond;
} fe_blk;

typedef struct fe_label {
	pf_sym name;
	uint32_t block;
} fe_label;

typedef PF_VEC(pf_path) path_vec;

/* One function being lowered. */
typedef struct fe_fn {
	pf_declid decl;
	PF_VEC(pf_declid) params;
	PF_VEC(pf_declid) locals;
	pf_map *vars;          /* declid -> index << 1 | is_param */
	PF_VEC(pf_insn) insns;
	PF_VEC(uint32_t) insn_blk;
	PF_VEC(fe_blk) blocks;
	PF_VEC(fe_label) labels;
	uint32_t cur;          /* open block, PF_NO_BLOCK after a terminator */
	uint32_t brk, cont;    /* targets of break / continue */
	uint32_t sw;           /* head block of the innermost switch */
	int sw_default;
	path_vec *collect;     /* leaf conditions' paths go here when set */
} fe_fn;

typedef struct fe_tu {
	pf_frontend *fe;
	const pf_tu_cmd *cmd;
	CXTranslationUnit tu;
	pf_tu_builder *b;
	pf_arena *arena;
	pf_map *file_map;               /* CXFile address -> index in files */
	PF_VEC(fe_file) files;
	pf_map *decl_map;               /* clang_hashCursor -> index in cached */
	PF_VEC(fe_cached) cached;
	pf_map *synth;                  /* hash(name) -> declid of renamed builtins */
	PF_VEC(uint8_t) noret;          /* per declid: 0 unknown, 1 no, 2 yes */
	PF_VEC(CXCursor) ginits;        /* project globals with initialisers */
	fe_fn fn;
} fe_tu;


typedef struct fe_val {
	pf_rval rv;
	uint8_t is_path; /* the expression denotes rv.paths[0] */
	uint8_t strong;  /* ... a plain local or `.` fields of one */
} fe_val;

enum fe_op {
	OP_UNKNOWN, OP_ASSIGN, OP_COMMA, OP_LAND, OP_LOR, OP_EQ, OP_NE, OP_LT,
	OP_GT, OP_LE, OP_GE, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_REM, OP_AND,
	OP_OR, OP_XOR, OP_SHL, OP_SHR,
	OP_NOT, OP_NEG, OP_PLUS, OP_BITNOT, OP_DEREF, OP_ADDR, OP_INC, OP_DEC,
	OP_EXT
};

enum { DST_TEMP, DST_NONE, DST_GIVEN };

/* decls.c */
enum CXChildVisitResult fe_kids_visit(CXCursor c, CXCursor parent, CXClientData d);
void fe_kids_get(kids *k, CXCursor c);
void fe_kids_free(kids *k);
int fe_is_expr(CXCursor c);
fe_file *fe_file_info(fe_tu *x, CXFile f);
/* The contents of f, asked of libclang once per file: each call of
   clang_getFileContents searches the TU's source locations, which a
   unity TU full of macros has millions of. */
const char *fe_file_text(fe_tu *x, CXFile f, size_t *size);
pf_loc fe_loc_spell(fe_tu *x, CXSourceLocation l);
pf_loc fe_loc_expand(fe_tu *x, CXSourceLocation l);
CXSourceLocation fe_start_of(CXCursor c);
int fe_in_project(fe_tu *x, CXCursor c);
int fe_is_ptr_or_array(enum CXTypeKind k);
CXType fe_elem_type(CXType t);
void fe_noret_grow(fe_tu *x, pf_declid id);
pf_declid fe_decl(fe_tu *x, CXCursor c);
void fe_decl_redecl(fe_tu *x, pf_declid id, CXCursor c);
void fe_decl_flag(fe_tu *x, pf_declid id, unsigned flag);
pf_declid fe_synth_func(fe_tu *x, const char *name, pf_declid like);

/* cfg.c */
uint32_t fe_blk_new(fe_fn *fn);
void fe_blk_succ(fe_fn *fn, uint32_t b, uint32_t s);
uint32_t fe_cur_block(fe_fn *fn);
void fe_term_goto(fe_fn *fn, uint32_t target);
void fe_term_exit(fe_fn *fn);
void fe_term_branch(fe_fn *fn, const pf_cond *c, uint32_t t, uint32_t f);
void fe_enter(fe_fn *fn, uint32_t b);
void fe_emit(fe_fn *fn, const pf_insn *in);
uint32_t fe_label_block(fe_tu *x, CXCursor c);
void fe_fn_reset(fe_fn *fn);
void fe_fn_free(fe_fn *fn);
void fe_fn_finish(fe_tu *x, pf_loc loc);

/* operators.c */
const char *fe_skip_ws(const char *p, const char *end);
int fe_binop_kind(fe_tu *x, CXCursor e, CXCursor l, CXCursor r);
int fe_unop_kind(fe_tu *x, CXCursor e, CXCursor sub);

/* expr.c */
int fe_path_append(pf_path *p, pf_declid field);
fe_val fe_var_val(fe_tu *x, CXCursor ref);
CXCursor fe_sole_expr(CXCursor e);
CXCursor fe_strip(CXCursor e);
pf_insn fe_insn_at(fe_tu *x, int op, CXCursor e);
void fe_emit_assign(fe_tu *x, CXCursor at, const pf_path *dst, int strong, const pf_rval *src);
fe_val fe_lower_call(fe_tu *x, CXCursor e, int mode, const pf_path *dst);
void fe_lower_discard(fe_tu *x, CXCursor e);
fe_val fe_lower_expr(fe_tu *x, CXCursor e);
void fe_lower_cond(fe_tu *x, CXCursor e, uint32_t t, uint32_t f, int neg);

/* stmt.c */
void fe_lower_init(fe_tu *x, const pf_path *dst, int strong, CXType type, CXCursor list);
CXCursor fe_var_init(CXCursor vd);
void fe_lower_stmt(fe_tu *x, CXCursor s);
void fe_lower_function(fe_tu *x, CXCursor c, pf_declid id);
void fe_lower_global_inits(fe_tu *x);

#endif
