/*
 * The privacy policy (see policy.h, docs/policy.md): loads a policy JSON
 * file into a pf_policy, validating it strictly (unknown keys, wrong
 * types, unknown rule/transform/legal-basis ids, references to purposes,
 * recipients or categories the policy does not declare, duplicate ids),
 * with every message naming file, line and key; and answers the lookups
 * the checker needs.
 */
#include "policy.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "jsonpos.h"
#include "kinds.h"
#include "util.h"

static const char *const legal_bases[] = {
	[PF_BASIS_NONE] = "none",
	[PF_BASIS_CONTRACT] = "contract",
	[PF_BASIS_LEGITIMATE_INTEREST] = "legitimate_interest",
	[PF_BASIS_CONSENT] = "consent",
	[PF_BASIS_LEGAL_OBLIGATION] = "legal_obligation",
	[PF_BASIS_VITAL_INTEREST] = "vital_interest",
	[PF_BASIS_PUBLIC_TASK] = "public_task",
};
#define NBASES (sizeof(legal_bases) / sizeof(legal_bases[0]))

static const char *const recipient_kinds[] = {"processor", "controller", "authority", NULL};

const char *pf_legal_basis_id(int basis)
{
	return basis >= 0 && (size_t)basis < NBASES ? legal_bases[basis] : "?";
}

int pf_category_covers(const char *parent, const char *cat)
{
	size_t n = strlen(parent);
	return strncmp(parent, cat, n) == 0 && (cat[n] == '\0' || cat[n] == '.');
}

int pf_strlist_has(const pf_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

const char *pf_strlist_cover(const pf_strlist *l, const char *id)
{
	const char *best = NULL;

	for (size_t i = 0; i < l->n; i++)
		if (pf_category_covers(l->v[i], id) && (!best || strlen(l->v[i]) > strlen(best)))
			best = l->v[i];
	return best;
}

/* --- loading helpers ----------------------------------------------------- */

typedef struct loadctx {
	pf_policy *p;
	pf_arena *a;
} loadctx;

static const char *astr(loadctx *lc, const char *s)
{
	return pf_arena_strdup(lc->a, s);
}

static int valid_host_glob(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && !strchr(".-*?", *s))
			return 0;
	return 1;
}

/* An optional string member copied to the arena (NULL if absent). */
static int opt_string(loadctx *lc, const pf_jcur *obj, const char *key, const char **out)
{
	const char *s = NULL;
	int rc = pf_jcur_string(obj, key, 0, &s);
	*out = s ? astr(lc, s) : NULL;
	return rc;
}

/* A dotted id member: "user.contact.email", "payment-processor". */
static int id_member(loadctx *lc, const pf_jcur *obj, const char *key, int required,
                     const char **out)
{
	const char *s = NULL;
	pf_jcur m;
	int rc = pf_jcur_string(obj, key, required, &s);
	*out = NULL;
	if (rc < 0 || !s)
		return rc;
	if (!pf_valid_dotted_id(s)) {
		pf_jcur_member(&m, obj, key);
		return pf_jcur_error(&m, "\"%s\" is not an id (lower-case words joined by '.')", s);
	}
	*out = astr(lc, s);
	return 0;
}

typedef int (*elem_check)(loadctx *lc, const pf_jcur *el, const char *s);

/* A list-of-strings member, each checked by `check` (may be NULL). */
static int strlist(loadctx *lc, const pf_jcur *obj, const char *key, pf_strlist *out,
                   elem_check check)
{
	pf_jcur arr;
	int present, rc;

	out->n = 0;
	out->v = NULL;
	if ((rc = pf_jcur_array(obj, key, 0, &arr, &present)) < 0 || !present)
		return rc;
	out->n = json_array_size(arr.value);
	out->v = pf_arena_alloc(lc->a, sizeof(char *) * (out->n + 1));
	for (size_t i = 0; i < out->n; i++) {
		pf_jcur el = pf_jcur_element(&arr, i);
		if (!json_is_string(el.value))
			return pf_jcur_error(&el, "expected a string");
		const char *s = json_string_value(el.value);
		for (size_t j = 0; j < i; j++)
			if (strcmp(out->v[j], s) == 0)
				return pf_jcur_error(&el, "\"%s\" is listed twice", s);
		if (check && (rc = check(lc, &el, s)) < 0)
			return rc;
		out->v[i] = astr(lc, s);
	}
	return 0;
}

