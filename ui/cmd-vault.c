/*
 * cmd-vault.c: placeholder for the 'vault' verb until its owner lands it.
 */
#include <stddef.h>

#include "cli.h"

static int
cmd_vault_exec(int argc, char **argv)
{
	cli_warnx("vault: not built yet");
	return 1;
}

const struct cmd_entry cmd_vault_entry = {
	"vault", "vault ...", "(not built yet)", NULL, cmd_vault_exec,
};
