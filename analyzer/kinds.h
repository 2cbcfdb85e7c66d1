/*
 * Enums and names of privflow's closed sets (rules, sink kinds,
 * transforms, severities), generated from kinds.def.
 */
#ifndef PF_KINDS_H
#define PF_KINDS_H

#include <stddef.h>

enum pf_rule {
#define PF_RULE(e, id, sev, desc) PF_RULE_##e,
#include "kinds.def"
#undef PF_RULE
	PF_RULE_COUNT
};

enum pf_sink_kind {
#define PF_SINK(e, id, desc) PF_SINK_##e,
#include "kinds.def"
#undef PF_SINK
	PF_SINK_COUNT
};
/* A write to a handle whose kind could not be traced (a FILE * or a
   descriptor of unknown origin): not a kind one can declare, but never a
   dropped sink (DESIGN.md, Handles). */
#define PF_SINK_UNKNOWN PF_SINK_COUNT
/* Engine-internal: ciphertext reaching a decryption (PF_EFF_DECRYPT); never
   a finding, it clears the received data it came from. */
#define PF_SINK_DECRYPTED (PF_SINK_COUNT + 1)

/* Transforms are a bit set: 1u << PF_TR_x. */
enum pf_transform {
#define PF_TRANSFORM(e, id) PF_TR_##e,
#include "kinds.def"
#undef PF_TRANSFORM
	PF_TR_COUNT
};

enum pf_severity {
#define PF_SEVERITY(e, id) PF_SEV_##e,
#include "kinds.def"
#undef PF_SEVERITY
	PF_SEV_COUNT
};

const char *pf_rule_id(int rule);
const char *pf_rule_description(int rule);
int pf_rule_default_severity(int rule);
int pf_rule_default_enabled(int rule);    /* 0: opt-in, on once a policy lists it */
int pf_rule_from_id(const char *id);        /* -1 if unknown */
const char *pf_sink_id(int sink);
int pf_sink_from_id(const char *id);        /* -1 if unknown */
const char *pf_transform_id(int tr);
int pf_transform_from_id(const char *id);   /* -1 if unknown */
const char *pf_severity_id(int sev);
int pf_severity_from_id(const char *id);    /* -1 if unknown */
/* "hashed,redacted" for a transform set; buf of at least 64 bytes. */
const char *pf_transforms_str(unsigned set, char *buf, size_t size);
/* The set of "hashed,redacted" (unknown ids are left out). */
unsigned pf_transforms_parse(const char *csv);

#endif