static int check_id(loadctx *lc, const pf_jcur *el, const char *s)
{
	if (!pf_valid_dotted_id(s))
		return pf_jcur_error(el, "\"%s\" is not an id (lower-case words joined by '.')", s);
	return 0;
}

/* A category reference must be a declared category, or an ancestor or a
   descendant of one ("user.contact" when "user.contact.email" is
   declared); anything else is a typo. */
static int check_category_ref(loadctx *lc, const pf_jcur *el, const char *s)
{
	if (check_id(lc, el, s) < 0)
		return PF_EINVALID;
	for (size_t i = 0; i < lc->p->ncategories; i++) {
		const char *d = lc->p->categories[i].id;
		if (pf_category_covers(d, s) || pf_category_covers(s, d))
			return 0;
	}
	return pf_jcur_error(el, "category \"%s\" is not declared in categories", s);
}

static int check_purpose_ref(loadctx *lc, const pf_jcur *el, const char *s)
{
	for (size_t i = 0; i < lc->p->npurposes; i++)
		if (strcmp(lc->p->purposes[i].id, s) == 0)
			return 0;
	return pf_jcur_error(el, "purpose \"%s\" is not declared in purposes", s);
}

static int check_recipient_ref(loadctx *lc, const pf_jcur *el, const char *s)
{
	for (size_t i = 0; i < lc->p->nrecipients; i++)
		if (strcmp(lc->p->recipients[i].id, s) == 0)
			return 0;
	return pf_jcur_error(el, "recipient \"%s\" is not declared in recipients", s);
}

static int check_host(loadctx *lc, const pf_jcur *el, const char *s)
{
	if (!valid_host_glob(s))
		return pf_jcur_error(el, "\"%s\" is not a lower-case host glob "
		                         "(a-z, 0-9, '.', '-', '*', '?')", s);
	return 0;
}

static int check_nonempty(loadctx *lc, const pf_jcur *el, const char *s)
{
	if (!*s)
		return pf_jcur_error(el, "empty string");
	return 0;
}

/* A transform-set member; absent leaves *out (the default) alone. */
static int transforms(loadctx *lc, const pf_jcur *obj, const char *key, unsigned *out)
{
	pf_jcur arr;
	int present, rc;

	if ((rc = pf_jcur_array(obj, key, 0, &arr, &present)) < 0 || !present)
		return rc;
	*out = 0;
	for (size_t i = 0; i < json_array_size(arr.value); i++) {
		pf_jcur el = pf_jcur_element(&arr, i);
		int t;
		if (!json_is_string(el.value))
			return pf_jcur_error(&el, "expected a string");
		if ((t = pf_transform_from_id(json_string_value(el.value))) < 0)
			return pf_jcur_error(&el, "unknown transform \"%s\" (hashed, encrypted, "
			                          "anonymized, redacted, pseudonymized)",
			                     json_string_value(el.value));
		*out |= 1u << t;
	}
	return 0;
}

/* Each element of array member `key` must be an object with an "id" not
   seen before in that array. */
static int check_unique_id(const pf_jcur *el, const char *id, const char *const *seen,
                           const int *lines, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(seen[i], id) == 0) {
			pf_jcur m;
			pf_jcur_member(&m, el, "id");
			return pf_jcur_error(&m, "duplicate id \"%s\" (first declared at line %d)", id,
			                     lines[i]);
		}
	}
	return 0;
}

/* --- sections ------------------------------------------------------------ */

