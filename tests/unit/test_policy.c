/*
 * Unit tests of the policy and catalogue loaders: the bundled files load
 * and answer lookups as docs/policy.md and docs/catalog.md say, and
 * malformed files fail with PF_EINVALID and a message naming file, line
 * and key.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "ir.h"
#include "jsonpos.h"
#include "kinds.h"
#include "policy.h"
#include "util.h"

#ifndef PF_TEST_SOURCE_DIR
#define PF_TEST_SOURCE_DIR "."
#endif

static int failures;

#define CHECK(cond)                                                               \
	do {                                                                          \
		if (!(cond)) {                                                            \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			failures++;                                                           \
		}                                                                         \
	} while (0)

#define CHECK_STR(a, b)                                                           \
	do {                                                                          \
		const char *a_ = (a), *b_ = (b);                                          \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                  \
			fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__,        \
			        a_ ? a_ : "(null)", b_ ? b_ : "(null)");                      \
			failures++;                                                           \
		}                                                                         \
	} while (0)

static char tmpdir[64];

static const char *write_tmp(const char *name, const char *text)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	return path;
}

/* --- a reference name matcher (docs/semantics.md, "Name rules") ------------ */

/* Splits "userEmail"/"user_email"/"HTTPHost" into lower-case words. */
static size_t split_words(const char *name, char words[][32], size_t max)
{
	size_t n = 0, len = 0;
	for (const char *p = name;; p++) {
		int boundary = !*p || *p == '_' ||
		               (len && isupper((unsigned char)*p) &&
		                (islower((unsigned char)p[-1]) ||
		                 (p[1] && islower((unsigned char)p[1]))));
		if (boundary && len) {
			words[n][len] = '\0';
			if (++n == max)
				return n;
			len = 0;
		}
		if (!*p)
			return n;
		if (*p != '_' && len < 31)
			words[n][len++] = (char)tolower((unsigned char)*p);
	}
}

static int word_in(const char *w, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], w) == 0)
			return 1;
	return 0;
}

/* The category a declaration named `name` of kind `kind`, type class
   `ty`, in scope `scope` gets from the catalogue, or NULL. */
static const char *classify(const pf_catalog *cat, const char *name, const char *scope,
                            unsigned kind, int ty)
{
	char words[16][32], swords[16][32];
	size_t n = split_words(name, words, 16), ns = scope ? split_words(scope, swords, 16) : 0;
	const pf_name_rule *rules;
	const char *const *gx;
	size_t nr = pf_catalog_name_rules(cat, &rules), ngx = pf_catalog_exclude_words(cat, &gx);

	for (size_t r = 0; r < nr; r++) {
		const pf_name_rule *rule = &rules[r];
		if (!(rule->kinds & kind) || !(rule->types & (1u << ty)))
			continue;
		if (rule->nscopes) {
			int ok = 0;
			for (size_t i = 0; i < ns && !ok; i++)
				ok = word_in(swords[i], rule->scopes, rule->nscopes);
			if (!ok)
				continue;
		}
		for (size_t p = 0; p < rule->npatterns; p++) {
			const char **pat = rule->patterns[p];
			size_t plen = 0;
			while (pat[plen])
				plen++;
			for (size_t at = 0; at + plen <= n; at++) {
				size_t k;
				for (k = 0; k < plen && strcmp(words[at + k], pat[k]) == 0; k++)
					;
				if (k < plen)
					continue;
				int excluded = 0;
				for (size_t i = 0; i < n && !excluded; i++)
					if (i < at || i >= at + plen)
						excluded = word_in(words[i], gx, ngx) ||
						           word_in(words[i], rule->exclude, rule->nexclude);
				if (!excluded)
					return rule->category;
			}
		}
	}
	return NULL;
}

/* --- the bundled catalogue ------------------------------------------------ */

static const pf_effect *effect_of(const pf_func_spec *f, int kind)
{
	for (size_t i = 0; f && i < f->neffects; i++)
		if (f->effects[i].kind == kind)
			return &f->effects[i];
	return NULL;
}

