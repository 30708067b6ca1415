/* SPDX-License-Identifier: ISC */
/*
 * runner-testlib.c: the sandbox and the scripted driver of test-runner.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit-verify.h"
#include "ceremony.h"
#include "codec.h"
#include "diag.h"
#include "err.h"
#include "fsutil.h"
#include "runner.h"
#include "secmem.h"
#include "vault.h"

#include "runner-testlib.h"

static void
on_event(void *arg, const struct runner_event *ev)
{
	struct seen *s = arg;

	switch (ev->kind) {
	case RUNNER_EV_ARTIFACT:
		assert_non_null(ev->sha256);
		assert_int_equal(strlen(ev->sha256), 64);
		s->artifacts++;
		break;
	case RUNNER_EV_CHECKPOINT:
		s->checkpoints++;
		break;
	case RUNNER_EV_WARNING:
		s->warnings++;
		break;
	case RUNNER_EV_INFO:
	case RUNNER_EV_STEP_RESULT:
		s->infos++;
		if (strcmp(ev->text, "test signature: verified") == 0)
			s->verified++;
		if (strcmp(ev->text, "Result: SUCCESS") == 0)
			s->success++;
		if (strncmp(ev->text, "resumed the log", 15) == 0)
			s->resumed++;
		break;
	default:
		break;
	}
}

static const char *
param(const struct script *sc, const char *name)
{
	size_t i;

	for (i = 0; sc->params != NULL && sc->params[i] != NULL; i += 2)
		if (strcmp(sc->params[i], name) == 0)
			return sc->params[i + 1];
	return NULL;
}

static int
skipped(const struct script *sc, const char *id)
{
	size_t i;

	for (i = 0; sc->skip != NULL && sc->skip[i] != NULL; i++)
		if (strcmp(sc->skip[i], id) == 0)
			return 1;
	return 0;
}

/* Answers prompts until DONE, FAILED or stop_at; returns the last need. */
int
drive(struct runner *r, struct script *sc)
{
	struct runner_prompt p;
	struct runner_answer a;
	struct kr_err e;
	char pin[32];
	int i, bad_pin_sent = 0;

	for (i = 0; i < 1000; i++) {
		kr_err_clear(&e);
		assert_int_equal(runner_next(r, &p, &e), 0);
		if (p.need == RUNNER_DONE || p.need == RUNNER_FAILED) {
			if (p.need == RUNNER_FAILED)
				snprintf(sc->seen.last_fail,
				    sizeof(sc->seen.last_fail), "%s",
				    p.message ? p.message : "");
			return p.need;
		}
		if (sc->stop_at != NULL && p.step != NULL &&
		    strcmp(p.step->id.s, sc->stop_at) == 0)
			return p.need;
		if (p.message != NULL && strstr(p.message, "wrong PIN") != NULL)
			sc->seen.wrong_pin++;
		memset(&a, 0, sizeof(a));
		a.need = p.need;
		switch (p.need) {
		case RUNNER_NEED_PARAM:
			a.value = param(sc, p.name) ? param(sc, p.name) : p.def;
			if (a.value == NULL)
				fail_msg("no answer for parameter %s", p.name);
			break;
		case RUNNER_NEED_ACK:
			a.value = p.step && skipped(sc, p.step->id.s) ?
			    "skip" : "done";
			break;
		case RUNNER_NEED_CONFIRM:
			assert_non_null(p.expect);
			a.value = p.expect;
			break;
		case RUNNER_NEED_NEW_PIN:
			assert_true(p.card >= 1 && p.card <= p.quorum_n);
			snprintf(pin, sizeof(pin), "pin-of-card-%d", p.card);
			a.pin = (const uint8_t *)pin;
			a.pin_len = strlen(pin);
			break;
		case RUNNER_NEED_CARD:
			assert_non_null(p.def);
			assert_true(p.def_card >= 1);
			snprintf(pin, sizeof(pin), "pin-of-card-%d",
			    p.def_card);
			if (sc->wrong_pin_once && !bad_pin_sent &&
			    p.def_card == 2) {
				snprintf(pin, sizeof(pin), "not-the-pin");
				bad_pin_sent = 1;
			}
			a.pin = (const uint8_t *)pin;
			a.pin_len = strlen(pin);
			break;
		case RUNNER_NEED_SIGNOFF:
			assert_non_null(p.name);
			a.value = "Wendy Witness";
			a.note = "checked against the minutes";
			break;
		case RUNNER_NEED_DECISION:
			sc->seen.decisions++;
			assert_non_null(p.message);
			snprintf(sc->seen.last_decision,
			    sizeof(sc->seen.last_decision), "%s", p.message);
			if (sc->decisions == NULL ||
			    sc->decisions[sc->ndec] == 0)
				fail_msg("unexpected decision at %s: %s",
				    p.step ? p.step->id.s : "?", p.message);
			a.decision = (enum runner_decision)
			    sc->decisions[sc->ndec++];
			a.value = "recorded by the test";
			break;
		default:
			fail_msg("unexpected prompt %d", p.need);
		}
		assert_int_equal(runner_answer(r, &a, &e), 0);
	}
	fail_msg("the runner did not finish");
	return 0;
}

