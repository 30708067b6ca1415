/*
 * cmd-audit.c: placeholder for the 'audit' verb until its owner lands it.
 */
#include <stddef.h>

#include "cli.h"

static int
cmd_audit_exec(int argc, char **argv)
{
	cli_warnx("audit: not built yet");
	return 1;
}

const struct cmd_entry cmd_audit_entry = {
	"audit", "audit ...", "(not built yet)", NULL, cmd_audit_exec,
};
