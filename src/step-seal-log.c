/* SPDX-License-Identifier: ISC */
/*
 * step-seal-log.c: the `seal-log' step type.
 *
 * Seals the audit log: the final entry, cosigned by the
 * custodians' cards.  It takes no keys.
 */
#include <stddef.h>

#include "step.h"
#include "step-ctx.h"

static const struct step_key keys[] = {
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

/* K cards, then step-result, ceremony-end and the seal (step_seal), which
 * also writes the transcript and the summary. */
static int
run(struct step_ctx *ctx)
{
	struct engine_quorum *q;
	int rc;

	/* Before any world exists there are no cards to ask for. */
	if (step_world_logged(ctx) && (rc = step_need_quorum(ctx, &q)) != 0)
		return rc;
	return step_seal(ctx);
}

const struct step_type step_seal_log = {
	"seal-log", keys, NULL, run,
};
