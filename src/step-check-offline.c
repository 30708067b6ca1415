/*
 * step-check-offline.c: the `check-offline' step type.
 *
 * Checks that no network interface other than loopback (and the
 * listed ones) is up on the disconnected workstation.
 */
#include <stddef.h>

#include "step.h"

static const struct step_key keys[] = {
	{ "allow", STEP_LIST, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

const struct step_type step_check_offline = {
	"check-offline", keys, NULL, NULL,
};
