/* SPDX-License-Identifier: ISC */
/*
 * cmd-module.c: 'keyrite module status': what the built-in software module
 * holds, printed like the vendor's world and key listings: one block for
 * the module, one for the world, one per key.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"
#include "codec.h"
#include "engine.h"
#include "err.h"

static int cmd_module_exec(int argc, char **argv);

const struct cmd_entry cmd_module_entry = {
	"module",
	"module status [--state DIR] [--token URI]",
	"show the software module (mode, world, cards, keys) or a PKCS#11 token",
	"  --state DIR   the module's state directory (default\n"
	"                $XDG_DATA_HOME/keyrite/module, else\n"
	"                ~/.local/share/keyrite/module)\n"
	"  --token URI   a PKCS#11 token by its RFC 7512 URI with its module:\n"
	"                'pkcs11:token=LABEL?module-path=/path/module.so'\n"
	"                (with --state DIR: also the custodians' world for it)\n"
	"\n"
	"Prints the mode, the world (id, cipher suite, K/N quorum, cards and\n"
	"their public keys) and every key with its ACL.  With --token: the\n"
	"token, its mechanisms, keyrite's objects visible without logging in,\n"
	"and whether the token may package (RFC 5649 known answers through its\n"
	"key wrap with padding and a test wrap checked in software).  Exit\n"
	"status 66 when the state directory or token is missing, 65 when a\n"
	"file in it is damaged, 75 when another keyrite process holds it, 64\n"
	"for a URI with a slot, a PIN or an unknown attribute.\n",
	cmd_module_exec,
};

static void
grouped(const char *label, const char *hex)
{
	char buf[160];

	if (kr_hex_group(hex, 8, 0, buf, sizeof(buf)) < 0)
		snprintf(buf, sizeof(buf), "%s", hex);
	printf(" %-14s %s\n", label, buf);
}

static void
print_status(const char *dir, const struct engine_status *st)
{
	const struct engine_world_info *w = &st->world;
	const struct engine_key_info *k;
	char label[32];
	size_t i;
	int j;

	printf("Module #1 (soft)\n");
	printf(" %-14s %s\n", "state dir", dir);
	printf(" %-14s %s (%c)\n", "mode", engine_mode_name(st->mode), st->mode);
	printf("\nWorld\n");
	if (!st->has_world) {
		printf(" %-14s none (run new-world in initialization mode)\n",
		    "state");
	} else {
		printf(" %-14s Initialised Usable\n", "state");
		grouped("world id", w->world_id);
		printf(" %-14s %s\n", "ciphersuite", w->suite);
		printf(" %-14s %d/%d\n", "k-out-of-n", w->k, w->n);
		printf(" %-14s %d\n", "min PIN length", w->min_pin_len);
		printf(" %-14s scrypt N=2^%d r=8 p=1\n", "card KDF",
		    w->scrypt_log2n);
		printf(" %-14s %s\n", "created", w->created);
		printf(" %-14s %s\n", "signing key", w->signing_alg);
		grouped("signing key id", w->signing_pub_sha256);
		for (j = 0; j < w->n; j++) {
			snprintf(label, sizeof(label), "card %d", w->cards[j].index);
			grouped(label, w->cards[j].pub_hex);
		}
		if (w->warning[0] != '\0')
			printf(" %-14s %s\n", "warning", w->warning);
	}
	for (i = 0; i < st->nkeys; i++) {
		k = &st->keys[i];
		printf("\nKey AppName %s Ident %s\n", k->appname, k->ident);
		printf(" %-14s \"%s\"\n", "name", k->plainname);
		if (strcmp(k->type, "RSA") == 0)
			printf(" %-14s RSA %d pubexp %lu\n", "type", k->size,
			    k->pubexp);
		else if (strcmp(k->type, "AES") == 0)
			printf(" %-14s AES %d\n", "type", k->size);
		else
			printf(" %-14s EC %s\n", "type", k->curve);
		printf(" %-14s %s\n", "protect", k->protect);
		printf(" %-14s %s\n", "created", k->created);
		if (k->kcv[0] != '\0')
			printf(" %-14s %s\n", "check value", k->kcv);
		else
			grouped("public key", k->pub_sha256);
		printf(" %-14s %s\n", "ACL", k->acl);
		if (k->ncosigners > 0) {
			printf(" %-14s", "cosigned by");
			for (j = 0; j < k->ncosigners; j++)
				printf(" card %d%s", k->cosigners[j],
				    j + 1 < k->ncosigners ? "," : "");
			printf("\n");
		}
	}
	if (st->nkeys == 0)
		printf("\nNo keys.\n");
}

static void
print_token(const struct engine_token *t)
{
	const struct engine_mech *m;
	const struct engine_object *o;
	size_t i;

	printf("Token (pkcs11)\n");
	printf(" %-14s %s\n", "module", t->module_path);
	printf(" %-14s %s\n", "library", t->library);
	printf(" %-14s %s\n", "label", t->label);
	printf(" %-14s %s\n", "manufacturer", t->manufacturer);
	printf(" %-14s %s\n", "model", t->model);
	printf(" %-14s %s\n", "serial", t->serial);
	printf(" %-14s %s\n", "flags", t->flags);
	printf("\nPackaging\n");
	printf(" %-14s %s\n", "key wrap", t->wrap_mech[0] != '\0' ?
	    t->wrap_mech : "none");
	printf(" %-14s %s: %s\n", "check", t->wrap_ok ? "passed" : "refused",
	    t->wrap_check);
	printf("\nMechanisms\n");
	for (i = 0; i < t->nmechs; i++) {
		m = &t->mechs[i];
		printf(" %-28s %-6lu %-6lu %s\n", m->name, m->min_bits,
		    m->max_bits, m->flags);
	}
	for (i = 0; i < t->nobjects; i++) {
		o = &t->objects[i];
		printf("\nObject %s \"%s\"\n", o->cls, o->label);
		printf(" %-14s %s\n", "type", o->type);
		printf(" %-14s %s\n", "id", o->id_hex);
		printf(" %-14s %s\n", "attributes", o->attrs);
	}
	if (t->nobjects == 0)
		printf("\nNo keyrite objects visible without logging in.\n");
}

/* The custodians' world of a token (--token with --state). */
static void
print_token_world(const struct engine_world_info *w)
{
	char label[32];
	int j;

	printf("\nWorld (the token's PINs, split onto the cards)\n");
	grouped("world id", w->world_id);
	printf(" %-14s %d/%d\n", "k-out-of-n", w->k, w->n);
	printf(" %-14s scrypt N=2^%d r=8 p=1\n", "card KDF", w->scrypt_log2n);
	printf(" %-14s %s\n", "created", w->created);
	printf(" %-14s %s\n", "for", w->warning);
	for (j = 0; j < w->n; j++) {
		snprintf(label, sizeof(label), "card %d", w->cards[j].index);
		grouped(label, w->cards[j].pub_hex);
	}
}

