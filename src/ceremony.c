/*
 * ceremony.c: the ceremony model's support code: the arena it lives in,
 * lookups by name, parameter value checks, and the ${...} template
 * expander.  Loading is in ceremony-yaml.c, validation in ceremony-check.c.
 *
 * Invariant: a struct ceremony and everything it points to (strings,
 * arrays, indexes) is allocated from c->arena, except compiled patterns,
 * which ceremony_free() releases with regfree().
 */
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony.h"
#include "ceremony-int.h"
#include "err.h"

/* Arena */

#define ARENA_BLOCK	(64 * 1024)

struct arena_block {
	struct arena_block	*next;
	size_t			 size, used;
	max_align_t		 data[];
};

struct ceremony_arena {
	struct arena_block	*head;
};

struct ceremony_arena *
arena_new(void)
{
	return calloc(1, sizeof(struct ceremony_arena));
}

void
arena_free(struct ceremony_arena *a)
{
	struct arena_block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void *
arena_alloc(struct ceremony_arena *a, size_t n)
{
	struct arena_block *b = a->head;
	const size_t align = sizeof(max_align_t);
	size_t size;
	void *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX / 2)
		return NULL;
	n = (n + align - 1) / align * align;
	if (b == NULL || b->size - b->used < n) {
		size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		if ((b = calloc(1, sizeof(*b) + size)) == NULL)
			return NULL;
		b->size = size;
		if (a->head != NULL && n > ARENA_BLOCK) {
			/* keep the current block for small allocations */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

void *
arena_array(struct ceremony_arena *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return arena_alloc(a, n * size);
}

char *
arena_strndup(struct ceremony_arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX || (p = arena_alloc(a, len + 1)) == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* Name indexes */

int
nidx_alloc(struct ceremony_arena *a, struct nidx *ix, size_t n)
{
	ix->n = 0;
	ix->v = arena_array(a, n, sizeof(*ix->v));
	return ix->v == NULL ? KR_ENOMEM : 0;
}

static int
cmp_ent(const void *a, const void *b)
{
	const struct nidx_ent *x = a, *y = b;
	int r;

	if ((r = strcmp(x->name, y->name)) != 0)
		return r;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void
nidx_sort(struct nidx *ix)
{
	if (ix->n > 1)
		qsort(ix->v, ix->n, sizeof(*ix->v), cmp_ent);
}

size_t
nidx_find(const struct nidx *ix, const char *name)
{
	size_t lo = 0, hi = ix->n, mid;
	int r;

	if (name == NULL)
		return NIDX_NONE;
	/* lower bound: the first entry >= name, so duplicates yield the
	 * lowest position */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = strcmp(ix->v[mid].name, name);
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n && strcmp(ix->v[lo].name, name) == 0)
		return ix->v[lo].pos;
	return NIDX_NONE;
}

#define INDEX(a, ix, arr, cnt, field) do {				\
	size_t i_;							\
	if (nidx_alloc((a), (ix), (cnt)) != 0)				\
		return KR_ENOMEM;					\
	for (i_ = 0; i_ < (cnt); i_++)					\
		if ((arr)[i_].field.s != NULL) {			\
			(ix)->v[(ix)->n].name = (arr)[i_].field.s;	\
			(ix)->v[(ix)->n++].pos = i_;			\
		}							\
	nidx_sort(ix);							\
} while (0)

int
ceremony_index_build(struct ceremony *c)
{
	struct ceremony_index *x;
	struct ceremony_table *t;
	size_t i, j;

	if ((x = arena_alloc(c->arena, sizeof(*x))) == NULL)
		return KR_ENOMEM;
	INDEX(c->arena, &x->params, c->params, c->nparams, name);
	INDEX(c->arena, &x->vars, c->vars, c->nvars, name);
	INDEX(c->arena, &x->steps, c->steps, c->nsteps, id);
	INDEX(c->arena, &x->tables, c->tables, c->ntables, name);
	INDEX(c->arena, &x->stations, c->stations, c->nstations, name);
	INDEX(c->arena, &x->scenarios, c->scenarios, c->nscenarios, name);
	if (nidx_alloc(c->arena, &x->roles, c->roles.n) != 0)
		return KR_ENOMEM;
	for (i = 0; i < c->roles.n; i++)
		if (c->roles.v[i].s != NULL) {
			x->roles.v[x->roles.n].name = c->roles.v[i].s;
			x->roles.v[x->roles.n++].pos = i;
		}
	nidx_sort(&x->roles);
	for (i = 0; i < c->ntables; i++) {
		t = &c->tables[i];
		if ((t->index = arena_alloc(c->arena, sizeof(*t->index))) ==
		    NULL || nidx_alloc(c->arena, &t->index->rows, t->nrows) != 0)
			return KR_ENOMEM;
		for (j = 0; j < t->nrows; j++) {
			if (t->id_col >= t->ncolumns ||
			    t->rows[j].cells[t->id_col].s == NULL)
				continue;
			t->index->rows.v[t->index->rows.n].name =
			    t->rows[j].cells[t->id_col].s;
			t->index->rows.v[t->index->rows.n++].pos = j;
		}
		nidx_sort(&t->index->rows);
		if (nidx_alloc(c->arena, &t->index->cols, t->ncolumns) != 0)
			return KR_ENOMEM;
		for (j = 0; j < t->ncolumns; j++) {
			if (t->columns[j].s == NULL)
				continue;
			t->index->cols.v[t->index->cols.n].name =
			    t->columns[j].s;
			t->index->cols.v[t->index->cols.n++].pos = j;
		}
		nidx_sort(&t->index->cols);
	}
	c->index = x;
	return 0;
}

/* Lookups */

#define FIND(c, ixname, arr, name) do {					\
	size_t p_;							\
	if ((c) == NULL || (c)->index == NULL)				\
		return NULL;						\
	p_ = nidx_find(&(c)->index->ixname, (name));			\
	return p_ == NIDX_NONE ? NULL : &(c)->arr[p_];			\
} while (0)

const struct ceremony_param *
ceremony_param_find(const struct ceremony *c, const char *name)
{
	FIND(c, params, params, name);
}

const struct ceremony_step *
ceremony_step_find(const struct ceremony *c, const char *id)
{
	FIND(c, steps, steps, id);
}

const struct ceremony_var *
ceremony_var_find(const struct ceremony *c, const char *name)
{
	FIND(c, vars, vars, name);
}

const struct ceremony_table *
ceremony_table_find(const struct ceremony *c, const char *name)
{
	FIND(c, tables, tables, name);
}

const struct ceremony_station *
ceremony_station_find(const struct ceremony *c, const char *name)
{
	FIND(c, stations, stations, name);
}

const struct ceremony_scenario *
ceremony_scenario_find(const struct ceremony *c, const char *name)
{
	FIND(c, scenarios, scenarios, name);
}

int
ceremony_has_role(const struct ceremony *c, const char *role)
{
	if (c == NULL || c->index == NULL)
		return 0;
	return nidx_find(&c->index->roles, role) != NIDX_NONE;
}

const struct ceremony_row *
ceremony_row_find(const struct ceremony_table *t, const char *id)
{
	size_t p;

	if (t == NULL || t->index == NULL)
		return NULL;
	p = nidx_find(&t->index->rows, id);
	return p == NIDX_NONE ? NULL : &t->rows[p];
}

const char *
ceremony_row_cell(const struct ceremony_table *t,
    const struct ceremony_row *row, const char *column)
{
	size_t i;

	if (t == NULL || t->index == NULL || row == NULL || column == NULL ||
	    (i = nidx_find(&t->index->cols, column)) == NIDX_NONE)
		return NULL;
	return row->cells[i].s;
}

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
	arena_free(c->arena);	/* c itself lives in the arena */
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
	}
	return kr_errf(e, KR_EDATA, "unknown parameter type");
}

