/*
 * The registry of report formats: one line per writer in a static table
 * (adding a format is one file in reports/ plus one line here), and the
 * helpers the writers share.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kinds.h"
#include "report_p.h"
#include "util.h"

static const pf_report_writer writers[] = {
	{ .name = "text", .extension = "txt", .render = pf_report_text },
	{ .name = "json", .extension = "json", .render = pf_report_json, .keeps_suppressed = 1 },
	{ .name = "sarif", .extension = "sarif", .render = pf_report_sarif, .keeps_suppressed = 1 },
	{ .name = "md", .extension = "md", .render = pf_report_md },
	{ .name = "html", .extension = "html", .render = pf_report_html },
	{ .name = "dot", .extension = "dot", .render = pf_report_dot },
	{ .name = "svg", .extension = "svg", .render = pf_report_svg },
	{ .name = "gitlab-sast", .extension = "gitlab-sast.json", .render = pf_report_gitlab_sast,
	  .keeps_suppressed = 1 },
};

#define NWRITERS (sizeof(writers) / sizeof(writers[0]))

/* The writer of format `name`, or NULL if there is none. */
const pf_report_writer *pf_report_writer_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < NWRITERS; i++)
		if (!strcmp(writers[i].name, name))
			return &writers[i];
	return NULL;
}

/* "text, json, sarif, ..." in table order; a static string. */
const char *pf_report_formats(void)
{
	static char names[256];
	size_t i, len = 0;

	if (names[0])
		return names;
	for (i = 0; i < NWRITERS; i++) {
		int n = snprintf(names + len, sizeof(names) - len, "%s%s",
		                 i ? ", " : "", writers[i].name);

		assert(n > 0 && (size_t)n < sizeof(names) - len);
		len += (size_t)n;
	}
	return names;
}

void pf_sbuf_add(pf_sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;

		while (cap < b->n + n + 1)
			cap *= 2;
		b->v = pf_realloc(b->v, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->v + b->n, s, n);
	b->n += n;
	b->v[b->n] = '\0';
}

void pf_sbuf_puts(pf_sbuf *b, const char *s)
{
	if (s)
		pf_sbuf_add(b, s, strlen(s));
}

void pf_sbuf_printf(pf_sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	assert(n >= 0);
	if ((size_t)n < sizeof(small)) {
		pf_sbuf_add(b, small, (size_t)n);
		return;
	}
	pf_sbuf_add(b, "", 0);
	if (b->n + (size_t)n + 1 > b->cap) {
		b->cap = b->n + (size_t)n + 1;
		b->v = pf_realloc(b->v, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->v + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

void pf_sbuf_put_escaped(pf_sbuf *b, const char *s)
{
	char esc[8];

	while (s && *s) {
		int n = pf_text_char(s, esc);
		if (esc[0])
			pf_sbuf_puts(b, esc);
		else
			pf_sbuf_add(b, s, (size_t)n);
		s += n;
	}
}

void pf_sbuf_take(pf_sbuf *b, char **out, size_t *len)
{
	pf_sbuf_add(b, "", 0); /* never NULL */
	*out = b->v;
	*len = b->n;
	b->v = NULL;
	b->n = b->cap = 0;
}

void pf_report_count(const pf_results *r, size_t *by_severity,
                     size_t *by_rule)
{
	size_t i;

	if (by_severity)
		memset(by_severity, 0, PF_SEV_COUNT * sizeof(*by_severity));
	if (by_rule)
		memset(by_rule, 0, PF_RULE_COUNT * sizeof(*by_rule));
	for (i = 0; i < r->nfindings; i++) {
		const pf_finding *f = &r->findings[i];

		if (by_severity && f->severity >= 0 && f->severity < PF_SEV_COUNT)
			by_severity[f->severity]++;
		if (by_rule && f->rule >= 0 && f->rule < PF_RULE_COUNT)
			by_rule[f->rule]++;
	}
}

size_t pf_report_nsuppressed(const pf_results *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nfindings; i++)
		n += r->findings[i].suppression != NULL;
	return n;
}

void pf_sbuf_put_xml(pf_sbuf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; s && i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&': pf_sbuf_puts(b, "&amp;"); break;
		case '<': pf_sbuf_puts(b, "&lt;"); break;
		case '>': pf_sbuf_puts(b, "&gt;"); break;
		case '"': pf_sbuf_puts(b, "&quot;"); break;
		case '\'': pf_sbuf_puts(b, "&#39;"); break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				pf_sbuf_puts(b, " ");
			else
				pf_sbuf_add(b, s + i, 1);
		}
	}
}