static void test_bundled_catalog(void)
{
	pf_catalog *cat = pf_catalog_new();
	const pf_func_spec *f;
	const pf_effect *e;
	int rc = pf_catalog_load(cat, PF_TEST_SOURCE_DIR "/rules/catalog.json");
	if (rc != 0)
		fprintf(stderr, "catalog: %s\n", pf_error_last());
	CHECK(rc == 0);

	f = pf_catalog_func(cat, "syslog");
	CHECK(f && (e = effect_of(f, PF_EFF_SINK)) && e->sink == PF_SINK_LOG && e->from_rest == 1);
	f = pf_catalog_func(cat, "SSL_write");
	CHECK(f && (e = effect_of(f, PF_EFF_SINK)) && e->sink == PF_SINK_NETWORK_TLS &&
	      e->from == 2u);
	f = pf_catalog_func(cat, "fprintf");
	CHECK(f && (e = effect_of(f, PF_EFF_SINK)) && e->sink == PF_SINK_BY_HANDLE && e->handle == 0);
	f = pf_catalog_func(cat, "fwrite");
	CHECK(f && (e = effect_of(f, PF_EFF_SINK)) && e->handle == 3 && e->from == 1u);
	f = pf_catalog_func(cat, "sqlite3_bind_text");
	CHECK(f && (e = effect_of(f, PF_EFF_SINK)) && e->sink == PF_SINK_STORAGE && e->from == 4u);
	f = pf_catalog_func(cat, "send");
	CHECK(f && (e = effect_of(f, PF_EFF_SINK)) && e->sink == PF_SINK_NETWORK);
	f = pf_catalog_func(cat, "__acrt_iob_func");
	CHECK(f && (e = effect_of(f, PF_EFF_HANDLE)) && e->has_when_int && e->when_arg == 0 &&
	      e->when_int == 2 && !strcmp(e->resource, "log"));
	f = pf_catalog_func(cat, "recv");
	CHECK(f && (e = effect_of(f, PF_EFF_RECEIVE)) && e->sink == PF_SINK_NETWORK && e->to == 1);
	f = pf_catalog_func(cat, "fgets");
	CHECK(f && (e = effect_of(f, PF_EFF_RECEIVE)) && e->sink == PF_SINK_BY_HANDLE &&
	      e->handle == 2 && e->to == 0);
	f = pf_catalog_func(cat, "SSL_read");
	CHECK(f && (e = effect_of(f, PF_EFF_RECEIVE)) && e->sink == PF_SINK_NETWORK_TLS);
	f = pf_catalog_func(cat, "curl_easy_perform");
	CHECK(f && (e = effect_of(f, PF_EFF_SINK)) && e->sink == PF_SINK_BY_URL && e->handle == 0);
	f = pf_catalog_func(cat, "crypt");
	CHECK(f && (e = effect_of(f, PF_EFF_SANITIZE)) && e->transform == PF_TR_HASHED &&
	      e->to == PF_ARG_RET);
	/* a glob */
	f = pf_catalog_func(cat, "crypto_aead_xchacha20poly1305_ietf_encrypt");
	CHECK(f && (e = effect_of(f, PF_EFF_SANITIZE)) && e->transform == PF_TR_ENCRYPTED);
	CHECK(pf_catalog_func(cat, "no_such_function") == NULL);
	f = pf_catalog_func(cat, "snprintf");
	CHECK(f && (e = effect_of(f, PF_EFF_PROPAGATE)) && e->from_rest == 2 && e->to == 0);
	f = pf_catalog_func(cat, "getpeername");
	CHECK(f && (e = effect_of(f, PF_EFF_SOURCE)) && e->to == 1 &&
	      strcmp(e->category, "user.device.ip_address") == 0);
	f = pf_catalog_func(cat, "getenv");
	CHECK(f && (e = effect_of(f, PF_EFF_SOURCE)) && e->when_arg == 0 &&
	      strcmp(e->when_str, "REMOTE_ADDR") == 0);
	f = pf_catalog_func(cat, "curl_easy_setopt");
	CHECK(f && (e = effect_of(f, PF_EFF_URL)) && e->from == 4u && e->to == 0 &&
	      strcmp(e->when_ident, "CURLOPT_URL") == 0);
	f = pf_catalog_func(cat, "socket");
	CHECK(f && (e = effect_of(f, PF_EFF_HANDLE)) && strcmp(e->resource, "socket") == 0);

	const pf_global_spec *g;
	size_t ng = pf_catalog_globals(cat, &g);
	int stderr_log = 0, fd2_log = 0;
	for (size_t i = 0; i < ng; i++) {
		if (g[i].name && strcmp(g[i].name, "stderr") == 0)
			stderr_log = strcmp(g[i].resource, "log") == 0;
		if (!g[i].name && g[i].fd == 2)
			fd2_log = strcmp(g[i].resource, "log") == 0;
	}
	CHECK(stderr_log && fd2_log);
	const pf_resource_sink *rs;
	size_t nrs = pf_catalog_resource_sinks(cat, &rs);
	for (size_t i = 0; i < nrs; i++) {
		if (strcmp(rs[i].resource, "stdout") == 0)
			CHECK(rs[i].sink == -1);
		if (strcmp(rs[i].resource, "tls") == 0)
			CHECK(rs[i].sink == PF_SINK_NETWORK_TLS);
	}
	const pf_word_transform *wt;
	size_t nwt = pf_catalog_transform_words(cat, &wt);
	int hash_ok = 0;
	for (size_t i = 0; i < nwt; i++)
		if (strcmp(wt[i].word, "hash") == 0)
			hash_ok = wt[i].transform == PF_TR_HASHED;
	CHECK(hash_ok);
	CHECK(strlen(pf_catalog_digest(cat)) == 64);

	/* Names: what is personal data and what is not. */
	const unsigned F = PF_NK_FIELD, L = PF_NK_LOCAL, P = PF_NK_PARAM, FN = PF_NK_FUNC;
	CHECK_STR(classify(cat, "email", "user", F, PF_TY_STRING), "user.contact.email");
	CHECK_STR(classify(cat, "userEmail", "send_welcome", L, PF_TY_STRING), "user.contact.email");
	CHECK_STR(classify(cat, "passwd", "login", P, PF_TY_STRING), "user.authorization.password");
	CHECK_STR(classify(cat, "password_hash", "user", F, PF_TY_STRING), "user.authorization.password");
	CHECK_STR(classify(cat, "first_name", "invoice", F, PF_TY_STRING), "user.name.first");
	CHECK_STR(classify(cat, "lastName", "x", L, PF_TY_STRING), "user.name.last");
	CHECK_STR(classify(cat, "name", "customer", F, PF_TY_STRING), "user.name");
	CHECK(classify(cat, "name", "plugin", F, PF_TY_STRING) == NULL);
	CHECK(classify(cat, "file_name", "user", F, PF_TY_STRING) == NULL);
	CHECK_STR(classify(cat, "address", "user_profile", F, PF_TY_STRING), "user.contact.address");
	CHECK(classify(cat, "address", "server_config", F, PF_TY_STRING) == NULL);
	CHECK_STR(classify(cat, "ip_address", "user", F, PF_TY_STRING), "user.device.ip_address");
	CHECK_STR(classify(cat, "client_addr", "serve", L, PF_TY_RECORD), "user.device.ip_address");
	CHECK(classify(cat, "listen_addr", "serve", L, PF_TY_RECORD) == NULL);
	CHECK_STR(classify(cat, "country", "account", F, PF_TY_STRING), "user.contact.address.country");
	CHECK_STR(classify(cat, "phone_number", "contact", F, PF_TY_STRING), "user.contact.phone_number");
	CHECK_STR(classify(cat, "company_name", "x", F, PF_TY_STRING), "user.workplace");
	CHECK_STR(classify(cat, "card_number", "payment", F, PF_TY_STRING), "user.financial.credit_card");
	CHECK_STR(classify(cat, "number", "credit_card", F, PF_TY_STRING), "user.financial.credit_card");
	CHECK(classify(cat, "pan", "camera", F, PF_TY_INT) == NULL);
	CHECK_STR(classify(cat, "iban", "x", F, PF_TY_STRING), "user.financial");
	CHECK(classify(cat, "invoice_total", "invoice", F, PF_TY_FLOAT) == NULL);
	CHECK_STR(classify(cat, "date_of_birth", "user", F, PF_TY_STRING), "user.demographic.date_of_birth");
	CHECK_STR(classify(cat, "ssn", "employee", F, PF_TY_STRING), "user.government_id");
	CHECK_STR(classify(cat, "diagnosis", "patient", F, PF_TY_STRING), "user.health_and_medical");
	CHECK(classify(cat, "health_check", "server", FN, PF_TY_INT) == NULL);
	CHECK_STR(classify(cat, "latitude", "x", F, PF_TY_FLOAT), "user.location");
	CHECK_STR(classify(cat, "session_cookie", "x", L, PF_TY_STRING), "user.device.cookie_id");
	CHECK(classify(cat, "cookie_jar", "x", L, PF_TY_STRING) == NULL);
	/* the brief's false positives */
	CHECK(classify(cat, "email_count", "stats", L, PF_TY_INT) == NULL);
	CHECK(classify(cat, "email_count", "stats", L, PF_TY_STRING) == NULL);
	CHECK(classify(cat, "password_min_length", "cfg", F, PF_TY_STRING) == NULL);
	CHECK(classify(cat, "is_email_valid", NULL, FN, PF_TY_STRING) == NULL);
	CHECK(classify(cat, "email_verified", "user", F, PF_TY_STRING) == NULL);
	CHECK(classify(cat, "max_password_len", NULL, PF_NK_GLOBAL, PF_TY_STRING) == NULL);
	CHECK(classify(cat, "email_template", "mailer", F, PF_TY_STRING) == NULL);
	CHECK(classify(cat, "smtp_host", "mailer", F, PF_TY_STRING) == NULL);
	CHECK(classify(cat, "client_secret", "oauth", F, PF_TY_STRING) == NULL);
	pf_catalog_free(cat);
}

