#!/usr/bin/env python3
"""Generate a synthetic but realistic C code base for benchmarking privflow.

The code base is an invoicing back end cut into N translation units: a few
shared headers (the data model with personal fields, prototypes of the
sqlite3 / libcurl / OpenSSL / crypt APIs so that no -dev package is needed,
logging and crypto helpers), common modules (variadic loggers, database,
HTTP, mail, sockets, sanitizers) and generated feature modules that read,
copy, format, log, store and send personal data through helpers, wrappers,
function-pointer tables and calls into other modules. Flows are compliant
and violating side by side; the sink line of a flow meant to violate the
bundled policy carries a `/* expect: RULE */` comment (best effort: a
benchmark, not a golden fixture).

Each feature TU is 200-600 lines and includes the usual libc/POSIX headers,
so its parse cost is that of real code. The output is a directory with
src/, include/, a Makefile and compile_commands.json (absolute paths).
The same --seed gives the same files, byte for byte.

    gen_codebase.py [-n 300] [--seed 1] [-o DIR]
"""
import argparse
import json
import os
import random
import shutil
import sys

SYS_HEADERS = [
    "stdio.h", "stdlib.h", "string.h", "stdarg.h", "stdint.h", "stdbool.h",
    "syslog.h", "time.h", "errno.h", "ctype.h", "unistd.h", "fcntl.h",
]
SYS_OPTIONAL = [
    "sys/types.h", "sys/socket.h", "netinet/in.h", "arpa/inet.h",
    "sys/stat.h", "limits.h", "inttypes.h", "pthread.h", "signal.h",
    "sys/time.h", "netdb.h", "locale.h", "math.h", "assert.h",
]

# Entities of the data model: struct name, usual variable name, string
# fields with the category a reader would give them ("" = not personal).
ENTITIES = {
    "user": ("u", [
        ("email", "user.contact.email"),
        ("password", "user.authorization.password"),
        ("password_hash", "user.authorization.password+hashed"),
        ("first_name", "user.name.first"),
        ("last_name", "user.name.last"),
        ("phone", "user.contact.phone_number"),
        ("language", "user.demographic.language"),
        ("ip_addr", "user.device.ip_address"),
        ("date_of_birth", "user.demographic.date_of_birth"),
        ("login", ""),
    ]),
    "customer": ("c", [
        ("contact_email", "user.contact.email"),
        ("contact_name", "user.name"),
        ("company_name", "user.workplace"),
        ("phone_number", "user.contact.phone_number"),
        ("vat_number", ""),
        ("country", "user.contact.address.country"),
    ]),
    "session": ("s", [
        ("ip_addr", "user.device.ip_address"),
        ("cookie_id", "user.device.cookie_id"),
        ("user_agent", ""),
        ("token", ""),
    ]),
    "payment_card": ("card", [
        ("card_number", "user.financial.credit_card"),
        ("cardholder_name", "user.name"),
        ("expiry", ""),
    ]),
    "audit_event": ("ev", [
        ("actor_email", "user.contact.email"),
        ("remote_addr", "user.device.ip_address"),
        ("action", ""),
    ]),
}
PERSONAL_STR = {e: [f for f, c in fl if c and "hashed" not in c
                    and "password" not in f and "card" not in c]
                for e, (_, fl) in ENTITIES.items()}
NOUNS = ["account", "profile", "billing", "invoice", "report", "signup",
         "login", "export", "reminder", "payment", "audit", "support",
         "ticket", "quote", "tax", "ledger", "contact", "team", "settings",
         "webhook", "dunning", "receipt", "plan", "trial", "referral"]
VERBS = ["sync", "render", "record", "notify", "refresh", "archive", "update",
         "process", "prepare", "publish", "review", "import", "check",
         "merge", "track", "flush", "queue", "resolve", "emit", "collect"]
HOSTS_OK = ["https://api.mailer.example.com/v3/send",
            "https://payments.example-psp.com/v1/charges",
            "https://api.facturi.example/internal/events"]
HOSTS_BAD = ["http://collect.adnet.example.net/pixel",
             "https://api.databroker.example.org/v2/enrich",
             "http://metrics.facturi.example/ingest"]

MODEL_H = r"""/* Data model of the invoicing service (generated benchmark code). */
#ifndef BENCH_MODEL_H
#define BENCH_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "privflow.h"

enum account_state { ACCOUNT_PENDING, ACCOUNT_ACTIVE, ACCOUNT_SUSPENDED, ACCOUNT_CLOSED };
enum invoice_state { INVOICE_DRAFT, INVOICE_SENT, INVOICE_PAID, INVOICE_OVERDUE, INVOICE_VOID };

struct postal_address {
	char street[128];
	char city[64];
	char postcode[16];
	char country[3];
};

struct user {
	uint64_t id;
	char login[64];
	char email[256];
	char password[128];
	char password_hash[128];
	char first_name[64];
	char last_name[64];
	char phone[32];
	char language[8];
	char ip_addr[46];
	char date_of_birth[11];
	struct postal_address address;
	bool marketing_optout PRIVFLOW_OPTOUT("marketing");
	enum account_state state;
	time_t created_at;
	time_t last_login;
};

struct customer {
	uint64_t id;
	uint64_t owner_id;
	char company_name[128];
	char contact_name[128];
	char contact_email[256];
	char phone_number[32];
	char vat_number[32];
	char country[3];
	struct postal_address billing_address;
	bool newsletter_optout PRIVFLOW_OPTOUT("marketing");
};

struct payment_card {
	char card_number[20];
	char cardholder_name[128];
	char expiry[6];
	char cvv[5];
};

struct line_item {
	char label[128];
	unsigned qty;
	double unit_price;
	double vat_rate;
};

struct invoice {
	uint64_t id;
	uint64_t customer_id;
	char number[32];
	char currency[4];
	enum invoice_state state;
	double total;
	struct customer *customer;
	struct line_item *items;
	size_t n_items;
	time_t issued_at;
	time_t due_at;
};

struct session {
	char token[64];
	char cookie_id[64];
	char ip_addr[46];
	char user_agent[256];
	uint64_t user_id;
	time_t last_seen;
};

struct audit_event {
	time_t at;
	char actor_email[256];
	char action[64];
	char remote_addr[46];
};

#endif
"""

