/*
 * Events to flows. After the analysis, every complete event found (a
 * concrete datum reaching a site graph) is walked to its sites: each
 * site is one flow, whose trace is the event's path through the graph.
 * The sink's channel comes from its handle (stderr is a log, a socket is
 * the network) or the URL it was given (the scheme decides TLS, the host
 * the recipient); its store from the SQL text or path; its purpose and
 * guards from the event. Flows are put in a canonical order before the
 * checker sees them, so that the reports never depend on the order the
 * threads found them in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eng_p.h"

int eng_label_concrete(const eng *e, uint32_t l)
{
	return l == 0 || eng_lab(e, l)->kind != L_SYM;
}

uint32_t eng_handle_set(eng *e, const vtree *v, int sink)
{
	fkey small[32] = {0}, *k = v->n <= 32 ? small : pf_malloc(v->n * sizeof(fkey));
	size_t n = 0;
	uint32_t set;

	for (size_t i = 0; i < v->n; i++) {
		uint32_t l = FK_LABEL(v->v[i].key);
		int kind = eng_lab(e, l)->kind;
		if (kind == L_DATA || kind == L_NONE)
			continue;
		if (sink == PF_SINK_BY_HANDLE && kind == L_STR)
			continue;
		if (sink == PF_SINK_BY_URL && kind == L_RES)
			continue;
		k[n++] = FK(l, 0);
	}
	set = eng_set(e, k, n);
	if (k != small)
		pf_free(k);
	return set;
}

/*
 * The handle set of a write of unknown kind, for data `key` whose handle
 * nothing is known of; 0 when that data breaks no rule on such a write.
 * Only the rules that hold for every kind of sink apply there (a
 * credential unhashed, a category never stored), so only their data is
 * worth an event: an unknown handle for every category made curl's
 * summaries grow past their bounds and merge with its logs' events.
 */
uint32_t eng_unknown_handles(eng *e, fkey key)
{
	const label *d = eng_lab(e, FK_LABEL(key));
	const pf_pol_category *pc;
	fkey u;

	if (d->kind != L_DATA || !e->pol || !(pc = pf_policy_category(e->pol, eng_cstr(e, d->a))))
		return 0;
	if (!(pc->credential && !(FK_TR(key) & pc->credential_transforms)) &&
	    !(pc->never_stored && !(FK_TR(key) & pc->stored_transforms)))
		return 0;
	u = FK(eng_label(e, L_RES, eng_str(e, UNKNOWN_HANDLE), 0, 0), 0);
	return eng_set(e, &u, 1);
}

/* Host of a URL ("https://api.x.com:443/p" -> "api.x.com"). */
static const char *url_host(eng *e, const char *url, int *tls)
{
	const char *p = strstr(url, "://"), *end;
	char host[256];

	*tls = strncasecmp(url, "https://", 8) == 0 || strncasecmp(url, "smtps://", 8) == 0 ||
	       strncasecmp(url, "wss://", 6) == 0 || strncasecmp(url, "ftps://", 7) == 0 ||
	       strncasecmp(url, "ldaps://", 8) == 0;
	if (!p)
		return NULL;
	p += 3;
	end = p;
	while (*end && *end != '/' && *end != ':' && *end != '?' && *end != '%')
		end++;
	if (end == p || end - p >= (long)sizeof(host))
		return NULL;
	memcpy(host, p, (size_t)(end - p));
	host[end - p] = '\0';
	return eng_cstr(e, eng_str(e, host));
}

static int resource_sink(const eng *e, const char *res)
{
	const pf_resource_sink *rs;
	size_t n = pf_catalog_resource_sinks(e->cat, &rs);

	for (size_t i = 0; i < n; i++)
		if (strcmp(rs[i].resource, res) == 0)
			return rs[i].sink;
	return -1;
}

/* A flow and what emitting it records. */
typedef struct xflow {
	pf_flow fl;
	uint32_t func;      /* the function of the sink */
	uint32_t cat;       /* category string */
	uint32_t store;     /* store string, 0 if none */
} xflow;