static int load_categories(loadctx *lc, const pf_jcur *root)
{
	static const char *const keys[] = {"id", "description", "ref", "retention", "required",
	                                   "credential", "credential_transforms", "never_stored",
	                                   "stored_transforms", "recipients", NULL};
	pf_jcur arr;
	int present, rc;

	if ((rc = pf_jcur_array(root, "categories", 1, &arr, &present)) < 0)
		return rc;
	lc->p->ncategories = json_array_size(arr.value);
	lc->p->categories = pf_arena_alloc(lc->a, sizeof(pf_pol_category) * (lc->p->ncategories + 1));
	for (size_t i = 0; i < lc->p->ncategories; i++) {
		pf_jcur el = pf_jcur_element(&arr, i);
		pf_pol_category *c = &lc->p->categories[i];
		if ((rc = pf_jcur_object(&el, keys)) < 0 || (rc = id_member(lc, &el, "id", 1, &c->id)) < 0)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(lc->p->categories[j].id, c->id) == 0)
				return check_unique_id(&el, c->id, &lc->p->categories[j].id,
				                       &lc->p->categories[j].line, 1);
		c->line = pf_jcur_line(&el);
		c->credential_transforms = 1u << PF_TR_HASHED;
		if ((rc = opt_string(lc, &el, "description", &c->description)) < 0 ||
		    (rc = opt_string(lc, &el, "ref", &c->ref)) < 0 ||
		    (rc = opt_string(lc, &el, "retention", &c->retention)) < 0 ||
		    (rc = pf_jcur_bool(&el, "required", 0, &c->required)) < 0 ||
		    (rc = pf_jcur_bool(&el, "credential", 0, &c->credential)) < 0 ||
		    (rc = transforms(lc, &el, "credential_transforms", &c->credential_transforms)) < 0 ||
		    (rc = pf_jcur_bool(&el, "never_stored", 0, &c->never_stored)) < 0 ||
		    (rc = transforms(lc, &el, "stored_transforms", &c->stored_transforms)) < 0)
			return rc;
	}
	return 0;
}

/* Category -> recipient references need the recipients: a second pass. */
static int load_category_recipients(loadctx *lc, const pf_jcur *root)
{
	pf_jcur arr;
	int present, rc;

	if ((rc = pf_jcur_array(root, "categories", 1, &arr, &present)) < 0)
		return rc;
	for (size_t i = 0; i < lc->p->ncategories; i++) {
		pf_jcur el = pf_jcur_element(&arr, i), m;
		pf_pol_category *c = &lc->p->categories[i];
		if ((rc = strlist(lc, &el, "recipients", &c->recipients, check_recipient_ref)) < 0)
			return rc;
		/* The recipient must accept the category too, or the policy
		   contradicts itself. */
		for (size_t k = 0; k < c->recipients.n; k++) {
			const pf_pol_recipient *r = pf_policy_recipient(lc->p, c->recipients.v[k]);
			size_t j;
			if (r->categories.n == 0)
				continue; /* a recipient without a list takes any category */
			for (j = 0; j < r->categories.n; j++)
				if (pf_category_covers(r->categories.v[j], c->id))
					break;
			if (j == r->categories.n) {
				pf_jcur_member(&m, &el, "recipients");
				pf_jcur e = pf_jcur_element(&m, k);
				return pf_jcur_error(&e, "recipient \"%s\" does not list \"%s\" in its "
				                         "categories", r->id, c->id);
			}
		}
	}
	return 0;
}

