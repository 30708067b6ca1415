/* SPDX-License-Identifier: ISC */
/*
 * print-text.c: the layout of the printable runbook: a growing buffer,
 * word wrapping at PRINT_WIDTH columns with a hanging indent (a word
 * longer than a line is cut), commands wrapped with their shell's
 * continuation character, boxes for initials and blanks for the minutes.
 * Markdown uses the same calls: headings, lists, code blocks and tables.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony.h"
#include "err.h"
#include "print-int.h"
#include "step.h"

#define HASH_BLANK	"________ ________ ________ ________ " \
			"________ ________ ________ ________"

static void
addv(struct printer *P, const char *fmt, va_list ap)
{
	struct print_buf *b = &P->b;
	va_list cp;
	size_t ncap;
	char *np;
	int n;

	if (b->oom)
		return;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->oom = 1;
		return;
	}
	if (b->len + (size_t)n + 1 > b->cap) {
		ncap = b->cap == 0 ? 4096 : b->cap;
		while (ncap < b->len + (size_t)n + 1)
			ncap *= 2;
		if ((np = realloc(b->p, ncap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	b->len += (size_t)n;
}

static void
add(struct printer *P, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
add(struct printer *P, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	addv(P, fmt, ap);
	va_end(ap);
}

/* Columns of a UTF-8 string (one per character). */
static size_t
cols(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* The byte length of the first `want' columns of s (at most len). */
static size_t
bytes_for(const char *s, size_t len, size_t want)
{
	size_t i = 0, n = 0;

	while (i < len && n < want) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		n++;
	}
	return i;
}

/*
 * One logical line, wrapped: the first output line starts with `first'
 * spaces, the others with `hang'; tail (or "") ends every line but the
 * last (a command's continuation).  Markdown: the line as it is.
 */
static void
wrap(struct printer *P, size_t first, size_t hang, const char *s, size_t len,
    const char *tail)
{
	size_t ind = first, room, used, w, tl = strlen(tail), cut;
	const char *end = s + len;

	while (len > 0 && s[len - 1] == ' ')
		len--, end--;
	if (P->md) {	/* prose: '<' escaped (placeholders, <vault>) */
		(void)first;
		for (; s < end; s++)
			add(P, *s == '<' ? "\\<" : "%c", *s);
		add(P, "\n");
		return;
	}
	do {
		room = PRINT_WIDTH - ind - tl;
		if (cols(s, (size_t)(end - s)) <= PRINT_WIDTH - ind) {
			add(P, "%*s%.*s\n", (int)ind, "", (int)(end - s), s);
			return;
		}
		/* the last space that keeps the line within room */
		used = 0;
		cut = 0;
		for (w = 0; s + w < end && used <= room; w++) {
			if (((unsigned char)s[w] & 0xc0) != 0x80)
				used++;
			if (s[w] == ' ' && used - 1 <= room && w > 0)
				cut = w;
		}
		if (cut == 0)	/* one long word: cut it */
			cut = bytes_for(s, (size_t)(end - s), room);
		add(P, "%*s%.*s%s\n", (int)ind, "", (int)cut, s, tail);
		s += cut;
		while (s < end && *s == ' ')
			s++;
		ind = hang;
	} while (s < end);
}

void
print_line(struct printer *P, size_t indent, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	wrap(P, indent, indent, buf, strlen(buf), "");
}

void
print_blank(struct printer *P)
{
	add(P, "\n");
}

/* 1 when a source line reads as a command or a literal (options, a
 * quoted path, a Windows variable), which is never joined to prose. */
static int
literal(const char *s, size_t len)
{
	size_t i;

	if (len > 0 && (s[0] == '"' || s[0] == '%'))
		return 1;
	for (i = 0; i + 2 < len; i++)
		if ((s[i] == ' ' && s[i + 1] == '-' && (isalpha((unsigned char)
		    s[i + 2]) || s[i + 2] == '-')) ||
		    (s[i] == ' ' && s[i + 1] == ' '))
			return 1;
	return 0;
}

/*
 * Text as written in the ceremony (block scalars wrapped near 72 columns),
 * re-flowed: a line of prose long enough to have been wrapped is joined
 * with the next line of the same indentation, unless either reads as a
 * command; the result is wrapped to the page.
 */
void
print_text(struct printer *P, size_t indent, const char *text)
{
	char para[4096];
	const char *nl, *line;
	size_t len, lead, plen = 0, plead = 0, prev = 0;

	if (text == NULL)
		return;
	if (P->md)
		add(P, "\n");
	for (line = text; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		len = nl != NULL ? (size_t)(nl - line) : strlen(line);
		for (lead = 0; lead < len && line[lead] == ' '; lead++)
			;
		if (plen > 0 && lead == plead && prev >= 50 && len > lead &&
		    !literal(line + lead, len - lead) &&
		    !literal(para, plen) && plen + len + 1 < sizeof(para)) {
			para[plen++] = ' ';
			memcpy(para + plen, line + lead, len - lead);
			plen += len - lead;
		} else {
			if (plen > 0)
				wrap(P, indent + plead, indent + plead, para,
				    plen, "");
			plen = 0;
			if (len == lead && nl != NULL && nl[1] != '\0')
				add(P, "\n");
			if (len > lead && len - lead < sizeof(para)) {
				memcpy(para, line + lead, len - lead);
				plen = len - lead;
				plead = lead;
			}
		}
		prev = len;
		if (nl == NULL)
			break;
	}
	if (plen > 0)
		wrap(P, indent + plead, indent + plead, para, plen, "");
}

void
print_title(struct printer *P, const char *title)
{
	size_t n;

	if (P->md) {
		add(P, "# %s\n\n", title);
		return;
	}
	add(P, "KEYRITE RUNBOOK\n");
	wrap(P, 0, 0, title, strlen(title), "");
	n = cols(title, strlen(title));
	add(P, "%.*s\n", (int)(n < PRINT_WIDTH ? n : PRINT_WIDTH),
	    "================================================================"
	    "================");
}

void
print_heading(struct printer *P, const char *name)
{
	if (P->md)
		add(P, "\n## %s\n\n", name);
	else
		add(P, "\n%s\n%.*s\n", name, (int)strlen(name),
		    "--------------------------------");
}

void
print_page(struct printer *P, const char *name)
{
	if (P->md)
		add(P, "\n---\n\n## %s\n\n", name);
	else
		add(P, "\n%.80s\n%s\n\n", "============================="
		    "===================================================",
		    name);
}

void
print_item(struct printer *P, const char *name, const char *desc)
{
	char buf[1024];

	if (P->md) {
		add(P, "- **%s**%s%s\n", name, desc != NULL ? ": " : "",
		    desc != NULL ? desc : "");
		return;
	}
	snprintf(buf, sizeof(buf), "%-16s %s", name, desc != NULL ? desc :
	    "");
	wrap(P, 2, 19, buf, strlen(buf), "");
}

void
print_field(struct printer *P, const char *label, const char *fmt, ...)
{
	char val[2048], buf[2200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (P->md) {
		add(P, "\n**%s:** ", label);
		wrap(P, 0, 0, val, strlen(val), "");
		return;
	}
	snprintf(buf, sizeof(buf), "%s: %s", label, val);
	wrap(P, 2, 6, buf, strlen(buf), "");
}

void
print_check(struct printer *P, const char *item)
{
	char buf[2048];

	if (item == NULL)
		return;
	if (P->md) {
		add(P, "- [ ] ");
		wrap(P, 0, 0, item, strlen(item), "");
		return;
	}
	snprintf(buf, sizeof(buf), "[ ] %s", item);
	wrap(P, 2, 6, buf, strlen(buf), "");
}

void
print_command(struct printer *P, const char *shell, const char *cmd)
{
	const char *tail = " \\";

	if (cmd == NULL)
		return;
	if (shell != NULL && strcmp(shell, "powershell") == 0)
		tail = " `";
	else if (shell != NULL && strcmp(shell, "cmd") == 0)
		tail = " ^";
	if (P->md) {
		add(P, "\n```%s\n%s\n```\n", shell != NULL ? shell : "", cmd);
		return;
	}
	add(P, "  Command (%s), type it as one line:\n", shell != NULL ?
	    shell : "shell");
	wrap(P, 4, 8, cmd, strlen(cmd), tail);
}

