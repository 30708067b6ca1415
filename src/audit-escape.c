/* SPDX-License-Identifier: ISC */
/*
 * audit-escape.c: text from the log made safe to print.
 *
 * Names and notes in a log may hold any printable UTF-8, which includes
 * C1 control characters (U+0080-009F, which some terminals obey) and the
 * Unicode bidirectional controls (U+202A-202E, U+2066-2069, U+200E/200F,
 * U+061C), which reorder what a reader sees: "gnp.exe" can read as
 * "exe.png".  audit show and audit transcript print every such character,
 * and every C0 control and DEL, as an escape: \n and \t, \xHH for the
 * other C0 and DEL, \uHHHH for the others.  Nothing else changes.
 */
#include <stdio.h>
#include <string.h>

#include "audit-int.h"

size_t
audit_unsafe_at(const char *s, unsigned *cp)
{
	const unsigned char *p = (const unsigned char *)s;

	if (p[0] < 0x20 || p[0] == 0x7f) {
		*cp = p[0];
		return p[0] == '\0' ? 0 : 1;
	}
	if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
		*cp = p[1];				/* U+0080-009F */
		return 2;
	}
	if (p[0] == 0xd8 && p[1] == 0x9c) {
		*cp = 0x061c;				/* ARABIC LETTER MARK */
		return 2;
	}
	if (p[0] == 0xe2 && p[1] == 0x80 && ((p[2] >= 0xaa && p[2] <= 0xae) ||
	    p[2] == 0x8e || p[2] == 0x8f)) {
		*cp = 0x2000 + (p[2] - 0x80);		/* U+200E/F, 202A-E */
		return 3;
	}
	if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9) {
		*cp = 0x2040 + (p[2] - 0x80);		/* U+2066-2069 */
		return 3;
	}
	return 0;
}

void
audit_add_escaped(struct audit_buf *b, const char *s)
{
	unsigned cp;
	size_t n;

	while (*s != '\0') {
		if ((n = audit_unsafe_at(s, &cp)) == 0) {
			audit_buf_addc(b, *s++);
			continue;
		}
		if (cp == '\n')
			audit_buf_adds(b, "\\n");
		else if (cp == '\t')
			audit_buf_adds(b, "\\t");
		else if (cp < 0x20 || cp == 0x7f)
			audit_buf_addf(b, "\\x%02x", cp);
		else
			audit_buf_addf(b, "\\u%04x", cp);
		s += n;
	}
}
