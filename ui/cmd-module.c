/*
 * cmd-module.c: placeholder for the 'module' verb until its owner lands it.
 */
#include <stddef.h>

#include "cli.h"

static int
cmd_module_exec(int argc, char **argv)
{
	cli_warnx("module: not built yet");
	return 1;
}

const struct cmd_entry cmd_module_entry = {
	"module", "module ...", "(not built yet)", NULL, cmd_module_exec,
};