void
print_step_head(struct printer *P, size_t n, size_t total, const char *id,
    const char *station, const char *title)
{
	char left[160];
	size_t l;

	if (P->md) {
		add(P, "\n## Step %zu of %zu: %s\n\n%s  \n*station: %s*\n", n,
		    total, id, title != NULL ? title : "", station != NULL ?
		    station : "-");
		return;
	}
	add(P, "\n%.80s\n", "------------------------------------------------"
	    "--------------------------------");
	snprintf(left, sizeof(left), "STEP %zu OF %zu  %s", n, total, id);
	l = strlen(left);
	if (station != NULL && l + 2 + 9 + strlen(station) <= PRINT_WIDTH)
		add(P, "%s%*sstation: %s\n", left,
		    (int)(PRINT_WIDTH - l - 9 - strlen(station)), "", station);
	else
		add(P, "%s\n", left);
	if (title != NULL)
		wrap(P, 0, 2, title, strlen(title), "");
	add(P, "\n");
}

void
print_boxes(struct printer *P, const struct ceremony_step *s)
{
	char line[512];
	size_t i;

	if (P->md) {
		add(P, "\n| operator |");
		for (i = 0; i < s->signoff.n; i++)
			add(P, " %s |", s->signoff.v[i].s);
		add(P, " time |\n|---|");
		for (i = 0; i < s->signoff.n; i++)
			add(P, "---|");
		add(P, "---|\n|   |");
		for (i = 0; i < s->signoff.n; i++)
			add(P, "   |");
		add(P, "   |\n");
		return;
	}
	snprintf(line, sizeof(line), "Initials: operator [      ]");
	for (i = 0; i < s->signoff.n; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
		    "  %s [      ]", s->signoff.v[i].s);
	snprintf(line + strlen(line), sizeof(line) - strlen(line),
	    "  time [  :  ]");
	add(P, "\n");
	wrap(P, 2, 12, line, strlen(line), "");
}

