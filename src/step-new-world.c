/*
 * step-new-world.c: the `new-world' step type.
 *
 * Creates a Security World: the cipher suite, the Administrator Card Set
 * quorum K/N and the minimum PIN length.
 */
#include <stddef.h>
#include <string.h>

#include "ceremony.h"
#include "ceremony-int.h"
#include "diag.h"
#include "step.h"

static const char *const cipher_suite_values[] = {
	"DLf3072s256mRijndael", "DLf1024s160mRijndael",
	"DLf3072s256mAEScSP800131Ar1", NULL
};

static const struct step_key keys[] = {
	{ "cipher_suite", STEP_ENUM, 1, cipher_suite_values, 0, 0 },
	{ "quorum", STEP_QUORUM, 1, NULL, 0, 0 },
	{ "min_pin_length", STEP_INTEGER, 0, NULL, 4, 64 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

static void
validate(const struct ceremony *c, const struct ceremony_step *s,
    struct diag_list *dl)
{
	const struct ceremony_value *v = step_value(s, "cipher_suite");
	const char *suite = step_literal(s, "cipher_suite");

	if (suite != NULL && strcmp(suite, "DLf1024s160mRijndael") == 0)
		diag_add(dl, DIAG_WARNING, v->scalar.loc.line,
		    v->scalar.loc.col, "cipher suite DLf1024s160mRijndael is "
		    "weak (1024-bit DSA with SHA-1); prefer "
		    "DLf3072s256mRijndael");
}

const struct step_type step_new_world = {
	"new-world", keys, validate, NULL,
};
