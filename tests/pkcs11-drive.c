/* SPDX-License-Identifier: ISC */
/*
 * pkcs11-drive.c: a test helper for tests/pkcs11-ceremony.sh: the
 * ceremony's operations on a token through the PKCS#11 engine's ops table
 * (the engine as the runner would call it).  Card PINs come on standard
 * input, one line each, never in argv.
 *
 *   pkcs11-drive init DIR URI K N       new-world on a fresh token (N PINs)
 *   pkcs11-drive adopt DIR URI K N      new-world adopting an initialised
 *       token: N card PINs, then the token's current SO PIN, one a line
 *   pkcs11-drive ceremony DIR URI KEK.pem KID IDENT TYPE SIZE|CURVE OUT
 *       [destroy | profile=NAME]
 *       presents the cards on standard input ("INDEX PIN" lines) one at a
 *       time, then: import-kek (SO), generatekey, export the public key to
 *       OUT/IDENT.pub.pem, package to OUT/IDENT.byok (user, with an SO-made
 *       trusted AES key, or in one call) in the profile's form (default
 *       azure-byok) and make the key non-extractable (or destroy it)
 *   pkcs11-drive import-kek|generatekey|package (the ceremony's arguments)
 *       one of the three, in a process of its own (with the cards)
 *   pkcs11-drive quorum DIR URI IDENT   presents the cards on standard input,
 *       then tries generatekey: shows whether the quorum logged in
 *   pkcs11-drive leakcheck DIR URI FILE...  presents the cards, rebuilds
 *       the token's two PINs in memory and says whether any FILE (and this
 *       process's argv and environment) holds either; prints no PIN
 * Each step prints one line; failures print the engine's message.
 */
#define _GNU_SOURCE	/* memmem */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-pkcs11.h"
#include "engine.h"
#include "err.h"
#include "fsutil.h"

static const struct engine_ops *ops;
static const char *only;	/* NULL: the whole ceremony */

#define DO(step)	(only == NULL || strcmp(only, (step)) == 0)

static int
fail(const char *what, const struct kr_err *e)
{
	printf("%s: FAILED: %s\n", what, e->msg);
	return 1;
}

/* Reads "INDEX PIN" lines and presents each card; 0 when all went in. */
static int
present_all(struct engine *eng, struct engine_quorum *q)
{
	char line[256], path[PATH_MAX], *sp;
	struct engine_pin p;
	struct kr_err e;
	int idx, got, have, need, bad = 0;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp = '\0';
		idx = atoi(line);
		p.pin = (const uint8_t *)(sp + 1);
		p.len = strlen(sp + 1);
		kr_err_clear(&e);
		if (ops->card_path(eng, idx, path, sizeof(path), &e) != 0 ||
		    ops->card_present(q, path, &p, &got, &e) != 0) {
			printf("card %d: REFUSED: %s\n", idx, e.msg);
			bad = 1;
			continue;
		}
		ops->card_state(q, &have, &need);
		printf("card %d: accepted (%d of %d)\n", got, have, need);
	}
	return bad;
}

static int
do_init(struct engine *eng, int k, int n, int adopt)
{
	struct engine_world_req wr;
	struct engine_world_info wi;
	struct kr_err e;
	char pins[16][64], so[64];
	int i;

	memset(&wr, 0, sizeof(wr));
	wr.k = k;
	wr.n = n;
	wr.scrypt_log2n = ENGINE_SCRYPT_LOG2N_MIN;
	for (i = 0; i < n && i < 16; i++) {
		if (fgets(pins[i], sizeof(pins[i]), stdin) == NULL)
			return printf("init: FAILED: %d PINs needed\n", n), 1;
		pins[i][strcspn(pins[i], "\n")] = '\0';
		wr.pins[i].pin = (const uint8_t *)pins[i];
		wr.pins[i].len = strlen(pins[i]);
	}
	if (adopt) {
		wr.adopt = 1;
		if (fgets(so, sizeof(so), stdin) == NULL)
			return printf("adopt: FAILED: the SO PIN is needed\n"), 1;
		so[strcspn(so, "\n")] = '\0';
		wr.token_so_pin.pin = (const uint8_t *)so;
		wr.token_so_pin.len = strlen(so);
	}
	kr_err_clear(&e);
	i = ops->new_world(eng, &wr, &wi, &e);
	memset(pins, 0, sizeof(pins));
	memset(so, 0, sizeof(so));
	if (i != 0)
		return fail(adopt ? "adopt" : "init", &e);
	printf("init: world %s quorum %d/%d, %s\n", wi.world_id, wi.k, wi.n,
	    wi.warning);
	return 0;
}

/* The token's keyrite objects as a logged-in session sees them (not with
 * PKCS11_DRIVE_NO_OBJECTS set: bench/pkcs11.sh times the steps alone, and
 * status runs the packaging check). */
static int
objects(struct engine *eng)
{
	struct engine_status st;
	struct kr_err e;
	size_t i;

	if (getenv("PKCS11_DRIVE_NO_OBJECTS") != NULL)
		return 0;
	kr_err_clear(&e);
	if (ops->status(eng, &st, &e) != 0)
		return fail("status", &e);
	for (i = 0; i < st.token->nobjects; i++)
		printf("object %s %s: %s\n", st.token->objects[i].cls,
		    st.token->objects[i].label, st.token->objects[i].attrs);
	ops->status_free(&st);
	return 0;
}

