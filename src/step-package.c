/*
 * step-package.c: the `package' step type.
 *
 * Wraps the key to the KEK and writes the transfer package: the
 * legacy format bound to a subscription, or a .byok file for a kid.
 */
#include <stddef.h>
#include <string.h>

#include "ceremony.h"
#include "ceremony-int.h"
#include "diag.h"
#include "step.h"

static const char *const format_values[] = {
	"legacy", "byok", NULL
};

static const struct step_key keys[] = {
	{ "format", STEP_ENUM, 1, format_values, 0, 0 },
	{ "ident", STEP_STRING, 1, NULL, 0, 0 },
	{ "output", STEP_STRING, 1, NULL, 0, 0 },
	{ "kek_package", STEP_STRING, 0, NULL, 0, 0 },
	{ "world_package", STEP_STRING, 0, NULL, 0, 0 },
	{ "subscription_id", STEP_STRING, 0, NULL, 0, 0 },
	{ "friendly_name", STEP_STRING, 0, NULL, 0, 0 },
	{ "kek_file", STEP_STRING, 0, NULL, 0, 0 },
	{ "kid", STEP_STRING, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

static const char *const legacy_keys[] = {
	"kek_package", "world_package", "subscription_id", "friendly_name", NULL
};
static const char *const byok_keys[] = { "kek_file", "kid", NULL };

static void
need(const struct ceremony_step *s, const char *format,
    const char *const *names, struct diag_list *dl)
{
	for (; *names != NULL; names++)
		if (step_value(s, *names) == NULL)
			diag_add(dl, DIAG_ERROR, s->with_loc.line,
			    s->with_loc.col, "missing required key '%s' in "
			    "'with' of step '%s' (format '%s')", *names,
			    s->id.s, format);
}

static void
refuse(const struct ceremony_step *s, const char *format,
    const char *const *names, struct diag_list *dl)
{
	const struct ceremony_value *v;

	for (; *names != NULL; names++)
		if ((v = step_value(s, *names)) != NULL)
			diag_add(dl, DIAG_ERROR, v->key.loc.line,
			    v->key.loc.col, "'%s' does not apply to format "
			    "'%s' in step '%s'", *names, format, s->id.s);
}

static void
validate(const struct ceremony *c, const struct ceremony_step *s,
    struct diag_list *dl)
{
	const char *format = step_literal(s, "format");

	if (format == NULL)
		return;		/* a ${ref}: checked when it is known */
	if (strcmp(format, "legacy") == 0) {
		need(s, format, legacy_keys, dl);
		refuse(s, format, byok_keys, dl);
	} else if (strcmp(format, "byok") == 0) {
		need(s, format, byok_keys, dl);
		refuse(s, format, legacy_keys, dl);
	}
}

const struct step_type step_package = {
	"package", keys, validate, NULL,
};