EXTERN_H = r"""/* Prototypes of the third-party libraries the service uses (sqlite3,
   libcurl, OpenSSL, libcrypt), declared here so the benchmark needs no
   -dev package. Names and shapes follow the real APIs. */
#ifndef BENCH_EXTERN_API_H
#define BENCH_EXTERN_API_H

#include <stddef.h>
#include <stdint.h>

/* sqlite3 */
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
typedef long long sqlite3_int64;
typedef void (*sqlite3_destructor_type)(void *);
#define SQLITE_OK 0
#define SQLITE_ROW 100
#define SQLITE_DONE 101
#define SQLITE_STATIC ((sqlite3_destructor_type)0)
#define SQLITE_TRANSIENT ((sqlite3_destructor_type)-1)
int sqlite3_open(const char *filename, sqlite3 **db);
int sqlite3_close(sqlite3 *db);
int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n, sqlite3_stmt **stmt, const char **tail);
int sqlite3_bind_text(sqlite3_stmt *stmt, int i, const char *v, int n, sqlite3_destructor_type d);
int sqlite3_bind_int64(sqlite3_stmt *stmt, int i, sqlite3_int64 v);
int sqlite3_bind_double(sqlite3_stmt *stmt, int i, double v);
int sqlite3_step(sqlite3_stmt *stmt);
int sqlite3_reset(sqlite3_stmt *stmt);
int sqlite3_finalize(sqlite3_stmt *stmt);
const unsigned char *sqlite3_column_text(sqlite3_stmt *stmt, int i);
sqlite3_int64 sqlite3_column_int64(sqlite3_stmt *stmt, int i);
int sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *arg, char **errmsg);
const char *sqlite3_errmsg(sqlite3 *db);
void sqlite3_free(void *p);
char *sqlite3_mprintf(const char *fmt, ...);

/* libcurl */
typedef void CURL;
struct curl_slist;
typedef enum {
	CURLE_OK = 0,
	CURLE_COULDNT_CONNECT = 7
} CURLcode;
typedef enum {
	CURLOPT_TIMEOUT = 13,
	CURLOPT_URL = 10002,
	CURLOPT_POSTFIELDS = 10015,
	CURLOPT_USERAGENT = 10018,
	CURLOPT_HTTPHEADER = 10023,
	CURLOPT_COPYPOSTFIELDS = 10165
} CURLoption;
CURL *curl_easy_init(void);
CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...);
CURLcode curl_easy_perform(CURL *curl);
void curl_easy_cleanup(CURL *curl);
const char *curl_easy_strerror(CURLcode code);
struct curl_slist *curl_slist_append(struct curl_slist *list, const char *s);
void curl_slist_free_all(struct curl_slist *list);

/* OpenSSL */
typedef struct ssl_st SSL;
int SSL_write(SSL *ssl, const void *buf, int num);
int SSL_read(SSL *ssl, void *buf, int num);
unsigned char *SHA256(const unsigned char *d, size_t n, unsigned char *md);

/* libcrypt */
char *crypt(const char *phrase, const char *setting);

#endif
"""

UTIL_H = r"""/* Shared helpers: logging, storage, transport and sanitizers. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include "extern_api.h"
#include "model.h"

#define LOG_BUF_SIZE 1024
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define LOG_WARN(...) log_info(__VA_ARGS__)

extern sqlite3 *g_db;
extern FILE *g_export_file;
extern SSL *g_tls;

/* Logging (variadic wrappers around vsyslog / vfprintf(stderr)). */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_audit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Sanitizers. */
PRIVFLOW_SANITIZER("hashed") const char *hash_password(const char *plain, char *out, size_t n);
PRIVFLOW_SANITIZER("redacted") const char *redact_email(const char *email, char *out, size_t n);
PRIVFLOW_SANITIZER("redacted") const char *redact_card(const char *pan, char *out, size_t n);
PRIVFLOW_SANITIZER("anonymized") const char *anonymize_ip(const char *ip, char *out, size_t n);
void sha256_hex(const char *in, char *out, size_t n);

/* Storage and transport. */
int db_open(const char *path);
int db_exec(const char *sql);
int db_insert_text(const char *table, const char *column, const char *value);
int http_post(const char *url, const char *body);
int net_send_line(int fd, const char *line);
int tls_send_line(const char *line);
PRIVFLOW_RECIPIENT("email-service-provider")
int mail_send(const char *to, const char *subject, const char *body);
PRIVFLOW_RECIPIENT("payment-processor")
int psp_charge(const struct payment_card *card, double amount, const char *currency);

/* Small string helpers. */
size_t str_copy(char *dst, const char *src, size_t n);
bool str_is_blank(const char *s);
void str_trim(char *s);
bool email_is_valid(const char *email);

#endif
"""

PRIVFLOW_H_FALLBACK = r"""/* Stand-in for privflow.h (the real one is in privflow's include/). */
#ifndef PRIVFLOW_H
#define PRIVFLOW_H
#if defined(__clang__)
#define PRIVFLOW_ANNOTATE(s) __attribute__((annotate(s)))
#else
#define PRIVFLOW_ANNOTATE(s)
#endif
#define PRIVFLOW_DATA(c) PRIVFLOW_ANNOTATE("privflow:data:" c)
#define PRIVFLOW_PURPOSE(p) PRIVFLOW_ANNOTATE("privflow:purpose:" p)
#define PRIVFLOW_RECIPIENT(r) PRIVFLOW_ANNOTATE("privflow:recipient:" r)
#define PRIVFLOW_SINK(k) PRIVFLOW_ANNOTATE("privflow:sink:" k)
#define PRIVFLOW_SANITIZER(t) PRIVFLOW_ANNOTATE("privflow:sanitizer:" t)
#define PRIVFLOW_OPTOUT(u) PRIVFLOW_ANNOTATE("privflow:optout:" u)
#define PRIVFLOW_CONSENT(u) PRIVFLOW_ANNOTATE("privflow:consent:" u)
#define PRIVFLOW_ERASURE PRIVFLOW_ANNOTATE("privflow:erasure")
#define PRIVFLOW_EXPORT PRIVFLOW_ANNOTATE("privflow:export")
#endif
"""