static int
do_ceremony(struct engine *eng, struct engine_quorum *q, char **av,
    const char *opt)
{
	int destroy = opt != NULL && strcmp(opt, "destroy") == 0;
	struct engine_key_req kr;
	struct engine_key_info ki;
	struct engine_package_req pr;
	struct engine_package_result res;
	struct kr_err e;
	char sha[ENGINE_HEX256], path[PATH_MAX];

	kr_err_clear(&e);
	if (DO("import-kek")) {
		if (ops->import_kek(eng, q, av[0], av[2], sha, &e) != 0)
			return fail("import-kek", &e);
		printf("import-kek: trusted wrap-only KEK, SPKI sha256 %s\n", sha);
	}
	memset(&kr, 0, sizeof(kr));
	kr.type = av[3];
	kr.ident = av[2];
	if (strcmp(av[3], "EC") == 0)
		kr.curve = av[4];
	else
		kr.size = atoi(av[4]);
	if (DO("generatekey")) {
		if (ops->generate_key(eng, &kr, &ki, &e) != 0)
			return fail("generatekey", &e);
		printf("generatekey: %s %d %s, SPKI sha256 %s, %s\n", ki.type,
		    ki.size, ki.plainname, ki.pub_sha256, ki.acl);
		snprintf(path, sizeof(path), "%s/%s.pub.pem", av[5], av[2]);
		if (ops->export_public(eng, av[2], path, sha, &e) != 0)
			return fail("export-public", &e);
	}
	if (!DO("package"))
		return objects(eng);
	memset(&pr, 0, sizeof(pr));
	pr.format = ENGINE_PACKAGE_BYOK;
	pr.ident = av[2];
	pr.out_dir = av[5];
	pr.kek_pem = av[0];
	pr.kid = av[1];
	pr.destroy_after = destroy;
	if (opt != NULL && strncmp(opt, "profile=", 8) == 0)
		pr.profile = opt + 8;
	if (ops->package(eng, &pr, &res, &e) != 0)
		return fail("package", &e);
	printf("package: %s sha256 %s, key SPKI sha256 %s, KEK file sha256 %s\n",
	    res.byok_path, res.byok_sha256, res.pub_sha256, res.kek_sha256);
	printf("package: wrapped with %s\n", res.wrap_mech);
	return objects(eng);
}

static int
holds(const char *path, const uint8_t *pin)
{
	char *buf = NULL;
	size_t len = 0;
	struct kr_err e;
	int found;

	if (kr_read_file(path, 64 * 1024 * 1024, &buf, &len, &e) != 0)
		return 0;
	found = len >= P11_PIN_HEX && memmem(buf, len, pin, P11_PIN_HEX) != NULL;
	free(buf);
	return found;
}

static int
do_leakcheck(struct engine_quorum *q, int nfiles, char **files)
{
	static const char *const which[] = { "so", "user" };
	uint8_t pin[P11_PIN_HEX];
	struct kr_err e;
	int i, w, leaks = 0;

	for (w = 0; w < 2; w++) {
		kr_err_clear(&e);
		if (p11_quorum_pin(q, which[w], pin, &e) != 0)
			return fail("leakcheck", &e);
		for (i = 0; i < nfiles; i++)
			if (holds(files[i], pin)) {
				printf("leak: the %s PIN is in %s\n", which[w],
				    files[i]);
				leaks++;
			}
		if (holds("/proc/self/cmdline", pin) ||
		    holds("/proc/self/environ", pin)) {
			printf("leak: the %s PIN is in argv or env\n", which[w]);
			leaks++;
		}
	}
	memset(pin, 0, sizeof(pin));
	printf("leakcheck: %d files and argv and env searched, %d leaks\n",
	    nfiles, leaks);
	return leaks != 0;
}

int
main(int argc, char **argv)
{
	struct engine *eng = NULL;
	struct engine_quorum *q = NULL;
	struct engine_key_req kr;
	struct engine_key_info ki;
	struct kr_err e;
	int r = 1;

	if (argc < 4)
		return 64;
	setvbuf(stdout, NULL, _IOLBF, 0);	/* the tests watch each line */
	kr_err_clear(&e);
	if (engine_open("pkcs11", argv[2], argv[3], ENGINE_OPEN_CREATE, &ops,
	    &eng, &e) != 0)
		return fail("open", &e);
	if ((strcmp(argv[1], "init") == 0 || strcmp(argv[1], "adopt") == 0) &&
	    argc == 6)
		r = do_init(eng, atoi(argv[4]), atoi(argv[5]),
		    strcmp(argv[1], "adopt") == 0);
	else if (((strcmp(argv[1], "ceremony") == 0 ||
	    strcmp(argv[1], "import-kek") == 0 ||
	    strcmp(argv[1], "generatekey") == 0 ||
	    strcmp(argv[1], "package") == 0) && (argc == 10 || argc == 11)) ||
	    (strcmp(argv[1], "quorum") == 0 && argc == 5) ||
	    strcmp(argv[1], "leakcheck") == 0) {
		if (ops->card_begin(eng, &q, &e) != 0) {
			r = fail("quorum", &e);
			goto out;
		}
		present_all(eng, q);
		if (strcmp(argv[1], "leakcheck") == 0)
			r = do_leakcheck(q, argc - 4, argv + 4);
		else if (strcmp(argv[1], "quorum") != 0) {
			if (strcmp(argv[1], "ceremony") != 0)
				only = argv[1];
			r = do_ceremony(eng, q, argv + 4, argc == 11 ? argv[10] :
			    NULL);
		} else {
			memset(&kr, 0, sizeof(kr));
			kr.type = "RSA";
			kr.size = 2048;
			kr.ident = argv[4];
			r = ops->generate_key(eng, &kr, &ki, &e) != 0 ?
			    fail("generatekey", &e) : (printf("generatekey: "
			    "logged in, made %s\n", ki.plainname), 0);
		}
	} else
		r = 64;
out:
	if (q != NULL)
		ops->card_end(q);
	ops->close(eng);
	return r;
}