static int
cmd_module_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "token", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const struct engine_ops *ops = NULL;
	struct engine_status st;
	struct engine *eng = NULL;
	struct kr_err e;
	char dir[PATH_MAX];
	const char *state = NULL, *token = NULL;
	int c, rc;

	kr_err_clear(&e);
	memset(&st, 0, sizeof(st));
	if (argc < 2 || strcmp(argv[1], "status") != 0)
		return cli_usage(&cmd_module_entry);
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:t:", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			state = optarg;
			break;
		case 't':
			token = optarg;
			break;
		default:
			return cli_usage(&cmd_module_entry);
		}
	}
	if (optind != argc)
		return cli_usage(&cmd_module_entry);
	if ((rc = cli_harden()) != 0)
		return rc;
	if (state == NULL && token == NULL) {
		if (engine_default_state_dir(dir, sizeof(dir), &e) != 0)
			return cli_fail(&e);
		state = dir;
	}
	if (engine_open(token != NULL ? "pkcs11" : NULL, state, token, 0, &ops,
	    &eng, &e) != 0)
		return cli_fail(&e);
	if (ops->status(eng, &st, &e) != 0) {
		ops->close(eng);
		return cli_fail(&e);
	}
	if (st.token != NULL) {
		print_token(st.token);
		if (st.has_world)
			print_token_world(&st.world);
	} else
		print_status(state, &st);
	ops->status_free(&st);
	ops->close(eng);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warnx("standard output: write error");
		return EX_IOERR;
	}
	return 0;
}
