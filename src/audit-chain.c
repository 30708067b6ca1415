/* SPDX-License-Identifier: ISC */
/*
 * audit-chain.c: the Ed25519 key chain and the live key file.
 *
 * Entry i is signed by sk_i; it carries next_pk = pk_(i+1).  Private keys
 * are EVP_PKEYs whose key bytes OpenSSL keeps in the secure heap, so that
 * freeing a key clears it.  Raw private bytes exist only briefly, in secure
 * memory, to write or read the key file.
 *
 * The key file (LOG.key, 0600, written atomically) lets a run that crashed
 * continue the chain; it never holds more than the running process held:
 *
 *	keyrite-audit-key 1
 *	origin <origin>
 *	key <seq> <base64 of the 32-byte private key>
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "audit-int.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "secmem.h"

#define KEYFILE_MAGIC	"keyrite-audit-key 1\n"
#define KEYFILE_MAX	4096

int
audit_key_from_raw(const uint8_t raw[32], EVP_PKEY **out, struct kr_err *e)
{
	if ((*out = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, raw,
	    32)) == NULL)
		return kr_errf(e, KR_ECRYPTO, "audit: cannot load an Ed25519 key");
	return 0;
}

int
audit_key_new(const struct audit_test_hooks *hooks, uint64_t index,
    EVP_PKEY **out, struct kr_err *e)
{
	static const char label[] = "keyrite-test-key\n";
	uint8_t *in, *raw;
	size_t inlen = sizeof(label) - 1 + 32 + 8;
	int i, r;

	*out = NULL;
	if (hooks == NULL || hooks->key_seed == NULL) {
		if ((*out = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL)
			return kr_errf(e, KR_ECRYPTO,
			    "audit: cannot generate an Ed25519 key");
		return 0;
	}
	/* TEST ONLY: sk_i = SHA-256(label || seed || be64(i)). */
	in = kr_secure_malloc(inlen);
	raw = kr_secure_malloc(32);
	if (in == NULL || raw == NULL) {
		r = kr_errf(e, KR_ENOMEM, "audit: out of secure memory");
		goto out;
	}
	memcpy(in, label, sizeof(label) - 1);
	memcpy(in + sizeof(label) - 1, hooks->key_seed, 32);
	for (i = 0; i < 8; i++)
		in[inlen - 1 - i] = (uint8_t)(index >> (8 * i));
	audit_sha256(in, inlen, raw);
	r = audit_key_from_raw(raw, out, e);
out:
	kr_secure_free(in, inlen);
	kr_secure_free(raw, 32);
	return r;
}

int
audit_key_public(EVP_PKEY *k, uint8_t pk[32])
{
	size_t len = 32;

	if (EVP_PKEY_get_raw_public_key(k, pk, &len) != 1 || len != 32)
		return KR_ECRYPTO;
	return 0;
}

int
audit_sign(EVP_PKEY *k, const void *msg, size_t len, uint8_t sig[64])
{
	EVP_MD_CTX *ctx;
	size_t siglen = 64;
	int r = KR_ECRYPTO;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return KR_ENOMEM;
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) == 1 &&
	    EVP_DigestSign(ctx, sig, &siglen, msg, len) == 1 && siglen == 64)
		r = 0;
	EVP_MD_CTX_free(ctx);
	return r;
}

int
audit_verify_sig(const uint8_t pk[32], const void *msg, size_t len,
    const uint8_t sig[64])
{
	return keyio_ed25519_verify(pk, msg, len, sig) == 0;
}

int
audit_keyfile_write(const char *path, const char *origin,
    const struct audit_keyslot *slots, size_t n, struct kr_err *e)
{
	struct audit_buf b = { .secure = 1 };
	uint8_t *raw = NULL;
	size_t i, len;
	int r;

	if ((raw = kr_secure_malloc(32)) == NULL)
		return kr_errf(e, KR_ENOMEM, "audit: out of secure memory");
	if ((r = audit_buf_adds(&b, KEYFILE_MAGIC)) != 0 ||
	    (r = audit_buf_addf(&b, "origin %s\n", origin)) != 0)
		goto nomem;
	for (i = 0; i < n; i++) {
		len = 32;
		if (EVP_PKEY_get_raw_private_key(slots[i].key, raw, &len) != 1 ||
		    len != 32) {
			r = kr_errf(e, KR_ECRYPTO, "%s: cannot export a key", path);
			goto out;
		}
		if ((r = audit_buf_addf(&b, "key %llu ",
		    (unsigned long long)slots[i].seq)) != 0 ||
		    (r = audit_buf_add_b64(&b, raw, 32)) != 0 ||
		    (r = audit_buf_addc(&b, '\n')) != 0)
			goto nomem;
		kr_cleanse(raw, 32);
	}
	r = kr_write_atomic(path, b.p, b.len, 0600, e);
	goto out;
nomem:
	r = kr_errf(e, KR_ENOMEM, "%s: out of memory", path);
out:
	kr_secure_free(raw, 32);
	audit_buf_free(&b);
	return r;
}

