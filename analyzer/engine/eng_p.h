/*
 * Internals of the engine (analyzer/engine/): the types its passes share
 * and the functions each file offers the others. Nothing outside
 * analyzer/engine/ and the checker (engine_p.h) includes this.
 *
 * The files, in the order the algorithm uses them:
 *
 *   engine.c     pf_engine_run: builds the tables, schedules the
 *                call graph's components bottom-up over the -j threads,
 *                turns what they found into flows, runs the checks
 *   intern.c     interning tables the threads share (labels, suffixes,
 *                trace steps, fact sets, site graphs, strings)
 *   sources.c    which declarations hold personal data (annotations,
 *                name rules); what a library or annotated function does
 *   callgraph.c  function-pointer targets, the call graph, its strongly
 *                connected components and their levels
 *   memory.c     the memory model: a function's locations as a trie of
 *                access paths, pointers into local buffers, reading and
 *                writing value trees
 *   pmap.c       persistent maps: a function's state at each block
 *   transfer.c   one function over its CFG: the fixpoint of its states,
 *                instructions, calls (library, summary, unknown)
 *   summary.c    what a function leaves its callers: results, written
 *                parameters and globals, sink events merged by key with
 *                their sites as a graph; instantiation at a call
 *   guards.c     consent and opt-out checks that hold at each block
 *   stores.c     store names (SQL tables, file paths), erasure and
 *                export entry points
 *   flows.c      events to flows: channels, purposes, recipients, the
 *                sites of an event graph and their traces
 */
#ifndef PF_ENG_P_H
#define PF_ENG_P_H

#include <pthread.h>
#include <stdint.h>

#include "../catalog.h"
#include "../engine_p.h"
#include "../policy.h"

/* --- bounds (each one reached is reported, never silent) ------------------ */

#define TRACE_MAX PF_TRACE_STEPS /* steps a chain of steps keeps (start and newest) */
#define SCC_ROUNDS 12      /* iterations of a recursive component */
#define LATE_VISIT 4       /* visits of a function in its component after
                              which its summary's growth counts as late
                              (PF_STATS: what keeps a component going) */
#define GLOBAL_ROUNDS 6    /* rounds of the program-wide globals */
#define MAX_TARGETS 64     /* functions one pointer call may reach */
#define RECORD_DEPTH 3     /* nested records a whole-struct read expands */
#define MAX_ALIASES 8      /* local buffers one pointer may point into */
#define MAX_EVENTS 4096    /* event keys one summary keeps */
#define MAX_OUTS 128       /* outs of a summary before it is widened */
#define MAX_SLOT_SYMS 32  /* parameter symbols one location holds before
                              they are widened (memory.c) */
#define MAX_HANDLE_SYMS 16 /* parameter symbols one event's handle set
                              holds before they are widened (summary.c) */
#define TYPED_SLOTS 2048  /* locations of a function past which a field of
                              another struct is cut (memory.c) */
#define MAX_PD 16          /* relevant paths of one parameter before the
                              parameter is relevant whole */

typedef PF_VEC(uint32_t) u32vec;
typedef PF_VEC(uint64_t) u64vec;
typedef PF_VEC(u32vec) u32vecs;

/* --- hashing ---------------------------------------------------------------- */

/*
 * The hash of v after h. h * K + v is one-to-one in v for each h and
 * tells small (h, v) pairs apart (a function of h ^ v alone would not:
 * eng_mix(2, g) == eng_mix(5, f) whenever 2 ^ g == 5 ^ f, and the cell
 * of global g would be the cell of function f's return), and the
 * splitmix64 finaliser that follows is a bijection.
 */