static int load_purposes(loadctx *lc, const pf_jcur *root)
{
	static const char *const keys[] = {"id", "description", "ref", "legal_basis", "categories",
	                                   "consent", "opt_out", "requires_transforms", NULL};
	pf_jcur arr;
	int present, rc;

	if ((rc = pf_jcur_array(root, "purposes", 0, &arr, &present)) < 0 || !present)
		return rc;
	lc->p->npurposes = json_array_size(arr.value);
	lc->p->purposes = pf_arena_alloc(lc->a, sizeof(pf_pol_purpose) * (lc->p->npurposes + 1));
	for (size_t i = 0; i < lc->p->npurposes; i++) {
		pf_jcur el = pf_jcur_element(&arr, i), m;
		pf_pol_purpose *pu = &lc->p->purposes[i];
		const char *basis;
		size_t b;
		if ((rc = pf_jcur_object(&el, keys)) < 0 || (rc = id_member(lc, &el, "id", 1, &pu->id)) < 0)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(lc->p->purposes[j].id, pu->id) == 0)
				return check_unique_id(&el, pu->id, &lc->p->purposes[j].id,
				                       &lc->p->purposes[j].line, 1);
		pu->line = pf_jcur_line(&el);
		if ((rc = opt_string(lc, &el, "description", &pu->description)) < 0 ||
		    (rc = opt_string(lc, &el, "ref", &pu->ref)) < 0 ||
		    (rc = pf_jcur_string(&el, "legal_basis", 1, &basis)) < 0)
			return rc;
		for (b = 1; b < NBASES; b++)
			if (strcmp(legal_bases[b], basis) == 0)
				break;
		if (b == NBASES) {
			pf_jcur_member(&m, &el, "legal_basis");
			return pf_jcur_error(&m, "unknown legal basis \"%s\" (contract, consent, "
			                         "legitimate_interest, legal_obligation, vital_interest, "
			                         "public_task)", basis);
		}
		pu->legal_basis = (int)b;
		if ((rc = strlist(lc, &el, "categories", &pu->categories, check_category_ref)) < 0 ||
		    (rc = id_member(lc, &el, "consent", 0, &pu->consent)) < 0 ||
		    (rc = id_member(lc, &el, "opt_out", 0, &pu->opt_out)) < 0 ||
		    (rc = transforms(lc, &el, "requires_transforms", &pu->requires_transforms)) < 0)
			return rc;
		if (pu->legal_basis == PF_BASIS_CONSENT && !pu->consent) {
			pf_jcur_member(&m, &el, "legal_basis");
			return pf_jcur_error(&m, "a purpose based on consent names the consent "
			                         "(\"consent\": \"...\")");
		}
	}
	return 0;
}

static int load_recipients(loadctx *lc, const pf_jcur *root)
{
	static const char *const keys[] = {"id", "description", "ref", "kind", "categories",
	                                   "purposes", "hosts", NULL};
	pf_jcur arr;
	int present, rc;

	if ((rc = pf_jcur_array(root, "recipients", 0, &arr, &present)) < 0 || !present)
		return rc;
	lc->p->nrecipients = json_array_size(arr.value);
	lc->p->recipients = pf_arena_alloc(lc->a, sizeof(pf_pol_recipient) * (lc->p->nrecipients + 1));
	for (size_t i = 0; i < lc->p->nrecipients; i++) {
		pf_jcur el = pf_jcur_element(&arr, i), m;
		pf_pol_recipient *r = &lc->p->recipients[i];
		if ((rc = pf_jcur_object(&el, keys)) < 0 || (rc = id_member(lc, &el, "id", 1, &r->id)) < 0)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(lc->p->recipients[j].id, r->id) == 0)
				return check_unique_id(&el, r->id, &lc->p->recipients[j].id,
				                       &lc->p->recipients[j].line, 1);
		r->line = pf_jcur_line(&el);
		if ((rc = opt_string(lc, &el, "description", &r->description)) < 0 ||
		    (rc = opt_string(lc, &el, "ref", &r->ref)) < 0 ||
		    (rc = opt_string(lc, &el, "kind", &r->kind)) < 0)
			return rc;
		if (r->kind) {
			size_t k;
			for (k = 0; recipient_kinds[k]; k++)
				if (strcmp(recipient_kinds[k], r->kind) == 0)
					break;
			if (!recipient_kinds[k]) {
				pf_jcur_member(&m, &el, "kind");
				return pf_jcur_error(&m, "unknown recipient kind \"%s\" (processor, "
				                         "controller, authority)", r->kind);
			}
		}
		if ((rc = strlist(lc, &el, "categories", &r->categories, check_category_ref)) < 0 ||
		    (rc = strlist(lc, &el, "purposes", &r->purposes, check_purpose_ref)) < 0 ||
		    (rc = strlist(lc, &el, "hosts", &r->hosts, check_host)) < 0)
			return rc;
	}
	return 0;
}

