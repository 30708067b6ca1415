/* SPDX-License-Identifier: ISC */
/*
 * engine-pkcs11-key.c: keys on the token.
 *
 * generatekey: RSA 2048/3072/4096 or EC P-256/P-384/P-521 made on the
 * token as the user: a token object, private, sensitive, extractable only
 * wrapped with a trusted key (CKA_WRAP_WITH_TRUSTED, which the token never
 * lets anyone clear), CKA_LABEL "keyrite:<ident>" (refused when in use)
 * and a random 16-byte CKA_ID shared with its public key.
 *
 * import-kek: the SO (the quorum's SO PIN) creates the vault's KEK as a
 * public token object that is trusted (only the SO can set CKA_TRUSTED,
 * and only at creation), wraps and does nothing else, and cannot be
 * modified: CKA_LABEL "keyrite-kek:<ident>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "codec.h"
#include "engine-pkcs11.h"
#include "engine-soft.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"

static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

/* The first object of class cls with this label, or 0. */
CK_OBJECT_HANDLE
p11_find(struct p11_engine *eng, CK_OBJECT_CLASS cls, const char *label)
{
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_LABEL, (void *)(uintptr_t)label, strlen(label) },
	};
	CK_OBJECT_HANDLE h = 0;
	CK_ULONG n = 0;

	if (eng->f->C_FindObjectsInit(eng->s, t, 2) != CKR_OK)
		return 0;
	if (eng->f->C_FindObjects(eng->s, &h, 1, &n) != CKR_OK || n != 1)
		h = 0;
	eng->f->C_FindObjectsFinal(eng->s);
	return h;
}

/* DER of the named curve's OID, for CKA_EC_PARAMS. */
static int
ec_params(const char *curve, uint8_t *out, CK_ULONG *len, int *nid)
{
	ASN1_OBJECT *o;
	unsigned char *p = out;
	int n;

	*nid = strcmp(curve, "P-256") == 0 ? NID_X9_62_prime256v1 :
	    strcmp(curve, "P-384") == 0 ? NID_secp384r1 :
	    strcmp(curve, "P-521") == 0 ? NID_secp521r1 : NID_undef;
	if (*nid == NID_undef || (o = OBJ_nid2obj(*nid)) == NULL ||
	    (n = i2d_ASN1_OBJECT(o, NULL)) <= 0 || n > 16)
		return -1;
	*len = (CK_ULONG)i2d_ASN1_OBJECT(o, &p);
	return 0;
}

static int
keypair(struct p11_engine *eng, const struct engine_key_req *req,
    const char *label, const uint8_t id[16], struct kr_err *e)
{
	CK_MECHANISM m = { CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0 };
	CK_ULONG bits = (CK_ULONG)req->size, plen = 0;
	CK_BYTE e3[] = { 0x01, 0x00, 0x01 };
	uint8_t params[16];
	CK_OBJECT_HANDLE pub, priv;
	CK_ATTRIBUTE pt[9] = {
		{ CKA_TOKEN, &yes, sizeof(yes) }, { CKA_PRIVATE, &no, sizeof(no) },
		{ CKA_LABEL, (void *)(uintptr_t)label, strlen(label) },
		{ CKA_ID, (void *)(uintptr_t)id, 16 },
		{ CKA_VERIFY, &yes, sizeof(yes) },
		{ CKA_WRAP, &no, sizeof(no) }, { CKA_ENCRYPT, &no, sizeof(no) },
		{ CKA_MODULUS_BITS, &bits, sizeof(bits) },
		{ CKA_PUBLIC_EXPONENT, e3, sizeof(e3) },
	};
	CK_ATTRIBUTE kt[] = {
		{ CKA_TOKEN, &yes, sizeof(yes) }, { CKA_PRIVATE, &yes, sizeof(yes) },
		{ CKA_LABEL, (void *)(uintptr_t)label, strlen(label) },
		{ CKA_ID, (void *)(uintptr_t)id, 16 },
		{ CKA_SENSITIVE, &yes, sizeof(yes) },
		{ CKA_EXTRACTABLE, &yes, sizeof(yes) },
		{ CKA_WRAP_WITH_TRUSTED, &yes, sizeof(yes) },
		{ CKA_SIGN, &yes, sizeof(yes) },
	};
	CK_RV rv;
	int nid;

	if (strcasecmp(req->type, "RSA") == 0) {
		if (bits != 2048 && bits != 3072 && bits != 4096)
			return kr_errf(e, KR_EUSAGE, "RSA %d: sizes 2048, 3072, 4096",
			    req->size);
		if ((rv = eng->f->C_GenerateKeyPair(eng->s, &m, pt, 9, kt,
		    sizeof(kt) / sizeof(kt[0]), &pub, &priv)) != CKR_OK)
			return p11_fail(e, KR_EFAIL, "C_GenerateKeyPair (RSA)", rv);
		return 0;
	}
	if (strcasecmp(req->type, "EC") != 0 || req->curve == NULL ||
	    ec_params(req->curve, params, &plen, &nid) != 0)
		return kr_errf(e, KR_EUSAGE, "key type %s %s: RSA or EC P-256, "
		    "P-384, P-521", req->type, req->curve ? req->curve : "");
	m.mechanism = CKM_EC_KEY_PAIR_GEN;
	pt[7].type = CKA_EC_PARAMS;
	pt[7].pValue = params;
	pt[7].ulValueLen = plen;
	if ((rv = eng->f->C_GenerateKeyPair(eng->s, &m, pt, 8, kt,
	    sizeof(kt) / sizeof(kt[0]), &pub, &priv)) != CKR_OK)
		return p11_fail(e, KR_EFAIL, "C_GenerateKeyPair (EC)", rv);
	return 0;
}

