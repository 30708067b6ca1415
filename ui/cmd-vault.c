/* SPDX-License-Identifier: ISC */
/*
 * cmd-vault.c: `keyrite vault`: the simulated receiving vault (src/vault.h)
 * for rehearsals and tests: init (root key, region KEKs, packages,
 * toolsets), kek (a KEK for the current method) and import (a .byok).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "vault.h"

static const char vault_help[] =
"Subcommands:\n"
"  init DIR [--region ID]... [--kek-size 2048|3072|4096] [--vault NAME]\n"
"      Create a vault: a root key (its SHA-256 is the pinned hash, in\n"
"      DIR/root.hash), per region a KEK and its KEK and Security World\n"
"      packages (DIR/packages), a toolset zip (DIR/toolsets) and\n"
"      DIR/toolsets/SHA256SUMS.  Default: all 18 regions; --region (an id\n"
"      such as unitedstates, or a package code such as NA) limits them.\n"
"  kek DIR --name NAME [--size 2048|3072|4096] [--vault NAME]\n"
"      [--import-private KEY.pem] [--key-version HEX32]\n"
"      Create a KEK for the current method: writes its public key to\n"
"      DIR/NAME.pem and prints its kid.  --import-private takes an\n"
"      existing RSA private key instead; --key-version fixes the kid's\n"
"      version (32 hex digits).\n"
"  import DIR FILE.byok [--kek NAME] [--manifest M] [--name NAME]\n"
"      Unwrap and import a .byok: the KEK is found by the file's kid, or\n"
"      named by --kek (a KEK name, or a region id or code for the region's\n"
"      KEK).  With --manifest, also check the legacy binding.  Prints the\n"
"      key type, size or curve, the SHA-256 of its public key and a test\n"
"      signature, and stores the key as DIR/keys/NAME.pem.\n"
"\n"
"Exit status: 0 done, 1 a check failed (no such KEK, wrong KEK, damaged\n"
"ciphertext, manifest mismatch), 64 usage, 65 a malformed file, 66 a\n"
"missing file, 73 cannot create, 75 the vault is locked.\n";

static int cmd_vault_exec(int, char **);

const struct cmd_entry cmd_vault_entry = {
	"vault",
	"vault init DIR [--region ID]... [--kek-size N] [--vault NAME] | "
	"vault kek DIR --name NAME [--size N] [--vault NAME] "
	"[--import-private KEY.pem] [--key-version HEX32] | "
	"vault import DIR FILE.byok [--kek NAME] [--manifest M] [--name NAME]",
	"the simulated receiving vault: init, kek, import",
	vault_help,
	cmd_vault_exec,
};

/* One option of a vault subcommand: its long name, and take(), which stores
 * its argument in *to (-1: a bad argument, a usage error). */
struct vault_opt {
	const char	*name;
	int		(*take)(const char *arg, void *to);
	void		*to;
};

#define VAULT_OPTS_MAX	8

/* Takes a string option as it is. */
static int
take_str(const char *arg, void *to)
{
	*(const char **)to = arg;
	return 0;
}

/* Takes a key size: 2048, 3072 or 4096 bits. */
static int
take_bits(const char *arg, void *to)
{
	int *out = to;

	if (strcmp(arg, "2048") == 0)
		*out = 2048;
	else if (strcmp(arg, "3072") == 0)
		*out = 3072;
	else if (strcmp(arg, "4096") == 0)
		*out = 4096;
	else
		return -1;
	return 0;
}

/* The regions `vault init --region` names, each checked. */
struct region_list {
	const char	*ids[VAULT_NREGIONS * 2];
	size_t		 n;
};

static int
take_region(const char *arg, void *to)
{
	struct region_list *rl = to;

	if (rl->n == sizeof(rl->ids) / sizeof(rl->ids[0]))
		return -1;
	if (vault_region_find(arg) == NULL) {
		cli_warnx("vault init: unknown region '%s'", arg);
		return -1;
	}
	rl->ids[rl->n++] = arg;
	return 0;
}

/* Parses a subcommand's options (vo ends with a NULL name), checks that
 * nargs operands follow them (at argv[optind]) and hardens the process:
 * 0, or the exit status of a usage error or of the hardening. */
static int
vault_cmd_parse(int argc, char **argv, const struct vault_opt *vo, int nargs)
{
	struct option lo[VAULT_OPTS_MAX + 1];
	int c, n;

	for (n = 0; vo[n].name != NULL && n < VAULT_OPTS_MAX; n++) {
		lo[n].name = vo[n].name;
		lo[n].has_arg = required_argument;
		lo[n].flag = NULL;
		lo[n].val = n + 1;
	}
	memset(&lo[n], 0, sizeof(lo[n]));
	optind = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1)
		if (c < 1 || c > n || vo[c - 1].take(optarg, vo[c - 1].to) != 0)
			return cli_usage(&cmd_vault_entry);
	if (argc - optind != nargs)
		return cli_usage(&cmd_vault_entry);
	return cli_harden();
}

static void
print_hash(const char *label, const char *hex)
{
	char grouped[96];

	printf("%s\n    %s\n", label, cli_grouped(hex, grouped,
	    sizeof(grouped)));
}