typedef PF_VEC(xflow) xflows;

/* The flow of event `ce` at site `leaf` on handle `handle` (0 for a
   fixed sink), without its trace (flow_trace); 0 if the channel is not
   a sink. */
static int make_flow(eng *e, xflow *x, const cevent *ce, const gnode *leaf, uint32_t handle)
{
	const evkey *k = &ce->k;
	const label *d = eng_lab(e, FK_LABEL(k->data));
	pf_flow *fl = &x->fl;

	if (d->kind != L_DATA)
		return 0;
	memset(x, 0, sizeof(*x));
	fl->category = eng_cstr(e, d->a);
	fl->origin = d->b;
	fl->transforms = FK_TR(k->data);
	fl->sink_func = eng_cstr(e, leaf->b);
	fl->recipient = k->recipient ? eng_cstr(e, k->recipient) : NULL;
	fl->purpose = k->purpose ? eng_cstr(e, k->purpose) : k->binding ? eng_cstr(e, k->binding) : NULL;
	fl->loc = leaf->loc;
	fl->function = eng_fname(e, leaf->a);
	fl->sink = k->sink;
	fl->received = (int)k->received;
	x->func = leaf->a;
	x->cat = d->a;
	if (k->store && eng_lab(e, k->store)->kind == L_STR) {
		int erase;
		x->store = eng_store_name(e, eng_cstr(e, eng_lab(e, k->store)->a), &erase);
		fl->store = x->store ? eng_cstr(e, x->store) : NULL;
	}
	if (k->sink < 0) {
		const label *h = eng_lab(e, handle);
		if (h->kind == L_RES && !strcmp(eng_cstr(e, h->a), UNKNOWN_HANDLE)) {
			fl->sink = PF_SINK_UNKNOWN; /* eng_unknown_handles */
		} else if (h->kind == L_RES) {
			fl->sink = resource_sink(e, eng_cstr(e, h->a));
			if (fl->sink < 0)
				return 0;
		} else if (h->kind == L_STR) {
			int tls;
			const char *url = eng_cstr(e, h->a);
			if (!strstr(url, "://"))
				return 0; /* not a URL: SQL or a path given as handle */
			fl->host = url_host(e, url, &tls);
			fl->sink = tls ? PF_SINK_NETWORK_TLS : PF_SINK_NETWORK;
			if (fl->host && !fl->recipient && e->pol &&
			    !pf_policy_is_first_party_host(e->pol, fl->host)) {
				const pf_pol_recipient *r = pf_policy_recipient_for_host(e->pol, fl->host);
				fl->recipient = r ? r->id : eng_note(e, "host:%s", fl->host);
			}
		} else {
			return 0;
		}
	}
	if (fl->received && fl->sink != PF_SINK_NETWORK && fl->sink != PF_SINK_NETWORK_TLS)
		return 0; /* read from a file or a pipe: nothing crosses a network */
	uint32_t purpose = k->purpose ? k->purpose : k->binding;
	int g = fl->received ? -1 : eng_purpose_guard(e, purpose, fl->sink);
	if (g >= 0 && !(k->guard_ok & (1u << g))) {
		fl->guard_missing = 1;
		fl->guard_wrong = (k->guard_wrong >> g) & 1;
		fl->guard_id = eng_note(e, "%s:%s", e->guards[g].kind == G_CONSENT ? "consent" : "optout",
		                        e->guards[g].use);
	}
	return 1;
}


#define MARKER "@received:"

uint32_t eng_received_marker(eng *e, pf_loc loc)
{
	char buf[64];

	snprintf(buf, sizeof(buf), MARKER "%u:%u:%u", loc.file, loc.line, loc.col);
	return eng_str(e, buf);
}

int eng_is_marker(const eng *e, uint32_t s)
{
	return s && strncmp(eng_cstr(e, s), MARKER, sizeof(MARKER) - 1) == 0;
}

