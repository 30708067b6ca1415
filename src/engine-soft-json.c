/* SPDX-License-Identifier: ISC */
/*
 * engine-soft-json.c: the module's file encoding.  Every file is one JSON
 * object in canonical form (compact, keys sorted, one newline at the end)
 * with a "format" tag and a "sum" (SHA-256 of the canonical object without
 * "sum").  A reader accepts a buffer only when it is exactly the canonical
 * encoding of what it parsed and the sum matches, so any flipped bit is
 * caught before a member is used; getters then check type, size and range.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "codec.h"
#include "engine-soft.h"
#include "err.h"
#include "sjson.h"
#include "fsutil.h"


int
soft_is_lower_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

char *
soft_json_canon(json_t *obj, const char *drop1, const char *drop2)
{
	char *s = NULL;
	size_t len;

	if (sjson_canonical_without(obj, 0, drop1, drop2, &s, &len) != 0)
		return NULL;
	return s;
}

static int
sum_of(json_t *obj, char out[ENGINE_HEX256])
{
	char *body;

	if ((body = soft_json_canon(obj, "sum", NULL)) == NULL)
		return KR_ENOMEM;
	soft_sha256_hex(body, strlen(body), out);
	free(body);
	return 0;
}

int
soft_json_dump(json_t *obj, char **out, size_t *len, struct kr_err *e)
{
	char sum[ENGINE_HEX256];

	json_object_del(obj, "sum");
	if (sum_of(obj, sum) != 0 ||
	    json_object_set_new(obj, "sum", json_string(sum)) != 0 ||
	    sjson_text(obj, JSON_COMPACT | JSON_SORT_KEYS, 1, out, len) != 0)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	return 0;
}

int
soft_write_json(const char *path, json_t *obj, struct kr_err *e)
{
	char *buf = NULL;
	size_t len;
	int r;

	if ((r = soft_json_dump(obj, &buf, &len, e)) != 0)
		return r;
	r = kr_write_atomic(path, buf, len, 0600, e);
	free(buf);
	return r;
}

int
soft_json_load(const char *name, const char *buf, size_t len, size_t max,
    const char *format, json_t **out, struct kr_err *e)
{
	json_error_t jerr;
	json_t *obj = NULL, *f, *sum;
	char want[ENGINE_HEX256], *canon = NULL;
	int r = KR_EDATA;

	if (len > max)
		return kr_errf(e, KR_EDATA, "%s: too large (%zu bytes, limit %zu)",
		    name, len, max);
	if (len < 3 || buf[len - 1] != '\n' || memchr(buf, '\0', len) != NULL)
		return kr_errf(e, KR_EDATA, "%s: not a keyrite file", name);
	if ((obj = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return kr_errf(e, KR_EDATA, "%s: not a keyrite file: %s",
		    name, jerr.text);
	if (!json_is_object(obj)) {
		kr_errf(e, KR_EDATA, "%s: not a keyrite file", name);
		goto out;
	}
	f = json_object_get(obj, "format");
	if (!json_is_string(f) || strncmp(json_string_value(f), "keyrite-", 8) != 0) {
		kr_errf(e, KR_EDATA, "%s: not a keyrite file", name);
		goto out;
	}
	if (strcmp(json_string_value(f), format) != 0) {
		kr_errf(e, KR_EDATA, "%s: a %s file, not %s", name,
		    json_string_value(f), format);
		goto out;
	}
	if ((canon = soft_json_canon(obj, NULL, NULL)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	sum = json_object_get(obj, "sum");
	if (strlen(canon) != len - 1 || memcmp(canon, buf, len - 1) != 0 ||
	    !json_is_string(sum) || sum_of(obj, want) != 0 ||
	    strcmp(json_string_value(sum), want) != 0) {
		kr_errf(e, KR_EDATA, "%s: damaged (checksum mismatch)", name);
		goto out;
	}
	*out = obj;
	obj = NULL;
	r = 0;
out:
	free(canon);
	json_decref(obj);
	return r;
}

int
soft_get_str(const char *name, json_t *o, const char *key, char *out,
    size_t outsz, struct kr_err *e)
{
	const char *s;
	int r;

	if ((r = sjson_str_ex(name, o, key, outsz - 1, 1, 1, &s, e)) != 0)
		return r;
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

int
soft_get_int(const char *name, json_t *o, const char *key, long long min,
    long long max, long long *out, struct kr_err *e)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return kr_errf(e, KR_EDATA, "%s: '%s' missing or not an integer",
		    name, key);
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return kr_errf(e, KR_EDATA, "%s: '%s' out of range (%lld..%lld)",
		    name, key, min, max);
	*out = json_integer_value(v);
	return 0;
}

int
soft_get_hex(const char *name, json_t *o, const char *key, uint8_t *out,
    size_t len, struct kr_err *e)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v) || json_string_length(v) != 2 * len ||
	    !soft_is_lower_hex(json_string_value(v), 2 * len) ||
	    kr_hex_decode(json_string_value(v), out, len, NULL) != 0)
		return kr_errf(e, KR_EDATA, "%s: '%s' is not %zu bytes of hex",
		    name, key, len);
	return 0;
}

int
soft_get_b64(const char *name, json_t *o, const char *key, size_t maxlen,
    uint8_t **out, size_t *len, struct kr_err *e)
{
	json_t *v = json_object_get(o, key);
	uint8_t *buf;
	size_t n;

	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > kr_b64_encoded_size(maxlen))
		return kr_errf(e, KR_EDATA, "%s: '%s' missing or too long",
		    name, key);
	if ((buf = malloc(maxlen + 3)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	if (kr_b64_decode(json_string_value(v), json_string_length(v), buf,
	    maxlen + 3, &n) != 0 || n > maxlen || n == 0) {
		free(buf);
		return kr_errf(e, KR_EDATA, "%s: '%s' is not valid base64",
		    name, key);
	}
	*out = buf;
	*len = n;
	return 0;
}

int
soft_set_hex(json_t *o, const char *key, const uint8_t *in, size_t len)
{
	char buf[2 * 64 + 1];

	if (len > 64 || kr_hex_encode(in, len, buf, sizeof(buf)) < 0)
		return KR_EUSAGE;
	return json_object_set_new(o, key, json_string(buf)) == 0 ? 0 : KR_ENOMEM;
}

int
soft_set_b64(json_t *o, const char *key, const uint8_t *in, size_t len)
{
	size_t sz = kr_b64_encoded_size(len);
	char *buf;
	int r;

	if ((buf = malloc(sz)) == NULL)
		return KR_ENOMEM;
	if (kr_b64_encode(in, len, buf, sz) < 0) {
		free(buf);
		return KR_EUSAGE;
	}
	r = json_object_set_new(o, key, json_string(buf)) == 0 ? 0 : KR_ENOMEM;
	free(buf);
	return r;
}
