/*
 * Stores: the tables, files and key spaces personal data is written to,
 * named from the constant SQL text, path or key pattern that reaches a
 * sink (or its handle), or by a PRIVFLOW_STORE annotation; which of them
 * a function erases (a DELETE or DROP, an unlink, PRIVFLOW_ERASES); and
 * the checks of the erasure and export entry points: every store that
 * receives personal data must be erased on account closure (unless the
 * policy exempts it), every stored category must be in the export.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "eng_p.h"

/* Lower-case word at *p (identifier chars), advancing past it. */
static size_t sql_word(const char **p, char *buf, size_t size)
{
	size_t n = 0;
	while (**p && !((**p >= 'a' && **p <= 'z') || (**p >= 'A' && **p <= 'Z') || **p == '_' ||
	                **p == '"' || **p == '`' || **p == '[' || **p == '%'))
		(*p)++;
	while (**p == '"' || **p == '`' || **p == '[')
		(*p)++;
	while (**p && ((**p >= 'a' && **p <= 'z') || (**p >= 'A' && **p <= 'Z') ||
	               (**p >= '0' && **p <= '9') || **p == '_' || **p == '.' || **p == '%')) {
		if (n + 1 < size)
			buf[n++] = (char)(**p >= 'A' && **p <= 'Z' ? **p - 'A' + 'a' : **p);
		(*p)++;
	}
	buf[n] = '\0';
	return n;
}

/*
 * The store a constant string names: the table of an SQL statement, a
 * file path pattern ("%s" -> "*"), a key pattern of a Redis command.
 * *erase says whether the statement deletes (DELETE, DROP, TRUNCATE).
 */
uint32_t eng_store_name(eng *e, const char *str, int *erase)
{
	char w[128], prev[128] = "", prev2[128] = "", out[256];
	const char *p = str;
	size_t n = 0;

	*erase = 0;
	while (*str == ' ' || *str == '\n' || *str == '\t')
		str++;
	if (strstr(str, "://"))
		return 0;
	if (str[0] == '/' || str[0] == '.' || strncmp(str, "%s/", 3) == 0) {
		for (const char *q = str; *q && n + 2 < sizeof(out); q++) {
			if (*q == '%') {
				q++;
				while (*q && strchr("0123456789.-+ #lzhjt", *q))
					q++;
				if (!*q)
					break;
				out[n++] = '*';
				continue;
			}
			out[n++] = *q;
		}
		out[n] = '\0';
		return eng_str(e, out);
	}
	p = str;
	sql_word(&p, w, sizeof(w));
	if (!strcmp(w, "set") || !strcmp(w, "get") || !strcmp(w, "hset") || !strcmp(w, "del") ||
	    !strcmp(w, "hmset") || !strcmp(w, "setex") || !strcmp(w, "lpush") || !strcmp(w, "rpush") ||
	    !strcmp(w, "sadd") || !strcmp(w, "unlink") || !strcmp(w, "hdel")) {
		*erase = !strcmp(w, "del") || !strcmp(w, "unlink") || !strcmp(w, "hdel");
		while (*p == ' ')
			p++;
		for (; *p && *p != ' ' && n + 2 < sizeof(out); p++)
			out[n++] = *p == '%' ? (p[1] ? (p++, '*') : '*') : *p;
		out[n] = '\0';
		return n ? eng_str(e, out) : 0;
	}
	/* SQL: the word after INTO / UPDATE / FROM / TABLE */
	*erase = !strcmp(w, "delete") || !strcmp(w, "drop") || !strcmp(w, "truncate");
	int is_sql = !strcmp(w, "insert") || !strcmp(w, "update") || !strcmp(w, "delete") ||
	             !strcmp(w, "replace") || !strcmp(w, "select") || !strcmp(w, "create") ||
	             !strcmp(w, "drop") || !strcmp(w, "truncate") || !strcmp(w, "upsert") ||
	             !strcmp(w, "with");
	if (!is_sql)
		return strpbrk(str, " \t\n%") ? 0 : eng_str(e, str); /* a plain store name */
	strcpy(prev, w);
	for (int i = 0; i < 64 && sql_word(&p, w, sizeof(w)); i++) {
		if (!strcmp(prev, "into") || (!strcmp(prev, "update") && strcmp(w, "or")) ||
		    !strcmp(prev, "from") || (!strcmp(prev, "table") && strcmp(w, "if")) ||
		    (!strcmp(prev, "exists") && !strcmp(prev2, "not")) ||
		    (!strcmp(prev, "exists") && !strcmp(prev2, "if"))) {
			if (!strcmp(w, "select") || !strcmp(w, "("))
				return 0;
			return eng_str(e, w);
		}
		strcpy(prev2, prev);
		strcpy(prev, w);
	}
	return 0;
}



void eng_add_erase(eng *e, uint32_t fi, uint32_t store)
{
	funcinfo *info = &e->fi[fi];

	for (size_t i = 0; i < info->erases.n; i++)
		if (info->erases.v[i] == store)
			return;
	pf_vec_push(&info->erases, store);
}