static int
vault_init_cmd(int argc, char **argv)
{
	struct region_list rl;
	struct vault_init_opts o;
	struct vault_init_info info;
	const struct vault_opt vo[] = {
		{ "region", take_region, &rl },
		{ "kek-size", take_bits, &o.kek_bits },
		{ "vault", take_str, &o.name },
		{ NULL, NULL, NULL },
	};
	struct kr_err e;
	size_t i, ncodes = 0;
	int r;

	memset(&o, 0, sizeof(o));
	rl.n = 0;
	if ((r = vault_cmd_parse(argc, argv, vo, 1)) != 0)
		return r;
	o.regions = rl.ids;
	o.nregions = rl.n;
	kr_err_clear(&e);
	if (vault_init(argv[optind], &o, &info, &e) != 0)
		return cli_fail(&e);
	for (i = 0; i < info.ntoolsets; i++)
		if (i == 0 || strcmp(info.toolsets[i].region->code,
		    info.toolsets[i - 1].region->code) != 0)
			ncodes++;
	printf("vault %s created in %s: %zu regions, %zu KEKs (RSA %d)\n",
	    info.name, argv[optind], info.ntoolsets, ncodes,
	    o.kek_bits == 0 ? 2048 : o.kek_bits);
	printf("root key SHA-256: %s\n", info.root_sha256);
	printf("root key SHA-1: %s\n", info.root_sha1);
	print_hash("root key hash to pin (SHA-256 of its DER "
	    "SubjectPublicKeyInfo):", info.root_sha256);
	printf("toolsets (%s/toolsets, SHA256SUMS):\n", argv[optind]);
	for (i = 0; i < info.ntoolsets; i++)
		printf("  %-16s %-8s %-42s %s\n", info.toolsets[i].region->id,
		    info.toolsets[i].region->code,
		    info.toolsets[i].region->toolset_zip,
		    info.toolsets[i].sha256);
	return 0;
}

static int
vault_kek_cmd(int argc, char **argv)
{
	struct vault_kek_opts o;
	struct vault_kek_info info;
	const struct vault_opt vo[] = {
		{ "name", take_str, &o.name },
		{ "size", take_bits, &o.bits },
		{ "vault", take_str, &o.vault_name },
		{ "import-private", take_str, &o.import_path },
		{ "key-version", take_str, &o.version },
		{ NULL, NULL, NULL },
	};
	struct kr_err e;
	int r;

	memset(&o, 0, sizeof(o));
	if ((r = vault_cmd_parse(argc, argv, vo, 1)) != 0)
		return r;
	if (o.name == NULL)
		return cli_usage(&cmd_vault_entry);
	kr_err_clear(&e);
	if (vault_kek_create(argv[optind], &o, &info, &e) != 0)
		return cli_fail(&e);
	printf("KEK %s (RSA %d) created in %s\n", info.name, info.bits,
	    argv[optind]);
	printf("public key: %s\n", info.pem_path);
	printf("kid: %s\n", info.kid);
	print_hash("SHA-256 of the public key (DER SubjectPublicKeyInfo):",
	    info.spki_sha256);
	return 0;
}

static int
vault_import_cmd(int argc, char **argv)
{
	struct vault_import_opts o;
	struct vault_import_info info;
	const struct vault_opt vo[] = {
		{ "kek", take_str, &o.kek },
		{ "manifest", take_str, &o.manifest },
		{ "name", take_str, &o.name },
		{ NULL, NULL, NULL },
	};
	struct kr_err e;
	int r;

	memset(&o, 0, sizeof(o));
	if ((r = vault_cmd_parse(argc, argv, vo, 2)) != 0)
		return r;
	kr_err_clear(&e);
	if (vault_import(argv[optind], argv[optind + 1], &o, &info, &e) != 0)
		return cli_fail(&e);
	if (!info.kid_matches)
		cli_warnx("note: the file's kid is not KEK %s's kid; --kek "
		    "chose the KEK", info.kek_name);
	printf("imported %s as %s (%s)\n", argv[optind + 1], info.name,
	    info.stored);
	printf("KEK: %s%s%s\n", info.kek_name, info.region[0] != '\0' ?
	    ", region " : "", info.region);
	printf("kid: %s\n", info.kek_kid);
	if (info.manifest_checked)
		printf("manifest: verified (subscription %s, friendly name "
		    "%s)\n", info.subscription_id, info.friendly_name);
	printf("kty: %s\n", info.kty);
	if (info.curve[0] != '\0')
		printf("curve: %s\n", info.curve);
	else
		printf("size: %d\n", info.bits);
	print_hash("SHA-256 fingerprint of the public key (DER "
	    "SubjectPublicKeyInfo):", info.spki_sha256);
	printf("test signature: %s\n", info.signature_verified ? "verified" :
	    "FAILED");
	return 0;
}

static int
cmd_vault_exec(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(&cmd_vault_entry);
	if (strcmp(argv[1], "init") == 0)
		return vault_init_cmd(argc - 1, argv + 1);
	if (strcmp(argv[1], "kek") == 0)
		return vault_kek_cmd(argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return vault_import_cmd(argc - 1, argv + 1);
	cli_warnx("vault: unknown subcommand '%s'", argv[1]);
	return cli_usage(&cmd_vault_entry);
}