void
sandbox_make(struct sandbox *sb, int legacy)
{
	static const char *const regions[] = { "NA" };
	struct vault_init_opts vo = { regions, 1, 2048, NULL };
	struct vault_init_info vi;
	struct vault_kek_opts ko;
	struct vault_kek_info ki;
	struct kr_err e;
	char src[PATH_MAX + 64], dst[PATH_MAX + 64], *buf;
	const char *t = getenv("TMPDIR");
	size_t len;

	memset(sb, 0, sizeof(*sb));
	snprintf(sb->dir, sizeof(sb->dir), "%s/keyrite-runner.XXXXXX",
	    t != NULL ? t : "/tmp");
	assert_non_null(mkdtemp(sb->dir));
	snprintf(sb->state, sizeof(sb->state), "%s/state", sb->dir);
	snprintf(sb->out, sizeof(sb->out), "%s/out", sb->dir);
	snprintf(sb->media, sizeof(sb->media), "%s/media", sb->dir);
	snprintf(sb->vault, sizeof(sb->vault), "%s/vault", sb->dir);
	snprintf(sb->log, sizeof(sb->log), "%s/ceremony.log", sb->dir);
	kr_err_clear(&e);
	assert_int_equal(kr_mkdir_private(sb->media, &e), 0);
	if (legacy) {
		assert_int_equal(vault_init(sb->vault, &vo, &vi, &e), 0);
		snprintf(sb->root, sizeof(sb->root), "%s", vi.root_sha256);
		snprintf(sb->toolset, sizeof(sb->toolset), "%s",
		    vi.toolsets[0].sha256);
		/* the toolset and both packages on the "medium" */
		snprintf(src, sizeof(src), "%s/toolsets/%s", sb->vault,
		    vi.toolsets[0].region->toolset_zip);
		snprintf(dst, sizeof(dst), "%s/%s", sb->media,
		    vi.toolsets[0].region->toolset_zip);
		assert_int_equal(kr_read_file(src, 1 << 26, &buf, &len, &e), 0);
		assert_int_equal(kr_write_atomic(dst, buf, len, 0600, &e), 0);
		free(buf);
		assert_int_equal(vault_package_paths(sb->vault, "NA", src,
		    sizeof(src), dst, sizeof(dst), &e), 0);
		{
			const char *names[2] = { src, dst };
			char to[PATH_MAX + 64];
			int i;

			for (i = 0; i < 2; i++) {
				assert_int_equal(kr_read_file(names[i], 1 << 20,
				    &buf, &len, &e), 0);
				snprintf(to, sizeof(to), "%s/%s", sb->media,
				    strrchr(names[i], '/') + 1);
				assert_int_equal(kr_write_atomic(to, buf, len,
				    0600, &e), 0);
				free(buf);
			}
		}
		sb->ov[0].key = "regions.unitedstates.toolset_sha256";
		sb->ov[0].value = sb->toolset;
		sb->ov[1].key = "root_hash";
		sb->ov[1].value = sb->root;
		sb->nov = 2;
	} else {
		memset(&ko, 0, sizeof(ko));
		ko.name = "ContosoKEK";
		assert_int_equal(vault_kek_create(sb->vault, &ko, &ki, &e), 0);
		snprintf(sb->kid, sizeof(sb->kid), "%s", ki.kid);
		snprintf(dst, sizeof(dst), "%s/kek-public.pem", sb->media);
		assert_int_equal(kr_read_file(ki.pem_path, 1 << 20, &buf, &len,
		    &e), 0);
		assert_int_equal(kr_write_atomic(dst, buf, len, 0600, &e), 0);
		free(buf);
		assert_int_equal(kr_file_sha256_hex(dst, sb->kek_sha, &e), 0);
	}
}