static int load_bindings(loadctx *lc, const pf_jcur *root)
{
	static const char *const keys[] = {"path", "purpose", NULL};
	pf_jcur arr;
	int present, rc;

	if ((rc = pf_jcur_array(root, "bindings", 0, &arr, &present)) < 0 || !present)
		return rc;
	lc->p->nbindings = json_array_size(arr.value);
	lc->p->bindings = pf_arena_alloc(lc->a, sizeof(pf_pol_binding) * (lc->p->nbindings + 1));
	for (size_t i = 0; i < lc->p->nbindings; i++) {
		pf_jcur el = pf_jcur_element(&arr, i), m;
		pf_pol_binding *b = &lc->p->bindings[i];
		const char *s;
		if ((rc = pf_jcur_object(&el, keys)) < 0 ||
		    (rc = pf_jcur_string(&el, "path", 1, &s)) < 0)
			return rc;
		if (!*s) {
			pf_jcur_member(&m, &el, "path");
			return pf_jcur_error(&m, "empty path glob");
		}
		b->path = astr(lc, s);
		if ((rc = pf_jcur_string(&el, "purpose", 1, &s)) < 0)
			return rc;
		pf_jcur_member(&m, &el, "purpose");
		if ((rc = check_purpose_ref(lc, &m, s)) < 0)
			return rc;
		b->purpose = astr(lc, s);
		b->line = pf_jcur_line(&el);
	}
	return 0;
}

static int load_sections(loadctx *lc, const pf_jcur *root)
{
	static const char *const log_keys[] = {"allowed_categories", "transforms", "ref", NULL};
	static const char *const tr_keys[] = {"require_tls", "transforms", "ref", NULL};
	static const char *const er_keys[] = {"required", "exempt", "ref", NULL};
	static const char *const ex_keys[] = {"required", "ref", NULL};
	pf_policy *p = lc->p;
	pf_jcur m;
	int rc;

	if (pf_jcur_member(&m, root, "logs")) {
		if ((rc = pf_jcur_object(&m, log_keys)) < 0 ||
		    (rc = strlist(lc, &m, "allowed_categories", &p->log_allowed, check_category_ref)) < 0 ||
		    (rc = transforms(lc, &m, "transforms", &p->log_transforms)) < 0 ||
		    (rc = opt_string(lc, &m, "ref", &p->log_ref)) < 0)
			return rc;
	}
	if (pf_jcur_member(&m, root, "transport")) {
		if ((rc = pf_jcur_object(&m, tr_keys)) < 0 ||
		    (rc = pf_jcur_bool(&m, "require_tls", 0, &p->require_tls)) < 0 ||
		    (rc = transforms(lc, &m, "transforms", &p->transport_transforms)) < 0 ||
		    (rc = opt_string(lc, &m, "ref", &p->transport_ref)) < 0)
			return rc;
	}
	if (pf_jcur_member(&m, root, "erasure")) {
		if ((rc = pf_jcur_object(&m, er_keys)) < 0 ||
		    (rc = pf_jcur_bool(&m, "required", 0, &p->erasure_required)) < 0 ||
		    (rc = strlist(lc, &m, "exempt", &p->erasure_exempt, check_nonempty)) < 0 ||
		    (rc = opt_string(lc, &m, "ref", &p->erasure_ref)) < 0)
			return rc;
	}
	if (pf_jcur_member(&m, root, "export")) {
		if ((rc = pf_jcur_object(&m, ex_keys)) < 0 ||
		    (rc = pf_jcur_bool(&m, "required", 0, &p->export_required)) < 0 ||
		    (rc = opt_string(lc, &m, "ref", &p->export_ref)) < 0)
			return rc;
	}
	return 0;
}

static int load_rules(loadctx *lc, const pf_jcur *root)
{
	static const char *const keys[] = {"severity", "enabled", "ref", NULL};
	pf_jcur obj, m;
	const char *key;
	json_t *v;
	int rc;

	if (!pf_jcur_member(&obj, root, "rules"))
		return 0;
	if (!json_is_object(obj.value))
		return pf_jcur_error(&obj, "expected an object (rule id -> settings)");
	json_object_foreach(obj.value, key, v) {
		int rule = pf_rule_from_id(key), sev;
		const char *s = NULL;
		pf_jcur_member(&m, &obj, key);
		if (rule < 0)
			return pf_jcur_error(&m, "unknown rule \"%s\"", key);
		pf_pol_rule *r = &lc->p->rules[rule];
		r->enabled = 1; /* listed: on, unless "enabled": false */
		if ((rc = pf_jcur_object(&m, keys)) < 0 ||
		    (rc = pf_jcur_string(&m, "severity", 0, &s)) < 0 ||
		    (rc = pf_jcur_bool(&m, "enabled", 0, &r->enabled)) < 0 ||
		    (rc = opt_string(lc, &m, "ref", &r->ref)) < 0)
			return rc;
		if (s) {
			if ((sev = pf_severity_from_id(s)) < 0) {
				pf_jcur sm;
				pf_jcur_member(&sm, &m, "severity");
				return pf_jcur_error(&sm, "unknown severity \"%s\" (note, warning, error)", s);
			}
			r->severity = sev;
		}
	}
	return 0;
}