static EVP_PKEY *
fromdata(const char *alg, OSSL_PARAM_BLD *b)
{
	OSSL_PARAM *p = NULL;
	EVP_PKEY_CTX *c = NULL;
	EVP_PKEY *pk = NULL;

	if ((p = OSSL_PARAM_BLD_to_param(b)) != NULL &&
	    (c = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL)) != NULL &&
	    EVP_PKEY_fromdata_init(c) == 1)
		(void)EVP_PKEY_fromdata(c, &pk, EVP_PKEY_PUBLIC_KEY, p);
	EVP_PKEY_CTX_free(c);
	OSSL_PARAM_free(p);
	return pk;
}

static EVP_PKEY *
ec_pub(struct p11_engine *eng, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h)
{
	uint8_t par[32], pt[160];
	CK_ATTRIBUTE a[2] = {
		{ CKA_EC_PARAMS, par, sizeof(par) }, { CKA_EC_POINT, pt, sizeof(pt) },
	};
	const unsigned char *q;
	ASN1_OBJECT *o = NULL;
	ASN1_OCTET_STRING *os = NULL;
	OSSL_PARAM_BLD *b = NULL;
	EVP_PKEY *pk = NULL;
	const char *group;

	if (eng->f->C_GetAttributeValue(s, h, a, 2) != CKR_OK)
		return NULL;
	q = par;
	if ((o = d2i_ASN1_OBJECT(NULL, &q, (long)a[0].ulValueLen)) == NULL)
		goto out;
	q = pt;
	if ((os = d2i_ASN1_OCTET_STRING(NULL, &q, (long)a[1].ulValueLen)) == NULL ||
	    (group = OBJ_nid2sn(OBJ_obj2nid(o))) == NULL ||
	    (b = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY,
	    os->data, (size_t)os->length) != 1)
		goto out;
	pk = fromdata("EC", b);
out:
	OSSL_PARAM_BLD_free(b);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(o);
	return pk;
}

/* The public key object h as an EVP_PKEY (RSA or EC), or NULL. */
EVP_PKEY *
p11_pubkey(struct p11_engine *eng, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h)
{
	uint8_t n[1024], ex[16];
	CK_KEY_TYPE kt;
	CK_ATTRIBUTE t = { CKA_KEY_TYPE, &kt, sizeof(kt) };
	CK_ATTRIBUTE a[2] = {
		{ CKA_MODULUS, n, sizeof(n) }, { CKA_PUBLIC_EXPONENT, ex, sizeof(ex) },
	};
	OSSL_PARAM_BLD *b = NULL;
	BIGNUM *bn = NULL, *be = NULL;
	EVP_PKEY *pk = NULL;

	if (eng->f->C_GetAttributeValue(s, h, &t, 1) != CKR_OK)
		return NULL;
	if (kt == CKK_EC)
		return ec_pub(eng, s, h);
	if (kt != CKK_RSA || eng->f->C_GetAttributeValue(s, h, a, 2) != CKR_OK)
		return NULL;
	if ((bn = BN_bin2bn(n, (int)a[0].ulValueLen, NULL)) != NULL &&
	    (be = BN_bin2bn(ex, (int)a[1].ulValueLen, NULL)) != NULL &&
	    (b = OSSL_PARAM_BLD_new()) != NULL &&
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, bn) == 1 &&
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, be) == 1)
		pk = fromdata("RSA", b);
	OSSL_PARAM_BLD_free(b);
	BN_free(bn);
	BN_free(be);
	return pk;
}

