/*
 * step-backup.c: the `backup' step type.
 *
 * Copies the world (or a key, or both) to backup media.
 */
#include <stddef.h>

#include "step.h"

static const char *const what_values[] = {
	"world", "key", "all", NULL
};

static const struct step_key keys[] = {
	{ "what", STEP_ENUM, 1, what_values, 0, 0 },
	{ "ident", STEP_STRING, 0, NULL, 0, 0 },
	{ "dest", STEP_STRING, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

const struct step_type step_backup = {
	"backup", keys, NULL, NULL,
};
