/* SPDX-License-Identifier: ISC */
/*
 * audit-show.c: `keyrite audit show`, one readable line per entry.
 *
 * It reads the log a line at a time (each capped like the verifier's) and
 * shows what each entry says; it does not verify (that is audit verify).
 * Hashes are shown in hex (as sha256sum prints them), strings with C0, C1
 * and bidirectional control characters escaped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit-int.h"
#include "audit-verify.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"

/* Text with C0, C1 and bidirectional controls escaped (audit-escape.c). */
static void
add_clean(struct audit_buf *b, const char *s)
{
	audit_add_escaped(b, s);
}

/* Inside quotes: '"' and '\\' escaped too. */
static void
add_quoted(struct audit_buf *b, const char *s)
{
	char one[2] = { 0, 0 };
	unsigned cp;
	size_t n;

	while (*s != '\0') {
		if (*s == '"' || *s == '\\') {
			audit_buf_addc(b, '\\');
			audit_buf_addc(b, *s++);
		} else if ((n = audit_unsafe_at(s, &cp)) > 0) {
			char tmp[8];

			memcpy(tmp, s, n);
			tmp[n] = '\0';
			audit_add_escaped(b, tmp);
			s += n;
		} else {
			one[0] = *s++;
			audit_buf_adds(b, one);
		}
	}
}

static int
is_hash_member(const char *k)
{
	size_t n = strlen(k);

	return strcmp(k, "sha256") == 0 ||
	    (n > 7 && strcmp(k + n - 7, "_sha256") == 0);
}

static void
add_value(struct audit_buf *b, const char *k, json_t *v)
{
	struct audit_fail f;
	uint8_t h[32];
	char hex[65];
	const char *s;

	if (json_is_string(v)) {
		s = json_string_value(v);
		if (is_hash_member(k) && audit_get_b64(v, h, 32, &f, k) == 0) {
			kr_hex_encode(h, 32, hex, sizeof(hex));
			audit_buf_adds(b, hex);
		} else if (strpbrk(s, " \"\\\n\t") != NULL || *s == '\0') {
			audit_buf_addc(b, '"');
			add_quoted(b, s);
			audit_buf_addc(b, '"');
		} else
			add_clean(b, s);
		return;
	}
	/* Numbers, booleans, arrays: their canonical JSON, made printable. */
	{
		struct audit_buf j = { 0 };

		if (audit_json_canon(v, &j, NULL) == 0 && j.p != NULL)
			add_clean(b, j.p);
		audit_buf_free(&j);
	}
}

static void
show_text(struct audit_buf *b, const struct audit_line *l)
{
	const char *k;
	json_t *v, *c;
	char hex[65];
	size_t i;

	audit_buf_addf(b, "%6llu  %s  %-16s", (unsigned long long)l->seq,
	    l->t, l->type == AUDIT_T_EVENT ? audit_event_name(l->event) :
	    audit_type_name(l->type));
	if (l->rehearsal)
		audit_buf_adds(b, "  REHEARSAL");
	if (l->step != NULL) {
		audit_buf_adds(b, "  step=");
		add_clean(b, l->step);
	}
	if (l->actor != NULL) {
		audit_buf_adds(b, "  actor=");
		add_clean(b, l->actor);
	}
	if (l->type == AUDIT_T_CHECKPOINT || l->type == AUDIT_T_RESUME ||
	    l->type == AUDIT_T_SEAL) {
		kr_hex_encode(l->root_hash, 32, hex, sizeof(hex));
		audit_buf_addf(b, "  size=%llu root=%s",
		    (unsigned long long)l->size, hex);
		if (l->cosigs != NULL) {
			audit_buf_adds(b, "  cosigs=[");
			json_array_foreach(l->cosigs, i, c)
				audit_buf_addf(b, "%sacs-%lld", i > 0 ? ", " : "",
				    (long long)json_integer_value(
				    json_object_get(c, "card")));
			audit_buf_adds(b, "]");
		}
	}
	if (l->type == AUDIT_T_GENESIS) {
		kr_hex_encode(l->pk, 32, hex, sizeof(hex));
		audit_buf_addf(b, "  origin=%s pk=%s", l->origin, hex);
	}
	if (l->data != NULL)
		json_object_foreach(l->data, k, v) {
			audit_buf_addf(b, "  %s=", k);
			add_value(b, k, v);
		}
	audit_buf_addc(b, '\n');
}

static void
show_json(struct audit_buf *b, const struct audit_line *l, uint64_t lineno,
    uint64_t byte, const uint8_t lh[32])
{
	char hex[65];
	size_t i, n;
	unsigned cp;

	kr_hex_encode(lh, 32, hex, sizeof(hex));
	audit_buf_addf(b, "{\"byte\":%llu,\"e\":", (unsigned long long)byte);
	/* the same JSON value, with C1 and bidirectional controls written as
	 * \u escapes (C0 ones are escaped in the log already) */
	for (i = 0; i < l->e_len; ) {
		if ((n = audit_unsafe_at(l->e_text + i, &cp)) > 0 &&
		    i + n <= l->e_len) {
			audit_buf_addf(b, "\\u%04x", cp);
			i += n;
		} else
			audit_buf_addc(b, l->e_text[i++]);
	}
	audit_buf_addf(b, ",\"lh\":\"%s\",\"line\":%llu}\n", hex,
	    (unsigned long long)lineno);
}

int
audit_show_file(const char *path, int json, audit_emit_fn emit, void *arg,
    struct kr_err *e)
{
	struct audit_buf out = { 0 };
	struct audit_line l;
	struct audit_fail f;
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	uint64_t lineno = 0, byte = 0;
	uint8_t lh[32];
	int r = 0, bad = 0, fd;

	if ((fd = kr_open_regular(path, e)) < 0)
		return fd;
	if ((fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		return kr_errf(e, KR_EIO, "%s: %s", path, strerror(errno));
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		size_t len = (size_t)n;
		int partial = line[len - 1] != '\n';

		lineno++;
		audit_buf_reset(&out);
		if (!partial)
			len--;
		if (partial) {
			audit_buf_addf(&out, json ? "{\"byte\":%llu,\"line\":%llu,"
			    "\"partial\":%zu}\n" : "line %llu (byte %llu): "
			    "partial last line of %zu bytes\n",
			    (unsigned long long)(json ? byte : lineno),
			    (unsigned long long)(json ? lineno : byte), len);
			bad = 1;
		} else if (audit_line_parse(line, len, &l, &f) != 0) {
			if (json)
				audit_buf_addf(&out, "{\"byte\":%llu,\"error\":"
				    "\"%s\",\"line\":%llu}\n",
				    (unsigned long long)byte,
				    audit_code_name(f.code),
				    (unsigned long long)lineno);
			else
				audit_buf_addf(&out, "line %llu (byte %llu): "
				    "%s %s\n", (unsigned long long)lineno,
				    (unsigned long long)byte,
				    audit_code_name(f.code), f.msg);
			bad = 1;
		} else {
			audit_leaf_hash(line, len, lh);
			if (json)
				show_json(&out, &l, lineno, byte, lh);
			else
				show_text(&out, &l);
			audit_line_clear(&l);
		}
		byte += (uint64_t)n;
		if (out.p != NULL && (r = emit(arg, out.p, out.len)) != 0)
			goto done;
	}
	if (ferror(fp))
		r = kr_errf(e, KR_EIO, "%s: %s", path, strerror(errno));
	else if (bad)
		r = kr_errf(e, KR_EDATA, "%s: some lines are not valid entries",
		    path);
done:
	free(line);
	fclose(fp);
	audit_buf_free(&out);
	return r;
}