static inline uint64_t eng_mix(uint64_t h, uint64_t v)
{
	h = h * 0x9e3779b97f4a7c15ull + v;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

uint64_t eng_hash_str(const char *s);

/* --- interning (intern.c) ----------------------------------------------------- */

typedef struct pf_itab pf_itab;
pf_itab *pf_itab_new(size_t rec_size);  /* fixed-size records, memcmp equality */
pf_itab *pf_itab_new_blob(void);        /* byte strings */
void pf_itab_free(pf_itab *t);
uint32_t pf_itab_put(pf_itab *t, const void *rec, uint64_t hash);
/* pf_itab_put that says whether the record is new */
uint32_t pf_itab_add(pf_itab *t, const void *rec, uint64_t hash, int *added);
uint32_t pf_itab_put_blob(pf_itab *t, const void *bytes, size_t n, uint64_t hash);
const void *pf_itab_at(const pf_itab *t, uint32_t id);
const void *pf_itab_blob(const pf_itab *t, uint32_t id, size_t *n); /* NUL-terminated */
uint64_t pf_itab_blob_hash(const pf_itab *t, uint32_t id);
size_t pf_itab_count(pf_itab *t);

/* --- persistent maps (pmap.c) -------------------------------------------------- */

typedef struct pnode pnode;  /* a map; NULL is the empty map */
typedef struct pmctx pmctx;
typedef uint32_t (*pm_merge_fn)(void *arg, uint32_t a, uint32_t b);
pmctx *pm_new(pm_merge_fn merge, void *arg);
void pm_free(pmctx *c);
int pm_find(const pnode *m, uint32_t key, uint32_t *val);
const pnode *pm_set(pmctx *c, const pnode *m, uint32_t key, uint32_t val); /* 0 removes */
const pnode *pm_union(pmctx *c, const pnode *a, const pnode *b);
void pm_foreach(const pnode *m, void (*fn)(void *, uint32_t, uint32_t), void *arg);

/* --- labels and facts ------------------------------------------------------------- */

/*
 * A label says what a value may carry:
 *   DATA(category, origin, owner)  personal data of a category read from a
 *                                  declaration (origin; 0 for a source
 *                                  call); owner: the path of the
 *                                  record it was read from, for "the check
 *                                  is on the same user's record"
 *   RES(kind)                      a handle: socket, file, log, tls, http...
 *   STR(text)                      a constant string that matters: a URL,
 *                                  SQL, a path
 *   SYM(param, suffix, deep)       inside a function: what parameter
 *                                  `param` (its field path `suffix`) holds;
 *                                  as a handle, SYM_DEEP: or anything below
 *                                  it (a widened handle set, summary.c)
 */
enum { L_NONE, L_DATA, L_RES, L_STR, L_SYM };
/* RES of a handle nothing is known of (eng_handle_set) */
#define UNKNOWN_HANDLE "?unknown" 
#define SYM_VARARGS 0xFFFFu
#define SYM_DEEP 1u

typedef struct label {
	uint8_t kind;
	uint8_t pad[3];
	uint32_t a; /* DATA: category string; RES/STR: string; SYM: param */
	uint32_t b; /* DATA: origin decl; SYM: suffix id */
	uint32_t c; /* DATA: owner path (eng_owner_path), or 0 */
} label;

/* A fact key: a label and the transforms the value has been through
   (hashed, encrypted...): label id << 8 | transform set. */
typedef uint64_t fkey;
#define FK(label, tr) ((fkey)(label) << 8 | (fkey)(tr))
#define FK_LABEL(k) ((uint32_t)((k) >> 8))
#define FK_TR(k) ((unsigned)((k) & 0xff))

/* An element of an access path suffix: a field declaration or an array
   index (PF_ELEM_INDEX | k, PF_ELEM_ANY), as in pf_path. */
typedef struct suffix {
	uint32_t n;
	pf_declid e[PF_PATH_DEPTH];
} suffix;

/* --- trace steps --------------------------------------------------------------------- */

typedef struct eng eng;

/* pf_tnode (engine_p.h) is interned: equal steps are one node. */
const pf_tnode *eng_step(eng *e, const pf_tnode *prev, pf_loc loc, const char *note);
/* `base` followed by the steps of `chain` after its first (root) one. */
const pf_tnode *eng_concat(eng *e, const pf_tnode *base, const pf_tnode *chain);
/* The better of two traces for one fact: shorter, then by content, so
   the choice never depends on the order facts were found in. */
const pf_tnode *eng_best(const pf_tnode *a, const pf_tnode *b);

/* --- the engine ---------------------------------------------------------------------- */

typedef struct spec {
	size_t n;
	const pf_effect *effects;
	const char *purpose;   /* PRIVFLOW_PURPOSE on a sink function */
	const char *store;     /* PRIVFLOW_STORE: the store it writes */
	const char *erases;    /* PRIVFLOW_ERASES: the store it deletes */
} spec;

/* A fact a function leaves its callers, in terms of its own labels. */
enum { OUT_RET, OUT_PARAM, OUT_GLOBAL };
typedef struct sfact {
	uint8_t base;          /* OUT_* */
	uint32_t var;          /* OUT_PARAM: param index; OUT_GLOBAL: global slot */
	uint32_t sfx;          /* suffix id below it */
	fkey key;
	const pf_tnode *t;
} sfact;

/*
 * A sink event: a value reaching a sink of some kind, on some handle, to
 * some recipient or store, under some guards. Events of one function
 * that agree on all of this are one event; where they happen is a graph
 * of sites (below), so a summary grows with what differs, not with the
 * number of sink calls below the function.
 */
typedef struct evkey {
	fkey data;             /* DATA or SYM */
	uint32_t handles;      /* set (eng_set) of the labels (RES, STR or SYM)
	                          the handle may hold; 0 for a fixed sink. A
	                          set, not one event per handle: what data and
	                          handle a sink gets are independent, and the
	                          product would multiply at every call */
	int32_t sink;          /* >= 0 fixed kind, else PF_SINK_BY_* */
	uint32_t recipient;    /* strings (ids of eng.strs), 0 if none */
	uint32_t purpose;
	uint32_t binding;
	uint32_t store;        /* label (STR or SYM) naming the store, or 0 */
	uint32_t store_annot;  /* store named by a PRIVFLOW_STORE function */
	uint32_t guard_ok;     /* guards checked with the right polarity on
	                          the data's owner (bit = index in eng.guards) */
	uint32_t guard_wrong;  /* ... checked, but wrongly */
	uint32_t received;     /* the data comes in over the channel (recv),
	                          it does not leave by it */
} evkey;

typedef struct event {
	evkey k;
	uint32_t sites;        /* site graph id */
} event;

/*
 * Site graphs (interned): where an event's data reaches its sinks.
 *   SITE(t, func, sink_func)  a sink call: t is the data's trace in `func`
 *                             from its entry (a parameter, or the source)
 *                             to the sink step
 *   VIA(t, func, event)       t is the trace in a caller up to the step
 *                             that passes the data to callee `func`, whose
 *                             event number `event` it is: a reference, not
 *                             the callee's graph itself, which may still
 *                             grow (recursion) while the caller's is
 *                             built
 *   UNION(member, left, right) a set of graphs, as a treap (intern.c),
 *                             one per site or callee event: of several
 *                             traces to one, the best (eng_best) is all a
 *                             report shows
 */
enum { G_SITE = 1, G_VIA, G_UNION };
typedef struct gnode {
	uint32_t kind;
	uint32_t a, b, c;      /* SITE: func, sink_func (string); VIA: func,
	                          event; UNION: member, left and right treaps */
	pf_loc loc;            /* SITE: the sink call */
	const pf_tnode *t;     /* SITE, VIA */
	const pf_tnode *best;  /* the best trace of a site, or a VIA's own trace,
	                          below it (eng_best) */
	uint64_t hash;         /* of the content, for canonical orders */
	uint64_t key;          /* SITE, VIA: of what it is without its trace (a
	                          union keeps one member per key, the best) */
} gnode;

typedef struct summary {
	PF_VEC(sfact) outs;
	PF_VEC(event) events;
	pf_map *event_ix;      /* hash of evkey -> index in events (chained) */
	pf_map *merged_ix;     /* the same without handles, for the events
	                          recorded once widened (summary.c) */
	pf_map *out_ix;        /* hash of an sfact -> index in outs */
	uint32_t erase_params; /* parameters whose SQL or path is executed or
	                          unlinked: what callers pass there erases */
	int truncated;         /* MAX_EVENTS was reached */
	int widened;           /* MAX_OUTS or MAX_SLOT_SYMS was passed
	                          (eng_widened) */
	int global_outs;       /* some out is OUT_GLOBAL */
	uint64_t version;      /* grows when the summary does */
} summary;

/* A complete event, found while analysing `func`, turned into flows at
   the end (flows.c). */
typedef struct cevent {
	evkey k;
	uint32_t sites;
	uint32_t func;
} cevent;

/* A location of a function (a node of its trie of access paths). */
typedef struct fslot {
	pf_path p;             /* normalised */
	uint32_t parent;       /* the slot of p minus its last element, or NOSLOT */
	uint32_t child;        /* first child, NOSLOT if none */
	uint32_t next;         /* next sibling */
} fslot;
#define NOSLOT UINT32_MAX
/* Program-wide globals live in one shared table; their slot ids have the
   top bit set. */
#define GSLOT 0x80000000u

typedef struct fslots {
	PF_VEC(fslot) v;
	pf_map *ids;           /* hash of path -> slot (chained through ix) */
} fslots;

enum { G_OPTOUT, G_CONSENT };
#define MAX_GUARDS 32

/* A call's edge: argument `param` of `callee`, at suffix `sfx`, receives
   personal data (from_param UINT32_MAX) or the caller's own parameter
   from_param at from_sfx. */
typedef struct cedge {
	uint32_t callee, param, sfx, from_param, from_sfx;
} cedge;

/* A parameter path that may hold personal data. */
typedef struct pdent {
	uint32_t param, sfx;
} pdent;

/* A program global a function's code reads, and the first element of
   the path read when the read stays below it (else 0, the whole of it):
   the function depends on the global's parts that element matches. */
typedef struct gref {
	pf_declid var, elem;
} gref;

/* The trace notes a callee's callers say of a call to it: passed to,
   returned from, stored in a global by, written to argument 1 + k by
   (NOTE_ARG + k, for the first 8). */
enum { NOTE_PASSED, NOTE_RETURNED, NOTE_GLOBAL, NOTE_ARG };

typedef struct funcinfo {
	uint32_t purpose;      /* own PRIVFLOW_PURPOSE (string id) */
	uint32_t store;        /* own PRIVFLOW_STORE */
	uint32_t binding;      /* purpose the policy binds its file to */
	int ncallers;
	size_t visits;         /* blocks visited by its last analysis (PF_TRACE) */
	int late;              /* analysed LATE_VISIT times in its component */
	int sinks;             /* it calls a library sink, receive or decryption
	                          (set by any analysis: the events pass skips a
	                          function that cannot record an event) */
	int purpose_above;     /* some caller (transitively) gives a purpose */
	u32vec callees;
	uint32_t scc;          /* its component */
	int index, low, onstack; /* Tarjan */
	uint32_t unit;         /* its link component (function-pointer cells
	                          are kept apart per component) */
	PF_VEC(gref) gread;    /* program globals its code reads */
	/* what its calls pass to their callees' parameters (the first pass
	   records them), and which of its own parameters' paths may hold
	   personal data (from its callers' edges): a symbolic event on any
	   other path can never become a flow, and is not kept */
	PF_VEC(cedge) edges;
	pf_map *edge_ix;       /* edge hash -> index in edges */
	PF_VEC(pdent) pd;
	summary sum;
	fslots slots;          /* its locations (owner labels refer to them) */
	PF_VEC(uint32_t) erases;   /* stores it deletes (strings) */
	u32vec out_cats;         /* categories it sends to a sink (export) */
	PF_VEC(cevent) found;      /* complete events, for flows.c */
	pf_map *found_ix;
	const char *notes[NOTE_ARG + 8]; /* its callers' trace notes (summary.c) */
} funcinfo;

typedef struct store_rec {
	uint32_t name;
	pf_loc loc;
	u32vec cats;
} store_rec;

typedef struct vcell {
	PF_VEC(pf_declid) funcs;
} vcell;

struct eng {
	const pf_program *prog;
	const pf_catalog *cat;
	const pf_policy *pol;
	pf_checker *chk;
	int jobs;

	/* shared, interned */
	pf_itab *strs;         /* blob: strings */
	pf_itab *labels;       /* label */
	pf_itab *suffixes;     /* suffix */
	pf_itab *tnodes;       /* pf_tnode */
	pf_itab *sets;         /* blob: sorted fkey arrays */
	pf_itab *gnodes;       /* gnode */
	pf_itab *gslots;       /* pf_path of program globals */
	pf_itab *opaths;       /* pf_path of owners */
	pf_arena *arena;       /* specs, rfields */
	pthread_mutex_t lock;  /* the rest of the shared state below */

	/* per declaration, read-only during the analysis */
	uint32_t *src_cat;     /* source category (string id), 0 if none */
	uint8_t *src_tr;       /* transforms a source's name says it has */
	pf_declid *src_from;   /* a parameter or local that receives another
	                          source's value: that source (sources.c) */
	const spec **specs;    /* per function decl: NULL, analyse its body */
	pf_map *record_fields; /* record sym -> index into rfields */
	pf_map *text_only;     /* categories no number holds (sources.c) */
	PF_VEC(PF_VEC(pf_declid) *) rfields;

	funcinfo *fi;          /* per program function */
	uint32_t *scc_of_level;/* components, level by level */

	/* program-wide globals: read from `globals`, written into `gnext`,
	   which becomes `globals` at each level's end, so the components of
	   one level (in parallel) never see each other's writes; gver counts
	   the changes of each global the same way, and gpart_ver those of its
	   parts (eng_gpart_key: its root, its [*], each first element), so a
	   reader of sudo_defs_table[I_SYSLOG] is not analysed again when
	   sudo_defs_table[I_MAILTO] changes */
	const pnode *globals, *gnext;
	uint32_t *gver, *gver_next; /* per declaration */
	pf_map *gpart_ver;     /* part key -> its changes */
	u64vec gpart_next;     /* parts changed in the current level */
	pmctx *gctx;
	pf_map *gtraces;       /* (gslot, fkey) -> index in gtrace_v */
	pf_map *gvar_ix;       /* global's declaration -> index in gvar_slots */
	pf_map *gpart_ix;      /* part key (not the root) -> index in gpart_slots */
	u32vecs gpart_slots;   /* per part: its slots, sorted, so a read of
	                          sudo_defs_table[I_MAILTO] scans its part and
	                          [*]'s, not the table's thousand slots */
	u32vecs gvar_slots;    /* per global: its slots (GSLOT | id), sorted,
	                          so a read scans its own global, not all */
	PF_VEC(struct gtrace { uint32_t slot; fkey key; const pf_tnode *t; }) gtrace_v;
	int globals_changed;

	/* the hashes of trace steps' file names and notes (eng_step), and
	   which string literals are URLs, SQL or paths (memory.c): asked
	   again and again of the same few, answered from these */
	struct { const char *s; uint64_t hash; } text_hash[256];
	struct { const char *str; int yes; } str_kind[256];

	/* function-pointer value sets */
	pf_map *vcell_ids;
	PF_VEC(vcell) vcells;

	/* consent and opt-out checks the policy's purposes require */
	struct { int kind; const char *use; } guards[MAX_GUARDS];
	int nguards;

	PF_VEC(store_rec) stores;
	struct { uint32_t cat; pf_loc loc; } stored[256];
	size_t nstored;
	size_t ntruncated;
	size_t grew[2][3];     /* summary growths on early and late visits:
	                          new outs, events, handle sets (PF_STATS) */
	size_t nwidened;       /* functions with a widened summary or location */
	u32vec truncated;      /* functions that reached a bound */
	int rounds;
	int events;            /* the second pass: sink events are recorded */
	int trace;             /* PF_TRACE: report slow functions on stderr */
	int stats;             /* PF_STATS: counters and pass times at the end */
	double pass_ms[2];     /* time in function analyses, per pass (PF_STATS) */
	size_t pass_n[2];
};

/* Whether facts of a label kind carry traces: personal data always; a
   parameter's symbol only in the second pass (the first computes what
   summaries hold, and its traces of symbols would be rebuilt anyway:
   on curl they were 33 million nodes). */
static inline int eng_traced(const eng *e, int kind)
{
	return kind == L_DATA || (kind == L_SYM && e->events);
}

/* global facts' traces (under eng.lock), and what a bound reached */
void eng_global_trace(eng *e, uint32_t gslot, fkey k, const pf_tnode *t);
const pf_tnode *eng_global_trace_of(eng *e, uint32_t gslot, fkey k);
void eng_truncated(eng *e, uint32_t fi, const char *why);
/* Function fi's summary or one of its locations was widened: counted
   once per function, and named under PF_TRACE. */
void eng_widened(eng *e, uint32_t fi, const char *what);

/* strings */
uint32_t eng_str(eng *e, const char *s);               /* 0 for NULL */
const char *eng_cstr(const eng *e, uint32_t id);        /* "" for 0 */
const char *eng_note(eng *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* labels */
uint32_t eng_label(eng *e, int kind, uint32_t a, uint32_t b, uint32_t c);
const label *eng_lab(const eng *e, uint32_t id);
uint32_t eng_suffix(eng *e, const pf_declid *el, unsigned n);
/* A suffix id cut to at most n elements; its constant indexes any when
   n is 1 or less (the last steps of widening). */
uint32_t eng_sfx_cut(eng *e, uint32_t sfx, unsigned n);
const suffix *eng_sfx(const eng *e, uint32_t id);
uint64_t eng_label_hash(const eng *e, uint32_t id);    /* by content, not id */
/* Owner paths (DATA labels' owners): interned, so the same record read
   twice is the same owner. */
uint32_t eng_owner_path(eng *e, const pf_path *p);
const pf_path *eng_owner_def(const eng *e, uint32_t id);

/* fact sets: interned sorted arrays of fkeys; 0 is the empty set */
uint32_t eng_set(eng *e, const fkey *keys, size_t n);
const fkey *eng_set_keys(const eng *e, uint32_t set, size_t *n);
uint32_t eng_set_union(eng *e, uint32_t a, uint32_t b);
uint32_t eng_set_add(eng *e, uint32_t set, fkey k);
/* A set's concrete labels and its parameters' symbols, as two sets. */
void eng_set_split(eng *e, uint32_t set, uint32_t *conc, uint32_t *sym);
/* The set with its parameter symbols widened past MAX_HANDLE_SYMS (a
   handle set: the symbols cut become SYM_DEEP). */
uint32_t eng_set_widen(eng *e, uint32_t set);
/* The parameter symbols of a set. */
size_t eng_set_nsyms(const eng *e, uint32_t set);
/* Keys k[0..n) into w, each parameter symbol more than `depth` elements
   below its parameter cut to `depth` (its constant indexes any, as
   eng_sfx_cut does, if `any`) and given the label flags `flags`. */
void eng_keys_cut(eng *e, const fkey *k, size_t n, unsigned depth, int any, uint32_t flags,
                  fkey *w);

/* site graphs */
uint32_t eng_site(eng *e, const pf_tnode *t, pf_loc loc, uint32_t func, uint32_t sink_func);
uint32_t eng_via(eng *e, const pf_tnode *t, uint32_t func, uint32_t evix);
uint32_t eng_union(eng *e, uint32_t a, uint32_t b);
/* Appends x to v unless it is there (short lists of ids). */
void eng_u32_add_once(u32vec *v, uint32_t x);
const gnode *eng_gnode(const eng *e, uint32_t id);
/* Clears this thread's memo caches (a new engine reuses ids). */
void eng_caches_reset(void);

static inline const pf_decl *eng_decl(const eng *e, pf_declid id)
{
	return &e->prog->decls.v[id];
}

static inline const char *eng_pstr(const eng *e, pf_sym s)
{
	return pf_program_str(e->prog, s);
}

const char *eng_fname(const eng *e, uint32_t fidx);
/* The privflow: annotation `key` of d ("" for a flag), or NULL. */
const char *eng_annot(const eng *e, const pf_decl *d, const char *key);

/* --- sources.c ------------------------------------------------------------------------- */

void eng_classify_sources(eng *e);
void eng_report_sources(eng *e);
/* What calling `fn` does, from its annotations or the catalogue; NULL
   when its body (or nothing) is what it does. Thread-safe after
   eng_prepare_specs(). */
const spec *eng_spec(const eng *e, pf_declid fn);
/* The marker a receive at `loc` leaves in its buffer (a string id), and
   whether string id s is one (flows.c). */
uint32_t eng_received_marker(eng *e, pf_loc loc);
int eng_is_marker(const eng *e, uint32_t s);
void eng_prepare_specs(eng *e);

/* --- callgraph.c ------------------------------------------------------------------------ */

void eng_resolve_pointers(eng *e);
size_t eng_call_targets(eng *e, uint32_t fidx, const pf_insn *in, pf_declid *out, size_t max);
void eng_build_callgraph(eng *e);
/* Components bottom-up: *order holds them callees first, each ended by
   UINT32_MAX; *levels[i] is the level of component i (leaves 0). */
void eng_components(eng *e, u32vec *order, u32vec *starts, u32vec *levels);
void eng_purpose_context(eng *e);

/* --- memory.c ---------------------------------------------------------------------------- */

/* A fact of a value tree: at suffix `sfx` below the path read, key, trace. */
typedef struct vfact {
	uint32_t sfx;
	fkey key;
	const pf_tnode *t;
} vfact;
typedef PF_VEC(vfact) vtree;

typedef struct fctx fctx;  /* transfer.c: one function's analysis */

enum {
	R_TREE = 0,   /* the value and what lies below it, fields kept apart */
	R_WHOLE = 1,  /* everything below collapsed onto the value (a sink
	                 that writes the whole object, a formatted string) */
	R_HANDLE = 2, /* the value only: what a handle's fields hold does not
	                 matter */
	R_DECLARED = 4 /* with R_WHOLE: what the path is declared to hold
	                  (its name, its annotation, its record's source
	                  fields) and the parameters' symbols, not the facts
	                  written there: a buffer a channel fills (recv) */
};

uint32_t eng_slot(fctx *c, const pf_path *p);
/* Cuts a path where its elements stop meaning anything (memory.c). */
void eng_path_clip(const fctx *c, pf_path *q);
/* The first element of global path p that a read keeps whatever the
   reader (eng_path_clip never cuts it), or 0 (memory.c). */
pf_declid eng_global_read_elem(const eng *e, const pf_path *p);
/* The key of a part of global g in eng.gpart_ver and eng.gpart_ix: its
   root slot (elem 0), its slots below [*] (PF_ELEM_ANY), or below its
   first element elem. */
static inline uint64_t eng_gpart_key(pf_declid g, pf_declid elem)
{
	return eng_mix(eng_mix(0x6a27, g), elem);
}
uint32_t eng_sym(fctx *c, uint32_t param, const pf_declid *el, unsigned n);
const fslot *eng_slotdef(const eng *e, uint32_t fi, uint32_t s);
void eng_read(fctx *c, vtree *out, const pf_path *p, pf_loc loc, int mode);
/* Drops from v[from..] the data no number holds (a name, an e-mail
   address: eng.text_only) if declaration d (a variable, or a function:
   its result) is of a number type. A number's bits carry no text: such
   data on an int is what conflation put there (sudo's cached passwd:
   its pw_uid "held" the login name, and every uid logged with it). */
void eng_drop_text(const eng *e, vtree *v, size_t from, const pf_decl *d);
void eng_read_rval(fctx *c, vtree *out, const pf_rval *rv, pf_loc loc, int mode);
void eng_write(fctx *c, const pf_path *p, const vtree *v, int strong);
void eng_aliases(fctx *c);
int eng_is_program_global(const eng *e, const pf_path *p);
int eng_path_is_index(pf_declid el);
/* The declaration of a path's base variable, and of what the path names
   (its last field); 0: a temporary. */
pf_declid eng_base_decl(const pf_func *f, const pf_path *p);
pf_declid eng_path_decl(const pf_func *f, const pf_path *p);

/* --- transfer.c -------------------------------------------------------------------------- */

struct fctx {
	eng *e;
	uint32_t fi;
	const pf_func *f;
	funcinfo *info;
	summary *sum;          /* the summary being built */
	pmctx *pm;
	const pnode *st;       /* current state: slot -> fact set */
	pf_map *traces;        /* hash(slot, fkey) -> index in tr_v */
	PF_VEC(struct trent { uint32_t slot; fkey key; const pf_tnode *t; }) tr_v;
	PF_VEC(struct alias { uint32_t var; pf_path to; }) aliases;
	uint32_t block;
	int emit;              /* the final pass: record sink events */
	u64vec *gin;          /* per block: guard conditions that hold */
	vtree tmp;
	/* calls instantiated, kept for the next visit (summary.c) */
	pf_map *memo_ix;       /* hash(insn, callee) -> index in memos */
	PF_VEC(struct callmemo *) memos;
};
void eng_memos_free(fctx *c);

void eng_analyse(eng *e, uint32_t fi);
uint32_t eng_pick_store(fctx *c, const vtree *sf, int allow_sym);
const pf_tnode *eng_trace_of(fctx *c, uint32_t slot, fkey k);
void eng_set_trace(fctx *c, uint32_t slot, fkey k, const pf_tnode *t);

/* --- summary.c --------------------------------------------------------------------------- */

void eng_sum_out(fctx *c, int base, uint32_t var, uint32_t sfx, fkey k, const pf_tnode *t);
/* Records an event at the current instruction: complete ones become
   cevents of the function, the others go to its summary. */
void eng_event(fctx *c, evkey k, uint32_t sites);
void eng_call_summary(fctx *c, const pf_insn *in, uint32_t callee);
/* Which parameter paths of each function may hold personal data, from
   the edges of the first pass, top-down (summary.c). */
void eng_relevance(eng *e);
void eng_summary_free(summary *s);

/* --- guards.c ----------------------------------------------------------------------------- */

void eng_guards_setup(eng *e);
u64vec *eng_compute_guards(fctx *c);
void eng_guard_bits(fctx *c, uint32_t owner, uint32_t *ok, uint32_t *wrong);
int eng_purpose_guard(const eng *e, uint32_t purpose, int sink);

/* --- stores.c ----------------------------------------------------------------------------- */

uint32_t eng_store_name(eng *e, const char *str, int *erase);
void eng_add_erase(eng *e, uint32_t fi, uint32_t store);
void eng_note_stored(eng *e, uint32_t store, uint32_t cat, pf_loc loc);
void eng_check_entries(eng *e);

/* --- flows.c ------------------------------------------------------------------------------ */

int eng_label_concrete(const eng *e, uint32_t l);
/* The handles of a sink kind, as a set: of v, those a sink of kind
   `sink` can take (a URL for PF_SINK_BY_URL, a handle for BY_HANDLE). */
uint32_t eng_handle_set(eng *e, const vtree *v, int sink);
uint32_t eng_unknown_handles(eng *e, fkey key);
void eng_emit_all(eng *e);

#endif
