/*
 * step-vault-import.c: the `vault-import' step type.
 *
 * Rehearsal only: imports the package into the simulated receiving
 * vault, which unwraps it and checks its binding.
 */
#include <stddef.h>

#include "step.h"

static const struct step_key keys[] = {
	{ "file", STEP_STRING, 1, NULL, 0, 0 },
	{ "manifest", STEP_STRING, 0, NULL, 0, 0 },
	{ "kek", STEP_STRING, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

const struct step_type step_vault_import = {
	"vault-import", keys, NULL, NULL,
};
