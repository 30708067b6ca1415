/* SPDX-License-Identifier: ISC */
/*
 * step-open-bag.c: the `open-bag' step type.
 *
 * Before a tamper-evident bag is opened, the number printed on it is read
 * and typed (`read', a bag parameter asked at this step) and keyrite checks
 * it against the number recorded when the bag was sealed (`bag'): a bag
 * swapped on the way fails the step.  The witness also checks the seal for
 * marks of tampering (the checklist of the step's instructions).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ceremony.h"
#include "diag.h"
#include "err.h"
#include "step.h"
#include "step-ctx.h"

static const struct step_key keys[] = {
	{ "bag", STEP_STRING, 1, NULL, 0, 0 },
	{ "read", STEP_STRING, 1, NULL, 0, 0 },
	{ "contents", STEP_STRING, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

static void
validate(const struct ceremony *c, const struct ceremony_step *s,
    struct diag_list *dl)
{
	const struct ceremony_value *b = ceremony_step_with(s, "bag"),
	    *r = ceremony_step_with(s, "read");

	step_bag_validate(c, s, dl);
	if (b != NULL && r != NULL && !b->is_list && !r->is_list &&
	    b->scalar.s != NULL && r->scalar.s != NULL &&
	    strcmp(b->scalar.s, r->scalar.s) == 0)
		diag_add(dl, DIAG_ERROR, r->scalar.loc.line,
		    r->scalar.loc.col, "'read' of step '%s' is the recorded "
		    "number itself; it must be read from the bag when it is "
		    "opened (a bag parameter of its own)", s->id.s);
}

/* Equal ignoring case (bag numbers are printed in either). */
static int
same(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (toupper((unsigned char)*a) != toupper((unsigned char)*b))
			return 0;
	return *a == *b;
}

static int
run(struct step_ctx *ctx)
{
	const char *bag, *read, *contents;
	int rc;

	if ((rc = step_arg(ctx, "bag", &bag)) != 0 ||
	    (rc = step_arg(ctx, "read", &read)) != 0 ||
	    (rc = step_arg(ctx, "contents", &contents)) != 0)
		return rc;
	if (!same(bag, read))
		return step_fail(ctx, KR_EDATA, "bag number %s read on the bag "
		    "is not %s, the number recorded when it was sealed: the "
		    "bag may have been swapped; do not open it, record an "
		    "exception", read, bag);
	if ((rc = step_need_ack(ctx)) != 0) {
		step_info(ctx, "Bag %s: the number matches the one recorded "
		    "when it was sealed. Check the seal for marks, then open "
		    "it.", bag);
		return rc;
	}
	if ((rc = step_note(ctx, "bag %s opened, number checked%s%s", bag,
	    contents != NULL ? ": " : "", contents != NULL ? contents : "")) !=
	    0)
		return rc;
	snprintf(ctx->detail, sizeof(ctx->detail), "bag %s checked and opened",
	    bag);
	return 0;
}

const struct step_type step_open_bag = {
	"open-bag", keys, validate, run,
};