COMMON_LOG_C = r"""/* Logging: variadic wrappers; each is a log sink for its arguments. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include "util.h"

static int log_verbose = 0;

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsyslog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;
	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void log_audit(const char *fmt, ...)
{
	char buf[LOG_BUF_SIZE];
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	syslog(LOG_NOTICE, "audit %s %s", stamp, buf);
}
"""

COMMON_CRYPTO_C = r"""/* Sanitizers: hashing, redaction, anonymisation. */
#include <stdio.h>
#include <string.h>
#include "util.h"

const char *hash_password(const char *plain, char *out, size_t n)
{
	const char *h = crypt(plain, "$6$rounds=5000$benchsalt$");
	str_copy(out, h ? h : "", n);
	return out;
}

const char *redact_email(const char *email, char *out, size_t n)
{
	const char *at = strchr(email, '@');
	if (!at || n < 4) {
		str_copy(out, "***", n);
		return out;
	}
	snprintf(out, n, "%c***%s", email[0], at);
	return out;
}

const char *redact_card(const char *pan, char *out, size_t n)
{
	size_t len = strlen(pan);
	snprintf(out, n, "****%s", len > 4 ? pan + len - 4 : pan);
	return out;
}

const char *anonymize_ip(const char *ip, char *out, size_t n)
{
	const char *dot = strrchr(ip, '.');
	size_t keep = dot ? (size_t)(dot - ip) : 0;
	if (keep + 3 > n)
		keep = n > 3 ? n - 3 : 0;
	memcpy(out, ip, keep);
	memcpy(out + keep, ".0", 3);
	return out;
}

void sha256_hex(const char *in, char *out, size_t n)
{
	unsigned char md[32];
	size_t i;
	SHA256((const unsigned char *)in, strlen(in), md);
	for (i = 0; i < sizeof md && 2 * i + 2 < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}
"""

COMMON_IO_C = r"""/* Storage and transport: sqlite3, libcurl, sockets, TLS, mail, PSP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "util.h"

sqlite3 *g_db;
FILE *g_export_file;
SSL *g_tls;

int db_open(const char *path)
{
	return sqlite3_open(path, &g_db);
}

int db_exec(const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(g_db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		log_info("sql error: %s", err ? err : "?");
		sqlite3_free(err);
	}
	return rc;
}

int db_insert_text(const char *table, const char *column, const char *value)
{
	char sql[256];
	sqlite3_stmt *st = NULL;
	int rc;
	snprintf(sql, sizeof sql, "INSERT INTO %s(%s) VALUES(?1)", table, column);
	if (sqlite3_prepare_v2(g_db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int http_post(const char *url, const char *body)
{
	CURL *h = curl_easy_init();
	CURLcode rc;
	if (!h)
		return -1;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	rc = curl_easy_perform(h);
	curl_easy_cleanup(h);
	return rc == CURLE_OK ? 0 : -1;
}

int net_send_line(int fd, const char *line)
{
	size_t n = strlen(line);
	return send(fd, line, n, 0) == (ssize_t)n ? 0 : -1;
}

int tls_send_line(const char *line)
{
	return SSL_write(g_tls, line, (int)strlen(line)) > 0 ? 0 : -1;
}

int mail_send(const char *to, const char *subject, const char *body)
{
	char payload[2048];
	snprintf(payload, sizeof payload, "{\"to\":\"%s\",\"subject\":\"%s\",\"text\":\"%s\"}",
	         to, subject, body);
	return http_post("https://api.mailer.example.com/v3/send", payload);
}

int psp_charge(const struct payment_card *card, double amount, const char *currency)
{
	char payload[512];
	snprintf(payload, sizeof payload, "pan=%s&exp=%s&amount=%.2f&currency=%s",
	         card->card_number, card->expiry, amount, currency);
	return http_post("https://payments.example-psp.com/v1/charges", payload);
}
"""

COMMON_STR_C = r"""/* String helpers (no personal-data semantics of their own). */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include "util.h"

size_t str_copy(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);
	if (n == 0)
		return len;
	if (len >= n)
		len = n - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return len;
}

bool str_is_blank(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

void str_trim(char *s)
{
	size_t len = strlen(s);
	size_t start = 0;
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	while (s[start] && isspace((unsigned char)s[start]))
		start++;
	if (start)
		memmove(s, s + start, len - start + 1);
}

bool email_is_valid(const char *email)
{
	const char *at = strchr(email, '@');
	const char *p;
	if (!at || at == email || !strchr(at, '.'))
		return false;
	for (p = email; *p; p++)
		if (isspace((unsigned char)*p) || *p == ',' || *p == ';')
			return false;
	return true;
}
"""


class Module:
    """One generated feature TU: its public functions and its text."""

    def __init__(self, idx, rng):
        self.idx = idx
        self.name = "mod_%03d_%s" % (idx, rng.choice(NOUNS))
        self.publics = []   # (name, shape, entity) shapes: ent, str, db
        self.lines = []
        self.statics = 0


def ident(rng, used, prefix):
    for _ in range(1000):
        n = "%s_%s_%s" % (prefix, rng.choice(VERBS), rng.choice(NOUNS))
        if n not in used:
            used.add(n)
            return n
    n = "%s_%d" % (prefix, len(used))
    used.add(n)
    return n


