/* SPDX-License-Identifier: ISC */
/*
 * audit-testlib.c: deterministic cards, a cosigner and a demo ceremony log
 * for the audit tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit-int.h"
#include "audit-testlib.h"
#include "audit-verify.h"
#include "codec.h"
#include "err.h"

void
tl_cards_init(struct tl_cards *c, unsigned n, uint8_t seed)
{
	uint8_t in[3] = { 'c', seed, 0 }, raw[32];
	unsigned i;

	memset(c, 0, sizeof(*c));
	c->n = n;
	for (i = 1; i <= n; i++) {
		in[2] = (uint8_t)i;
		audit_sha256(in, sizeof(in), raw);
		if (audit_key_from_raw(raw, &c->key[i], NULL) != 0)
			abort();
		c->card[i - 1].index = i;
		if (audit_key_public(c->key[i], c->card[i - 1].pk) != 0)
			abort();
	}
}

void
tl_cards_free(struct tl_cards *c)
{
	unsigned i;

	for (i = 1; i <= c->n; i++)
		EVP_PKEY_free(c->key[i]);
	memset(c, 0, sizeof(*c));
}

static int
sign_one(EVP_PKEY *k, unsigned index, const uint8_t *note, size_t len,
    struct audit_cosig *out)
{
	out->card = index;
	if (audit_key_public(k, out->pk) != 0 ||
	    audit_sign(k, note, len, out->sig) != 0)
		return -1;
	return 0;
}

int
tl_cosign(void *arg, const uint8_t *note, size_t len,
    struct audit_cosig *out, size_t max, size_t *n, struct kr_err *e)
{
	struct tl_cosigner *cs = arg;
	unsigned i, first = 0;

	*n = 0;
	for (i = 1; i <= cs->cards->n && *n < max; i++) {
		if (!(cs->mask & (1u << i)))
			continue;
		if (sign_one(cs->cards->key[i], i, note, len, &out[*n]) != 0)
			return kr_errf(e, KR_ECRYPTO, "card %u cannot sign", i);
		if (first == 0) {
			first = i;
			if (cs->wrong_index)
				out[*n].card = i % cs->cards->n + 1;
			if (cs->corrupt)
				out[*n].sig[5] ^= 0x01;
		}
		(*n)++;
		if (first == i && cs->twice && *n < max) {
			out[*n] = out[*n - 1];
			(*n)++;
		}
	}
	if (cs->stranger != NULL)
		for (i = 1; i <= cs->stranger->n && *n < max; i++)
			if (sign_one(cs->stranger->key[i], i, note, len,
			    &out[(*n)++]) != 0)
				return kr_errf(e, KR_ECRYPTO, "cannot sign");
	return 0;
}

int
tl_write_demo(const char *path, const struct audit_test_hooks *hooks,
    struct tl_cosigner *cs, unsigned k, int seal, int rehearsal)
{
	return tl_write_demo_origin(path, TL_ORIGIN, hooks, cs, k, seal,
	    rehearsal);
}

int
tl_write_demo_origin(const char *path, const char *origin,
    const struct audit_test_hooks *hooks, struct tl_cosigner *cs,
    unsigned k, int seal, int rehearsal)
{
	struct audit_writer_opts o;
	struct audit_writer *w = NULL;
	struct kr_err e;
	uint8_t h[32];
	unsigned quorum[AUDIT_CARDS_MAX], i, nq = 0;
	int r;

	memset(&o, 0, sizeof(o));
	o.origin = origin;
	o.rehearsal = rehearsal;
	o.hooks = hooks;
	audit_sha256("ceremony", 8, h);
	for (i = 1; i <= cs->cards->n; i++)
		if (cs->mask & (1u << i))
			quorum[nq++] = i;
	if ((r = audit_writer_create(path, &o, &w, &e)) != 0 ||
	    (r = audit_ceremony_start(w, "test-ceremony", "A test \"ceremony\"",
	    h, NULL, "operator", &e)) != 0 ||
	    (r = audit_parameter_set(w, "region", "EU-1", "operator", &e)) != 0 ||
	    (r = audit_step_start(w, "mode-init", "set-mode", "disconnected",
	    "operator", &e)) != 0 ||
	    (r = audit_step_result(w, "mode-init", "ok", NULL, NULL,
	    "operator", &e)) != 0 ||
	    (r = audit_signoff(w, "mode-init", "witness", "witness-1",
	    &e)) != 0 ||
	    (r = audit_checkpoint(w, &e)) != 0 ||
	    (r = audit_step_start(w, "new-world", "new-world", NULL,
	    "operator", &e)) != 0 ||
	    (r = audit_world_created(w, "new-world", "5e2a0c11",
	    "DLf3072s256mRijndael", k, cs->cards->n, cs->cards->card,
	    "operator", &e)) != 0 ||
	    (r = audit_step_result(w, "new-world", "ok", NULL, NULL,
	    "operator", &e)) != 0)
		goto out;
	audit_writer_set_cosigner(w, tl_cosign, cs);
	audit_sha256("artifact", 8, h);
	if ((r = audit_checkpoint(w, &e)) != 0 ||
	    (r = audit_card_presented(w, "reduce-acl", 1, "wrong-pin",
	    "custodian-1", &e)) != 0 ||
	    (r = audit_card_presented(w, "reduce-acl", 1, "accepted",
	    "custodian-1", &e)) != 0 ||
	    (r = audit_quorum_met(w, "reduce-acl", k, cs->cards->n, quorum,
	    nq, NULL, &e)) != 0 ||
	    (r = audit_exception(w, "check-offline", "Wi-Fi adapter up;\n"
	    "disabled in BIOS\t(checked)", "interface-up", "operator",
	    &e)) != 0 ||
	    (r = audit_artifact_written(w, "package", "out/KeyTransferPackage-"
	    "contosokey.byok", h, 4242, "byok", "operator", &e)) != 0 ||
	    (r = audit_step_result(w, "package", "ok", NULL, "wrapped with "
	    "CKM_RSA_AES_KEY_WRAP \xc3\xa9", "operator", &e)) != 0 ||
	    (r = audit_signoff(w, "package", "witness", "witness-2", &e)) != 0 ||
	    (r = audit_note(w, NULL, "tea break \x01", NULL, &e)) != KR_EUSAGE)
		goto out;
	if ((r = audit_note(w, NULL, "tea break", NULL, &e)) != 0 ||
	    (r = audit_checkpoint(w, &e)) != 0 ||
	    (r = audit_ceremony_end(w, "completed", "operator", &e)) != 0)
		goto out;
	if (seal && (r = audit_seal(w, NULL, &e)) != 0)
		goto out;
	r = 0;
out:
	if (r != 0)
		fprintf(stderr, "tl_write_demo: %s\n", e.msg);
	audit_writer_free(w);
	return r;
}

char *
tl_slurp(const char *path, size_t *len)
{
	FILE *f;
	char *p = NULL;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)n + 1)) != NULL &&
	    fread(p, 1, (size_t)n, f) == (size_t)n) {
		p[n] = '\0';
		*len = (size_t)n;
	} else {
		free(p);
		p = NULL;
	}
	fclose(f);
	return p;
}

int
tl_spit(const char *path, const void *p, size_t len)
{
	FILE *f;
	int r = 0;

	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	if (fwrite(p, 1, len, f) != len)
		r = -1;
	if (fclose(f) != 0)
		r = -1;
	return r;
}

int
tl_log_from(struct tl_log *log, const char *buf, size_t len)
{
	const char *p = buf, *nl;

	memset(log, 0, sizeof(*log));
	while (p < buf + len) {
		if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) == NULL)
			return -1;	/* the tests use whole logs only */
		tl_log_insert(log, log->n, p, (size_t)(nl - p));
		p = nl + 1;
	}
	return 0;
}

