/*
 * step-verify-file-hash.c: the `verify-file-hash' step type.
 *
 * Checks the SHA-256 of a file (for example the downloaded toolset)
 * against the value the ceremony pins.
 */
#include <stddef.h>

#include "step.h"

static const struct step_key keys[] = {
	{ "file", STEP_STRING, 1, NULL, 0, 0 },
	{ "sha256", STEP_SHA256, 1, NULL, 0, 0 },
	{ "name", STEP_STRING, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

const struct step_type step_verify_file_hash = {
	"verify-file-hash", keys, NULL, NULL,
};