void
sandbox_free(struct sandbox *sb)
{
	struct kr_err e;

	if (getenv("KEYRITE_TEST_KEEP") == NULL)	/* for debugging */
		kr_remove_tree(sb->dir, &e);
}

struct ceremony *
load_text(const char *name, const char *text)
{
	struct diag_list dl;
	struct ceremony *c = NULL;

	diag_init(&dl, name);
	if (ceremony_load_buffer(name, text, strlen(text), &c, &dl) != 0) {
		const struct diag *d = diag_first_error(&dl);
		char msg[512] = "";

		if (d != NULL)
			diag_format(&dl, d, msg, sizeof(msg));
		fail_msg("%s does not load: %s", name, msg);
	}
	diag_free(&dl);
	return c;
}

struct ceremony *
load_shipped(const char *file, uint8_t sha[32])
{
	const char *top = getenv("top_srcdir");
	char path[PATH_MAX], *buf;
	struct ceremony *c;
	struct kr_err e;
	size_t len;

	snprintf(path, sizeof(path), "%s/ceremonies/%s", top ? top : ".",
	    file);
	kr_err_clear(&e);
	assert_int_equal(kr_read_file(path, 1 << 20, &buf, &len, &e), 0);
	kr_sha256(buf, len, sha);
	c = load_text(path, buf);
	free(buf);
	return c;
}

void
opts_init(struct runner_opts *o, const struct ceremony *c,
    struct sandbox *sb, struct script *sc)
{
	memset(o, 0, sizeof(*o));
	o->c = c;
	o->ceremony_path = "test.yaml";
	o->state_dir = sb->state;
	o->log_path = sb->log;
	o->out_dir = sb->out;
	o->media_dir = sb->media;
	o->operator_name = "Olivia Operator";
	o->rehearsal = 1;
	o->vault_dir = sb->vault[0] && kr_path_exists(sb->vault) ?
	    sb->vault : NULL;
	o->overrides = sb->ov;
	o->noverrides = sb->nov;
	o->scrypt_log2n = 10;
	o->on_event = on_event;
	o->event_arg = &sc->seen;
}

int
verify_log(const char *path)
{
	struct audit_verify_opts vo;
	struct audit_verify_result res;
	struct kr_err e;

	memset(&vo, 0, sizeof(vo));
	vo.threads = 1;
	return audit_verify_file(path, &vo, &res, &e);
}

int
file_has(const char *path, const char *needle)
{
	struct kr_err e;
	char *buf;
	size_t len;
	int has;

	if (kr_read_file(path, 1 << 24, &buf, &len, &e) != 0)
		return 0;
	has = strstr(buf, needle) != NULL;
	free(buf);
	return has;
}

void
out_file(const struct sandbox *sb, const char *name, char *out, size_t sz)
{
	snprintf(out, sz, "%s/%s", sb->out, name);
}