int
tl_log_load(struct tl_log *log, const char *path)
{
	char *buf;
	size_t len;
	int r;

	if ((buf = tl_slurp(path, &len)) == NULL)
		return -1;
	r = tl_log_from(log, buf, len);
	free(buf);
	return r;
}

char *
tl_log_join(const struct tl_log *log, size_t *len)
{
	size_t i, n = 0;
	char *p;

	for (i = 0; i < log->n; i++)
		n += log->len[i] + 1;
	if ((p = malloc(n + 1)) == NULL)
		abort();
	n = 0;
	for (i = 0; i < log->n; i++) {
		memcpy(p + n, log->line[i], log->len[i]);
		n += log->len[i];
		p[n++] = '\n';
	}
	p[n] = '\0';
	*len = n;
	return p;
}

void
tl_log_free(struct tl_log *log)
{
	size_t i;

	for (i = 0; i < log->n; i++)
		free(log->line[i]);
	free(log->line);
	free(log->len);
	memset(log, 0, sizeof(*log));
}

void
tl_log_set(struct tl_log *log, size_t i, const char *s, size_t len)
{
	char *p;

	if ((p = malloc(len + 1)) == NULL)
		abort();
	memcpy(p, s, len);
	p[len] = '\0';
	free(log->line[i]);
	log->line[i] = p;
	log->len[i] = len;
}

