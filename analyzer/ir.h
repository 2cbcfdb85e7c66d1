/*
 * The intermediate representation privflow analyses: per translation unit,
 * the declarations it uses and a control-flow graph of each function it
 * defines, whose instructions move values between access paths. The
 * frontend (libclang) produces it; the engine consumes it and never sees
 * clang. Unit tests build it by hand.
 *
 * Model (docs/architecture.md explains the choices):
 *  - An access path is a base (local, parameter, global, the function's
 *    return value or its variadic arguments) followed by up to
 *    PF_PATH_DEPTH elements: field declarations and array indexes
 *    (`a[3]`, `a[E_CONST]`, or `a[i]`: any element). `p->f`, `(*p).f` and
 *    `p.f` are the same path: a pointer and what it points to are one
 *    abstract location (docs/architecture.md, the memory model).
 *  - An rvalue is the set of paths an expression reads, plus what is known
 *    of its constant value (string literal, integer, enum constant,
 *    function designator).
 *  - A function is a CFG of blocks. A block holds straight-line
 *    instructions (assign, call, return) and ends in a goto (one
 *    successor), a two-way branch on a condition, a multi-way switch, or
 *    an exit. `&&`, `||` and `?:` are lowered to branches, so every test
 *    the code makes is a branch condition the engine can see.
 */
#ifndef PF_IR_H
#define PF_IR_H

#include <stdint.h>

#include "util.h"

typedef uint32_t pf_declid; /* index into pf_tu.decls / pf_program.decls; 0 = none */

#define PF_PATH_DEPTH 6
/* An array element in a path: PF_ELEM_INDEX | k for a constant index k
   (a literal, an enum constant, a macro), PF_ELEM_ANY for any other. */
#define PF_ELEM_INDEX 0x80000000u
#define PF_ELEM_ANY 0xFFFFFFFFu
#define PF_NO_BLOCK UINT32_MAX

typedef struct pf_loc {
	pf_sym file;   /* path as given to the compiler, made relative to the
	                  project root when inside it */
	uint32_t line; /* 1-based; 0 = unknown */
	uint32_t col;  /* 1-based */
} pf_loc;

enum pf_decl_kind {
	PF_DECL_FIELD,
	PF_DECL_GLOBAL, /* file-scope or static-local variable */
	PF_DECL_LOCAL,
	PF_DECL_PARAM,
	PF_DECL_FUNC,
	PF_DECL_ENUMCONST
};

/* Coarse class of a declaration's type, for name-pattern gating. */
enum pf_type_class {
	PF_TY_OTHER,
	PF_TY_STRING,  /* char/wchar array or pointer (any constness) */
	PF_TY_INT,     /* integer, enum, bool */
	PF_TY_FLOAT,
	PF_TY_RECORD,  /* struct/union by value */
	PF_TY_RECPTR,  /* pointer (or array) to struct/union */
	PF_TY_BYTES,   /* void pointer, unsigned char/uint8_t array or pointer */
	PF_TY_FUNCPTR,
	PF_TY_POINTER  /* any other pointer */
};

enum pf_decl_flag {
	PF_DF_SYSTEM = 1 << 0,   /* declared in a system header */
	PF_DF_VARIADIC = 1 << 1, /* function with `...` */
	PF_DF_STATIC = 1 << 2,   /* internal linkage */
	PF_DF_DEFINED = 1 << 3,  /* function with a body in some TU */
	PF_DF_ADDR = 1 << 4,     /* function whose address is taken */
	PF_DF_ARRAY = 1 << 5     /* variable or field of array type */
};

typedef struct pf_decl {
	pf_sym usr;      /* unique across the program (clang USR; locals get
	                    file:line:col:name) */
	pf_sym name;     /* spelling: "email" */
	pf_sym scope;    /* field: record name ("user", or the typedef name of
	                    an anonymous struct); param/local: function name */
	pf_sym type;     /* type spelling: "const char *" */
	pf_sym record;   /* record type name for RECORD/RECPTR types, else 0 */
	pf_loc loc;
	uint8_t kind;    /* enum pf_decl_kind */
	uint8_t tclass;  /* enum pf_type_class; for functions: of the return */
	uint16_t flags;  /* enum pf_decl_flag */
	uint32_t nparams;   /* functions: number of named parameters */
	int64_t value;      /* enum constants: their value; functions: bit i
	                       set if parameter i points to non-const text or
	                       bytes (an output buffer) */
	uint32_t nannots;
	pf_sym *annots;  /* annotate() strings starting "privflow:", e.g.
	                    "privflow:data:user.contact.email" */
} pf_decl;

enum pf_base {
	PF_BASE_NONE,   /* no path (e.g. a call whose result is unused) */
	PF_BASE_LOCAL,  /* var = index into pf_func.locals */
	PF_BASE_PARAM,  /* var = parameter index (0-based) */
	PF_BASE_GLOBAL, /* var = pf_declid of the global */
	PF_BASE_RET,    /* the enclosing function's return value (summaries) */
	PF_BASE_VARARGS /* the enclosing function's `...` arguments */
};