/* Templates */

static int
ref_char(int ch)
{
	return isalnum(ch) || ch == '_' || ch == '-' || ch == '.';
}

enum tmpl_tok
tmpl_next(struct tmpl_state *ts, const char **text, size_t *len,
    const char **err)
{
	const char *s = ts->s + ts->i, *close;
	size_t j;

	ts->tok_off = ts->i;
	if (*s == '\0')
		return TMPL_END;
	if (s[0] == '$' && s[1] == '$') {
		*text = s;
		*len = 1;
		ts->i += 2;
		return TMPL_TEXT;
	}
	if (s[0] == '$' && s[1] == '{') {
		if ((close = strchr(s + 2, '}')) == NULL) {
			*err = "unterminated '${'";
			return TMPL_ERROR;
		}
		*text = s + 2;
		*len = (size_t)(close - (s + 2));
		if (*len == 0) {
			*err = "empty reference '${}'";
			return TMPL_ERROR;
		}
		for (j = 0; j < *len; j++)
			if (!ref_char((unsigned char)s[2 + j])) {
				*err = "bad character in a reference (a literal "
				    "'$' is written '$$')";
				return TMPL_ERROR;
			}
		ts->i += *len + 3;
		return TMPL_REF;
	}
	*text = s;
	for (j = 1; s[j] != '\0' && s[j] != '$'; j++)
		;
	*len = j;
	ts->i += j;
	return TMPL_TEXT;
}