/* --- the bundled policies ------------------------------------------------- */

static void test_bundled_policy(void)
{
	pf_policy *p = NULL;
	const pf_pol_category *c;
	const pf_pol_purpose *u;
	const pf_pol_recipient *r;
	int rc = pf_policy_load(&p, PF_TEST_SOURCE_DIR "/rules/facturi.policy.json");
	if (rc != 0)
		fprintf(stderr, "policy: %s\n", pf_error_last());
	CHECK(rc == 0);
	if (!p)
		return;

	CHECK(pf_category_covers("user.contact", "user.contact.email"));
	CHECK(pf_category_covers("user.contact", "user.contact"));
	CHECK(!pf_category_covers("user.contact", "user.contactless"));
	CHECK(!pf_category_covers("user.contact.email", "user.contact"));

	c = pf_policy_category(p, "user.name.first");
	CHECK(c && strcmp(c->id, "user.name") == 0 && !c->required);
	c = pf_policy_category(p, "user.contact.address.country");
	CHECK(c && strcmp(c->id, "user.contact.address.country") == 0);
	c = pf_policy_category(p, "user.contact.address");
	CHECK(c && strcmp(c->id, "user.contact.address") == 0);
	c = pf_policy_category(p, "user.contact.email");
	CHECK(c && c->required && c->ref && strstr(c->ref, "Adresse e-mail"));
	c = pf_policy_category(p, "user.authorization.password");
	CHECK(c && c->credential && c->credential_transforms == 1u << PF_TR_HASHED);
	c = pf_policy_category(p, "user.financial.credit_card");
	CHECK(c && c->never_stored && c->stored_transforms == 1u << PF_TR_REDACTED &&
	      c->recipients.n == 1 && strcmp(c->recipients.v[0], "payment-processor") == 0);
	c = pf_policy_category(p, "user.financial");
	CHECK(c && !c->never_stored);
	CHECK(pf_policy_category(p, "user.government_id") == NULL);
	CHECK(pf_policy_category(p, "user.demographic.date_of_birth") == NULL);
	CHECK(pf_policy_category(p, "user") == NULL);

	u = pf_policy_purpose(p, "analytics.reporting");
	CHECK(u && u->requires_transforms == 1u << PF_TR_ANONYMIZED &&
	      u->legal_basis == PF_BASIS_LEGITIMATE_INTEREST);
	u = pf_policy_purpose(p, "marketing.communications");
	CHECK(u && u->opt_out && strcmp(u->opt_out, "marketing") == 0 && !u->consent);
	u = pf_policy_purpose(p, "essential.service.payment_processing");
	CHECK(u && strcmp(u->id, "essential.service.payment_processing") == 0 &&
	      u->legal_basis == PF_BASIS_CONTRACT);
	u = pf_policy_purpose(p, "essential.service");
	CHECK(u && strcmp(u->id, "essential.service") == 0);
	u = pf_policy_purpose(p, "essential.legal_obligation");
	CHECK(u && u->legal_basis == PF_BASIS_LEGAL_OBLIGATION);
	CHECK(pf_policy_purpose(p, "marketing.advertising.third_party") == NULL);
	CHECK_STR(pf_legal_basis_id(PF_BASIS_LEGITIMATE_INTEREST), "legitimate_interest");

	r = pf_policy_recipient(p, "payment-processor");
	CHECK(r && r->kind && strcmp(r->kind, "processor") == 0);
	CHECK(pf_policy_recipient(p, "ad-network") == NULL);
	r = pf_policy_recipient_for_host(p, "api.stripe.com");
	CHECK(r && strcmp(r->id, "payment-processor") == 0);
	r = pf_policy_recipient_for_host(p, "API.Stripe.COM.");
	CHECK(r && strcmp(r->id, "payment-processor") == 0);
	r = pf_policy_recipient_for_host(p, "api.mailgun.net");
	CHECK(r && strcmp(r->id, "email-service-provider") == 0);
	r = pf_policy_recipient_for_host(p, "email-smtp.eu-west-1.amazonaws.com");
	CHECK(r && strcmp(r->id, "email-service-provider") == 0);
	CHECK(pf_policy_recipient_for_host(p, "tracker.adnetwork.example") == NULL);
	CHECK(pf_policy_recipient_for_host(p, "smtp.evil.example") == NULL);
	CHECK(pf_policy_is_first_party_host(p, "facturi.ma"));
	CHECK(pf_policy_is_first_party_host(p, "app.facturi.ma"));
	CHECK(!pf_policy_is_first_party_host(p, "facturi.ma.evil.example"));

	CHECK_STR(pf_policy_bound_purpose(p, "src/marketing/newsletter.c"), "marketing.communications");
	CHECK_STR(pf_policy_bound_purpose(p, "./src/analytics/stats.c"), "analytics.reporting");
	CHECK(pf_policy_bound_purpose(p, "src/main.c") == NULL);

	CHECK(pf_policy_severity(p, PF_RULE_SENSITIVE_LOG) == PF_SEV_WARNING);
	CHECK(pf_policy_severity(p, PF_RULE_UNDECLARED_CATEGORY) == PF_SEV_ERROR);
	CHECK(pf_policy_severity(p, PF_RULE_INCOMPLETE_EXPORT) == PF_SEV_ERROR);
	CHECK(pf_policy_severity(p, PF_RULE_PLAINTEXT_CREDENTIAL) == PF_SEV_ERROR);
	for (int i = 0; i < PF_RULE_COUNT; i++) /* every rule it turns on quotes it */
		CHECK(!p->rules[i].enabled || p->rules[i].ref != NULL);
	/* opt-in: off until a policy lists it */
	CHECK(pf_policy_severity(p, PF_RULE_UNKNOWN_PURPOSE) == -1);
	CHECK(pf_policy_severity(NULL, PF_RULE_UNKNOWN_PURPOSE) == -1);

	CHECK(p->require_tls && p->transport_ref);
	CHECK(p->transport_transforms == (1u << PF_TR_ENCRYPTED | 1u << PF_TR_ANONYMIZED));
	CHECK(p->log_transforms ==
	      (1u << PF_TR_REDACTED | 1u << PF_TR_HASHED | 1u << PF_TR_ANONYMIZED));
	CHECK(p->log_allowed.n == 0);
	CHECK(p->erasure_required && p->export_required);
	CHECK(p->erasure_exempt.n == 2);
	CHECK(p->nnotes >= 10);
	CHECK(p->first_party_hosts.n == 2);
	CHECK(p->language && strcmp(p->language, "fr") == 0);
	pf_policy_free(p);

	/* The two variants for the policy-semantics issue. */
	p = NULL;
	rc = pf_policy_load(&p, PF_TEST_SOURCE_DIR "/rules/strict.policy.json");
	if (rc != 0)
		fprintf(stderr, "strict: %s\n", pf_error_last());
	CHECK(rc == 0);
	if (p) {
		CHECK(pf_policy_purpose(p, "marketing.communications") == NULL);
		CHECK(p->nrecipients == 1 && pf_policy_recipient(p, "payment-processor"));
		CHECK(pf_policy_recipient_for_host(p, "api.mailgun.net") == NULL);
		pf_policy_free(p);
	}
	p = NULL;
	rc = pf_policy_load(&p, PF_TEST_SOURCE_DIR "/rules/consent-analytics.policy.json");
	if (rc != 0)
		fprintf(stderr, "consent: %s\n", pf_error_last());
	CHECK(rc == 0);
	if (p) {
		u = pf_policy_purpose(p, "analytics.reporting");
		CHECK(u && u->legal_basis == PF_BASIS_CONSENT && u->consent &&
		      strcmp(u->consent, "analytics") == 0 && u->requires_transforms == 0);
		pf_policy_free(p);
	}

	/* Defaults without a policy object's overrides. */
	CHECK(pf_policy_severity(NULL, PF_RULE_UNDECLARED_CATEGORY) == PF_SEV_WARNING);
	CHECK(pf_policy_severity(NULL, PF_RULE_COUNT) == -1);
}

