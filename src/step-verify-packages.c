/*
 * step-verify-packages.c: the `verify-packages' step type.
 *
 * Verifies the KEK package and the Security World package up to the
 * pinned root key hash, and that they belong to the region.
 */
#include <stddef.h>

#include "step.h"

static const struct step_key keys[] = {
	{ "kek_package", STEP_STRING, 1, NULL, 0, 0 },
	{ "world_package", STEP_STRING, 1, NULL, 0, 0 },
	{ "root_hash", STEP_HASH, 1, NULL, 0, 0 },
	{ "region", STEP_STRING, 1, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

const struct step_type step_verify_packages = {
	"verify-packages", keys, NULL, NULL,
};