int
audit_keyfile_find(const char *path, const char *origin, uint64_t seq,
    const uint8_t pk[32], EVP_PKEY **out, struct kr_err *e)
{
	char *buf = NULL, *p, *nl, *end;
	uint8_t *raw = NULL, got[32];
	size_t len = 0, olen, dec;
	unsigned long long s;
	EVP_PKEY *k = NULL;
	int r;

	*out = NULL;
	if ((r = kr_read_file_secure(path, KEYFILE_MAX, &buf, &len, e)) != 0)
		return r;
	if ((raw = kr_secure_malloc(32)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "audit: out of secure memory");
		goto out;
	}
	olen = strlen(origin);
	if (len < sizeof(KEYFILE_MAGIC) - 1 ||
	    memcmp(buf, KEYFILE_MAGIC, sizeof(KEYFILE_MAGIC) - 1) != 0) {
		r = kr_errf(e, KR_EDATA, "%s: not an audit key file", path);
		goto out;
	}
	p = buf + sizeof(KEYFILE_MAGIC) - 1;
	if (strncmp(p, "origin ", 7) != 0 || strncmp(p + 7, origin, olen) != 0 ||
	    p[7 + olen] != '\n') {
		r = kr_errf(e, KR_EAUTH, "%s: key file of another log", path);
		goto out;
	}
	p += 7 + olen + 1;
	for (; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		if (strncmp(p, "key ", 4) != 0)
			break;
		s = strtoull(p + 4, &end, 10);
		if (end == p + 4 || *end != ' ' || s != seq)
			continue;
		end++;
		if (kr_b64_decode(end, (size_t)(nl - end), raw, 32, &dec) != 0 ||
		    dec != 32)
			continue;
		if (audit_key_from_raw(raw, &k, NULL) != 0)
			continue;
		kr_cleanse(raw, 32);
		if (audit_key_public(k, got) == 0 &&
		    CRYPTO_memcmp(got, pk, 32) == 0) {
			*out = k;
			r = 0;
			goto out;
		}
		EVP_PKEY_free(k);
		k = NULL;
	}
	r = kr_errf(e, KR_EAUTH,
	    "%s: no key for seq %llu that continues the chain", path,
	    (unsigned long long)seq);
out:
	kr_secure_free(raw, 32);
	kr_secure_free(buf, len + 1);
	return r;
}

int
audit_keyfile_remove(const char *path, int keep, struct kr_err *e)
{
	char *dir = NULL, *prefix = NULL;
	const char *base;
	struct dirent *de;
	DIR *d = NULL;
	size_t plen;
	int r = 0;

	if (!keep && unlink(path) == -1 && errno != ENOENT)
		return kr_errf(e, KR_EIO, "%s: %s", path, strerror(errno));
	if ((dir = strdup(path)) == NULL)
		return kr_errf(e, KR_ENOMEM, "audit: out of memory");
	if ((base = strrchr(path, '/')) != NULL) {
		dir[base - path + (base == path)] = '\0';
		base++;
	} else {
		strcpy(dir, ".");
		base = path;
	}
	plen = strlen(base) + 5;
	if ((prefix = malloc(plen + 1)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "audit: out of memory");
		goto out;
	}
	snprintf(prefix, plen + 1, "%s.tmp.", base);
	if ((d = opendir(dir)) == NULL) {
		r = kr_errf(e, KR_EIO, "%s: %s", dir, strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, plen) == 0 &&
		    unlinkat(dirfd(d), de->d_name, 0) == -1 && errno != ENOENT)
			r = kr_errf(e, KR_EIO, "%s/%s: %s", dir, de->d_name,
			    strerror(errno));
out:
	if (d != NULL)
		closedir(d);
	free(prefix);
	free(dir);
	return r;
}