/* Records that personal data of `cat` is stored in `store` (0: unknown). */
void eng_note_stored(eng *e, uint32_t store, uint32_t cat, pf_loc loc)
{
	size_t i;

	for (i = 0; i < e->nstored; i++)
		if (e->stored[i].cat == cat)
			break;
	if (i == e->nstored && e->nstored < 256) {
		e->stored[e->nstored].cat = cat;
		e->stored[e->nstored++].loc = loc;
	}
	if (!store)
		return;
	for (i = 0; i < e->stores.n; i++)
		if (e->stores.v[i].name == store)
			break;
	if (i == e->stores.n) {
		store_rec r = {store, loc, {0}};
		pf_vec_push(&e->stores, r);
	}
	eng_u32_add_once(&e->stores.v[i].cats, cat);
}


static int store_matches(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0 || pf_glob_match(a, b) || pf_glob_match(b, a);
}

/* Functions reachable from `root` (itself included), into mark[]. */
static void reach(eng *e, uint32_t root, uint8_t *mark)
{
	u32vec stack = {0};

	pf_vec_push(&stack, root);
	mark[root] = 1;
	while (stack.n) {
		uint32_t f = stack.v[--stack.n];
		for (size_t i = 0; i < e->fi[f].callees.n; i++) {
			uint32_t g = e->fi[f].callees.v[i];
			if (!mark[g]) {
				mark[g] = 1;
				pf_vec_push(&stack, g);
			}
		}
	}
	pf_vec_free(&stack);
}

static int exempt(const eng *e, const char *store)
{
	for (size_t i = 0; e->pol && i < e->pol->erasure_exempt.n; i++)
		if (store_matches(e->pol->erasure_exempt.v[i], store))
			return 1;
	return 0;
}

static void check_erasure(eng *e, uint32_t fi, uint8_t *mark)
{
	const pf_decl *fd = eng_decl(e, e->prog->funcs.v[fi].decl);
	char msg[2048];
	size_t len = 0, missed = 0;
	const pf_tnode *trace = NULL;

	for (size_t s = 0; s < e->stores.n; s++) {
		const store_rec *st = &e->stores.v[s];
		const char *name = eng_cstr(e, st->name);
		int erased = 0;
		if (exempt(e, name))
			continue;
		for (uint32_t f = 0; f < e->prog->funcs.n && !erased; f++)
			for (size_t k = 0; mark[f] && k < e->fi[f].erases.n && !erased; k++)
				erased = store_matches(eng_cstr(e, e->fi[f].erases.v[k]), name);
		if (erased)
			continue;
		len += (size_t)snprintf(msg + len, len < sizeof(msg) ? sizeof(msg) - len : 0, "%s%s (%s)",
		                        missed++ ? ", " : "", name, eng_cstr(e, st->cats.v[0]));
		trace = eng_step(e, trace, st->loc,
		              eng_note(e, "store %s receives %s here and is not erased", name, eng_cstr(e, st->cats.v[0])));
	}
	if (!missed)
		return;
	char full[2300];
	snprintf(full, sizeof(full), "account closure %s() leaves personal data in %zu store%s: %s",
	         eng_pstr(e, fd->name), missed, missed > 1 ? "s" : "", msg);
	pf_checker_entry(e->chk, PF_RULE_INCOMPLETE_ERASURE, fd, full, trace);
}

static void check_export(eng *e, uint32_t fi, uint8_t *mark)
{
	const pf_decl *fd = eng_decl(e, e->prog->funcs.v[fi].decl);
	char msg[2048];
	size_t len = 0, missed = 0;
	const pf_tnode *trace = NULL;

	for (size_t s = 0; s < e->nstored; s++) {
		const char *cat = eng_cstr(e, e->stored[s].cat);
		const pf_pol_category *pc = e->pol ? pf_policy_category(e->pol, cat) : NULL;
		int covered = 0;
		if (pc && (pc->credential || pc->never_stored))
			continue; /* secrets and forbidden data are not exported */
		for (uint32_t f = 0; f < e->prog->funcs.n && !covered; f++)
			for (size_t k = 0; mark[f] && k < e->fi[f].out_cats.n && !covered; k++) {
				const char *x = eng_cstr(e, e->fi[f].out_cats.v[k]);
				covered = pf_category_covers(x, cat) || pf_category_covers(cat, x);
			}
		if (covered)
			continue;
		len += (size_t)snprintf(msg + len, len < sizeof(msg) ? sizeof(msg) - len : 0, "%s%s",
		                        missed++ ? ", " : "", cat);
		trace = eng_step(e, trace, e->stored[s].loc, eng_note(e, "%s is stored here", cat));
	}
	if (!missed)
		return;
	char full[2300];
	snprintf(full, sizeof(full), "data export %s() omits %zu stored categor%s: %s",
	         eng_pstr(e, fd->name), missed, missed > 1 ? "ies" : "y", msg);
	pf_checker_entry(e->chk, PF_RULE_INCOMPLETE_EXPORT, fd, full, trace);
}

void eng_check_entries(eng *e)
{
	size_t nf = e->prog->funcs.n;
	uint8_t *mark = pf_calloc(nf ? nf : 1, 1);

	for (uint32_t fi = 0; fi < nf; fi++) {
		const pf_decl *fd = eng_decl(e, e->prog->funcs.v[fi].decl);
		int erasure = eng_annot(e, fd, "erasure") != NULL;
		int export = eng_annot(e, fd, "export") != NULL;
		if (!erasure && !export)
			continue;
		memset(mark, 0, nf);
		reach(e, fi, mark);
		if (erasure && e->pol && e->pol->erasure_required)
			check_erasure(e, fi, mark);
		if (export && e->pol && e->pol->export_required)
			check_export(e, fi, mark);
	}
	pf_free(mark);
}