void
tl_log_drop(struct tl_log *log, size_t i)
{
	free(log->line[i]);
	memmove(&log->line[i], &log->line[i + 1],
	    (log->n - i - 1) * sizeof(log->line[0]));
	memmove(&log->len[i], &log->len[i + 1],
	    (log->n - i - 1) * sizeof(log->len[0]));
	log->n--;
}

void
tl_log_insert(struct tl_log *log, size_t i, const char *s, size_t len)
{
	if ((log->line = realloc(log->line, (log->n + 1) *
	    sizeof(log->line[0]))) == NULL ||
	    (log->len = realloc(log->len, (log->n + 1) *
	    sizeof(log->len[0]))) == NULL)
		abort();
	memmove(&log->line[i + 1], &log->line[i],
	    (log->n - i) * sizeof(log->line[0]));
	memmove(&log->len[i + 1], &log->len[i],
	    (log->n - i) * sizeof(log->len[0]));
	log->line[i] = NULL;
	log->n++;
	tl_log_set(log, i, s, len);
}

static void
set_b64(json_t *o, const char *k, const uint8_t *p, size_t len)
{
	char buf[128];

	if (kr_b64_encode(p, len, buf, sizeof(buf)) < 0)
		abort();
	json_object_set_new(o, k, json_string(buf));
}

int
tl_rechain(struct tl_log *log, size_t from, EVP_PKEY *first_key,
    tl_edit_fn edit, void *arg)
{
	struct audit_merkle tree;
	struct audit_buf out = { 0 };
	EVP_PKEY *key, *next = NULL;
	json_t *root, *e;
	uint8_t lh[32], prev[32], pk[32], mroot[32];
	const char *type, *origin;
	size_t i;
	int r = -1;

	audit_merkle_init(&tree);
	for (i = 0; i < from; i++) {
		audit_leaf_hash(log->line[i], log->len[i], lh);
		audit_merkle_add(&tree, lh);
		memcpy(prev, lh, 32);
	}
	key = first_key;
	if (EVP_PKEY_up_ref(key) != 1)
		return -1;
	for (i = from; i < log->n; i++) {
		if ((root = json_loadb(log->line[i], log->len[i], 0,
		    NULL)) == NULL)
			goto out;
		e = json_object_get(root, "e");
		if (edit != NULL)
			edit(e, i, arg);
		type = json_string_value(json_object_get(e, "type"));
		origin = json_string_value(json_object_get(e, "origin"));
		if (type == NULL || origin == NULL) {
			json_decref(root);
			goto out;
		}
		if (i > 0)
			set_b64(e, "prev", prev, 32);
		if (strcmp(type, "genesis") == 0) {
			audit_key_public(key, pk);
			set_b64(e, "pk", pk, 32);
		}
		if (json_object_get(e, "next_pk") != NULL) {
			if ((next = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) ==
			    NULL)
				abort();
			audit_key_public(next, pk);
			set_b64(e, "next_pk", pk, 32);
		}
		if (json_object_get(e, "root") != NULL) {
			json_object_set_new(e, "size", json_integer((json_int_t)i));
			audit_merkle_root(&tree, mroot);
			set_b64(e, "root", mroot, 32);
		}
		if (audit_line_build(e, origin, key, &out, NULL) != 0) {
			json_decref(root);
			goto out;
		}
		json_decref(root);
		tl_log_set(log, i, out.p, out.len);
		audit_leaf_hash(out.p, out.len, lh);
		audit_merkle_add(&tree, lh);
		memcpy(prev, lh, 32);
		EVP_PKEY_free(key);
		key = next;
		next = NULL;
	}
	r = 0;
out:
	EVP_PKEY_free(key);
	EVP_PKEY_free(next);
	audit_buf_free(&out);
	return r;
}

void
tl_steal(void *arg, uint64_t seq, const uint8_t sk[32])
{
	struct tl_thief *t = arg;

	if (seq == t->want) {
		memcpy(t->sk, sk, 32);
		t->got = 1;
	}
}

int
tl_verify(const char *buf, size_t len, int threads,
    struct audit_verify_result *res)
{
	struct audit_verify_opts o;

	memset(&o, 0, sizeof(o));
	o.threads = threads;
	audit_verify_buffer(buf, len, &o, res, NULL);
	return res->status;
}

int
tl_verify_log(const struct tl_log *log, int threads,
    struct audit_verify_result *res)
{
	char *buf;
	size_t len;
	int r;

	buf = tl_log_join(log, &len);
	r = tl_verify(buf, len, threads, res);
	free(buf);
	return r;
}