static int load_notes(loadctx *lc, const pf_jcur *root)
{
	static const char *const keys[] = {"ref", "why", NULL};
	pf_jcur arr;
	int present, rc;

	if ((rc = pf_jcur_array(root, "notes", 0, &arr, &present)) < 0 || !present)
		return rc;
	lc->p->nnotes = json_array_size(arr.value);
	lc->p->notes = pf_arena_alloc(lc->a, sizeof(pf_pol_note) * (lc->p->nnotes + 1));
	for (size_t i = 0; i < lc->p->nnotes; i++) {
		pf_jcur el = pf_jcur_element(&arr, i);
		pf_pol_note *n = &lc->p->notes[i];
		const char *s;
		if ((rc = pf_jcur_object(&el, keys)) < 0 ||
		    (rc = pf_jcur_string(&el, "ref", 1, &s)) < 0)
			return rc;
		n->ref = astr(lc, s);
		if ((rc = pf_jcur_string(&el, "why", 1, &s)) < 0)
			return rc;
		n->why = astr(lc, s);
	}
	return 0;
}

/* --- load / free --------------------------------------------------------- */

int pf_policy_load(pf_policy **out, const char *path)
{
	static const char *const keys[] = {"$schema", "version", "name", "source", "controller",
	                                   "contact", "language", "categories", "purposes",
	                                   "recipients", "bindings", "first_party_hosts", "logs",
	                                   "transport", "erasure", "export", "rules", "notes",
	                                   NULL};
	pf_json_doc *doc = NULL;
	pf_policy *p = NULL;
	char *text = NULL;
	size_t len = 0;
	pf_jcur root, m;
	long long version = 0;
	const char *s;
	loadctx lc;
	int rc;

	*out = NULL;
	if ((rc = pf_file_read(&text, &len, path, PF_MAX_RULES_FILE, PF_READ_TEXT)) < 0 ||
	    (rc = pf_json_load_text(&doc, path, text)) < 0)
		goto done;
	p = pf_calloc(1, sizeof(*p));
	pf_sha256_hex(text, len, p->digest);
	p->arena = pf_arena_new();
	lc.p = p;
	lc.a = p->arena;
	p->file = astr(&lc, path);
	p->log_transforms = 1u << PF_TR_REDACTED | 1u << PF_TR_HASHED | 1u << PF_TR_ANONYMIZED;
	p->transport_transforms = 1u << PF_TR_ENCRYPTED | 1u << PF_TR_ANONYMIZED;
	for (int i = 0; i < (int)(sizeof(p->rules) / sizeof(p->rules[0])); i++) {
		p->rules[i].severity = -1;
		p->rules[i].enabled = i < PF_RULE_COUNT && pf_rule_default_enabled(i);
	}

	root = pf_jcur_root(doc);
	if ((rc = pf_jcur_object(&root, keys)) < 0 ||
	    (rc = pf_jcur_int(&root, "version", 1, &version)) < 0)
		goto done;
	if (version != 1) {
		pf_jcur_member(&m, &root, "version");
		rc = pf_jcur_error(&m, "unsupported version %lld (this privflow reads 1)", version);
		goto done;
	}
	if ((rc = pf_jcur_string(&root, "$schema", 0, &s)) < 0 ||
	    (rc = pf_jcur_string(&root, "source", 0, &s)) < 0 ||
	    (rc = opt_string(&lc, &root, "name", &p->name)) < 0 ||
	    (rc = opt_string(&lc, &root, "controller", &p->controller)) < 0 ||
	    (rc = opt_string(&lc, &root, "contact", &p->contact)) < 0 ||
	    (rc = opt_string(&lc, &root, "language", &p->language)) < 0)
		goto done;
	/* Declarations first, then what refers to them. */
	if ((rc = load_categories(&lc, &root)) < 0 || (rc = load_purposes(&lc, &root)) < 0 ||
	    (rc = load_recipients(&lc, &root)) < 0 || (rc = load_category_recipients(&lc, &root)) < 0 ||
	    (rc = load_bindings(&lc, &root)) < 0 ||
	    (rc = strlist(&lc, &root, "first_party_hosts", &p->first_party_hosts, check_host)) < 0 ||
	    (rc = load_sections(&lc, &root)) < 0 || (rc = load_rules(&lc, &root)) < 0 ||
	    (rc = load_notes(&lc, &root)) < 0)
		goto done;
	*out = p;
	p = NULL;
	rc = 0;
done:
	pf_policy_free(p);
	pf_json_free(doc);
	pf_free(text);
	return rc;
}