class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.expect = []  # (file, line, rule)

    # Each template returns (lines, public_signature_or_None). `{E}` is the
    # struct, `{v}` the variable. Lines with a trailing "@@RULE" are sinks
    # meant to violate; the marker becomes a comment.

    def t_format(self, fn, ent, v):
        r = self.rng
        f = r.sample(PERSONAL_STR[ent], k=min(2, len(PERSONAL_STR[ent])))
        fmt = " ".join("%s" for _ in f)
        args = ", ".join("%s->%s" % (v, x) for x in f)
        return [
            "const char *%s(const struct %s *%s, char *buf, size_t n)" % (fn, ent, v),
            "{",
            "\tif (!%s || !buf || n == 0)" % v,
            "\t\treturn \"\";",
            "\tsnprintf(buf, n, \"%s\", %s);" % (fmt, args),
            "\tstr_trim(buf);",
            "\treturn buf;",
            "}",
        ], ("fmt", ent)

    def t_log_plain(self, fn, ent, v):
        r = self.rng
        f = r.choice(PERSONAL_STR[ent])
        logger = r.choice(["log_info", "log_audit", "LOG_WARN"])
        return [
            "void %s(const struct %s *%s)" % (fn, ent, v),
            "{",
            "\tif (!%s)" % v,
            "\t\treturn;",
            "\t%s(\"%s: %s=%%s\", %s->%s); @@sensitive-log" % (logger, fn, f, v, f),
            "}",
        ], ("ent", ent)

    def t_log_redacted(self, fn, ent, v):
        r = self.rng
        f = r.choice(PERSONAL_STR[ent])
        san = "anonymize_ip" if "ip" in f or "addr" in f else "redact_email"
        return [
            "void %s(const struct %s *%s)" % (fn, ent, v),
            "{",
            "\tchar safe[128];",
            "\tif (!%s)" % v,
            "\t\treturn;",
            "\t%s(%s->%s, safe, sizeof safe);" % (san, v, f),
            "\tlog_info(\"%s: %s=%%s\", safe);" % (fn, f),
            "}",
        ], ("ent", ent)

    def t_syslog_direct(self, fn, ent, v):
        r = self.rng
        f = r.choice(PERSONAL_STR[ent])
        return [
            "void %s(const struct %s *%s, int attempts)" % (fn, ent, v),
            "{",
            "\tif (attempts > 3)",
            "\t\tsyslog(LOG_WARNING, \"too many attempts for %%s (%%d)\", %s->%s, attempts); @@sensitive-log" % (v, f),
            "\telse",
            "\t\tsyslog(LOG_DEBUG, \"attempt %d\", attempts);",
            "}",
        ], None

    def t_stderr_debug(self, fn, ent, v):
        r = self.rng
        f = r.choice(PERSONAL_STR[ent])
        return [
            "void %s(const struct %s *%s)" % (fn, ent, v),
            "{",
            "\tif (getenv(\"FACTURI_DEBUG\") == NULL)",
            "\t\treturn;",
            "\tfprintf(stderr, \"%s: %%s\\n\", %s->%s); @@sensitive-log" % (fn, v, f),
            "}",
        ], ("ent", ent)

    def t_store(self, fn, ent, v):
        r = self.rng
        fields = [x for x in PERSONAL_STR[ent] if x not in ("ip_addr", "remote_addr", "date_of_birth")]
        f = r.sample(fields, k=min(len(fields), r.randint(1, 3)))
        cols = ", ".join(f)
        qs = ", ".join("?%d" % (i + 1) for i in range(len(f)))
        out = [
            "int %s(const struct %s *%s)" % (fn, ent, v),
            "{",
            "\tsqlite3_stmt *st = NULL;",
            "\tint rc;",
            "",
            "\tif (sqlite3_prepare_v2(g_db, \"INSERT OR REPLACE INTO %s(%s) VALUES(%s)\", -1, &st, NULL) != SQLITE_OK) {" % (ent, cols, qs),
            "\t\tlog_info(\"%s: %%s\", sqlite3_errmsg(g_db));" % fn,
            "\t\treturn -1;",
            "\t}",
        ]
        for i, x in enumerate(f):
            out.append("\tsqlite3_bind_text(st, %d, %s->%s, -1, SQLITE_TRANSIENT);" % (i + 1, v, x))
        out += [
            "\trc = sqlite3_step(st);",
            "\tsqlite3_finalize(st);",
            "\treturn rc == SQLITE_DONE ? 0 : -1;",
            "}",
        ]
        return out, ("ent", ent)

    def t_password(self, fn, ent, v, bad):
        if bad:
            body = [
                "\t(void)hashed;",
                "\tsqlite3_bind_text(st, 2, u->password, -1, SQLITE_TRANSIENT); @@plaintext-credential",
            ]
        else:
            body = [
                "\thash_password(u->password, hashed, sizeof hashed);",
                "\tsqlite3_bind_text(st, 2, hashed, -1, SQLITE_TRANSIENT);",
            ]
        return [
            "int %s(struct user *u)" % fn,
            "{",
            "\tsqlite3_stmt *st = NULL;",
            "\tchar hashed[128];",
            "\tint rc;",
            "",
            "\thashed[0] = '\\0';",
            "\tif (strlen(u->password) < 8)",
            "\t\treturn -1;",
            "\tif (sqlite3_prepare_v2(g_db, \"UPDATE user SET password_hash = ?2 WHERE email = ?1\", -1, &st, NULL) != SQLITE_OK)",
            "\t\treturn -1;",
            "\tsqlite3_bind_text(st, 1, u->email, -1, SQLITE_TRANSIENT);",
        ] + body + [
            "\trc = sqlite3_step(st);",
            "\tsqlite3_finalize(st);",
            "\tmemset(u->password, 0, sizeof u->password);",
            "\treturn rc == SQLITE_DONE ? 0 : -1;",
            "}",
        ], None

    def t_card(self, fn, ent, v, bad):
        if bad:
            store = ["\t(void)last4;",
                     "\tdb_insert_text(\"payment\", \"pan\", card->card_number); @@forbidden-storage"]
        else:
            store = ["\tredact_card(card->card_number, last4, sizeof last4);",
                     "\tdb_insert_text(\"payment\", \"pan_last4\", last4);"]
        return [
            "int %s(const struct payment_card *card, double amount)" % fn,
            "{",
            "\tchar last4[16];",
            "\tint rc;",
            "",
            "\tif (strlen(card->card_number) < 12)",
            "\t\treturn -1;",
            "\trc = psp_charge(card, amount, \"EUR\");",
            "\tif (rc != 0)",
            "\t\treturn rc;",
        ] + store + [
            "\treturn 0;",
            "}",
        ], None

    def t_http(self, fn, ent, v, bad):
        r = self.rng
        f = r.choice(PERSONAL_STR[ent])
        if bad:
            url = r.choice(HOSTS_BAD)
            rule = "cleartext-transport" if url.startswith("http:") else "undeclared-recipient"
        else:
            url = HOSTS_OK[2]
            rule = None
        return [
            "int %s(const struct %s *%s)" % (fn, ent, v),
            "{",
            "\tCURL *h = curl_easy_init();",
            "\tstruct curl_slist *hdr = NULL;",
            "\tchar body[512];",
            "\tCURLcode rc;",
            "",
            "\tif (!h)",
            "\t\treturn -1;",
            "\tsnprintf(body, sizeof body, \"{\\\"event\\\":\\\"%s\\\",\\\"v\\\":\\\"%%s\\\"}\", %s->%s);" % (fn, v, f),
            "\thdr = curl_slist_append(hdr, \"Content-Type: application/json\");",
            "\tcurl_easy_setopt(h, CURLOPT_URL, \"%s\");" % url,
            "\tcurl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);",
            "\tcurl_easy_setopt(h, CURLOPT_POSTFIELDS, body);",
            "\trc = curl_easy_perform(h);%s" % (" @@" + rule if rule else ""),
            "\tcurl_slist_free_all(hdr);",
            "\tcurl_easy_cleanup(h);",
            "\treturn rc == CURLE_OK ? 0 : -1;",
            "}",
        ], ("ent", ent)

    def t_newsletter(self, fn, ent, v, bad):
        if ent == "customer":
            email, opt, name = "contact_email", "newsletter_optout", "contact_name"
        else:
            ent, v = "user", "u"
            email, opt, name = "email", "marketing_optout", "first_name"
        guard = [] if bad else ["\tif (%s->%s)" % (v, opt), "\t\treturn 0;"]
        return [
            "PRIVFLOW_PURPOSE(\"marketing.communications\")",
            "int %s(const struct %s *%s, const char *campaign)" % (fn, ent, v),
            "{",
            "\tchar text[512];",
            "",
        ] + guard + [
            "\tsnprintf(text, sizeof text, \"Hello %%s, discover %%s!\", %s->%s, campaign);" % (v, name),
            "\treturn mail_send(%s->%s, campaign, text);%s" % (v, email, " @@missing-consent-check" if bad else ""),
            "}",
        ], ("ent", ent)

    def t_socket(self, fn, ent, v, bad):
        r = self.rng
        f = r.choice(PERSONAL_STR[ent])
        send = ("\treturn net_send_line(fd, line); @@cleartext-transport" if bad
                else "\t(void)fd;\n\treturn tls_send_line(line);")
        return [
            "int %s(int fd, const struct %s *%s)" % (fn, ent, v),
            "{",
            "\tchar line[300];",
            "\tint n = snprintf(line, sizeof line, \"SYNC %s %%s\\r\\n\", %s->%s);" % (f, v, f),
            "\tif (n < 0 || (size_t)n >= sizeof line)",
            "\t\treturn -1;",
        ] + send.split("\n") + ["}"], None

    def t_file(self, fn, ent, v):
        r = self.rng
        fl = PERSONAL_STR[ent]
        f = r.sample(fl, k=min(3, len(fl)))
        return [
            "int %s(const char *path, const struct %s *items, size_t n)" % (fn, ent),
            "{",
            "\tFILE *out = fopen(path, \"a\");",
            "\tsize_t i;",
            "",
            "\tif (!out)",
            "\t\treturn -1;",
            "\tfor (i = 0; i < n; i++) {",
            "\t\tconst struct %s *%s = &items[i];" % (ent, v),
            "\t\tfprintf(out, \"%s\\n\", %s);" % (";".join("%s" for _ in f),
                                                   ", ".join("%s->%s" % (v, x) for x in f)),
            "\t}",
            "\treturn fclose(out);",
            "}",
        ], None

    def t_copy_chain(self, fn, ent, v, callee):
        r = self.rng
        f = r.choice(PERSONAL_STR[ent])
        call = "\t%s(tmp);" % callee if callee else "\tlog_debug(\"copied %s\", tmp);"
        return [
            "void %s(const struct %s *%s)" % (fn, ent, v),
            "{",
            "\tstruct %s local;" % ent,
            "\tchar tmp[256];",
            "\tchar *dup;",
            "",
            "\tmemcpy(&local, %s, sizeof local);" % v,
            "\tstrncpy(tmp, local.%s, sizeof tmp - 1);" % f,
            "\ttmp[sizeof tmp - 1] = '\\0';",
            "\tdup = strdup(tmp);",
            "\tif (!dup)",
            "\t\treturn;",
            "\tstr_trim(dup);",
            "\tstr_copy(tmp, dup, sizeof tmp);",
            "\tfree(dup);",
            call,
            "}",
        ], ("ent", ent)

    def t_str_sink(self, fn, bad):
        r = self.rng
        if bad:
            sink = r.choice([
                "\tlog_info(\"value: %s\", value); @@sensitive-log",
                "\tdb_insert_text(\"cache\", \"v\", value);",
                "\thttp_post(\"http://metrics.facturi.example/ingest\", value); @@cleartext-transport",
            ])
        else:
            sink = "\tdb_insert_text(\"lookup\", \"value\", value);"
        return [
            "void %s(const char *value)" % fn,
            "{",
            "\tif (!value || str_is_blank(value))",
            "\t\treturn;",
            sink,
            "}",
        ], ("str", None)

    def t_undeclared(self, fn, ent, v):
        r = self.rng
        what = r.choice([("date_of_birth", "char date_of_birth[11]"),
                         ("passport_number", "char passport_number[16]"),
                         ("health_notes", "char health_notes[256]"),
                         ("gps_location", "char gps_location[64]")])
        return [
            "int %s(const char *raw)" % fn,
            "{",
            "\t%s; @@undeclared-category" % what[1],
            "",
            "\tif (!raw)",
            "\t\treturn -1;",
            "\tstr_copy(%s, raw, sizeof %s);" % (what[0], what[0]),
            "\treturn (int)strlen(%s);" % what[0],
            "}",
        ], None

    # Filler: ordinary code with no personal data, for realistic size.
    def t_filler_totals(self, fn):
        return [
            "double %s(const struct invoice *inv)" % fn,
            "{",
            "\tdouble total = 0.0;",
            "\tsize_t i;",
            "",
            "\tfor (i = 0; i < inv->n_items; i++) {",
            "\t\tconst struct line_item *it = &inv->items[i];",
            "\t\tdouble net = it->unit_price * (double)it->qty;",
            "\t\tif (it->vat_rate < 0.0 || it->vat_rate > 0.5)",
            "\t\t\tcontinue;",
            "\t\ttotal += net * (1.0 + it->vat_rate);",
            "\t}",
            "\tswitch (inv->state) {",
            "\tcase INVOICE_VOID:",
            "\t\treturn 0.0;",
            "\tcase INVOICE_OVERDUE:",
            "\t\ttotal *= 1.05;",
            "\t\tbreak;",
            "\tdefault:",
            "\t\tbreak;",
            "\t}",
            "\treturn (double)(long long)(total * 100.0 + 0.5) / 100.0;",
            "}",
        ]

    def t_filler_parse(self, fn):
        return [
            "int %s(const char *text, char keys[][32], char vals[][64], int max)" % fn,
            "{",
            "\tint n = 0;",
            "\tconst char *p = text;",
            "",
            "\twhile (*p && n < max) {",
            "\t\tconst char *eq = strchr(p, '=');",
            "\t\tconst char *end = strchr(p, '&');",
            "\t\tsize_t klen, vlen;",
            "\t\tif (!end)",
            "\t\t\tend = p + strlen(p);",
            "\t\tif (!eq || eq > end)",
            "\t\t\tbreak;",
            "\t\tklen = (size_t)(eq - p);",
            "\t\tvlen = (size_t)(end - eq - 1);",
            "\t\tif (klen >= 32 || vlen >= 64)",
            "\t\t\treturn -1;",
            "\t\tmemcpy(keys[n], p, klen);",
            "\t\tkeys[n][klen] = '\\0';",
            "\t\tmemcpy(vals[n], eq + 1, vlen);",
            "\t\tvals[n][vlen] = '\\0';",
            "\t\tn++;",
            "\t\tp = *end ? end + 1 : end;",
            "\t}",
            "\treturn n;",
            "}",
        ]

    def t_filler_state(self, fn):
        return [
            "const char *%s(enum account_state st, time_t since)" % fn,
            "{",
            "\ttime_t now = time(NULL);",
            "\tdouble days = difftime(now, since) / 86400.0;",
            "",
            "\tswitch (st) {",
            "\tcase ACCOUNT_PENDING:",
            "\t\treturn days > 7.0 ? \"expired\" : \"pending\";",
            "\tcase ACCOUNT_ACTIVE:",
            "\t\treturn \"active\";",
            "\tcase ACCOUNT_SUSPENDED:",
            "\t\treturn days > 30.0 ? \"to-close\" : \"suspended\";",
            "\tcase ACCOUNT_CLOSED:",
            "\t\treturn \"closed\";",
            "\t}",
            "\treturn \"unknown\";",
            "}",
        ]

    def t_filler_number(self, fn):
        return [
            "int %s(char *out, size_t n, uint64_t seq, int year)" % fn,
            "{",
            "\tunsigned check = 0;",
            "\tuint64_t x = seq;",
            "\tint len;",
            "",
            "\twhile (x) {",
            "\t\tcheck = (check * 31u + (unsigned)(x % 10u)) % 97u;",
            "\t\tx /= 10u;",
            "\t}",
            "\tlen = snprintf(out, n, \"F%04d-%06llu-%02u\", year, (unsigned long long)seq, check);",
            "\tif (len < 0 || (size_t)len >= n) {",
            "\t\terrno = ERANGE;",
            "\t\treturn -1;",
            "\t}",
            "\tfor (len = 0; out[len]; len++)",
            "\t\tout[len] = (char)toupper((unsigned char)out[len]);",
            "\treturn 0;",
            "}",
        ]

    def t_dispatch(self, fn, ent, targets):
        v = ENTITIES[ent][0]
        out = [
            "struct %s_handler {" % fn,
            "\tconst char *name;",
            "\tvoid (*run)(const struct %s *);" % ent,
            "};",
            "",
            "static const struct %s_handler %s_table[] = {" % (fn, fn),
        ]
        for t in targets:
            out.append("\t{ \"%s\", %s }," % (t, t))
        out += [
            "};",
            "",
            "int %s(const char *name, const struct %s *%s)" % (fn, ent, v),
            "{",
            "\tsize_t i;",
            "",
            "\tfor (i = 0; i < ARRAY_LEN(%s_table); i++) {" % fn,
            "\t\tif (strcmp(%s_table[i].name, name) == 0) {" % fn,
            "\t\t\t%s_table[i].run(%s);" % (fn, v),
            "\t\t\treturn 0;",
            "\t\t}",
            "\t}",
            "\treturn -1;",
            "}",
        ]
        return out

    def t_orchestrate(self, fn, ent, calls):
        v = ENTITIES[ent][0]
        out = [
            "int %s(const struct %s *%s)" % (fn, ent, v),
            "{",
            "\tchar buf[512];",
            "\tint failures = 0;",
            "",
            "\tif (!%s)" % v,
            "\t\treturn -1;",
        ]
        for name, shape in calls:
            if shape == "ent":
                out.append("\t%s(%s);" % (name, v))
            elif shape == "int":
                out.append("\tif (%s(%s) != 0)" % (name, v))
                out.append("\t\tfailures++;")
            elif shape == "fmt":
                out.append("\tif (%s(%s, buf, sizeof buf)[0] == '\\0')" % (name, v))
                out.append("\t\tfailures++;")
            elif shape == "str":
                f = self.rng.choice(PERSONAL_STR[ent])
                out.append("\t%s(%s->%s);" % (name, v, f))
        out += ["\t(void)buf;", "\treturn failures ? -1 : 0;", "}"]
        return out


