/*
 * step-carry-artifact.c: the `carry-artifact' step type.
 *
 * An artifact is carried from one station to another on removable
 * media; its SHA-256 is recorded on both sides.
 */
#include <stddef.h>

#include "step.h"

static const struct step_key keys[] = {
	{ "artifact", STEP_STRING, 1, NULL, 0, 0 },
	{ "from", STEP_STATION, 1, NULL, 0, 0 },
	{ "to", STEP_STATION, 1, NULL, 0, 0 },
	{ "medium", STEP_STRING, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

const struct step_type step_carry_artifact = {
	"carry-artifact", keys, NULL, NULL,
};
