/* SPDX-License-Identifier: ISC */
/*
 * ceremony.c: the ceremony model's values: parameter type names, integer
 * and quorum parsing, parameter value checks, `with:' lookups, and
 * freeing a model.  The arena is in arena.c, the name index and lookups in
 * ceremony-index.c, templates in ceremony-expand.c, text positions in
 * ceremony-pos.c; loading is in ceremony-yaml.c, validation in
 * ceremony-check.c.
 *
 * Invariant: a struct ceremony and everything it points to (strings,
 * arrays, indexes) is allocated from c->arena, except compiled patterns,
 * which ceremony_free() releases with regfree().
 */
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ceremony.h"
#include "ceremony-int.h"
#include "err.h"

const struct ceremony_value *
ceremony_step_with(const struct ceremony_step *s, const char *key)
{
	size_t i;

	if (s == NULL || key == NULL)
		return NULL;
	for (i = 0; i < s->nwith; i++)
		if (s->with[i].key.s != NULL &&
		    strcmp(s->with[i].key.s, key) == 0)
			return &s->with[i];
	return NULL;
}

void
ceremony_free(struct ceremony *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nparams; i++) {
		if (c->params[i].re != NULL) {
			regfree(c->params[i].re);
			free(c->params[i].re);
		}
	}
	kr_arena_free(c->arena);	/* c itself lives in the arena */
}

/* Values */

const char *
ceremony_ptype_name(enum ceremony_ptype t)
{
	switch (t) {
	case CEREMONY_PT_STRING:	return "string";
	case CEREMONY_PT_CHOICE:	return "choice";
	case CEREMONY_PT_UUID:		return "uuid";
	case CEREMONY_PT_INTEGER:	return "integer";
	case CEREMONY_PT_QUORUM:	return "quorum";
	case CEREMONY_PT_PATH:		return "path";
	case CEREMONY_PT_URL:		return "url";
	case CEREMONY_PT_BAG:		return "bag";
	}
	return "?";
}

int
ceremony_parse_int(const char *s, long long *v)
{
	const char *p = s;
	char *end;
	long long n;

	if (s == NULL)
		return -1;
	if (*p == '-' || *p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p))
			return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*v = n;
	return 0;
}

int
ceremony_quorum_parse(const char *s, int *kp, int *np, struct kr_err *e)
{
	const char *slash;
	long long k, n;
	char kb[8], nb[8];
	size_t kl;

	if (s == NULL || (slash = strchr(s, '/')) == NULL)
		goto bad;
	kl = (size_t)(slash - s);
	if (kl == 0 || kl >= sizeof(kb) || strlen(slash + 1) == 0 ||
	    strlen(slash + 1) >= sizeof(nb))
		goto bad;
	memcpy(kb, s, kl);
	kb[kl] = '\0';
	strcpy(nb, slash + 1);
	if (!isdigit((unsigned char)kb[0]) || !isdigit((unsigned char)nb[0]) ||
	    ceremony_parse_int(kb, &k) != 0 || ceremony_parse_int(nb, &n) != 0)
		goto bad;
	if (k > n)
		return kr_errf(e, KR_EDATA,
		    "quorum %lld/%lld: K (%lld) is greater than N (%lld)",
		    k, n, k, n);
	if (k < 1)
		return kr_errf(e, KR_EDATA, "quorum %lld/%lld: K must be at "
		    "least 1", k, n);
	if (n > CEREMONY_QUORUM_MAX)
		return kr_errf(e, KR_EDATA, "quorum %lld/%lld: N may be at "
		    "most %d", k, n, CEREMONY_QUORUM_MAX);
	if (kp != NULL)
		*kp = (int)k;
	if (np != NULL)
		*np = (int)n;
	return 0;
bad:
	return kr_errf(e, KR_EDATA, "quorum '%.40s' is not K/N (for example "
	    "2/3)", s != NULL ? s : "");
}

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static int
is_uuid(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

int
ceremony_hash_grouped(const char *v, char *out, size_t outsz)
{
	char clean[72];
	size_t i, n = 0, g;

	for (i = 0; v[i] != '\0'; i++) {
		if (v[i] == ' ')
			continue;
		if (!isxdigit((unsigned char)v[i]) || n + 1 >= sizeof(clean))
			return 0;
		clean[n++] = (char)tolower((unsigned char)v[i]);
	}
	if ((n != 40 && n != 64) || outsz < n + n / 8)
		return 0;
	for (i = 0, g = 0; i < n; i++) {
		if (i > 0 && i % 8 == 0)
			out[g++] = ' ';
		out[g++] = clean[i];
	}
	out[g] = '\0';
	return 1;
}

int
ceremony_holders_count(const char *list)
{
	int n = 1;

	if (list == NULL)
		return 0;
	for (; *list != '\0'; list++)
		if (*list == ',')
			n++;
	return n;
}

int
ceremony_holder(const char *list, int card, char *out, size_t outsz)
{
	const char *p, *end;
	int i;

	if (list == NULL || card < 1 || outsz == 0)
		return -1;
	for (p = list, i = 1; i < card; i++)
		if ((p = strchr(p, ',')) == NULL)
			return -1;
		else
			p++;
	while (*p == ' ')
		p++;
	end = p + strcspn(p, ",");
	while (end > p && end[-1] == ' ')
		end--;
	if (end == p)
		return -1;
	snprintf(out, outsz, "%.*s", (int)(end - p), p);
	return 0;
}

int
ceremony_bag_check(const char *v, struct kr_err *e)
{
	size_t i, n = strlen(v);

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '-')
			break;
	if (n < 3 || n > 40 || i < n || v[0] == '-' || v[n - 1] == '-')
		return kr_errf(e, KR_EDATA, "'%.80s' is not a bag number (3 "
		    "to 40 letters, digits and dashes, as printed on the "
		    "bag)", v);
	return 0;
}