/* --- malformed inputs ---------------------------------------------------- */

/* Expects `rc` PF_EINVALID and the error to contain "NAME:LINE: KEY". */
static void expect_error(int rc, const char *name, int line, const char *key, const char *what)
{
	char want[256];
	const char *msg = pf_error_last();
	if (*key)
		snprintf(want, sizeof(want), "%s:%d: %s", name, line, key);
	else /* syntax errors: FILE:LINE:COL: invalid JSON */
		snprintf(want, sizeof(want), "%s:%d:", name, line);
	if (rc != PF_EINVALID || !msg || !strstr(msg, want) || (what && !strstr(msg, what))) {
		fprintf(stderr, "expected PF_EINVALID with \"%s\"%s%s, got rc=%d \"%s\"\n", want,
		        what ? " and " : "", what ? what : "", rc, msg ? msg : "");
		failures++;
	}
}

static int load_policy_text(const char *name, const char *text)
{
	pf_policy *p = NULL;
	int rc = pf_policy_load(&p, write_tmp(name, text));
	pf_policy_free(p);
	return rc;
}

static int load_catalog_text(const char *name, const char *text)
{
	pf_catalog *cat = pf_catalog_new();
	int rc = pf_catalog_load(cat, write_tmp(name, text));
	pf_catalog_free(cat);
	return rc;
}

