/*
 * step-reduce-acl.c: the `reduce-acl' step type.
 *
 * Reduces a key's ACL so that it can only be exported wrapped to
 * the named KEK for the named world package (needs the quorum).
 */
#include <stddef.h>

#include "step.h"

static const struct step_key keys[] = {
	{ "ident", STEP_STRING, 1, NULL, 0, 0 },
	{ "kek_package", STEP_STRING, 1, NULL, 0, 0 },
	{ "world_package", STEP_STRING, 1, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

const struct step_type step_reduce_acl = {
	"reduce-acl", keys, NULL, NULL,
};
