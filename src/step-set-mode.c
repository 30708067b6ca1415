/* SPDX-License-Identifier: ISC */
/*
 * step-set-mode.c: the `set-mode' step type.
 *
 * Puts the security module into initialization, operational or
 * maintenance mode.
 */
#include <stddef.h>
#include <stdio.h>

#include "step.h"
#include "step-ctx.h"

static const char *const mode_values[] = {
	"I", "O", "M", "initialization", "operational", "maintenance",
	NULL
};

static const struct step_key keys[] = {
	{ "mode", STEP_ENUM, 1, mode_values, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

static int
run(struct step_ctx *ctx)
{
	const char *m;
	struct kr_err e;
	int mode, rc;

	if ((rc = step_arg(ctx, "mode", &m)) != 0)
		return rc;
	if (m == NULL || engine_mode_parse(m, &mode) != 0)
		return step_fail(ctx, KR_EDATA, "bad mode '%s'", m ? m : "");
	kr_err_clear(&e);
	if ((rc = ctx->ops->set_mode(ctx->eng, mode, &e)) != 0)
		return step_fail(ctx, rc, "%s", e.msg);
	snprintf(ctx->detail, sizeof(ctx->detail), "module in %s mode",
	    engine_mode_name(mode));
	return 0;
}

const struct step_type step_set_mode = {
	"set-mode", keys, NULL, run,
};