void pf_policy_free(pf_policy *p)
{
	if (!p)
		return;
	pf_arena_free(p->arena);
	pf_free(p);
}

/* --- lookups ------------------------------------------------------------- */

const pf_pol_category *pf_policy_category(const pf_policy *p, const char *id)
{
	const pf_pol_category *best = NULL;
	for (size_t i = 0; i < p->ncategories; i++) {
		const pf_pol_category *c = &p->categories[i];
		if (pf_category_covers(c->id, id) && (!best || strlen(c->id) > strlen(best->id)))
			best = c;
	}
	return best;
}

/* Purposes are fideslang data uses, hierarchical like categories: a
   declared purpose covers its sub-purposes; the most specific wins. */
const pf_pol_purpose *pf_policy_purpose(const pf_policy *p, const char *id)
{
	const pf_pol_purpose *best = NULL;
	for (size_t i = 0; i < p->npurposes; i++) {
		const pf_pol_purpose *u = &p->purposes[i];
		if (pf_category_covers(u->id, id) && (!best || strlen(u->id) > strlen(best->id)))
			best = u;
	}
	return best;
}

const pf_pol_recipient *pf_policy_recipient(const pf_policy *p, const char *id)
{
	for (size_t i = 0; i < p->nrecipients; i++)
		if (strcmp(p->recipients[i].id, id) == 0)
			return &p->recipients[i];
	return NULL;
}

/* Host names compare case-insensitively and without a trailing dot. */
static void host_norm(char *buf, size_t size, const char *host)
{
	size_t n = 0;
	for (; host[n] && n + 1 < size; n++)
		buf[n] = (char)tolower((unsigned char)host[n]);
	if (n && buf[n - 1] == '.')
		n--;
	buf[n] = '\0';
}

const pf_pol_recipient *pf_policy_recipient_for_host(const pf_policy *p, const char *host)
{
	char h[256];
	host_norm(h, sizeof(h), host);
	for (size_t i = 0; i < p->nrecipients; i++)
		for (size_t j = 0; j < p->recipients[i].hosts.n; j++)
			if (pf_glob_match(p->recipients[i].hosts.v[j], h))
				return &p->recipients[i];
	return NULL;
}

int pf_policy_is_first_party_host(const pf_policy *p, const char *host)
{
	char h[256];
	host_norm(h, sizeof(h), host);
	for (size_t i = 0; i < p->first_party_hosts.n; i++)
		if (pf_glob_match(p->first_party_hosts.v[i], h))
			return 1;
	return 0;
}

const char *pf_policy_bound_purpose(const pf_policy *p, const char *path)
{
	if (path[0] == '.' && path[1] == '/')
		path += 2;
	for (size_t i = 0; i < p->nbindings; i++)
		if (pf_glob_match(p->bindings[i].path, path))
			return p->bindings[i].purpose;
	return NULL;
}

int pf_policy_severity(const pf_policy *p, int rule)
{
	if (rule < 0 || rule >= PF_RULE_COUNT)
		return -1;
	if (!p)
		return pf_rule_default_enabled(rule) ? pf_rule_default_severity(rule) : -1;
	if (!p->rules[rule].enabled)
		return -1;
	return p->rules[rule].severity >= 0 ? p->rules[rule].severity
	                                    : pf_rule_default_severity(rule);
}
