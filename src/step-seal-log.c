/*
 * step-seal-log.c: the `seal-log' step type.
 *
 * Seals the audit log: the final entry, cosigned by the
 * custodians' cards.  It takes no keys.
 */
#include <stddef.h>

#include "step.h"

static const struct step_key keys[] = {
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

const struct step_type step_seal_log = {
	"seal-log", keys, NULL, NULL,
};
