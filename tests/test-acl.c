/* SPDX-License-Identifier: ISC */
/*
 * test-acl.c: the quorum holds against a hostile runbook.  The shipped
 * ceremonies, each with a step added that tries to take the key out in a
 * way its ACL does not allow (the exfiltration runbook: a .byok to the
 * attacker's KEK from the legacy ceremony; an export before the ACL is
 * reduced; another KEK than the current method's key was made for), are
 * rehearsed through the runner: the added step fails naming the key, its
 * ACL and the use, nothing is written to --out, and the log records the
 * refusal.  The names are hidden behind a ${var} so that lint cannot see
 * them (lint.sh checks what lint sees); the engine refuses anyway.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ceremony.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "runner.h"
#include "secmem.h"

#include "lib/runner-testlib.h"

/* text with add inserted before the line "  - id: <before>", and
 * "  target: '${ident}'" added to its vars. */
static char *
patched(const char *file, const char *before, const char *add)
{
	const char *top = getenv("top_srcdir");
	char path[PATH_MAX], anchor[128], *buf, *out, *p, *v;
	struct kr_err e;
	size_t len, n;
	static const char var[] = "  target: '${ident}'\n";

	snprintf(path, sizeof(path), "%s/ceremonies/%s", top ? top : ".", file);
	kr_err_clear(&e);
	assert_int_equal(kr_read_file(path, 1 << 20, &buf, &len, &e), 0);
	snprintf(anchor, sizeof(anchor), "\n  - id: %s\n", before);
	assert_non_null(p = strstr(buf, anchor));
	assert_non_null(v = strstr(buf, "\nvars:\n"));
	assert_true(v < p);
	n = len + strlen(add) + sizeof(var) + 1;
	assert_non_null(out = malloc(n));
	v += strlen("\nvars:\n");
	snprintf(out, n, "%.*s%s%.*s\n%s%s", (int)(v - buf), buf, var,
	    (int)(p - v), v, add, p + 1);
	free(buf);
	return out;
}

/* An attacker's RSA public key on the medium, as attacker.pem. */
static void
attacker_pem(const struct sandbox *sb)
{
	EVP_PKEY *pk = NULL;
	char path[PATH_MAX + 64], *pem = NULL;
	size_t len = 0;
	struct kr_err e;

	kr_err_clear(&e);
	assert_int_equal(keyio_gen_rsa(2048, &pk, &e), 0);
	assert_int_equal(keyio_public_pem(pk, &pem, &len, &e), 0);
	snprintf(path, sizeof(path), "%s/attacker.pem", sb->media);
	assert_int_equal(kr_write_atomic(path, pem, len, 0600, &e), 0);
	free(pem);
	EVP_PKEY_free(pk);
}

/* Rehearses text until the added step fails, aborts there; checks the
 * refusal names want, reached the log, and nothing named stolen is in
 * --out. */
static void
refused(struct sandbox *sb, const char *text, const char *const *params,
    const char *const *skip, const char *want, const char *stolen)
{
	static const int abort_it[] = { RUNNER_ABORT, 0 };
	struct script sc;
	struct runner_opts o;
	struct runner *r = NULL;
	struct ceremony *c;
	struct kr_err e;
	char path[PATH_MAX + 64];

	c = load_text("hostile.yaml", text);
	memset(&sc, 0, sizeof(sc));
	sc.params = params;
	sc.skip = skip;
	sc.decisions = abort_it;
	opts_init(&o, c, sb, &sc);
	kr_err_clear(&e);
	assert_int_equal(runner_open(&o, &r, &e), 0);
	assert_int_equal(drive(r, &sc), RUNNER_FAILED);
	runner_close(r);
	assert_int_equal(sc.seen.decisions, 1);
	if (strstr(sc.seen.last_decision, want) == NULL)
		fail_msg("wanted '%s' in '%s'", want, sc.seen.last_decision);
	assert_non_null(strstr(sc.seen.last_decision, "ACL '"));
	assert_true(file_has(sb->log, want));
	assert_true(file_has(sb->log, "\"failed\""));
	out_file(sb, stolen, path, sizeof(path));
	assert_false(kr_path_exists(path));
	ceremony_free(c);
}