def gen_module(g, mod, prior, used, target_lines):
    """Fills mod.lines with a TU of about target_lines lines. PRIOR are the
    already generated modules whose public functions it may call."""
    r = g.rng
    hdrs = list(SYS_HEADERS) + r.sample(SYS_OPTIONAL, k=r.randint(3, 8))
    deps = r.sample(prior, k=min(len(prior), r.randint(1, 4))) if prior else []
    head = ["/*", " * %s: generated feature module of the benchmark code base." % mod.name,
            " * Personal data flows, compliant and not; violating sinks carry an expect: mark.", " */",
            "#define _GNU_SOURCE"]
    head += ["#include <%s>" % h for h in sorted(set(hdrs))]
    head += ["#include \"model.h\"", "#include \"util.h\""]
    head += ["#include \"mod/%s.h\"" % d.name for d in sorted(deps, key=lambda m: m.idx)]
    head += ["", "#define %s_RETRIES %d" % (mod.name.upper(), r.randint(2, 9)), ""]
    body = []
    ent_fns = {e: [] for e in ENTITIES}  # void f(const struct e *) of this TU

    def emit(lines, public, name):
        if public is None:
            lines[0] = "static " + lines[0] if not lines[0].startswith("PRIVFLOW") else lines[0]
            if lines[0].startswith("PRIVFLOW"):
                lines[1] = "static " + lines[1]
        else:
            mod.publics.append((name, public[0], public[1], proto_of(lines)))
        body.extend(lines)
        body.append("")

    def proto_of(lines):
        i = 1 if lines[0].startswith("PRIVFLOW") else 0
        return "\n".join(lines[:i + 1]) + ";"

    pfx = mod.name.split("_", 2)[2]
    count = 0
    while len(head) + len(body) < target_lines or count < 4:
        count += 1
        ent = r.choice(["user", "user", "customer", "session", "audit_event"])
        v = ENTITIES[ent][0]
        fn = ident(r, used, pfx)
        kind = r.choices(
            ["format", "log_plain", "log_redacted", "syslog", "stderr", "store",
             "password", "card", "http", "newsletter", "socket", "file", "copy",
             "strsink", "undeclared", "filler", "dispatch", "orchestrate"],
            weights=[6, 3, 4, 2, 2, 5, 1, 1, 3, 2, 2, 2, 4, 3, 1, 14, 2, 4])[0]
        bad = r.random() < 0.35
        if kind == "format":
            lines, pub = g.t_format(fn, ent, v)
        elif kind == "log_plain":
            lines, pub = g.t_log_plain(fn, ent, v)
        elif kind == "log_redacted":
            lines, pub = g.t_log_redacted(fn, ent, v)
        elif kind == "syslog":
            lines, pub = g.t_syslog_direct(fn, ent, v)
        elif kind == "stderr":
            lines, pub = g.t_stderr_debug(fn, ent, v)
        elif kind == "store":
            lines, pub = g.t_store(fn, ent, v)
            pub = None if r.random() < 0.3 else pub
            if pub:
                pub = ("int", ent)
        elif kind == "password":
            lines, pub = g.t_password(fn, ent, v, bad)
        elif kind == "card":
            lines, pub = g.t_card(fn, ent, v, bad)
        elif kind == "http":
            lines, pub = g.t_http(fn, ent, v, bad)
            pub = ("int", ent)
        elif kind == "newsletter":
            lines, pub = g.t_newsletter(fn, ent if ent == "customer" else "user", v, bad)
            pub = None
        elif kind == "socket":
            lines, pub = g.t_socket(fn, ent, v, bad)
        elif kind == "file":
            lines, pub = g.t_file(fn, ent, v)
        elif kind == "copy":
            callee = None
            strs = [(d, p) for d in deps for p in d.publics if p[1] == "str"]
            if strs and r.random() < 0.8:
                callee = r.choice(strs)[1][0]
            lines, pub = g.t_copy_chain(fn, ent, v, callee)
        elif kind == "strsink":
            lines, pub = g.t_str_sink(fn, bad)
        elif kind == "undeclared":
            lines, pub = g.t_undeclared(fn, ent, v)
        elif kind == "filler":
            t = r.choice([g.t_filler_totals, g.t_filler_parse, g.t_filler_state, g.t_filler_number])
            lines, pub = t(fn), (("fill", None) if r.random() < 0.3 else None)
        elif kind == "dispatch":
            targets = [n for n in ent_fns[ent]]
            if len(targets) < 2:
                count -= 1
                continue
            lines = g.t_dispatch(fn, ent, r.sample(targets, k=min(4, len(targets))))
            body.extend(lines)
            body.append("")
            continue
        else:  # orchestrate: calls into other modules' public functions
            cands = [(p[0], p[1]) for d in deps for p in d.publics
                     if (p[1] in ("ent", "fmt", "int") and p[2] == ent) or p[1] == "str"]
            cands += [(n, "ent") for n in ent_fns[ent]]
            if not cands:
                count -= 1
                continue
            lines = g.t_orchestrate(fn, ent, r.sample(cands, k=min(len(cands), r.randint(2, 5))))
            pub = ("int", ent)
        if pub and pub[0] in ("ent",) and lines[0].startswith("void "):
            ent_fns[pub[1]].append(fn)
        elif pub is None and lines[0].startswith("void %s(const struct %s *%s)" % (fn, ent, v)):
            ent_fns[ent].append(fn)
        emit(lines, pub, fn)
    # Entry points so that static helpers are used (no -Wunused-function).
    statics = [l for l in body if l.startswith("static ") and "(" in l and not l.endswith(";")]
    init = ["void %s_init(void)" % mod.name, "{"]
    init.append("\tstatic volatile const void *keep[] = {")
    for l in statics:
        name = l.split("(")[0].split()[-1].lstrip("*")
        init.append("\t\t(const void *)%s," % name)
    init += ["\t\tNULL", "\t};", "\t(void)keep;", "}"]
    mod.publics.append(("%s_init" % mod.name, "init", None, "void %s_init(void);" % mod.name))
    text = head + body + init
    return text