/* A small valid policy; the tests below break one line of it. */
#define POL_HEAD                                                              \
	"{\n"                                                   /* 1 */           \
	"  \"version\": 1,\n"                                   /* 2 */           \
	"  \"categories\": [\n"                                 /* 3 */           \
	"    { \"id\": \"user.contact.email\", \"required\": true },\n" /* 4 */   \
	"    {\n"                                               /* 5 */           \
	"      \"id\": \"user.financial.credit_card\",\n"      /* 6 */           \
	"      \"never_stored\": true,\n"                       /* 7 */

static void test_malformed(void)
{
	int rc;

	/* the base is valid */
	rc = load_policy_text("ok.json", POL_HEAD
		"      \"recipients\": [\"payment-processor\"]\n"
		"    }\n"
		"  ],\n"
		"  \"purposes\": [\n"
		"    { \"id\": \"essential.service\", \"legal_basis\": \"contract\",\n"
		"      \"categories\": [\"user.contact\"] }\n"
		"  ],\n"
		"  \"recipients\": [\n"
		"    { \"id\": \"payment-processor\", \"categories\": [\"user.financial\"],\n"
		"      \"hosts\": [\"api.stripe.com\"] }\n"
		"  ],\n"
		"  \"rules\": { \"sensitive-log\": { \"severity\": \"error\" } }\n"
		"}\n");
	if (rc != 0)
		fprintf(stderr, "ok.json: %s\n", pf_error_last());
	CHECK(rc == 0);

	rc = load_policy_text("bad-syntax.json", POL_HEAD
		"      \"recipients\": [\"payment-processor\"],\n" /* 8 */
		"    }\n"                                         /* 9: trailing comma */
		"  ]\n"
		"}\n");
	expect_error(rc, "bad-syntax.json", 9, "", "invalid JSON");

	rc = load_policy_text("unknown-key.json", POL_HEAD
		"      \"nevr_stored\": true\n"                      /* 8 */
		"    }\n"
		"  ],\n"
		"  \"purposes\": []\n"
		"}\n");
	expect_error(rc, "unknown-key.json", 8, "categories[1].nevr_stored", "unknown key");

	rc = load_policy_text("wrong-type.json",
		"{\n"
		"  \"version\": 1,\n"
		"  \"categories\": [\n"
		"    { \"id\": \"user.contact.email\" },\n"
		"    { \"id\": \"user.name\",\n"
		"      \"never_stored\": \"yes\" }\n"                 /* 6 */
		"  ],\n"
		"  \"purposes\": []\n"
		"}\n");
	expect_error(rc, "wrong-type.json", 6, "categories[1].never_stored", "expected a boolean");

	/* a boolean (a shared jansson singleton) where a string belongs: its
	   line still comes from its own member */
	rc = load_policy_text("wrong-type2.json",
		"{\n"
		"  \"version\": 1,\n"
		"  \"categories\": [\n"
		"    { \"id\": \"user.contact.email\", \"required\": true },\n"
		"    { \"id\": \"user.name\", \"required\": true,\n"
		"      \"ref\": true }\n"                             /* 6 */
		"  ],\n"
		"  \"purposes\": []\n"
		"}\n");
	expect_error(rc, "wrong-type2.json", 6, "categories[1].ref", "expected a string");

	rc = load_policy_text("unknown-rule.json",
		"{\n"
		"  \"version\": 1,\n"
		"  \"categories\": [],\n"
		"  \"purposes\": [],\n"
		"  \"rules\": {\n"
		"    \"sensitive-log\": { \"severity\": \"warning\" },\n"
		"    \"sensitive-logs\": { \"severity\": \"error\" }\n" /* 7 */
		"  }\n"
		"}\n");
	expect_error(rc, "unknown-rule.json", 7, "rules.sensitive-logs", "unknown rule");

	rc = load_policy_text("bad-severity.json",
		"{\n"
		"  \"version\": 1, \"categories\": [], \"purposes\": [],\n"
		"  \"rules\": {\n"
		"    \"sensitive-log\": {\n"
		"      \"severity\": \"fatal\" }\n"                    /* 5 */
		"  }\n"
		"}\n");
	expect_error(rc, "bad-severity.json", 5, "rules.sensitive-log.severity", "unknown severity");

	rc = load_policy_text("unknown-recipient.json", POL_HEAD
		"      \"recipients\": [\"payment-processor\",\n"   /* 8 */
		"                     \"ad-network\"]\n"              /* 9 */
		"    }\n"
		"  ],\n"
		"  \"purposes\": [],\n"
		"  \"recipients\": [\n"
		"    { \"id\": \"payment-processor\", \"categories\": [\"user.financial\"] }\n"
		"  ]\n"
		"}\n");
	expect_error(rc, "unknown-recipient.json", 9, "categories[1].recipients[1]",
	             "\"ad-network\" is not declared");

	rc = load_policy_text("recipient-refuses.json", POL_HEAD
		"      \"recipients\": [\"mailer\"]\n"               /* 8 */
		"    }\n"
		"  ],\n"
		"  \"purposes\": [],\n"
		"  \"recipients\": [\n"
		"    { \"id\": \"mailer\", \"categories\": [\"user.contact.email\"] }\n"
		"  ]\n"
		"}\n");
	expect_error(rc, "recipient-refuses.json", 8, "categories[1].recipients[0]",
	             "does not list");

	rc = load_policy_text("unknown-transform.json",
		"{\n"
		"  \"version\": 1,\n"
		"  \"categories\": [ { \"id\": \"user.behavior\" } ],\n"
		"  \"purposes\": [\n"
		"    { \"id\": \"analytics.reporting\", \"legal_basis\": \"legitimate_interest\",\n"
		"      \"requires_transforms\": [\"anonymised\"] }\n"  /* 6 */
		"  ]\n"
		"}\n");
	expect_error(rc, "unknown-transform.json", 6, "purposes[0].requires_transforms[0]",
	             "unknown transform");

	rc = load_policy_text("unknown-basis.json",
		"{\n"
		"  \"version\": 1,\n"
		"  \"categories\": [ { \"id\": \"user.behavior\" } ],\n"
		"  \"purposes\": [\n"
		"    { \"id\": \"analytics.reporting\",\n"
		"      \"legal_basis\": \"interest\" }\n"               /* 6 */
		"  ]\n"
		"}\n");
	expect_error(rc, "unknown-basis.json", 6, "purposes[0].legal_basis", "unknown legal basis");

	rc = load_policy_text("unknown-category.json",
		"{\n"
		"  \"version\": 1,\n"
		"  \"categories\": [ { \"id\": \"user.behavior\" } ],\n"
		"  \"purposes\": [\n"
		"    { \"id\": \"analytics.reporting\", \"legal_basis\": \"consent\",\n"
		"      \"consent\": \"analytics\",\n"
		"      \"categories\": [\"user.behavior\", \"user.behaviour\"] }\n" /* 7 */
		"  ]\n"
		"}\n");
	expect_error(rc, "unknown-category.json", 7, "purposes[0].categories[1]", "not declared");

	rc = load_policy_text("unknown-purpose.json",
		"{\n"
		"  \"version\": 1,\n"
		"  \"categories\": [],\n"
		"  \"purposes\": [],\n"
		"  \"bindings\": [\n"
		"    { \"path\": \"src/marketing/**\",\n"
		"      \"purpose\": \"marketing.communications\" }\n"  /* 7 */
		"  ]\n"
		"}\n");
	expect_error(rc, "unknown-purpose.json", 7, "bindings[0].purpose",
	             "\"marketing.communications\" is not declared");

	rc = load_policy_text("duplicate-id.json",
		"{\n"
		"  \"version\": 1,\n"
		"  \"categories\": [\n"
		"    { \"id\": \"user.contact.email\" },\n"           /* 4 */
		"    { \"id\": \"user.name\" },\n"
		"    { \"id\": \"user.contact.email\" }\n"            /* 6 */
		"  ],\n"
		"  \"purposes\": []\n"
		"}\n");
	expect_error(rc, "duplicate-id.json", 6, "categories[2].id", "first declared at line 4");

	rc = load_policy_text("duplicate-key.json",
		"{\n"
		"  \"version\": 1,\n"
		"  \"categories\": [],\n"
		"  \"categories\": []\n"                              /* 4 */
		"}\n");
	expect_error(rc, "duplicate-key.json", 4, "", "duplicate");

	rc = load_policy_text("missing.json", "{\n  \"version\": 1,\n  \"purposes\": []\n}\n");
	expect_error(rc, "missing.json", 1, "(top level)", "\"categories\" missing");

	{
		pf_policy *p = NULL;
		CHECK(pf_policy_load(&p, "/nonexistent/privflow/policy.json") == PF_EIO && !p);
	}

	/* catalogues */
	rc = load_catalog_text("cat-ok.json",
		"{ \"version\": 1,\n"
		"  \"resource_sinks\": { \"log\": \"log\" },\n"
		"  \"functions\": [\n"
		"    { \"name\": \"my_log\", \"effects\": [ { \"kind\": \"sink\", \"sink\": \"log\", \"from_rest\": 1 } ] }\n"
		"  ] }\n");
	if (rc != 0)
		fprintf(stderr, "cat-ok.json: %s\n", pf_error_last());
	CHECK(rc == 0);

	rc = load_catalog_text("cat-sink.json",
		"{ \"version\": 1,\n"
		"  \"functions\": [\n"
		"    { \"name\": \"my_log\",\n"
		"      \"effects\": [\n"
		"        { \"kind\": \"sink\", \"sink\": \"logs\", \"from\": [1] }\n" /* 5 */
		"      ] }\n"
		"  ] }\n");
	expect_error(rc, "cat-sink.json", 5, "functions[0].effects[0].sink", "unknown sink");

	rc = load_catalog_text("cat-arg.json",
		"{ \"version\": 1,\n"
		"  \"functions\": [\n"
		"    { \"name\": \"my_copy\",\n"
		"      \"effects\": [ { \"kind\": \"propagate\", \"from\": [1],\n"
		"                     \"to\": -1 } ] }\n"              /* 5 */
		"  ] }\n");
	expect_error(rc, "cat-arg.json", 5, "functions[0].effects[0].to", "out of range");

	rc = load_catalog_text("cat-recv.json",
		"{ \"version\": 1,\n"
		"  \"functions\": [\n"
		"    { \"name\": \"my_recv\",\n"
		"      \"effects\": [ { \"kind\": \"receive\", \"to\": \"ret\", \"sink\": \"network\" } ] }\n" /* 4 */
		"  ] }\n");
	expect_error(rc, "cat-recv.json", 4, "functions[0].effects[0]", "the buffer argument");

	rc = load_catalog_text("cat-recv-handle.json",
		"{ \"version\": 1,\n"
		"  \"functions\": [\n"
		"    { \"name\": \"my_read\",\n"
		"      \"effects\": [ { \"kind\": \"receive\", \"to\": 1, \"sink\": \"by_handle\" } ] }\n" /* 4 */
		"  ] }\n");
	expect_error(rc, "cat-recv-handle.json", 4, "functions[0].effects[0]", "needs \"handle\"");

	rc = load_catalog_text("cat-key.json",
		"{ \"version\": 1,\n"
		"  \"name_rules\": [\n"
		"    { \"category\": \"user.contact.email\", \"patterns\": [\"email\"],\n"
		"      \"exclude_words\": [\"count\"] }\n"             /* 4 */
		"  ] }\n");
	expect_error(rc, "cat-key.json", 4, "name_rules[0].exclude_words", "unknown key");

	rc = load_catalog_text("cat-type.json",
		"{ \"version\": 1,\n"
		"  \"name_rules\": [\n"
		"    { \"category\": \"user.contact.email\",\n"
		"      \"patterns\": \"email\" }\n"                    /* 4 */
		"  ] }\n");
	expect_error(rc, "cat-type.json", 4, "name_rules[0].patterns", "expected an array");

	rc = load_catalog_text("cat-transform.json",
		"{ \"version\": 1,\n"
		"  \"transform_words\": {\n"
		"    \"hash\": \"hashed\",\n"
		"    \"enc\": \"encryption\"\n"                         /* 4 */
		"  } }\n");
	expect_error(rc, "cat-transform.json", 4, "transform_words.enc", "expected a transform");

	rc = load_catalog_text("cat-scope.json",
		"{ \"version\": 1,\n"
		"  \"name_rules\": [\n"
		"    { \"category\": \"user.name\", \"patterns\": [\"name\"],\n"
		"      \"scopes\": [\"@persons\"] }\n"                 /* 4 */
		"  ] }\n");
	expect_error(rc, "cat-scope.json", 4, "name_rules[0].scopes[0]", "unknown scope set");

	rc = load_catalog_text("cat-resource.json",
		"{ \"version\": 1,\n"
		"  \"functions\": [\n"
		"    { \"name\": \"my_open\", \"effects\": [\n"
		"      { \"kind\": \"handle\", \"to\": \"ret\", \"resource\": \"fiel\" } ] }\n" /* 4 */
		"  ] }\n");
	expect_error(rc, "cat-resource.json", 4, "functions[0].effects[0].resource",
	             "unknown resource");

	rc = load_catalog_text("cat-dup.json",
		"{ \"version\": 1,\n"
		"  \"functions\": [\n"
		"    { \"name\": \"f\", \"effects\": [ { \"kind\": \"propagate\", \"from\": [0], \"to\": \"ret\" } ] },\n"
		"    { \"names\": [\"g\",\n"
		"                \"f\"], \"effects\": [ { \"kind\": \"propagate\", \"from\": [0], \"to\": \"ret\" } ] }\n" /* 5 */
		"  ] }\n");
	expect_error(rc, "cat-dup.json", 5, "functions[1].names[1]", "already described");
}

