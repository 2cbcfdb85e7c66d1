/*
 * The privacy policy, machine-readable: declared data categories,
 * purposes, recipients and the obligations attached to them. Loaded from
 * JSON (rules/policy.schema.json documents the format, docs/policy.md
 * explains it), validated on load with errors naming file, line and key.
 * Every element keeps `ref`, the policy sentence it encodes, so a finding
 * can quote the sentence it breaks.
 */
#ifndef PF_POLICY_H
#define PF_POLICY_H

#include <stddef.h>

enum pf_legal_basis {
	PF_BASIS_NONE,
	PF_BASIS_CONTRACT,
	PF_BASIS_LEGITIMATE_INTEREST,
	PF_BASIS_CONSENT,
	PF_BASIS_LEGAL_OBLIGATION,
	PF_BASIS_VITAL_INTEREST,
	PF_BASIS_PUBLIC_TASK
};
const char *pf_legal_basis_id(int basis); /* "contract", "consent"... */

typedef struct pf_strlist {
	size_t n;
	const char **v;
} pf_strlist;

typedef struct pf_pol_category {
	const char *id;           /* fideslang id: "user.contact.email" */
	const char *description;
	const char *ref;          /* the policy sentence(s) it encodes */
	const char *retention;    /* as the policy states it, free text */
	int required;             /* must be given to use the service */
	int credential;           /* a secret: hashed before any sink */
	unsigned credential_transforms; /* transform set that makes it safe
	                                   (default: hashed) */
	int never_stored;         /* forbidden-storage */
	unsigned stored_transforms;     /* transforms under which a never-
	                                   stored category may be stored
	                                   (e.g. redacted: the last 4 digits) */
	pf_strlist recipients;    /* recipient ids this category may go to
	                             (empty: any declared recipient whose own
	                             list allows it) */
	int line;
} pf_pol_category;

typedef struct pf_pol_purpose {
	const char *id;           /* fideslang data use */
	const char *description;
	const char *ref;
	int legal_basis;          /* enum pf_legal_basis */
	pf_strlist categories;    /* categories it may use (descendants match) */
	const char *consent;      /* consent id that must be true ("marketing"),
	                             or NULL */
	const char *opt_out;      /* opt-out id that must be false, or NULL */
	unsigned requires_transforms; /* data must carry one of these
	                                 (anonymized for statistics) */
	int line;
} pf_pol_purpose;

typedef struct pf_pol_recipient {
	const char *id;           /* "payment-processor" */
	const char *description;
	const char *ref;
	const char *kind;         /* "processor", "authority", "controller" */
	pf_strlist categories;    /* categories it may receive */
	pf_strlist purposes;      /* purposes it serves (empty: any) */
	pf_strlist hosts;         /* host globs that identify it in URLs */
	int line;
} pf_pol_recipient;

/* Source paths whose code serves a purpose by default. */
typedef struct pf_pol_binding {
	const char *path;         /* glob relative to the project root */
	const char *purpose;
	int line;
} pf_pol_binding;

typedef struct pf_pol_rule {
	int severity;             /* enum pf_severity; -1: the rule's default */
	int enabled;
	const char *ref;          /* the sentence the rule enforces */
} pf_pol_rule;

/* A sentence of the policy that code cannot check, and why. */
typedef struct pf_pol_note {
	const char *ref;
	const char *why;
} pf_pol_note;

typedef struct pf_policy {
	const char *file;
	char digest[65];      /* sha256 of the file, for the cache of analysed units */
	const char *name;
	const char *controller;
	const char *contact;
	const char *language;
	size_t ncategories;
	pf_pol_category *categories;
	size_t npurposes;
	pf_pol_purpose *purposes;
	size_t nrecipients;
	pf_pol_recipient *recipients;
	size_t nbindings;
	pf_pol_binding *bindings;
	pf_strlist first_party_hosts;  /* hosts of the service itself */
	/* Logs: categories that may be logged as they are, and transforms that
	   make any category fine to log. */
	pf_strlist log_allowed;
	unsigned log_transforms;       /* default: redacted|hashed|anonymized */
	const char *log_ref;
	int require_tls;               /* cleartext-transport */
	unsigned transport_transforms; /* transforms that make cleartext fine
	                                  (default: encrypted|anonymized) */
	const char *transport_ref;
	int erasure_required;          /* incomplete-erasure */
	const char *erasure_ref;
	pf_strlist erasure_exempt;     /* stores kept for legal reasons */
	int export_required;           /* incomplete-export */
	const char *export_ref;
	pf_pol_rule rules[16];         /* indexed by enum pf_rule */
	size_t nnotes;
	pf_pol_note *notes;
	struct pf_arena *arena;
} pf_policy;

/*
 * Loads a policy. Returns PF_EINVALID with "FILE:LINE: KEY: what is wrong"
 * as the error message on bad input (unknown key, wrong type, unknown rule,
 * transform, legal basis or purpose id, a recipient listed for a category
 * but not declared...), PF_EIO if unreadable.
 */
int pf_policy_load(pf_policy **out, const char *path);
void pf_policy_free(pf_policy *p);

/* `cat` is `parent` or one of its descendants ("user.contact" covers
   "user.contact.email"). */
int pf_category_covers(const char *parent, const char *cat);
/* `s` is an entry of `l`. */
int pf_strlist_has(const pf_strlist *l, const char *s);
/* The most specific entry of `l` that covers `id` (a category or purpose
   id), or NULL. */
const char *pf_strlist_cover(const pf_strlist *l, const char *id);

/* Lookups (NULL if absent). A category lookup returns the most specific
   declared category that covers `id`. */
const pf_pol_category *pf_policy_category(const pf_policy *p, const char *id);
const pf_pol_purpose *pf_policy_purpose(const pf_policy *p, const char *id);
const pf_pol_recipient *pf_policy_recipient(const pf_policy *p, const char *id);
/* The recipient whose hosts match `host`, or NULL. */
const pf_pol_recipient *pf_policy_recipient_for_host(const pf_policy *p, const char *host);
int pf_policy_is_first_party_host(const pf_policy *p, const char *host);
/* The purpose bound to a source path by the bindings, or NULL. */
const char *pf_policy_bound_purpose(const pf_policy *p, const char *path);
/* Effective severity of a rule (policy override or default), -1 if off. */
int pf_policy_severity(const pf_policy *p, int rule);

#endif
