/* SPDX-License-Identifier: ISC */
/*
 * engine-setup.c: a test helper for tests/module.sh.
 *
 *   engine-setup world DIR VAULT   a 2/3 world (low scrypt cost, fixed test
 *                                  PINs), keys contosokey (RSA 2048, reduced
 *                                  ACL for the vault's NA packages) and eckey
 *                                  (EC P-256)
 *   engine-setup hold DIR FILE     opens DIR (taking its lock), creates FILE,
 *                                  and keeps the lock until FILE is removed
 *                                  (at most 30 seconds)
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "err.h"
#include "fsutil.h"
#include "secmem.h"
#include "vault.h"

static int
fail(const struct kr_err *e)
{
	fprintf(stderr, "engine-setup: %s\n", e->msg);
	return 1;
}

static int
present(const struct engine_ops *ops, struct engine *eng,
    struct engine_quorum *q, int index, struct kr_err *e)
{
	char path[PATH_MAX], pin[32];
	struct engine_pin p;

	snprintf(pin, sizeof(pin), "test-pin-%d", index);
	p.pin = (const uint8_t *)pin;
	p.len = strlen(pin);
	if (ops->card_path(eng, index, path, sizeof(path), e) != 0)
		return -1;
	return ops->card_present(q, path, &p, NULL, e);
}

static int
setup_world(const char *dir, const char *vdir)
{
	static const char *const regions[] = { "NA" };
	const struct engine_ops *ops = engine_soft();
	struct vault_init_opts vo = { regions, 1, 2048, NULL };
	struct vault_init_info vi;
	struct engine_world_req wr;
	struct engine_key_req kr;
	struct engine_acl_req ar;
	struct engine_quorum *q = NULL;
	struct engine *eng = NULL;
	struct kr_err e;
	char pins[3][32], kek[PATH_MAX], world[PATH_MAX];
	int i;

	kr_err_clear(&e);
	if (ops->open(dir, ENGINE_OPEN_CREATE, &eng, &e) != 0)
		return fail(&e);
	memset(&wr, 0, sizeof(wr));
	wr.k = 2;
	wr.n = 3;
	wr.scrypt_log2n = ENGINE_SCRYPT_LOG2N_MIN;
	for (i = 0; i < 3; i++) {
		snprintf(pins[i], sizeof(pins[i]), "test-pin-%d", i + 1);
		wr.pins[i].pin = (const uint8_t *)pins[i];
		wr.pins[i].len = strlen(pins[i]);
	}
	if (ops->set_mode(eng, ENGINE_MODE_INIT, &e) != 0 ||
	    ops->new_world(eng, &wr, NULL, &e) != 0 ||
	    ops->set_mode(eng, ENGINE_MODE_OPERATIONAL, &e) != 0)
		goto err;
	memset(&kr, 0, sizeof(kr));
	kr.type = "RSA";
	kr.size = 2048;
	kr.ident = "contosokey";
	kr.plainname = "Contoso first HSM key";
	if (ops->generate_key(eng, &kr, NULL, &e) != 0)
		goto err;
	memset(&kr, 0, sizeof(kr));
	kr.type = "EC";
	kr.curve = "P-256";
	kr.ident = "eckey";
	if (ops->generate_key(eng, &kr, NULL, &e) != 0)
		goto err;
	if (vault_init(vdir, &vo, &vi, &e) != 0 ||
	    vault_package_paths(vdir, "NA", kek, sizeof(kek), world,
	    sizeof(world), &e) != 0)
		goto err;
	memset(&ar, 0, sizeof(ar));
	ar.ident = "contosokey";
	ar.pkg.kek_pkg = kek;
	ar.pkg.world_pkg = world;
	ar.pkg.pinned_root = vi.root_sha256;
	ar.pkg.region = "NA";
	if (ops->card_begin(eng, &q, &e) != 0 ||
	    present(ops, eng, q, 1, &e) != 0 ||
	    present(ops, eng, q, 2, &e) != 0 ||
	    ops->reduce_acl(eng, q, &ar, NULL, &e) != 0)
		goto err;
	ops->card_end(q);
	ops->close(eng);
	return 0;
err:
	ops->card_end(q);
	ops->close(eng);
	return fail(&e);
}

static int
hold(const char *dir, const char *file)
{
	const struct engine_ops *ops = engine_soft();
	struct engine *eng = NULL;
	struct kr_err e;
	int i;

	kr_err_clear(&e);
	if (ops->open(dir, 0, &eng, &e) != 0)
		return fail(&e);
	if (kr_write_atomic(file, "locked\n", 7, 0600, &e) != 0) {
		ops->close(eng);
		return fail(&e);
	}
	for (i = 0; i < 300 && kr_path_exists(file); i++)
		usleep(100 * 1000);
	ops->close(eng);
	return 0;
}

int
main(int argc, char **argv)
{
	kr_secmem_init(NULL);
	if (argc == 4 && strcmp(argv[1], "world") == 0)
		return setup_world(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "hold") == 0)
		return hold(argv[2], argv[3]);
	fprintf(stderr, "usage: engine-setup world DIR VAULT | hold DIR FILE\n");
	return 64;
}
