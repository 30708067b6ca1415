/*
 * step-generate-key.c: the `generate-key' step type.
 *
 * Generates the target key in the module (RSA or EC,
 * module-protected).
 */
#include <stddef.h>
#include <string.h>

#include "ceremony.h"
#include "ceremony-int.h"
#include "diag.h"
#include "step.h"

static const char *const type_values[] = {
	"RSA", "EC", NULL
};
static const char *const curve_values[] = {
	"P-256", "P-384", "P-521", NULL
};
static const char *const protect_values[] = {
	"module", "token", NULL
};

static const struct step_key keys[] = {
	{ "type", STEP_ENUM, 1, type_values, 0, 0 },
	{ "size", STEP_INTEGER, 0, NULL, 0, 0 },
	{ "curve", STEP_ENUM, 0, curve_values, 0, 0 },
	{ "pubexp", STEP_INTEGER, 0, NULL, 0, 0 },
	{ "protect", STEP_ENUM, 1, protect_values, 0, 0 },
	{ "ident", STEP_STRING, 1, NULL, 0, 0 },
	{ "plainname", STEP_STRING, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

static const long long rsa_sizes[] = { 2048, 3072, 4096 };

static void
validate(const struct ceremony *c, const struct ceremony_step *s,
    struct diag_list *dl)
{
	const struct ceremony_value *v;
	const char *type = step_literal(s, "type");
	const char *protect = step_literal(s, "protect");
	const char *size = step_literal(s, "size");
	const char *id = s->id.s;
	long long n;
	size_t i;

	if (protect != NULL && strcmp(protect, "token") == 0) {
		v = step_value(s, "protect");
		diag_add(dl, DIAG_WARNING, v->scalar.loc.line,
		    v->scalar.loc.col, "protect: token (OCS) keys are not "
		    "supported by BYOK; the engine will refuse step '%s'", id);
	}
	if (type == NULL)
		return;
	if (strcmp(type, "RSA") == 0) {
		if ((v = step_value(s, "curve")) != NULL)
			diag_add(dl, DIAG_ERROR, v->key.loc.line,
			    v->key.loc.col, "'curve' does not apply to an RSA "
			    "key in step '%s'", id);
		if (size != NULL && ceremony_parse_int(size, &n) == 0) {
			for (i = 0; i < 3; i++)
				if (n == rsa_sizes[i])
					break;
			if (i == 3) {
				v = step_value(s, "size");
				diag_add(dl, DIAG_ERROR, v->scalar.loc.line,
				    v->scalar.loc.col, "RSA size %lld in step "
				    "'%s' is not 2048, 3072 or 4096", n, id);
			}
		}
	} else if (strcmp(type, "EC") == 0) {
		if ((v = step_value(s, "size")) != NULL)
			diag_add(dl, DIAG_ERROR, v->key.loc.line,
			    v->key.loc.col, "'size' does not apply to an EC key "
			    "in step '%s' (use 'curve')", id);
		if ((v = step_value(s, "pubexp")) != NULL)
			diag_add(dl, DIAG_ERROR, v->key.loc.line,
			    v->key.loc.col, "'pubexp' does not apply to an EC "
			    "key in step '%s'", id);
	}
}

const struct step_type step_generate_key = {
	"generate-key", keys, validate, NULL,
};