void
print_blank_field(struct printer *P, const char *label, int hash)
{
	if (P->md) {
		add(P, "- %s: %s\n", label, hash ? "`" HASH_BLANK "`" :
		    "________________");
		return;
	}
	if (hash) {
		wrap(P, 2, 4, label, strlen(label), "");
		add(P, "    %s\n", HASH_BLANK);
	} else {
		wrap(P, 2, 4, label, strlen(label), "");
		add(P, "    %s\n", "__________________________________________"
		    "______________");
	}
}

void
print_cards(struct printer *P, const struct ceremony_step *s)
{
	char *q = print_expand(P, step_literal(s, "quorum") != NULL ?
	    step_literal(s, "quorum") : (ceremony_step_with(s, "quorum") !=
	    NULL ? ceremony_step_with(s, "quorum")->scalar.s : NULL));
	struct kr_err e;
	char name[128], *h;
	int k = 0, n = 0, i;

	if (q == NULL || ceremony_quorum_parse(q, &k, &n, &e) != 0)
		n = 0;
	if (P->md)
		add(P, "\n| card | holder (named at %s) | initials |\n"
		    "|---|---|---|\n", s->id.s);
	else
		add(P, "\n  Administrator cards (quorum %s): who holds each "
		    "card\n", q != NULL ? q : "?");
	h = print_expand(P, ceremony_step_with(s, "holders") != NULL ?
	    ceremony_step_with(s, "holders")->scalar.s : NULL);
	for (i = 1; i <= (n > 0 ? n : 3); i++) {
		if (h == NULL || h[0] == '<' ||
		    ceremony_holder(h, i, name, sizeof(name)) != 0)
			snprintf(name, sizeof(name), "%s",
			    "____________________________");
		if (P->md)
			add(P, "| %d | %s | |\n", i, name[0] == '_' ? "" : name);
		else
			add(P, "    card %d  holder %-28.40s  initials [      ]\n",
			    i, name);
	}
	free(h);
	if (!P->md)
		add(P, "\n");
	free(q);
}

void
print_signatures(struct printer *P)
{
	size_t i;

	if (P->md)
		add(P, "\n### Signatures\n\n| role | name | signature | "
		    "date |\n|---|---|---|---|\n");
	else
		add(P, "\n  Signatures\n");
	for (i = 0; i < P->c->roles.n; i++) {
		if (P->md)
			add(P, "| %s | | | |\n", P->c->roles.v[i].s);
		else
			add(P, "    %-10s name ________________  signature "
			    "________________  date ________\n",
			    P->c->roles.v[i].s);
	}
}

void
print_group(const char *v, char *out, size_t outsz)
{
	if (!ceremony_hash_grouped(v, out, outsz))
		snprintf(out, outsz, "%s", v);
}
