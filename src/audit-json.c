/* SPDX-License-Identifier: ISC */
/*
 * audit-json.c: the canonical JSON subset of the audit log.
 *
 * Objects, arrays, strings, true/false/null and integers 0..2^53-1; keys
 * [a-z0-9_]+ sorted bytewise; no whitespace; escapes only \" \\ \b \f \n
 * \r \t and lowercase \u00xx for other control characters; anything else
 * (including non-ASCII UTF-8 and DEL) raw.  This is RFC 8785 restricted to
 * ASCII keys and integers, so the two agree byte for byte.
 *
 * We write with our own serializer and check a line by parsing it with
 * jansson (JSON_REJECT_DUPLICATES, which also rejects invalid UTF-8) and
 * serializing it again: a line is canonical when the two are identical.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit-int.h"
#include "err.h"

static int
key_ok(const char *k)
{
	if (*k == '\0')
		return 0;
	for (; *k != '\0'; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') ||
		    *k == '_'))
			return 0;
	return 1;
}

static int
cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends a JSON string in canonical escaping. */
static int
audit_json_add_string(struct audit_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;
	char esc[7];
	int r;

	if ((r = audit_buf_addc(out, '"')) != 0)
		return r;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;
		size_t replen = 2;

		switch (c) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\b': rep = "\\b"; break;
		case '\f': rep = "\\f"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		default:
			if (c < 0x20) {
				esc[0] = '\\'; esc[1] = 'u'; esc[2] = '0';
				esc[3] = '0'; esc[4] = hex[c >> 4];
				esc[5] = hex[c & 0xf]; esc[6] = '\0';
				rep = esc;
				replen = 6;
			}
			break;
		}
		if (rep == NULL) {
			run++;
			continue;
		}
		if ((r = audit_buf_add(out, s + i - run, run)) != 0 ||
		    (r = audit_buf_add(out, rep, replen)) != 0)
			return r;
		run = 0;
	}
	if ((r = audit_buf_add(out, s + len - run, run)) != 0)
		return r;
	return audit_buf_addc(out, '"');
}

static int
canon(json_t *v, struct audit_buf *out, int depth, const char **why)
{
	const char *stack_keys[32], **keys = stack_keys, *k;
	json_t *val;
	json_int_t iv;
	size_t i, n;
	int r = 0;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		if (depth >= AUDIT_DEPTH_MAX) {
			*why = "nested too deeply";
			return KR_EDATA;
		}
		break;
	default:
		break;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		n = json_object_size(v);
		if (n > sizeof(stack_keys) / sizeof(stack_keys[0]) &&
		    (keys = calloc(n, sizeof(*keys))) == NULL)
			return KR_ENOMEM;
		i = 0;
		json_object_foreach(v, k, val) {
			if (!key_ok(k)) {
				*why = "key outside [a-z0-9_]";
				r = KR_EDATA;
				goto out;
			}
			keys[i++] = k;
		}
		qsort(keys, n, sizeof(*keys), cmp_keys);
		if ((r = audit_buf_addc(out, '{')) != 0)
			goto out;
		for (i = 0; i < n; i++) {
			if ((i > 0 && (r = audit_buf_addc(out, ',')) != 0) ||
			    (r = audit_json_add_string(out, keys[i],
			    strlen(keys[i]))) != 0 ||
			    (r = audit_buf_addc(out, ':')) != 0 ||
			    (r = canon(json_object_get(v, keys[i]), out,
			    depth + 1, why)) != 0)
				goto out;
		}
		r = audit_buf_addc(out, '}');
	out:
		if (keys != stack_keys)
			free(keys);
		return r;
	case JSON_ARRAY:
		if ((r = audit_buf_addc(out, '[')) != 0)
			return r;
		n = json_array_size(v);
		for (i = 0; i < n; i++) {
			if ((i > 0 && (r = audit_buf_addc(out, ',')) != 0) ||
			    (r = canon(json_array_get(v, i), out, depth + 1,
			    why)) != 0)
				return r;
		}
		return audit_buf_addc(out, ']');
	case JSON_STRING:
		return audit_json_add_string(out, json_string_value(v),
		    json_string_length(v));
	case JSON_INTEGER:
		iv = json_integer_value(v);
		if (iv < 0 || iv > AUDIT_INT_MAX) {
			*why = "integer outside 0..2^53-1";
			return KR_EDATA;
		}
		return audit_buf_addf(out, "%lld", (long long)iv);
	case JSON_REAL:
		*why = "not an integer";
		return KR_EDATA;
	case JSON_TRUE:
		return audit_buf_adds(out, "true");
	case JSON_FALSE:
		return audit_buf_adds(out, "false");
	case JSON_NULL:
		return audit_buf_adds(out, "null");
	}
	*why = "unknown value";
	return KR_EDATA;
}

int
audit_json_canon(json_t *v, struct audit_buf *out, const char **why)
{
	const char *dummy;

	return canon(v, out, 0, why != NULL ? why : &dummy);
}

/* Nesting outside strings, before jansson sees the line. */
static int
depth_ok(const char *s, size_t len)
{
	size_t i;
	int depth = 0, in_str = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"')
			in_str = 1;
		else if (c == '{' || c == '[') {
			if (++depth > AUDIT_DEPTH_MAX)
				return 0;
		} else if (c == '}' || c == ']')
			depth--;
	}
	return 1;
}

int
audit_json_check(const char *s, size_t len, json_t **out,
    struct audit_fail *f)
{
	struct audit_buf b = { 0 };
	json_error_t jerr;
	const char *why = "unknown";
	json_t *v = NULL;
	size_t i;
	int r = -1;

	*out = NULL;
	if (len > AUDIT_LINE_MAX) {
		audit_failf(f, AUDIT_E_LIMIT, "line longer than %d bytes",
		    AUDIT_LINE_MAX);
		return -1;
	}
	if (!depth_ok(s, len)) {
		audit_failf(f, AUDIT_E_LIMIT, "nested deeper than %d",
		    AUDIT_DEPTH_MAX);
		return -1;
	}
	if ((v = json_loadb(s, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		/* jansson quotes the input near the error: keep only
		 * printable ASCII of it. */
		for (i = 0; jerr.text[i] != '\0'; i++)
			if (jerr.text[i] < 0x20 || jerr.text[i] > 0x7e)
				jerr.text[i] = '?';
		audit_failf(f, AUDIT_E_PARSE, "%s (column %d)", jerr.text,
		    jerr.column);
		return -1;
	}
	if (!json_is_object(v)) {
		audit_failf(f, AUDIT_E_SCHEMA, "line is not a JSON object");
		goto out;
	}
	if (audit_json_canon(v, &b, &why) != 0) {
		audit_failf(f, AUDIT_E_NONCANON, "not canonical JSON: %s", why);
		goto out;
	}
	if (b.len != len || memcmp(b.p, s, len) != 0) {
		for (i = 0; i < len && i < b.len && b.p[i] == s[i]; i++)
			;
		audit_failf(f, AUDIT_E_NONCANON,
		    "not canonical JSON at column %zu", i + 1);
		goto out;
	}
	*out = v;
	v = NULL;
	r = 0;
out:
	audit_buf_free(&b);
	json_decref(v);
	return r;
}