def finish(lines, relpath, expect):
    """Turns @@RULE markers into comments and records them."""
    out = []
    for i, l in enumerate(lines):
        if "@@" in l:
            code, rule = l.rsplit(" @@", 1)
            out.append("%s /* expect: %s */" % (code, rule))
            expect.append({"file": relpath, "line": i + 1, "rule": rule})
        else:
            out.append(l)
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--tus", type=int, default=300, help="translation units (default 300)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--out", default="bench/generated", help="output directory")
    ap.add_argument("--cc", default="cc", help="compiler name written in compile_commands.json")
    ap.add_argument("--privflow-h", default=None,
                    help="privflow.h to copy into include/ (default: ../include/privflow.h "
                         "next to this script, else a stand-in)")
    a = ap.parse_args()
    if a.tus < 8:
        sys.exit("gen_codebase.py: -n must be at least 8")
    rng = random.Random(a.seed)
    out = os.path.abspath(a.out)
    if os.path.isdir(out) and os.listdir(out):
        # Only ever delete a previous output of this script.
        if not os.path.isfile(os.path.join(out, "expected-flows.json")):
            sys.exit("gen_codebase.py: %s exists and is not a generated code base" % out)
        shutil.rmtree(out)
    for d in ("include/mod", "src/common", "src/mod", "build"):
        os.makedirs(os.path.join(out, d), exist_ok=True)

    def write(rel, text):
        with open(os.path.join(out, rel), "w") as f:
            f.write(text)

    write("include/model.h", MODEL_H)
    write("include/extern_api.h", EXTERN_H)
    write("include/util.h", UTIL_H)
    pfh = a.privflow_h or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                       "..", "include", "privflow.h")
    if os.path.isfile(pfh):
        shutil.copyfile(pfh, os.path.join(out, "include/privflow.h"))
    else:
        write("include/privflow.h", PRIVFLOW_H_FALLBACK)
    commons = {"src/common/log.c": COMMON_LOG_C, "src/common/crypto.c": COMMON_CRYPTO_C,
               "src/common/io.c": COMMON_IO_C, "src/common/str.c": COMMON_STR_C}
    for rel, text in commons.items():
        write(rel, text)

    g = Gen(rng)
    used = set()
    mods = []
    sources = sorted(commons)
    for i in range(a.tus - len(commons) - 1):
        m = Module(i, rng)
        text = gen_module(g, m, mods[-40:], used, rng.randint(200, 600))
        rel = "src/mod/%s.c" % m.name
        write(rel, finish(text, rel, g.expect))
        guard = "BENCH_%s_H" % m.name.upper()
        hdr = ["/* Public functions of %s (generated). */" % m.name,
               "#ifndef %s" % guard, "#define %s" % guard, "",
               "#include <stddef.h>", "#include \"model.h\"", ""]
        hdr += [p[3] for p in m.publics]
        hdr += ["", "#endif", ""]
        write("include/mod/%s.h" % m.name, "\n".join(hdr))
        mods.append(m)
        sources.append(rel)
    # main.c: calls every module's init.
    main_c = ["/* Entry point of the generated service. */", "#include <stdio.h>",
              "#include \"util.h\""]
    main_c += ["#include \"mod/%s.h\"" % m.name for m in mods]
    main_c += ["", "int main(int argc, char **argv)", "{",
               "\tif (db_open(argc > 1 ? argv[1] : \"facturi.db\") != SQLITE_OK) {",
               "\t\tfprintf(stderr, \"cannot open database\\n\");", "\t\treturn 1;", "\t}"]
    main_c += ["\t%s_init();" % m.name for m in mods]
    main_c += ["\treturn 0;", "}", ""]
    write("src/main.c", "\n".join(main_c))
    sources.append("src/main.c")

    cflags = ["-std=gnu11", "-Iinclude", "-DNDEBUG", "-D_FORTIFY_SOURCE=2", "-O2", "-g",
              "-Wall", "-Wextra", "-Wno-unused-parameter", "-fPIC"]
    db = []
    for rel in sources:
        obj = "build/%s.o" % rel.replace("/", "_")[:-2]
        db.append({"directory": out, "file": rel,
                   "arguments": [a.cc] + cflags + ["-c", "-o", obj, rel],
                   "output": obj})
    with open(os.path.join(out, "compile_commands.json"), "w") as f:
        json.dump(db, f, indent=2)
        f.write("\n")
    mk = ["# Generated. `make` checks that the benchmark code base compiles.",
          "CC ?= cc", "CFLAGS = %s" % " ".join(cflags), "OBJS = %s" % " ".join(d["output"] for d in db),
          "", "all: $(OBJS)", "", "build/%.o:", "\t@mkdir -p build", ""]
    for d in db:
        mk += ["%s: %s" % (d["output"], d["file"]), "\t$(CC) $(CFLAGS) -c -o $@ $<", ""]
    mk += ["clean:", "\trm -rf build", ""]
    write("Makefile", "\n".join(mk))
    with open(os.path.join(out, "expected-flows.json"), "w") as f:
        json.dump({"seed": a.seed, "tus": len(sources), "flows": g.expect}, f, indent=1)
        f.write("\n")
    total = sum(1 for rel in sources for _ in open(os.path.join(out, rel)))
    print("%s: %d TUs, %d lines of C, %d marked violations"
          % (out, len(sources), total, len(g.expect)))


if __name__ == "__main__":
    main()
