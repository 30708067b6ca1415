/* SPDX-License-Identifier: ISC */
/*
 * ceremony-pos.c: positions in a ceremony's text, counted the way libyaml
 * counts them, so that a diagnostic about a part of a scalar (one
 * reference among several) points at its own line and column.
 */
#include <string.h>

#include "ceremony-int.h"

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

/* Steps over the character or line break at p: its length, with (*l, *c)
 * moved to the position after it. */
static size_t
next_pos(const unsigned char *p, size_t left, unsigned *l, unsigned *c)
{
	size_t n;

	if ((n = break_len(p, left)) != 0) {
		(*l)++;
		*c = 1;
		return n;
	}
	(*c)++;
	return char_len(p, left);
}

void
ceremony_offset_pos(const char *buf, size_t len, size_t off,
    unsigned *line, unsigned *col)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t i = bom_len(buf, len);
	unsigned l = 1, c = 1;

	if (off > len)
		off = len;
	while (i < off)
		i += next_pos(p + i, len - i, &l, &c);
	*line = l;
	*col = c;
}

/* The byte offset of (line, col), or len. */
static size_t
pos_offset(const char *buf, size_t len, unsigned line, unsigned col)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t i = bom_len(buf, len);
	unsigned l = 1, c = 1;

	while (i < len && (l < line || (l == line && c < col))) {
		if (l == line && break_len(p + i, len - i) != 0)
			return len;	/* col beyond the line */
		i += next_pos(p + i, len - i, &l, &c);
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
