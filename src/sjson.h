/* SPDX-License-Identifier: ISC */
/*
 * sjson.h: signed JSON statements and strict JSON field readers, shared by
 * the packages (pkg.c), the module certificate and the manifest.
 *
 * A signed statement is {"body": {...}, "signature": "<base64>"}; the
 * signature covers the canonical form of body: jansson's compact output
 * with sorted keys and ASCII escapes (JSON_COMPACT | JSON_SORT_KEYS |
 * JSON_ENSURE_ASCII).  Bodies hold only strings, integers and booleans, so
 * the canonical form of what was parsed is exactly what was signed, and the
 * values a verifier reads are the values it verified.
 *
 * The readers take untrusted input: sizes are checked before parsing,
 * duplicate keys, a BOM and anything but an object at the top are refused,
 * unknown members are refused, and every message is "NAME: what is wrong"
 * without echoing more than a short, printable excerpt of the input.
 */
#ifndef KR_SJSON_H
#define KR_SJSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

struct kr_err;

/* Parses buf (at most max bytes) into a JSON object.  KR_EDATA on error,
 * with "name: line L, column C: what" for syntax errors. */
int	sjson_load(const char *name, const char *buf, size_t len, size_t max,
	    json_t **out, struct kr_err *e);

/* The canonical form of v without the members drop1 and drop2 (either may
 * be NULL); *out is malloc'd (free()); ascii
 * 0 keeps UTF-8 as it is instead of escaping it (the software module's
 * files, engine-soft-json.c). */
int	sjson_canonical_without(const json_t *v, int ascii, const char *drop1,
	    const char *drop2, char **out, size_t *len);

/* Signs body (which the new object takes a reference to). */
int	sjson_sign(json_t *body, EVP_PKEY *key, json_t **out,
	    struct kr_err *e);
/* Checks that obj is {"body": object, "signature": base64} (KR_EDATA,
 * "name: what"), then returns 0 when the signature verifies under key and
 * KR_EFAIL (no message) when it does not.  *body borrows obj's body. */
int	sjson_open(const char *name, json_t *obj, json_t **body,
	    struct kr_err *e);
int	sjson_verify(json_t *obj, EVP_PKEY *key);

/* Refuses members of obj not in the NULL-terminated list allowed. */
int	sjson_only(const char *name, const char *where, json_t *obj,
	    const char *const *allowed, struct kr_err *e);

/* A string member of 1..max bytes of printable ASCII (or, with utf8, any
 * text without control characters). */
int	sjson_str(const char *name, json_t *obj, const char *key, size_t max,
	    int utf8, const char **out, struct kr_err *e);
/* The same, and with empty_ok an empty string is fine. */
int	sjson_str_ex(const char *name, json_t *obj, const char *key,
	    size_t max, int utf8, int empty_ok, const char **out,
	    struct kr_err *e);
/* A string member of exactly 64 lowercase hex digits. */
int	sjson_hex64(const char *name, json_t *obj, const char *key,
	    const char **out, struct kr_err *e);
/* A base64 (standard, padded) member decoding to 1..max bytes; *out is
 * malloc'd. */
int	sjson_b64(const char *name, json_t *obj, const char *key, size_t max,
	    uint8_t **out, size_t *len, struct kr_err *e);
/* A DER SubjectPublicKeyInfo in a base64 member. */
int	sjson_pubkey(const char *name, json_t *obj, const char *key,
	    EVP_PKEY **out, struct kr_err *e);
/* A boolean member. */
int	sjson_bool(const char *name, json_t *obj, const char *key, int *out,
	    struct kr_err *e);
/* An integer member within [min, max]. */
int	sjson_int(const char *name, json_t *obj, const char *key,
	    long long min, long long max, long long *out, struct kr_err *e);

/* v as text with jansson's flags; with nl, one newline added at the end.
 * *out is malloc'd (free()); *len counts the newline.  0 or KR_ENOMEM. */
int	sjson_text(const json_t *v, size_t flags, int nl, char **out,
	    size_t *len);

/* v as text (sjson_text, no newline) written to path with
 * kr_write_atomic, mode 0600. */
int	sjson_write(const char *path, const json_t *v, size_t flags,
	    struct kr_err *e);

/* A base64 string of a public key's DER SubjectPublicKeyInfo, as a new
 * JSON string, or NULL. */
json_t	*sjson_pubkey_value(EVP_PKEY *pk);

/* Copies at most 40 bytes of untrusted text into out, replacing anything
 * but printable ASCII with '?', for use in messages. */
void	sjson_excerpt(const char *s, char *out, size_t outsz);

#endif
