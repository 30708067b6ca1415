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

static int
parse_bits(const char *s, int *out)
{
	if (strcmp(s, "2048") == 0)
		*out = 2048;
	else if (strcmp(s, "3072") == 0)
		*out = 3072;
	else if (strcmp(s, "4096") == 0)
		*out = 4096;
	else
		return -1;
	return 0;
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
	static const struct option opts[] = {
		{ "region", required_argument, NULL, 'r' },
		{ "kek-size", required_argument, NULL, 's' },
		{ "vault", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *regions[VAULT_NREGIONS * 2];
	struct vault_init_opts o;
	struct vault_init_info info;
	struct kr_err e;
	size_t i, ncodes = 0;
	int c, r;

	memset(&o, 0, sizeof(o));
	o.regions = regions;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (o.nregions == sizeof(regions) / sizeof(regions[0]))
				return cli_usage(&cmd_vault_entry);
			if (vault_region_find(optarg) == NULL) {
				cli_warnx("vault init: unknown region '%s'",
				    optarg);
				return cli_usage(&cmd_vault_entry);
			}
			regions[o.nregions++] = optarg;
			break;
		case 's':
			if (parse_bits(optarg, &o.kek_bits) != 0)
				return cli_usage(&cmd_vault_entry);
			break;
		case 'v':
			o.name = optarg;
			break;
		default:
			return cli_usage(&cmd_vault_entry);
		}
	}
	if (argc - optind != 1)
		return cli_usage(&cmd_vault_entry);
	if ((r = cli_harden()) != 0)
		return r;
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
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "vault", required_argument, NULL, 'v' },
		{ "import-private", required_argument, NULL, 'i' },
		{ "key-version", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct vault_kek_opts o;
	struct vault_kek_info info;
	struct kr_err e;
	int c, r;

	memset(&o, 0, sizeof(o));
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.name = optarg;
			break;
		case 's':
			if (parse_bits(optarg, &o.bits) != 0)
				return cli_usage(&cmd_vault_entry);
			break;
		case 'v':
			o.vault_name = optarg;
			break;
		case 'i':
			o.import_path = optarg;
			break;
		case 'k':
			o.version = optarg;
			break;
		default:
			return cli_usage(&cmd_vault_entry);
		}
	}
	if (argc - optind != 1 || o.name == NULL)
		return cli_usage(&cmd_vault_entry);
	if ((r = cli_harden()) != 0)
		return r;
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
	static const struct option opts[] = {
		{ "kek", required_argument, NULL, 'k' },
		{ "manifest", required_argument, NULL, 'm' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct vault_import_opts o;
	struct vault_import_info info;
	struct kr_err e;
	int c, r;

	memset(&o, 0, sizeof(o));
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			o.kek = optarg;
			break;
		case 'm':
			o.manifest = optarg;
			break;
		case 'n':
			o.name = optarg;
			break;
		default:
			return cli_usage(&cmd_vault_entry);
		}
	}
	if (argc - optind != 2)
		return cli_usage(&cmd_vault_entry);
	if ((r = cli_harden()) != 0)
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
