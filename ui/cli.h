/* SPDX-License-Identifier: ISC */
/*
 * cli.h: the command-line front end.  One file per verb (ui/cmd-<verb>.c),
 * each exporting a const struct cmd_entry; ui/main.c holds the table.
 * Verbs print and choose exit statuses (DESIGN section 7); the library
 * below them does neither.
 */
#ifndef KR_CLI_H
#define KR_CLI_H

struct kr_err;

struct cmd_entry {
	const char	*name;		/* "lint" */
	const char	*usage;		/* "lint CEREMONY.yaml..." (after "keyrite ") */
	const char	*summary;	/* one line for keyrite --help */
	const char	*help;		/* the verb's --help text after the usage line */
	int		(*exec)(int argc, char **argv);	/* argv[0] is the verb */
};

extern const struct cmd_entry cmd_lint_entry;
extern const struct cmd_entry cmd_print_entry;
extern const struct cmd_entry cmd_audit_entry;
extern const struct cmd_entry cmd_module_entry;
extern const struct cmd_entry cmd_vault_entry;
extern const struct cmd_entry cmd_run_entry, cmd_rehearse_entry;

/* "keyrite: message\n" on standard error. */
void	cli_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the verb's usage to standard error and returns EX_USAGE (64). */
int	cli_usage(const struct cmd_entry *cmd);

/* Prints the verb's usage and help to standard output and returns 0. */
int	cli_help(const struct cmd_entry *cmd);

/* 1 when argv holds -h or --help before any "--". */
int	cli_wants_help(int argc, char **argv);

/* Prints "keyrite: <e->msg>" and returns the exit status for e->code. */
int	cli_fail(const struct kr_err *e);

/* Sets up the process for handling secrets: no core dumps, no ptrace,
 * the secure heap.  Returns 0 or an exit status after printing why. */
int	cli_harden(void);

/* hex in groups of 8 digits ("0a1b2c3d 4e5f..."), written to buf; hex
 * itself when buf is too small for it. */
const char	*cli_grouped(const char *hex, char *buf, size_t bufsz);

#endif