typedef struct pf_path {
	uint8_t base;   /* enum pf_base */
	uint8_t depth;  /* number of fields used */
	uint16_t reserved;
	uint32_t var;
	pf_declid field[PF_PATH_DEPTH]; /* elements, outermost first: field
	                                   declarations or PF_ELEM_* indexes */
} pf_path;

/* Facts about the constant value of an rvalue. */
enum pf_rval_flag {
	PF_RV_INT = 1 << 0,  /* ival is the integer value (after macro expansion) */
	PF_RV_STR = 1 << 1,  /* str is the string literal the expression is */
	PF_RV_FUNC = 1 << 2, /* func is the function designated (f or &f) */
	PF_RV_ADDR = 1 << 3, /* the expression is &lvalue */
	PF_RV_NULL = 1 << 4, /* a null pointer constant */
	PF_RV_BOOL = 1 << 5, /* a truth value of its paths (!x, x == 0, x != 0):
	                        it carries none of their data */
	PF_RV_NEG = 1 << 6   /* with BOOL: true when the path is zero (!x) */
};

typedef struct pf_rval {
	uint32_t npaths;
	pf_path *paths;   /* every path whose value flows into the expression */
	uint32_t flags;   /* enum pf_rval_flag */
	int64_t ival;
	const char *str;  /* string literal contents (escapes decoded) */
	pf_declid func;   /* PF_RV_FUNC */
	pf_declid ident;  /* the enum constant or global the expression names
	                     directly (CURLOPT_URL, stderr), else 0 */
	pf_loc loc;       /* where the argument expression starts */
} pf_rval;

#define PF_IR_OPS(X)                                                        \
	X(ASSIGN, "assign") /* dst = src */                                     \
	X(CALL, "call")     /* dst = callee(args) */                            \
	X(RETURN, "return") /* return src */

enum pf_op {
#define X(name, str) PF_OP_##name,
	PF_IR_OPS(X)
#undef X
	PF_OP_COUNT
};

typedef struct pf_insn {
	uint8_t op;      /* enum pf_op */
	uint8_t strong;  /* ASSIGN: dst is overwritten (plain local or a field
	                    of a local struct); else the value is added */
	uint16_t reserved;
	pf_loc loc;      /* the expression's spelling location */
	pf_loc use;      /* if the expression comes from a macro expansion, the
	                    location of the outermost macro's use in the source;
	                    else equal to loc. Findings are reported here. */
	pf_path dst;     /* ASSIGN: target; CALL: result (base NONE if unused) */
	pf_rval src;     /* ASSIGN, RETURN (npaths 0 for `return;`) */
	pf_declid callee;/* CALL: direct callee, or 0 when called through a
	                    pointer */
	pf_rval fptr;    /* CALL through a pointer: the callee expression */
	uint32_t nargs;
	pf_rval *args;   /* CALL: one per argument, variadic ones included */
} pf_insn;

/*
 * A branch condition: the block's successor 0 is taken when `path` is
 * non-zero (true) XOR negate, successor 1 otherwise. The frontend
 * normalises `!x`, `x == 0`, `x != 0`, `x == false`, `x == NULL` onto the
 * path and the negate bit; a call in a condition is lowered to a CALL
 * into a temporary local first. Conditions it cannot normalise get
 * path.base == PF_BASE_NONE (opaque).
 */
typedef struct pf_cond {
	pf_path path;
	uint8_t negate;
	pf_loc loc;
} pf_cond;

enum pf_term {
	PF_TERM_EXIT,   /* return / end of function / noreturn call */
	PF_TERM_GOTO,   /* succ[0] */
	PF_TERM_BRANCH, /* succ[0] if cond true, succ[1] if false */
	PF_TERM_SWITCH  /* any of succ[0..nsucc) */
};

typedef struct pf_block {
	uint32_t first, count; /* instructions func->insns[first .. first+count) */
	uint8_t term;          /* enum pf_term */
	uint32_t nsucc;
	uint32_t *succ;
	pf_cond cond;          /* PF_TERM_BRANCH */
} pf_block;

typedef struct pf_func {
	pf_declid decl;        /* its PF_DECL_FUNC declaration */
	pf_loc loc;            /* of the name in the definition */
	uint32_t nparams;
	pf_declid *params;     /* PF_DECL_PARAM, in order */
	uint32_t nlocals;
	pf_declid *locals;     /* PF_DECL_LOCAL or 0 for temporaries */
	uint32_t ninsns;
	pf_insn *insns;
	uint32_t nblocks;
	pf_block *blocks;      /* blocks[0] is the entry */
} pf_func;

/* A file the TU read, for the store and the cache key. */
typedef struct pf_file {
	pf_sym path;
	char sha256[65];
	uint8_t system;
} pf_file;

/* A diagnostic of the compiler: an error in the code (the TU is
   partial), or (no location) an option the driver refused or ignored. */