static int str_cmp(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static _Thread_local const eng *sort_eng; /* the units' engines run in threads */

/* Flows by what they are: all but their trace. */
static int flow_id_cmp(const void *pa, const void *pb)
{
	const pf_flow *a = &((const xflow *)pa)->fl, *b = &((const xflow *)pb)->fl;
	const eng *e = sort_eng;
	int c;

	if (a->loc.file != b->loc.file &&
	    (c = strcmp(eng_pstr(e, a->loc.file), eng_pstr(e, b->loc.file))))
		return c;
	if (a->loc.line != b->loc.line)
		return a->loc.line < b->loc.line ? -1 : 1;
	if (a->loc.col != b->loc.col)
		return a->loc.col < b->loc.col ? -1 : 1;
	if ((c = str_cmp(a->category, b->category)) || (c = str_cmp(a->sink_func, b->sink_func)) ||
	    (c = str_cmp(a->recipient, b->recipient)) || (c = str_cmp(a->host, b->host)) ||
	    (c = str_cmp(a->store, b->store)) || (c = str_cmp(a->purpose, b->purpose)) ||
	    (c = str_cmp(a->guard_id, b->guard_id)) || (c = str_cmp(a->function, b->function)))
		return c;
	if (a->origin != b->origin)
		return a->origin < b->origin ? -1 : 1;
	if (a->sink != b->sink)
		return a->sink < b->sink ? -1 : 1;
	if (a->transforms != b->transforms)
		return a->transforms < b->transforms ? -1 : 1;
	if (a->guard_missing != b->guard_missing)
		return a->guard_missing - b->guard_missing;
	if (a->guard_wrong != b->guard_wrong)
		return a->guard_wrong - b->guard_wrong;
	return a->received - b->received;
}

/* Flows in report order: what they are, then the best trace first. */
static int flow_cmp(const void *pa, const void *pb)
{
	const pf_flow *a = &((const xflow *)pa)->fl, *b = &((const xflow *)pb)->fl;
	int c = flow_id_cmp(pa, pb);

	if (c)
		return c;
	if (a->trace->len != b->trace->len)
		return a->trace->len < b->trace->len ? -1 : 1;
	if (a->trace->hash != b->trace->hash)
		return a->trace->hash < b->trace->hash ? -1 : 1;
	return 0;
}


typedef struct walk {
	eng *e;
	xflows *out;
	pf_map *ids;        /* hash of a flow without its trace -> index in out */
	pf_map *seen;       /* nodes walked already for this class of events */
	size_t walked, made; /* nodes walked, flows made (PF_STATS) */
	const cevent *ce;
	/* the VIA traces from the event down to the node walked: the prefix
	   of a flow's trace, built only for a flow that may be kept */
	PF_VEC(const pf_tnode *) via;
	uint64_t plen;      /* the prefix's length */
} walk;

/* The length of a trace `base` of length n joined with `chain`, as
   eng_concat counts it. */
static uint64_t concat_len(uint64_t n, const pf_tnode *chain)
{
	if (chain && chain->len > 1)
		n += chain->len - 1;
	return n > UINT32_MAX / 2 ? UINT32_MAX / 2 : n;
}

/* The trace of a flow made by make_flow: the walk's prefix, the leaf's
   trace, and the sink step. */
static void flow_trace(eng *e, xflow *x, const walk *w, const gnode *leaf)
{
	pf_flow *fl = &x->fl;
	const pf_tnode *prefix = NULL;

	for (size_t i = 0; i < w->via.n; i++)
		prefix = eng_concat(e, prefix, w->via.v[i]);
	fl->trace = eng_step(e, eng_concat(e, prefix, leaf->t), leaf->loc,
	                     eng_note(e, "%s %s() (%s%s%s)", fl->received ? "received by" : "reaches",
	                              fl->sink_func, pf_sink_id(fl->sink),
	                              fl->recipient ? ", recipient " : "",
	                              fl->recipient ? fl->recipient : ""));
}

static uint64_t flow_id_hash(const pf_flow *f)
{
	uint64_t h = eng_mix(eng_mix(eng_mix(0xf10, f->loc.file), f->loc.line), f->loc.col);
	const void *p[] = {f->category, f->sink_func, f->recipient, f->host, f->store, f->purpose,
	                   f->guard_id, f->function};

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		h = eng_mix(h, (uint64_t)(uintptr_t)p[i]);
	h = eng_mix(eng_mix(eng_mix(h, f->origin), (uint64_t)(int64_t)f->sink), f->transforms);
	return eng_mix(h, (uint64_t)f->received << 2 | (uint64_t)f->guard_missing << 1 |
	                      (uint64_t)f->guard_wrong);
}

/* Keeps one flow of each identity, the one of the best trace, built only
   when it may be the best: many events reach one site by many paths
   (curl: the flows of one link unit did not fit in 24 GB). */
static void add_flow(walk *w, xflow *x, const gnode *leaf)
{
	uint64_t h = flow_id_hash(&x->fl);
	uint32_t i;

	w->made++;
	while (pf_map_get(w->ids, h, &i)) {
		xflow *o = &w->out->v[i];
		if (flow_id_cmp(o, x) == 0) {
			if (o->fl.trace->len < concat_len(w->plen, leaf->t) + 1)
				return;
			flow_trace(w->e, x, w, leaf);
			if (flow_cmp(x, o) < 0)
				*o = *x;
			return;
		}
		h = eng_mix(h, 1);
	}
	flow_trace(w->e, x, w, leaf);
	pf_map_put(w->ids, h, (uint32_t)w->out->n);
	pf_vec_push(w->out, *x);
}

static void walk_node(walk *w, uint32_t node)
{
	eng *e = w->e;
	const gnode *g = eng_gnode(e, node);

	if (pf_map_get(w->seen, node, NULL))
		return;
	pf_map_put(w->seen, node, 1);
	w->walked++;
	switch (g->kind) {
	case G_SITE: {
		xflow x;
		size_t nh;
		const fkey *h = eng_set_keys(e, w->ce->k.handles, &nh);
		if (!w->ce->k.handles) {
			if (make_flow(e, &x, w->ce, g, 0))
				add_flow(w, &x, g);
		}
		for (size_t i = 0; i < nh; i++)
			if (make_flow(e, &x, w->ce, g, FK_LABEL(h[i])))
				add_flow(w, &x, g);
		break;
	}
	case G_VIA: {
		uint64_t plen = w->plen;
		pf_vec_push(&w->via, g->t);
		w->plen = concat_len(plen, g->t);
		walk_node(w, e->fi[g->a].sum.events.v[g->b].sites);
		w->via.n--;
		w->plen = plen;
		break;
	}
	case G_UNION: /* in order: left, member, right */
		if (g->b)
			walk_node(w, g->b);
		walk_node(w, g->a);
		if (g->c)
			walk_node(w, g->c);
		break;
	default:
		break;
	}
}

/* An event key's hash by content; without the data's owner record when
   `owner` is 0 (a flow does not name it). */
static uint64_t evkey_chash(const eng *e, const evkey *k, int owner)
{
	const label *d = eng_lab(e, FK_LABEL(k->data));
	uint64_t h = owner || d->kind != L_DATA
	                     ? eng_label_hash(e, FK_LABEL(k->data))
	                     : eng_mix(eng_mix(eng_hash_str(eng_cstr(e, d->a)), d->b), 0xda7a);
	h = eng_mix(h, FK_TR(k->data));
	size_t nh;
	const fkey *hs = eng_set_keys(e, k->handles, &nh);
	uint64_t hh = 0;
	for (size_t i = 0; i < nh; i++)
		hh += eng_label_hash(e, FK_LABEL(hs[i])); /* the set, in any order */
	h = eng_mix(h, hh);
	h = eng_mix(h, k->store ? eng_label_hash(e, k->store) : 0);
	h = eng_mix(h, (uint64_t)(int64_t)k->sink);
	h = eng_mix(h, k->recipient ? eng_hash_str(eng_cstr(e, k->recipient)) : 0);
	h = eng_mix(h, k->purpose ? eng_hash_str(eng_cstr(e, k->purpose)) : 0);
	h = eng_mix(h, k->binding ? eng_hash_str(eng_cstr(e, k->binding)) : 0);
	h = eng_mix(h, k->store_annot);
	h = eng_mix(h, k->guard_ok);
	h = eng_mix(h, k->received);
	return eng_mix(h, k->guard_wrong);
}

/* Complete events by class (what their flows are made of), then in a
   canonical order: a class is walked at once, and its nodes forgotten
   after it, so the walk's memory is one class's, not all of them. */
typedef struct ordered {
	const cevent *ce;
	uint64_t kh;
	uint64_t h;
} ordered;

static int ordered_cmp(const void *a, const void *b)
{
	const ordered *x = a, *y = b;
	if (x->kh != y->kh)
		return x->kh < y->kh ? -1 : 1;
	if (x->ce->func != y->ce->func)
		return x->ce->func < y->ce->func ? -1 : 1;
	return x->h < y->h ? -1 : x->h > y->h;
}

void eng_emit_all(eng *e)
{
	PF_VEC(ordered) all = {0};
	xflows flows = {0};
	walk w = {.e = e, .out = &flows, .ids = pf_map_new()};

	sort_eng = e;

	for (size_t f = 0; f < e->prog->funcs.n; f++)
		for (size_t i = 0; i < e->fi[f].found.n; i++) {
			const cevent *ce = &e->fi[f].found.v[i];
			ordered o = {ce, evkey_chash(e, &ce->k, 0),
			             eng_mix(eng_gnode(e, ce->sites)->hash, evkey_chash(e, &ce->k, 1))};
			pf_vec_push(&all, o);
		}
	if (all.n)
		qsort(all.v, all.n, sizeof(ordered), ordered_cmp);
	for (size_t i = 0; i < all.n; i++) {
		if (!i || all.v[i].kh != all.v[i - 1].kh) {
			pf_map_free(w.seen);
			w.seen = pf_map_new();
		}
		w.ce = all.v[i].ce;
		walk_node(&w, w.ce->sites);
	}
	if (getenv("PF_STATS"))
		fprintf(stderr, "stats: %zu complete events, %zu graph nodes walked, %zu flows made, %zu kept\n",
		        all.n, w.walked, w.made, flows.n);
	if (flows.n)
		qsort(flows.v, flows.n, sizeof(xflow), flow_cmp);
	/* receives whose data reached a decryption came encrypted */
	pf_map *decrypted = pf_map_new();
	for (size_t i = 0; i < flows.n; i++)
		if (flows.v[i].fl.sink == PF_SINK_DECRYPTED)
			pf_map_put(decrypted, flows.v[i].cat, 1);
	for (size_t i = 0; i < flows.n; i++) {
		const xflow *x = &flows.v[i];
		uint32_t one;
		if (i && flow_id_cmp(&flows.v[i - 1], x) == 0)
			continue; /* the same flow by another trace (pointer-distinct strings) */
		if (eng_is_marker(e, x->cat) || x->fl.sink == PF_SINK_DECRYPTED)
			continue; /* a marker is no personal data, a decryption no use */
		if (x->fl.received && pf_map_get(decrypted, eng_received_marker(e, x->fl.loc), &one))
			continue;
		if (!x->fl.received) /* what an export sends, not what it reads */
			eng_u32_add_once(&e->fi[x->func].out_cats, x->cat);
		if (x->fl.sink == PF_SINK_STORAGE)
			eng_note_stored(e, x->store, x->cat, x->fl.loc);
		pf_checker_flow(e->chk, &x->fl);
	}
	pf_map_free(decrypted);
	pf_map_free(w.seen);
	pf_map_free(w.ids);
	pf_vec_free(&w.via);
	pf_vec_free(&all);
	pf_vec_free(&flows);
}