/* A project catalogue overrides the bundled one function by function. */
static void test_merge(void)
{
	pf_catalog *cat = pf_catalog_new();
	const pf_func_spec *f;
	char d1[65];
	CHECK(pf_catalog_load(cat, PF_TEST_SOURCE_DIR "/rules/catalog.json") == 0);
	snprintf(d1, sizeof(d1), "%s", pf_catalog_digest(cat));
	size_t nrules0 = pf_catalog_name_rules(cat, &(const pf_name_rule *){NULL});
	int rc = pf_catalog_load(cat, write_tmp("project.json",
		"{ \"version\": 1,\n"
		"  \"scope_sets\": { \"person\": [\"adherent\"] },\n"
		"  \"name_rules\": [ { \"category\": \"user.name\", \"patterns\": [\"nom\"],\n"
		"                      \"scopes\": [\"@person\"], \"kinds\": [\"field\"] } ],\n"
		"  \"functions\": [\n"
		"    { \"name\": \"syslog\", \"effects\": [ { \"kind\": \"sink\", \"sink\": \"storage\", \"from\": [1] } ] },\n"
		"    { \"name\": \"app_log*\", \"effects\": [ { \"kind\": \"sink\", \"sink\": \"log\", \"from_rest\": 0 } ] }\n"
		"  ] }\n"));
	if (rc != 0)
		fprintf(stderr, "project.json: %s\n", pf_error_last());
	CHECK(rc == 0);
	f = pf_catalog_func(cat, "syslog");
	CHECK(f && f->neffects == 1 && f->effects[0].sink == PF_SINK_STORAGE);
	f = pf_catalog_func(cat, "app_log_error");
	CHECK(f && f->effects[0].sink == PF_SINK_LOG);
	CHECK(strcmp(d1, pf_catalog_digest(cat)) != 0);
	const pf_name_rule *rules;
	size_t n = pf_catalog_name_rules(cat, &rules);
	CHECK(n == nrules0 + 1);
	CHECK(n && rules[n - 1].kinds == PF_NK_FIELD && rules[n - 1].nscopes == 1);

	/* tests and annotations add entries directly */
	pf_effect e = {.kind = PF_EFF_SINK, .from = 1, .from_rest = -1, .to = PF_ARG_NONE,
	               .sink = PF_SINK_NETWORK_TLS, .handle = -1, .recipient = "payment-processor",
	               .when_arg = -1};
	pf_func_spec spec = {.name = "stripe_charge", .neffects = 1, .effects = &e,
	                     .file = "annot", .line = 3};
	pf_catalog_add_func(cat, &spec);
	f = pf_catalog_func(cat, "stripe_charge");
	CHECK(f && f->effects[0].recipient && strcmp(f->effects[0].recipient, "payment-processor") == 0 &&
	      f->effects[0].recipient != e.recipient);
	pf_catalog_free(cat);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pf_test_policy.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_bundled_catalog();
	test_bundled_policy();
	test_malformed();
	test_merge();

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