static const char *const legacy_params[] = {
	"subscription_id", "0b1f6472-1b2d-4c4e-9e3b-6f1a2c3d4e5f",
	"card_holders", "Ann, Bob, Cy", "toolset_bag", "TEB-1",
	"toolset_bag_read", "TEB-1", "backup_bag", "TEB-2", NULL };
static const char *const legacy_skip[] = { "inspect-acl", NULL };

/* The runbook: a .byok of the legacy key to the attacker's PEM. */
static void
t_exfiltration(void **state)
{
	static const char add[] =
	    "  - id: exfil\n"
	    "    title: 'Also keep a copy'\n"
	    "    station: disconnected\n"
	    "    action: package\n"
	    "    with:\n"
	    "      format: byok\n"
	    "      ident: '${target}'\n"
	    "      output: stolen.byok\n"
	    "      kek_file: attacker.pem\n"
	    "      kid: 'https://attacker.example/keys/x/1'\n";
	struct sandbox sb;
	char *text;

	(void)state;
	sandbox_make(&sb, 1);
	attacker_pem(&sb);
	text = patched("ncipher-byok-legacy.yaml", "carry-package", add);
	refused(&sb, text, legacy_params, legacy_skip,
	    "does not allow export-wrapped(format=byok", "stolen.byok");
	free(text);
	sandbox_free(&sb);
}

/* An export before the ACL reduction, in the legacy format itself. */
static void
t_before_reduction(void **state)
{
	static const char add[] =
	    "  - id: early\n"
	    "    title: 'Package early'\n"
	    "    station: disconnected\n"
	    "    action: package\n"
	    "    with:\n"
	    "      format: legacy\n"
	    "      ident: '${target}'\n"
	    "      output: early.byok\n"
	    "      kek_package: '${region.kek_package}'\n"
	    "      world_package: '${region.world_package}'\n"
	    "      subscription_id: '${subscription_id}'\n"
	    "      friendly_name: Early\n";
	struct sandbox sb;
	char *text;

	(void)state;
	sandbox_make(&sb, 1);
	text = patched("ncipher-byok-legacy.yaml", "reduce-acl", add);
	refused(&sb, text, legacy_params, legacy_skip,
	    "reduce the ACL first", "KeyTransferPackage-Early.byok");
	free(text);
	sandbox_free(&sb);
}

/* The current method: a second .byok to another KEK than the key's. */
static void
t_other_kek(void **state)
{
	static const char add[] =
	    "  - id: second\n"
	    "    title: 'A second package'\n"
	    "    station: disconnected\n"
	    "    action: package\n"
	    "    with:\n"
	    "      format: byok\n"
	    "      ident: '${target}'\n"
	    "      output: stolen.byok\n"
	    "      kek_file: attacker.pem\n"
	    "      kid: 'https://attacker.example/keys/x/1'\n";
	static const char *const skip[] = { "generate-ec", "import-az-ec",
	    NULL };
	struct sandbox sb;
	const char *params[] = { "kek_id", NULL, "kek_sha256", NULL,
	    "card_holders", "Ann, Bob, Cy", "kek_bag", "TEB-3",
	    "kek_bag_read", "TEB-3", "backup_bag", "TEB-4", NULL };
	char *text;

	(void)state;
	sandbox_make(&sb, 0);
	attacker_pem(&sb);
	params[1] = sb.kid;
	params[3] = sb.kek_sha;
	text = patched("azure-byok.yaml", "carry-package", add);
	refused(&sb, text, params, skip, "another KEK", "stolen.byok");
	free(text);
	sandbox_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_exfiltration),
		cmocka_unit_test(t_before_reduction),
		cmocka_unit_test(t_other_kek),
	};

	kr_secmem_init(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
