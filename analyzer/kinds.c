/*
 * Names of privflow's closed sets, generated from kinds.def so that enum
 * values and their ids can never disagree.
 */
#include <string.h>

#include "kinds.h"

static const struct {
	const char *id;
	int severity;
	const char *description;
} rules[] = {
#define PF_RULE(e, id, sev, desc) [PF_RULE_##e] = {id, PF_SEV_##sev, desc},
#include "kinds.def"
#undef PF_RULE
};

static const char *const sinks[] = {
#define PF_SINK(e, id, desc) [PF_SINK_##e] = id,
#include "kinds.def"
#undef PF_SINK
};

static const char *const transforms[] = {
#define PF_TRANSFORM(e, id) [PF_TR_##e] = id,
#include "kinds.def"
#undef PF_TRANSFORM
};

static const char *const severities[] = {
#define PF_SEVERITY(e, id) [PF_SEV_##e] = id,
#include "kinds.def"
#undef PF_SEVERITY
};

static int find(const char *const *names, size_t stride, int n, const char *id)
{
	for (int i = 0; i < n && id; i++) {
		const char *name = *(const char *const *)((const char *)names + i * stride);
		if (strcmp(name, id) == 0)
			return i;
	}
	return -1;
}

const char *pf_rule_id(int rule)
{
	return rule >= 0 && rule < PF_RULE_COUNT ? rules[rule].id : "?";
}

const char *pf_rule_description(int rule)
{
	return rule >= 0 && rule < PF_RULE_COUNT ? rules[rule].description : "";
}

/* Rules a policy turns on by listing them: unknown-purpose (whether a use
   of no known purpose is an error or an open question of the assessment
   is the policy's call). */
int pf_rule_default_enabled(int rule)
{
	return rule != PF_RULE_UNKNOWN_PURPOSE;
}

int pf_rule_default_severity(int rule)
{
	return rule >= 0 && rule < PF_RULE_COUNT ? rules[rule].severity : PF_SEV_ERROR;
}

int pf_rule_from_id(const char *id)
{
	return find(&rules[0].id, sizeof(rules[0]), PF_RULE_COUNT, id);
}

const char *pf_sink_id(int sink)
{
	if (sink == PF_SINK_UNKNOWN)
		return "unknown";
	return sink >= 0 && sink < PF_SINK_COUNT ? sinks[sink] : "?";
}

int pf_sink_from_id(const char *id)
{
	return find(sinks, sizeof(sinks[0]), PF_SINK_COUNT, id);
}

const char *pf_transform_id(int tr)
{
	return tr >= 0 && tr < PF_TR_COUNT ? transforms[tr] : "?";
}

int pf_transform_from_id(const char *id)
{
	return find(transforms, sizeof(transforms[0]), PF_TR_COUNT, id);
}

const char *pf_severity_id(int sev)
{
	return sev >= 0 && sev < PF_SEV_COUNT ? severities[sev] : "?";
}

int pf_severity_from_id(const char *id)
{
	return find(severities, sizeof(severities[0]), PF_SEV_COUNT, id);
}

const char *pf_transforms_str(unsigned set, char *buf, size_t size)
{
	size_t len = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (int i = 0; i < PF_TR_COUNT; i++) {
		if (!(set & (1u << i)))
			continue;
		const char *id = transforms[i];
		size_t n = strlen(id) + (len ? 1 : 0);
		if (len + n + 1 > size)
			break;
		if (len)
			buf[len++] = ',';
		memcpy(buf + len, id, strlen(id) + 1);
		len += strlen(id);
	}
	return buf;
}

unsigned pf_transforms_parse(const char *csv)
{
	unsigned set = 0;

	for (const char *s = csv; s && *s;) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		char id[32];
		int t;

		if (n && n < sizeof(id)) {
			memcpy(id, s, n);
			id[n] = '\0';
			if ((t = pf_transform_from_id(id)) >= 0)
				set |= 1u << t;
		}
		s += n + (comma != NULL);
	}
	return set;
}
