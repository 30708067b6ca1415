/*
 * step-import-kek.c: the `import-kek' step type.
 *
 * Imports the key exchange key (the receiving vault's public key)
 * for the current BYOK method, recording its kid.
 */
#include <stddef.h>

#include "step.h"

static const struct step_key keys[] = {
	{ "file", STEP_STRING, 1, NULL, 0, 0 },
	{ "kid", STEP_STRING, 1, NULL, 0, 0 },
	{ "sha256", STEP_SHA256, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

const struct step_type step_import_kek = {
	"import-kek", keys, NULL, NULL,
};