typedef struct pf_diag {
	pf_loc loc;
	const char *message;
} pf_diag;

/*
 * Everything one translation unit contributed. Owned by its arena: all
 * arrays and strings above live there, and die with pf_tu_free().
 */
typedef struct pf_tu {
	pf_arena *arena;
	pf_strtab *strs;       /* syms in this TU are ids of this table */
	pf_sym main_file;
	uint32_t ndecls;       /* decls[0] is a dummy, ids start at 1 */
	pf_decl *decls;
	uint32_t nfuncs;
	pf_func *funcs;
	uint32_t nfiles;
	pf_file *files;
	uint32_t ndiags;
	pf_diag *diags;        /* errors in the code, the first MAX_ERRORS */
	uint32_t nnotes;
	const char **notes;    /* driver errors: options clang ignored */
	int failed;            /* the TU could not be parsed at all */
	int partial;           /* it has errors: analysed as far as clang
	                          built its AST */
} pf_tu;

/* A builder the frontend (and tests) use to make a pf_tu. */
typedef struct pf_tu_builder pf_tu_builder;
pf_tu_builder *pf_tub_new(const char *main_file);
pf_sym pf_tub_sym(pf_tu_builder *b, const char *s);
/* Declarations are deduplicated by usr: the same usr returns the same id. */
pf_declid pf_tub_decl(pf_tu_builder *b, const pf_decl *d);
pf_decl *pf_tub_decl_at(pf_tu_builder *b, pf_declid id);
void pf_tub_file(pf_tu_builder *b, const pf_file *f);
void pf_tub_diag(pf_tu_builder *b, pf_loc loc, const char *message);
void pf_tub_set_failed(pf_tu_builder *b);
void pf_tub_set_partial(pf_tu_builder *b);
void pf_tub_note(pf_tu_builder *b, const char *message);
pf_arena *pf_tub_arena(pf_tu_builder *b);
/* Adds a function; its arrays must be allocated in pf_tub_arena(b). */
void pf_tub_func(pf_tu_builder *b, const pf_func *f);
pf_tu *pf_tub_finish(pf_tu_builder *b); /* frees the builder */
void pf_tu_free(pf_tu *tu);

/*
 * A TU as bytes and back (irio.c): how a worker process hands its TU to
 * the scan. *out of pf_tu_write is pf_malloc'd. The reader trusts nothing:
 * malformed input is PF_EINVALID with the reason, never a crash, and what
 * it accepts is IR the engine may rely on (every index in range).
 */
int pf_tu_write(const pf_tu *tu, char **out, size_t *len);
int pf_tu_read(pf_tu **out, const void *data, size_t len);

/*
 * The whole program: every TU merged, declarations unified by usr (one
 * field of a header struct is one declaration however many TUs include
 * it), one definition per function (the first TU in input order wins).
 * Merging is done in input order so ids do not depend on thread timing.
 */
typedef struct pf_program {
	pf_arena *arena;
	pf_strtab *strs;
	PF_VEC(pf_decl) decls;  /* [0] dummy */
	PF_VEC(pf_func) funcs;
	PF_VEC(pf_file) files;
	PF_VEC(pf_diag) diags;
	pf_map *decl_by_usr;    /* hash(usr) -> declid */
	pf_map *func_by_decl;   /* declid -> index in funcs */
	PF_VEC(pf_sym) tus;     /* main file of every merged TU */
	PF_VEC(pf_sym) failed;  /* main files of TUs that did not parse */
	pf_map *file_by_path;   /* path sym -> index in files (files are
	                           deduplicated by path, first TU wins) */
} pf_program;

pf_program *pf_program_new(void);
void pf_program_merge(pf_program *p, const pf_tu *tu);
/* The same for a TU that only program `tag` (> 0) of a unit of several
   has: its external functions and globals whose usr hash is not in
   shared[0..nshared) (sorted: what the unit's shared TUs name) are that
   program's own, kept apart from other programs' of the same name
   (their usr gets "#tag"). */
void pf_program_merge_tagged(pf_program *p, const pf_tu *tu, uint32_t tag, const uint64_t *shared,
                             size_t nshared);
const pf_func *pf_program_func_of(const pf_program *p, pf_declid decl); /* NULL if no body */
const char *pf_program_str(const pf_program *p, pf_sym s);
void pf_program_free(pf_program *p);

/* Paths. */
int pf_path_eq(const pf_path *a, const pf_path *b);
int pf_path_is_prefix(const pf_path *prefix, const pf_path *p);
/* Debug/trace text, e.g. "u->email" ("u.email"); written into buf. */
const char *pf_path_str(const pf_program *p, const pf_func *f,
                        const pf_path *path, char *buf, size_t size);
const char *pf_op_name(int op);

/* Dumps a TU's IR in a readable text form (for tests and --dump-ir). */
void pf_tu_dump(const pf_tu *tu, void *file /* FILE * */);

#endif
