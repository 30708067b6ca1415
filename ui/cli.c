/* SPDX-License-Identifier: ISC */
/*
 * cli.c: what every verb shares: messages, usage, help, hardening, hashes
 * printed in groups.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"
#include "codec.h"
#include "err.h"
#include "secmem.h"

void
cli_warnx(const char *fmt, ...)
{
	va_list ap;

	fputs("keyrite: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_usage(const struct cmd_entry *cmd)
{
	fprintf(stderr, "usage: keyrite %s\n", cmd->usage);
	fprintf(stderr, "Try 'keyrite %s --help' for more.\n", cmd->name);
	return EX_USAGE;
}

int
cli_help(const struct cmd_entry *cmd)
{
	printf("usage: keyrite %s\n\n%s", cmd->usage, cmd->summary);
	printf("\n");
	if (cmd->help != NULL && *cmd->help != '\0')
		printf("\n%s", cmd->help);
	return 0;
}

int
cli_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

int
cli_fail(const struct kr_err *e)
{
	cli_warnx("%s", e->msg[0] != '\0' ? e->msg : kr_code_name(e->code));
	return kr_exit_status(e->code);
}

int
cli_harden(void)
{
	struct kr_err e;

	kr_err_clear(&e);
	if (kr_harden_process(&e) != 0 || kr_secmem_init(&e) != 0)
		return cli_fail(&e);
	return 0;
}

const char *
cli_grouped(const char *hex, char *buf, size_t bufsz)
{
	return kr_hex_group(hex, 8, 0, buf, bufsz) < 0 ? hex : buf;
}
