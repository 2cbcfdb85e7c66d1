/*
 * privflow.h - annotations for the privflow data-flow auditor.
 *
 * Include it in the code privflow scans to state facts the analyser cannot
 * guess. Under clang (which privflow uses to parse) each macro expands to
 * __attribute__((annotate("privflow:..."))); under any other compiler to
 * nothing, so annotated code builds unchanged everywhere.
 *
 *   struct user {
 *       char *contact PRIVFLOW_DATA("user.contact.email");
 *       bool no_mail  PRIVFLOW_OPTOUT("marketing");
 *   };
 *   PRIVFLOW_PURPOSE("marketing.communications")
 *   void send_newsletter(const struct user *u);
 *
 * See docs/annotations.md for every macro and where it may appear.
 */
#ifndef PRIVFLOW_H
#define PRIVFLOW_H

#if defined(__clang__)
#define PRIVFLOW_ANNOTATE(s) __attribute__((annotate(s)))
#else
#define PRIVFLOW_ANNOTATE(s)
#endif

/* Field, variable, parameter or function (its return value): the value is
   personal data of this fideslang category. */
#define PRIVFLOW_DATA(category) PRIVFLOW_ANNOTATE("privflow:data:" category)
/* Function: what it does serves this purpose (fideslang data use). */
#define PRIVFLOW_PURPOSE(purpose) PRIVFLOW_ANNOTATE("privflow:purpose:" purpose)
/* Function: its arguments leave to this recipient (a policy id). */
#define PRIVFLOW_RECIPIENT(recipient) PRIVFLOW_ANNOTATE("privflow:recipient:" recipient)
/* Function: its arguments reach a sink: log, storage, network, network.tls. */
#define PRIVFLOW_SINK(kind) PRIVFLOW_ANNOTATE("privflow:sink:" kind)
/* Function: its result is its input transformed: hashed, encrypted,
   anonymized, redacted, pseudonymized. */
#define PRIVFLOW_SANITIZER(transform) PRIVFLOW_ANNOTATE("privflow:sanitizer:" transform)
/* Function: as PRIVFLOW_SANITIZER, and says where the result goes: an
   argument's index from 0 (PRIVFLOW_SANITIZER_TO("encrypted", 1): the
   buffer in argument 1) or ret. Without it, a function that returns a
   pointer or a struct leaves its result there; one that returns a length,
   a status or nothing, in its output buffers (pointers to non-const text
   or bytes). */
#define PRIVFLOW_SANITIZER_TO(transform, where) \
	PRIVFLOW_ANNOTATE("privflow:sanitizer:" transform ":" #where)
/* Field or function: true means the user opted out of that use. */
#define PRIVFLOW_OPTOUT(use) PRIVFLOW_ANNOTATE("privflow:optout:" use)
/* Field or function: true means the user consented to that use. */
#define PRIVFLOW_CONSENT(use) PRIVFLOW_ANNOTATE("privflow:consent:" use)
/* Function: the account-closure entry point. */
#define PRIVFLOW_ERASURE PRIVFLOW_ANNOTATE("privflow:erasure")
/* Function: the data-portability entry point. */
#define PRIVFLOW_EXPORT PRIVFLOW_ANNOTATE("privflow:export")
/* Function: deletes the user's data in a store (named by the policy or
   the catalogue: a table, a file path, a key prefix). */
#define PRIVFLOW_ERASES(store) PRIVFLOW_ANNOTATE("privflow:erases:" store)
/* Function: writes the user's data to a store of that name. */
#define PRIVFLOW_STORE(store) PRIVFLOW_ANNOTATE("privflow:store:" store)

#endif