static int
label_for(const char *prefix, const char *ident, char *out, size_t sz,
    struct kr_err *e)
{
	char id[ENGINE_IDENT_MAX];
	int r;

	if ((r = engine_ident_normalize(ident, id, sizeof(id), e)) != 0)
		return r;
	snprintf(out, sz, "%s:%s", prefix, id);
	return 0;
}

int
p11_generate_key(struct engine *engine, const struct engine_key_req *req,
    struct engine_key_info *out, struct kr_err *e)
{
	struct p11_engine *eng = P11_ENG(engine);
	char label[ENGINE_NAME_MAX];
	uint8_t id[16];
	CK_OBJECT_HANDLE pub;
	EVP_PKEY *pk = NULL;
	uint8_t *der = NULL;
	size_t len = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = label_for("keyrite", req->ident, label, sizeof(label), e)) != 0 ||
	    (r = p11_login(eng, CKU_USER, e)) != 0)
		return r;
	if (p11_find(eng, CKO_PRIVATE_KEY, label) != 0 ||
	    p11_find(eng, CKO_PUBLIC_KEY, label) != 0)
		return kr_errf(e, KR_EFAIL, "token '%s': label '%s' is in use",
		    eng->world.label, label);
	if ((r = soft_random(id, sizeof(id), e)) != 0 ||
	    (r = keypair(eng, req, label, id, e)) != 0)
		return r;
	if ((pub = p11_find(eng, CKO_PUBLIC_KEY, label)) == 0 ||
	    (pk = p11_pubkey(eng, eng->s, pub)) == NULL)
		return kr_errf(e, KR_EFAIL, "token '%s': the new key's public "
		    "half cannot be read", eng->world.label);
	if ((r = keyio_spki_der(pk, &der, &len, e)) == 0) {
		soft_sha256_hex(der, len, out->pub_sha256);
		snprintf(out->appname, sizeof(out->appname), "pkcs11");
		engine_ident_normalize(req->ident, out->ident, sizeof(out->ident),
		    NULL);
		snprintf(out->plainname, sizeof(out->plainname), "%s", label);
		snprintf(out->type, sizeof(out->type), "%s",
		    strcasecmp(req->type, "EC") == 0 ? "EC" : "RSA");
		out->size = EVP_PKEY_get_bits(pk);
		snprintf(out->curve, sizeof(out->curve), "%s",
		    req->curve != NULL && out->type[0] == 'E' ? req->curve : "");
		out->pubexp = out->type[0] == 'R' ? 65537 : 0;
		snprintf(out->protect, sizeof(out->protect), "token");
		snprintf(out->acl, sizeof(out->acl), "sensitive wrap-with-trusted "
		    "id=%02x%02x%02x%02x...", id[0], id[1], id[2], id[3]);
	}
	free(der);
	EVP_PKEY_free(pk);
	return r;
}

int
p11_export_public(struct engine *engine, const char *ident,
    const char *out_path, char sha256[ENGINE_HEX256], struct kr_err *e)
{
	struct p11_engine *eng = P11_ENG(engine);
	char label[ENGINE_NAME_MAX];
	CK_OBJECT_HANDLE h;
	EVP_PKEY *pk = NULL;
	int r;

	if ((r = label_for("keyrite", ident, label, sizeof(label), e)) != 0)
		return r;
	if (eng->s == CK_INVALID_HANDLE || (h = p11_find(eng, CKO_PUBLIC_KEY,
	    label)) == 0 || (pk = p11_pubkey(eng, eng->s, h)) == NULL)
		return kr_errf(e, KR_ENOINPUT, "token: no public key '%s'", label);
	if ((r = keyio_spki_sha256_hex(pk, sha256, e)) == 0)
		r = keyio_write_public(out_path, pk, 0644, e);
	EVP_PKEY_free(pk);
	return r;
}

