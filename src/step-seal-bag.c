/* SPDX-License-Identifier: ISC */
/*
 * step-seal-bag.c: the `seal-bag' step type.
 *
 * Media or cards go into a tamper-evident bag: the operator seals it, the
 * witness reads the number printed on it, and the log records the number
 * and what the bag holds, so that open-bag can check it when the bag is
 * opened (at the other station, or at the next ceremony).
 */
#include <stddef.h>
#include <stdio.h>

#include "ceremony.h"
#include "diag.h"
#include "err.h"
#include "step.h"
#include "step-ctx.h"

static const struct step_key keys[] = {
	{ "bag", STEP_STRING, 1, NULL, 0, 0 },
	{ "contents", STEP_STRING, 1, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

/* A literal bag number must be one (a ${ref} is checked when asked). */
void
step_bag_validate(const struct ceremony *c, const struct ceremony_step *s,
    struct diag_list *dl)
{
	const struct ceremony_value *v;
	const char *lit, *const names[] = { "bag", "read" };
	struct kr_err e;
	size_t i;

	(void)c;
	for (i = 0; i < 2; i++) {
		if ((lit = step_literal(s, names[i])) == NULL ||
		    ceremony_bag_check(lit, &e) == 0)
			continue;
		v = step_value(s, names[i]);
		diag_add(dl, DIAG_ERROR, v->scalar.loc.line, v->scalar.loc.col,
		    "%s in step '%s'", e.msg, s->id.s);
	}
}

static int
run(struct step_ctx *ctx)
{
	const char *bag, *contents;
	int rc;

	if ((rc = step_arg(ctx, "bag", &bag)) != 0 ||
	    (rc = step_arg(ctx, "contents", &contents)) != 0)
		return rc;
	if ((rc = ceremony_bag_check(bag, &ctx->err)) != 0)
		return rc;
	if ((rc = step_need_ack(ctx)) != 0) {
		step_info(ctx, "Seal %s in the tamper-evident bag numbered %s; "
		    "the witness reads the number on the bag.", contents, bag);
		return rc;
	}
	if ((rc = step_note(ctx, "bag %s sealed: %s", bag, contents)) != 0)
		return rc;
	snprintf(ctx->detail, sizeof(ctx->detail), "bag %s sealed", bag);
	return 0;
}

const struct step_type step_seal_bag = {
	"seal-bag", keys, step_bag_validate, run,
};