int
tmpl_is_single_ref(const char *s)
{
	struct tmpl_state ts = { s, 0, 0 };
	const char *t, *err;
	size_t len;

	if (s == NULL || tmpl_next(&ts, &t, &len, &err) != TMPL_REF)
		return 0;
	return tmpl_next(&ts, &t, &len, &err) == TMPL_END;
}

int
tmpl_has_ref(const char *s)
{
	struct tmpl_state ts = { s, 0, 0 };
	const char *t, *err;
	size_t len;
	enum tmpl_tok k;

	if (s == NULL)
		return 0;
	while ((k = tmpl_next(&ts, &t, &len, &err)) != TMPL_END)
		if (k != TMPL_TEXT)
			return 1;
	return 0;
}

struct xbuf {
	char	*p;
	size_t	 len, cap;
};

static int
xbuf_add(struct xbuf *b, const char *s, size_t n, struct kr_err *e)
{
	char *np;
	size_t ncap;

	if (n > CEREMONY_EXPAND_MAX || b->len + n > CEREMONY_EXPAND_MAX)
		return kr_errf(e, KR_EDATA, "expansion longer than %d bytes",
		    CEREMONY_EXPAND_MAX);
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap == 0 ? 64 : b->cap;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		if ((np = realloc(b->p, ncap)) == NULL)
			return kr_errf(e, KR_ENOMEM, "out of memory");
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static int
expand(const struct ceremony *c, const char *tmpl,
    int (*lookup)(void *, const char *, const char **), void *arg,
    struct xbuf *b, int depth, struct kr_err *e)
{
	struct tmpl_state ts = { tmpl, 0, 0 };
	const struct ceremony_var *var;
	const char *t, *err, *val;
	char name[256];
	size_t len;
	int r;

	if (depth > CEREMONY_MAX_DEPTH)
		return kr_errf(e, KR_EDATA, "references nested too deeply");
	for (;;) {
		switch (tmpl_next(&ts, &t, &len, &err)) {
		case TMPL_END:
			return 0;
		case TMPL_ERROR:
			return kr_errf(e, KR_EDATA, "%s", err);
		case TMPL_TEXT:
			if ((r = xbuf_add(b, t, len, e)) != 0)
				return r;
			continue;
		case TMPL_REF:
			break;
		}
		if (len >= sizeof(name))
			return kr_errf(e, KR_EDATA, "reference too long");
		memcpy(name, t, len);
		name[len] = '\0';
		val = NULL;
		if (c != NULL && strcmp(name, "ceremony.id") == 0)
			val = c->id.s;
		else if (c != NULL && strcmp(name, "ceremony.title") == 0)
			val = c->title.s;
		else if ((var = ceremony_var_find(c, name)) != NULL) {
			if ((r = expand(c, var->tmpl.s != NULL ? var->tmpl.s :
			    "", lookup, arg, b, depth + 1, e)) != 0)
				return r;
			continue;
		} else if (lookup == NULL || lookup(arg, name, &val) != 0)
			val = NULL;
		if (val == NULL)
			return kr_errf(e, KR_EDATA, "undefined reference "
			    "'${%s}'", name);
		if ((r = xbuf_add(b, val, strlen(val), e)) != 0)
			return r;
	}
}

int
ceremony_expand(const struct ceremony *c, const char *tmpl,
    int (*lookup)(void *arg, const char *name, const char **value),
    void *arg, char **out, struct kr_err *e)
{
	struct xbuf b = { NULL, 0, 0 };
	int r;

	if (tmpl == NULL)
		return kr_errf(e, KR_EUSAGE, "no template");
	if ((r = xbuf_add(&b, "", 0, e)) != 0 ||
	    (r = expand(c, tmpl, lookup, arg, &b, 0, e)) != 0) {
		free(b.p);
		return r;
	}
	*out = b.p;
	return 0;
}

/* Positions, counted the way libyaml counts them: a character is a UTF-8
 * sequence, and CR LF, CR, LF, NEL, LS and PS each end a line. */

static size_t
break_len(const unsigned char *p, size_t left)
{
	if (p[0] == '\r')
		return left > 1 && p[1] == '\n' ? 2 : 1;
	if (p[0] == '\n')
		return 1;
	if (left > 1 && p[0] == 0xc2 && p[1] == 0x85)
		return 2;
	if (left > 2 && p[0] == 0xe2 && p[1] == 0x80 &&
	    (p[2] == 0xa8 || p[2] == 0xa9))
		return 3;
	return 0;
}

static size_t
char_len(const unsigned char *p, size_t left)
{
	size_t n = 1;

	while (n < left && (p[n] & 0xc0) == 0x80)
		n++;
	return n;
}

static size_t
bom_len(const char *buf, size_t len)
{
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		return 3;
	return 0;
}

void
ceremony_offset_pos(const char *buf, size_t len, size_t off,
    unsigned *line, unsigned *col)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t i = bom_len(buf, len), n;
	unsigned l = 1, c = 1;

	if (off > len)
		off = len;
	while (i < off) {
		if ((n = break_len(p + i, len - i)) != 0) {
			l++;
			c = 1;
		} else {
			n = char_len(p + i, len - i);
			c++;
		}
		i += n;
	}
	*line = l;
	*col = c;
}