int
p11_rsa_pub_values(EVP_PKEY *pk, CK_ATTRIBUTE *mod, CK_ATTRIBUTE *exp)
{
	BIGNUM *bn = NULL, *be = NULL;
	int r = -1;

	if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &bn) == 1 &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &be) == 1 &&
	    BN_num_bytes(bn) <= (int)mod->ulValueLen &&
	    BN_num_bytes(be) <= (int)exp->ulValueLen) {
		mod->ulValueLen = (CK_ULONG)BN_bn2bin(bn, mod->pValue);
		exp->ulValueLen = (CK_ULONG)BN_bn2bin(be, exp->pValue);
		r = 0;
	}
	BN_free(bn);
	BN_free(be);
	return r;
}

static int
kek_create(struct p11_engine *eng, EVP_PKEY *kek, const char *label,
    const uint8_t id[16], struct kr_err *e)
{
	CK_OBJECT_CLASS pc = CKO_PUBLIC_KEY;
	CK_KEY_TYPE rk = CKK_RSA;
	uint8_t n[512], ex[8];
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, &pc, sizeof(pc) }, { CKA_KEY_TYPE, &rk, sizeof(rk) },
		{ CKA_TOKEN, &yes, sizeof(yes) }, { CKA_PRIVATE, &no, sizeof(no) },
		{ CKA_LABEL, (void *)(uintptr_t)label, strlen(label) },
		{ CKA_ID, (void *)(uintptr_t)id, 16 },
		{ CKA_TRUSTED, &yes, sizeof(yes) }, { CKA_WRAP, &yes, sizeof(yes) },
		{ CKA_ENCRYPT, &no, sizeof(no) }, { CKA_VERIFY, &no, sizeof(no) },
		{ CKA_VERIFY_RECOVER, &no, sizeof(no) },
		{ CKA_DERIVE, &no, sizeof(no) },
		{ CKA_MODIFIABLE, &no, sizeof(no) },
		{ CKA_MODULUS, n, sizeof(n) }, { CKA_PUBLIC_EXPONENT, ex, sizeof(ex) },
	};
	CK_OBJECT_HANDLE h;
	CK_RV rv;

	if (p11_rsa_pub_values(kek, &t[13], &t[14]) != 0)
		return kr_errf(e, KR_ECRYPTO, "the KEK: cannot read its modulus");
	if ((rv = eng->f->C_CreateObject(eng->s, t, sizeof(t) / sizeof(t[0]),
	    &h)) != CKR_OK)
		return p11_fail(e, KR_EFAIL, "C_CreateObject (the KEK, as SO)", rv);
	return 0;
}

int
p11_import_kek(struct engine *engine, struct engine_quorum *q,
    const char *pem_path, const char *ident, char sha256[ENGINE_HEX256],
    struct kr_err *e)
{
	struct p11_engine *eng = P11_ENG(engine);
	char label[ENGINE_NAME_MAX];
	EVP_PKEY *kek = NULL;
	uint8_t *der = NULL, dsha[32];
	size_t len = 0;
	int r;

	if (q == NULL || q != eng->q)
		return kr_errf(e, KR_EAUTH, "import-kek: the custodians' quorum "
		    "logs the SO in");
	if ((r = label_for("keyrite-kek", ident, label, sizeof(label), e)) != 0 ||
	    (r = soft_acl_kek_pem(pem_path, NULL, 0, &kek, NULL, sha256,
	    e)) != 0)	/* sha256: the SPKI's, for the log */
		return r;
	if ((r = keyio_spki_der(kek, &der, &len, e)) != 0 ||
	    (r = p11_login(eng, CKU_SO, e)) != 0)
		goto out;
	if (p11_find(eng, CKO_PUBLIC_KEY, label) != 0) {
		r = kr_errf(e, KR_EFAIL, "token '%s': label '%s' is in use",
		    eng->world.label, label);
		goto out;
	}
	kr_sha256(der, len, dsha);
	r = kek_create(eng, kek, label, dsha, e);
out:
	free(der);
	EVP_PKEY_free(kek);
	return r;
}