int
ceremony_param_check(const struct ceremony_param *p, const char *v,
    struct kr_err *e)
{
	long long n;
	size_t i, len;

	if (v == NULL)
		return kr_errf(e, KR_EDATA, "no value");
	switch (p->type) {
	case CEREMONY_PT_STRING:
		len = utf8_chars(v);
		if (p->min_length_loc.line != 0 && (long long)len <
		    p->min_length)
			return kr_errf(e, KR_EDATA, "'%.80s' is shorter than "
			    "%lld characters", v, p->min_length);
		if (p->max_length_loc.line != 0 && (long long)len >
		    p->max_length)
			return kr_errf(e, KR_EDATA, "'%.80s' is longer than "
			    "%lld characters", v, p->max_length);
		if (p->re != NULL && regexec(p->re, v, 0, NULL, 0) != 0)
			return kr_errf(e, KR_EDATA, "'%.80s' does not match "
			    "pattern '%.80s'", v, p->pattern.s);
		return 0;
	case CEREMONY_PT_CHOICE:
		if (p->table != NULL) {
			if (ceremony_row_find(p->table, v) == NULL)
				return kr_errf(e, KR_EDATA, "'%.80s' is not a "
				    "row of table '%s'", v, p->table->name.s);
			return 0;
		}
		for (i = 0; i < p->choices.n; i++)
			if (p->choices.v[i].s != NULL &&
			    strcmp(p->choices.v[i].s, v) == 0)
				return 0;
		return kr_errf(e, KR_EDATA, "'%.80s' is not one of the choices",
		    v);
	case CEREMONY_PT_UUID:
		if (!is_uuid(v))
			return kr_errf(e, KR_EDATA, "'%.80s' is not a UUID "
			    "(8-4-4-4-12 hex digits)", v);
		return 0;
	case CEREMONY_PT_INTEGER:
		if (ceremony_parse_int(v, &n) != 0)
			return kr_errf(e, KR_EDATA, "'%.80s' is not an integer",
			    v);
		if (p->min_loc.line != 0 && n < p->min)
			return kr_errf(e, KR_EDATA, "%lld is less than the "
			    "minimum %lld", n, p->min);
		if (p->max_loc.line != 0 && n > p->max)
			return kr_errf(e, KR_EDATA, "%lld is greater than the "
			    "maximum %lld", n, p->max);
		return 0;
	case CEREMONY_PT_QUORUM:
		return ceremony_quorum_parse(v, NULL, NULL, e);
	case CEREMONY_PT_PATH:
		if (*v == '\0')
			return kr_errf(e, KR_EDATA, "a path may not be empty");
		return 0;
	case CEREMONY_PT_URL:
		if (strncmp(v, "https://", 8) != 0 || v[8] == '\0')
			return kr_errf(e, KR_EDATA, "'%.80s' is not an "
			    "https:// URL", v);
		return 0;
	case CEREMONY_PT_BAG:
		return ceremony_bag_check(v, e);
	}
	return kr_errf(e, KR_EDATA, "unknown parameter type");
}