/* The byte offset of (line, col), or len. */
static size_t
pos_offset(const char *buf, size_t len, unsigned line, unsigned col)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t i = bom_len(buf, len), n;
	unsigned l = 1, c = 1;

	while (i < len && (l < line || (l == line && c < col))) {
		if ((n = break_len(p + i, len - i)) != 0) {
			if (l == line)
				return len;	/* col beyond the line */
			l++;
			c = 1;
		} else {
			n = char_len(p + i, len - i);
			c++;
		}
		i += n;
	}
	return i;
}

int
ceremony_locate(const char *buf, size_t len, unsigned line, unsigned col,
    unsigned end_line, unsigned end_col, const char *needle, size_t k,
    unsigned *oline, unsigned *ocol)
{
	size_t start, end, nl = strlen(needle), i, d;

	if (buf == NULL || line == 0 || nl == 0)
		return -1;
	start = pos_offset(buf, len, line, col);
	end = pos_offset(buf, len, end_line, end_col);
	if (end > len || start >= end)
		return -1;
	for (i = start; i + nl <= end; i++) {
		if (memcmp(buf + i, needle, nl) != 0)
			continue;
		/* "$${" is an escaped dollar, not a reference */
		for (d = 0; i - d > start && buf[i - d - 1] == '$'; d++)
			;
		if (d % 2 != 0)
			continue;
		if (k-- == 0) {
			ceremony_offset_pos(buf, len, i, oline, ocol);
			return 0;
		}
		i += nl - 1;
	}
	return -1;
}
