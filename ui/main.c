/* SPDX-License-Identifier: ISC */
/*
 * main.c: keyrite's entry point: global options and the verb table.
 * Each verb lives in ui/cmd-<verb>.c.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "config.h"
#include "cli.h"

static const struct cmd_entry *const cmds[] = {
	&cmd_run_entry,
	&cmd_rehearse_entry,
	&cmd_lint_entry,
	&cmd_print_entry,
	&cmd_audit_entry,
	&cmd_module_entry,
	&cmd_vault_entry,
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void
usage_all(FILE *f)
{
	size_t i;

	fprintf(f, "usage: keyrite VERB [OPTIONS] [ARGS]\n\n"
	    "Walks HSM key custodians through a key ceremony and keeps a signed,\n"
	    "tamper-evident record of it.\n\nVerbs:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-10s %s\n", cmds[i]->name, cmds[i]->summary);
	fprintf(f, "\nGlobal options:\n"
	    "  -h, --help     this help; 'keyrite VERB --help' for a verb\n"
	    "  -V, --version  the version\n\n"
	    "Exit status: 0 success, 1 failed, 2 log unsealed, 64 usage,\n"
	    "65 bad input data, 66 missing input, 73 cannot create output,\n"
	    "74 I/O error, 75 state locked.  See keyrite(1).\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage_all(stderr);
		return EX_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage_all(stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("keyrite %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(argv[1], cmds[i]->name) != 0)
			continue;
		if (cli_wants_help(argc - 1, argv + 1))
			return cli_help(cmds[i]);
		return cmds[i]->exec(argc - 1, argv + 1);
	}
	fprintf(stderr, "keyrite: unknown verb '%s'\n", argv[1]);
	usage_all(stderr);
	return EX_USAGE;
}
