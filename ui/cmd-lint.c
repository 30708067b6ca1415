/*
 * cmd-lint.c: placeholder for the 'lint' verb until its owner lands it.
 */
#include <stddef.h>

#include "cli.h"

static int
cmd_lint_exec(int argc, char **argv)
{
	cli_warnx("lint: not built yet");
	return 1;
}

const struct cmd_entry cmd_lint_entry = {
	"lint", "lint ...", "(not built yet)", NULL, cmd_lint_exec,
};
