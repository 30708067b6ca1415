/* SPDX-License-Identifier: ISC */
/*
 * audit-transcript.c: `keyrite audit transcript`, the printable record.
 *
 * The log is verified first and only its verified part is rendered (so
 * nothing an attacker appended after a failure reaches the page).  The
 * record: the verdict, origin and fingerprints for the paper minutes, the
 * ceremony and its parameters, the world and its cards, a table of steps
 * (step, activity, result, time, actor, sign-offs), every artifact with its
 * SHA-256 in groups of eight hex digits, exceptions, resumes, checkpoints,
 * and lines for the witnesses' signatures.  Text or markdown.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit-int.h"
#include "audit-verify.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"

struct step_row {
	char		 id[68];
	char		 action[132];
	char		 result[160];
	char		 t[24];
	char		 actor[132];
	struct audit_buf signoffs;
};

struct tr {
	int			 md;
	struct audit_buf	 out;
	struct audit_buf	 params;
	struct audit_buf	 world;
	struct audit_buf	 artifacts;
	struct audit_buf	 exceptions;
	struct audit_buf	 resumes;
	struct audit_buf	 checkpoints;
	struct audit_buf	 faults;	/* a rehearsal's injected faults */
	struct audit_buf	 choices;	/* alternatives chosen or not */
	struct step_row		*steps;
	size_t			 nsteps;
	char			 signers[16][132];	/* escaped */
	size_t			 nsigners;
	char			 operator[132];		/* escaped */
	struct audit_buf	 notes;
	char			 ceremony[132];
	char			 title[1100];
	char			 scenario[132];
	uint8_t			 ceremony_sha[32];
	int			 have_ceremony;
	char			 end[32];
	char			 first_t[24];
	char			 last_t[24];
	int			 stopped;	/* the last event was "stopped" */
};

/* One cell or line: C0, C1 and bidirectional controls escaped
 * (audit-escape.c); markdown's own characters escaped in markdown. */
static void
add_cell(struct tr *t, struct audit_buf *b, const char *s)
{
	struct audit_buf esc = { 0 };
	const char *p;

	audit_add_escaped(&esc, s);
	for (p = esc.p != NULL ? esc.p : ""; *p != '\0'; p++) {
		if (t->md && strchr("|\\*_`<>[]", *p) != NULL)
			audit_buf_addc(b, '\\');
		audit_buf_addc(b, *p);
	}
	audit_buf_free(&esc);
}

static void
grouped(const uint8_t *h, char *out, size_t outsz)
{
	char hex[65];

	kr_hex_encode(h, 32, hex, sizeof(hex));
	if (kr_hex_group(hex, 8, 0, out, outsz) < 0)
		snprintf(out, outsz, "%s", hex);
}

/* A name from the log into a fixed buffer, its controls escaped. */
static void
esc_copy(char *dst, size_t sz, const char *s)
{
	struct audit_buf b = { 0 };

	audit_add_escaped(&b, s != NULL ? s : "");
	snprintf(dst, sz, "%s", b.p != NULL ? b.p : "");
	audit_buf_free(&b);
}

static const char *
str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static struct step_row *
step_get(struct tr *t, const char *id)
{
	struct step_row *s;
	size_t i;

	for (i = 0; i < t->nsteps; i++)
		if (strcmp(t->steps[i].id, id) == 0)
			return &t->steps[i];
	if ((s = realloc(t->steps, (t->nsteps + 1) * sizeof(*s))) == NULL)
		return NULL;
	t->steps = s;
	s = &t->steps[t->nsteps++];
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", id);
	return s;
}

static void
add_signer(struct tr *t, const char *actor)
{
	size_t i;

	for (i = 0; i < t->nsigners; i++)
		if (strcmp(t->signers[i], actor) == 0)
			return;
	if (strcmp(t->operator, actor) == 0)
		return;
	if (t->nsigners < sizeof(t->signers) / sizeof(t->signers[0]))
		snprintf(t->signers[t->nsigners++], sizeof(t->signers[0]), "%s",
		    actor);
}

static void
bullet(struct tr *t, struct audit_buf *b)
{
	audit_buf_adds(b, t->md ? "- " : "  ");
}

/* A choice between alternative steps: "step upload-az: chosen: ...". */
static void
choice(struct tr *t, const char *step, const char *text)
{
	bullet(t, &t->choices);
	audit_buf_addf(&t->choices, "step %s: ", step != NULL ? step : "-");
	add_cell(t, &t->choices, text);
	audit_buf_addc(&t->choices, '\n');
}

static void
cosigners(const json_t *cosigs, struct audit_buf *b)
{
	const json_t *c;
	size_t i;

	if (cosigs == NULL) {
		audit_buf_adds(b, "no quorum (before world-created)");
		return;
	}
	audit_buf_adds(b, "cosigned by ");
	json_array_foreach(cosigs, i, c)
		audit_buf_addf(b, "%sacs-%lld", i > 0 ? ", " : "",
		    (long long)json_integer_value(json_object_get(c, "card")));
}

/* A checkpoint or the seal, or a resume. */
static void
take_ckpt(struct tr *t, const struct audit_line *l)
{
	const json_t *d = l->data;
	char g[80];
	uint8_t h[32];
	struct audit_fail f;

	if (l->type == AUDIT_T_CHECKPOINT || l->type == AUDIT_T_SEAL) {
		grouped(l->root_hash, g, sizeof(g));
		bullet(t, &t->checkpoints);
		audit_buf_addf(&t->checkpoints, "%s %s seq %llu: size %llu, ",
		    l->t, audit_type_name(l->type), (unsigned long long)l->seq,
		    (unsigned long long)l->size);
		cosigners(l->cosigs, &t->checkpoints);
		/* hashes whole on lines of their own (80 columns) */
		audit_buf_addf(&t->checkpoints, t->md ? ", root `%s`\n" :
		    "\n    root %s\n", g);
		return;
	}
	if (l->type == AUDIT_T_RESUME) {
		audit_get_b64(json_object_get(d, "removed_sha256"), h, 32, &f,
		    "removed_sha256");
		grouped(h, g, sizeof(g));
		bullet(t, &t->resumes);
		audit_buf_addf(&t->resumes, "%s seq %llu: resumed after %s; "
		    "%lld bytes of a partial line removed; ",
		    l->t, (unsigned long long)l->seq, t->stopped ?
		    "the operator stopped the run" : "a crash",
		    (long long)json_integer_value(json_object_get(d,
		    "removed_bytes")));
		if (l->cosigs == NULL)
			audit_buf_adds(&t->resumes, "RESUMED WITHOUT QUORUM "
			    "(before world-created)");
		else
			cosigners(l->cosigs, &t->resumes);
		audit_buf_addf(&t->resumes, t->md ? ", removed bytes' SHA-256 "
		    "`%s`\n" : "\n    removed bytes' SHA-256\n      %s\n", g);
	}
}

/* The world and its cards' keys. */
static void
take_world(struct tr *t, const struct audit_line *l)
{
	const json_t *d = l->data, *c;
	struct audit_fail f;
	uint8_t h[32];
	char g[80];
	size_t i;

	bullet(t, &t->world);
	audit_buf_addf(&t->world, "world %s, quorum %lld of %lld%s%s (%s)\n",
	    str(d, "world_id"),
	    (long long)json_integer_value(json_object_get(d, "k")),
	    (long long)json_integer_value(json_object_get(d, "n")),
	    json_object_get(d, "cipher_suite") ? ", " : "",
	    str(d, "cipher_suite"), l->t);
	json_array_foreach(json_object_get(d, "cards"), i, c) {
		audit_get_b64(json_object_get(c, "pk"), h, 32, &f, "pk");
		grouped(h, g, sizeof(g));
		bullet(t, &t->world);
		audit_buf_addf(&t->world, t->md ? "card acs-%lld key `%s`\n" :
		    "card acs-%lld key\n      %s\n",
		    (long long)json_integer_value(json_object_get(c, "index")),
		    g);
	}
}

/* Events that fill the steps table. */
static void
take_step(struct tr *t, struct step_row *s, const struct audit_line *l)
{
	const json_t *d = l->data;
	char who[132];

	switch (l->event) {
	case AUDIT_EV_STEP_START:
		snprintf(s->action, sizeof(s->action), "%s", str(d, "action"));
		if (s->t[0] == '\0')
			snprintf(s->t, sizeof(s->t), "%s", l->t);
		if (l->actor != NULL)
			esc_copy(s->actor, sizeof(s->actor), l->actor);
		break;
	case AUDIT_EV_STEP_RESULT:
		snprintf(s->result, sizeof(s->result), "%s%s%s",
		    str(d, "result"), json_object_get(d, "code") ? " " : "",
		    str(d, "code"));
		if (strncmp(str(d, "detail"), "not chosen: ", 12) == 0)
			choice(t, l->step, str(d, "detail"));
		snprintf(s->t, sizeof(s->t), "%s", l->t);
		if (l->actor != NULL)
			esc_copy(s->actor, sizeof(s->actor), l->actor);
		break;
	case AUDIT_EV_SIGNOFF:
		if (s->signoffs.len > 0)
			audit_buf_adds(&s->signoffs, ", ");
		esc_copy(who, sizeof(who), l->actor);
		audit_buf_addf(&s->signoffs, "%s %s", str(d, "role"), who);
		add_signer(t, who);
		break;
	default:
		break;
	}
}

static void
take(struct tr *t, const struct audit_line *l)
{
	struct step_row *s = NULL;
	const json_t *d = l->data;
	char g[80];
	uint8_t h[32];
	struct audit_fail f;

	if (t->first_t[0] == '\0')
		snprintf(t->first_t, sizeof(t->first_t), "%s", l->t);
	snprintf(t->last_t, sizeof(t->last_t), "%s", l->t);
	if (l->type != AUDIT_T_EVENT) {
		take_ckpt(t, l);
		t->stopped = 0;
		return;
	}
	t->stopped = l->event == AUDIT_EV_STOPPED;
	if (l->step != NULL && (s = step_get(t, l->step)) == NULL)
		return;
	switch (l->event) {
	case AUDIT_EV_CEREMONY_START:
		t->have_ceremony = 1;
		if (l->actor != NULL)
			esc_copy(t->operator, sizeof(t->operator), l->actor);
		snprintf(t->ceremony, sizeof(t->ceremony), "%s",
		    str(d, "ceremony"));
		snprintf(t->title, sizeof(t->title), "%s", str(d, "title"));
		snprintf(t->scenario, sizeof(t->scenario), "%s",
		    str(d, "scenario"));
		audit_get_b64(json_object_get(d, "ceremony_sha256"),
		    t->ceremony_sha, 32, &f, "ceremony_sha256");
		break;
	case AUDIT_EV_PARAMETER_SET:
		bullet(t, &t->params);
		add_cell(t, &t->params, str(d, "name"));
		audit_buf_adds(&t->params, " = ");
		add_cell(t, &t->params, str(d, "value"));
		audit_buf_addc(&t->params, '\n');
		break;
	case AUDIT_EV_STEP_START:
	case AUDIT_EV_STEP_RESULT:
	case AUDIT_EV_SIGNOFF:
		take_step(t, s, l);
		break;
	case AUDIT_EV_WORLD_CREATED:
		take_world(t, l);
		break;
	case AUDIT_EV_ARTIFACT_WRITTEN:
		audit_get_b64(json_object_get(d, "sha256"), h, 32, &f, "sha256");
		grouped(h, g, sizeof(g));
		bullet(t, &t->artifacts);
		add_cell(t, &t->artifacts, str(d, "name"));
		audit_buf_addf(&t->artifacts, " (%lld bytes%s%s, step %s, %s)%s\n",
		    (long long)json_integer_value(json_object_get(d, "size")),
		    json_object_get(d, "kind") ? ", " : "", str(d, "kind"),
		    l->step != NULL ? l->step : "-", l->t, t->md ? "" :
		    ", SHA-256:");
		/* the hash alone on its line: 80 columns, groups whole */
		audit_buf_addf(&t->artifacts, t->md ? "  SHA-256 `%s`\n" :
		    "    %s\n", g);
		break;
	case AUDIT_EV_EXCEPTION:
		bullet(t, &t->exceptions);
		audit_buf_addf(&t->exceptions, "%s step %s, ", l->t,
		    l->step != NULL ? l->step : "-");
		add_cell(t, &t->exceptions, l->actor != NULL ? l->actor : "-");
		audit_buf_adds(&t->exceptions, ": ");
		add_cell(t, &t->exceptions, str(d, "reason"));
		if (json_object_get(d, "code") != NULL)
			audit_buf_addf(&t->exceptions, " [%s]", str(d, "code"));
		audit_buf_addc(&t->exceptions, '\n');
		break;
	case AUDIT_EV_NOTE:
		if (strncmp(str(d, "text"), "chosen: ", 8) == 0)
			choice(t, l->step, str(d, "text"));
		bullet(t, &t->notes);
		audit_buf_addf(&t->notes, "%s step %s, ", l->t,
		    l->step != NULL ? l->step : "-");
		add_cell(t, &t->notes, l->actor != NULL ? l->actor : "-");
		audit_buf_adds(&t->notes, ": ");
		add_cell(t, &t->notes, str(d, "text"));
		audit_buf_addc(&t->notes, '\n');
		break;
	case AUDIT_EV_CEREMONY_END:
		snprintf(t->end, sizeof(t->end), "%s", str(d, "result"));
		break;
	case AUDIT_EV_FAULT_INJECTED:
		bullet(t, &t->faults);
		audit_buf_addf(&t->faults, "%s step %s: %s (scenario %s)", l->t,
		    l->step != NULL ? l->step : "-", str(d, "fault"),
		    str(d, "scenario"));
		if (json_object_get(d, "detail") != NULL) {
			audit_buf_adds(&t->faults, ": ");
			add_cell(t, &t->faults, str(d, "detail"));
		}
		audit_buf_addc(&t->faults, '\n');
		break;
	default:
		break;
	}
}

static void
section(struct tr *t, const char *title, const struct audit_buf *body,
    const char *empty)
{
	audit_buf_addf(&t->out, t->md ? "\n## %s\n\n" : "\n%s\n", title);
	if (!t->md) {
		size_t n = strlen(title);

		while (n-- > 0)
			audit_buf_addc(&t->out, '-');
		audit_buf_addc(&t->out, '\n');
	}
	if (body->len > 0)
		audit_buf_add(&t->out, body->p, body->len);
	else
		audit_buf_addf(&t->out, "%s%s\n", t->md ? "" : "  ", empty);
}

static void
field(struct tr *t, const char *name, const char *value)
{
	if (t->md)
		audit_buf_addf(&t->out, "| %s | %s |\n", name, value);
	else if (strlen(value) > 58)	/* a hash: whole, on its own line */
		audit_buf_addf(&t->out, "  %s\n    %s\n", name, value);
	else
		audit_buf_addf(&t->out, "  %-18s %s\n", name, value);
}

/* One anchor: its label with the option that takes it, then the hash in
 * groups of eight on a line of its own. */
static void
anchor(struct tr *t, const char *label, const uint8_t h[32])
{
	char g[80];

	grouped(h, g, sizeof(g));
	if (t->md)
		audit_buf_addf(&t->out, "- %s: `%s`\n", label, g);
	else
		audit_buf_addf(&t->out, "  %s\n    %s\n", label, g);
}

/* The anchors for the paper minutes, in the form keyrite audit verify
 * takes them (keyrite-audit(5), "Anchors"). */
static void
anchors(struct tr *t, const struct audit_verify_result *res)
{
	char label[80];
	unsigned i;

	audit_buf_adds(&t->out, t->md ? "\n## Anchors for the paper minutes\n\n" :
	    "\nAnchors for the paper minutes\n-----------------------------\n");
	if (res->have_genesis)
		anchor(t, "genesis fingerprint (--expect-genesis)", res->genesis);
	for (i = 0; i < res->ncards; i++) {
		snprintf(label, sizeof(label), "card %u fingerprint "
		    "(--expect-cards, card 1 first)", i + 1);
		anchor(t, label, res->card_fp[i]);
	}
	if (res->sealed)
		anchor(t, "seal fingerprint (--expect-seal)", res->seal_lh);
	else
		audit_buf_addf(&t->out, "%sno seal fingerprint: the log is not "
		    "sealed\n", t->md ? "- " : "  ");
	if (res->have_genesis && res->ncards == 0)
		audit_buf_addf(&t->out, "%sno cards: the seal carries no quorum; "
		    "only --expect-seal anchors it\n", t->md ? "- " : "  ");
}

/* The first lines: whether the log verifies, before anything else. */
static void
render_head(struct tr *t, const struct audit_verify_result *res, int rc)
{
	const char *b = t->md ? "**" : "";

	audit_buf_addf(&t->out, t->md ? "# Ceremony transcript%s\n\n" :
	    "CEREMONY TRANSCRIPT%s\n===================\n\n",
	    res->rehearsal ? " (REHEARSAL)" : "");
	if (rc == KR_EFAIL)
		audit_buf_addf(&t->out, "%sTHE LOG DOES NOT VERIFY: %s at line "
		    "%llu. Only the %llu entries before it are shown; they "
		    "prove nothing about the rest.%s\n", b, res->code_name,
		    (unsigned long long)res->line,
		    (unsigned long long)res->entries, b);
	else if (!res->sealed)
		audit_buf_addf(&t->out, "%sThe log is NOT SEALED: a valid prefix "
		    "of %llu entries.%s\n", b, (unsigned long long)res->entries,
		    b);
	else
		audit_buf_addf(&t->out, "The log is sealed and valid in itself. "
		    "It is anchored only when the anchors below match the "
		    "paper minutes: keyrite audit verify LOG --expect-genesis G "
		    "--expect-cards C1,C2,... --expect-seal S.\n");
}

static void
render_verdict(struct tr *t, const struct audit_verify_result *res)
{
	char *verdict;

	audit_buf_adds(&t->out, t->md ? "\n## Verification\n\n```\n" :
	    "\nVerification\n------------\n");
	if ((verdict = audit_verify_report(res, 0)) != NULL) {
		audit_buf_adds(&t->out, verdict);
		free(verdict);
	}
	if (t->md)
		audit_buf_adds(&t->out, "```\n");
}

static void
render_facts(struct tr *t, const struct audit_verify_result *res)
{
	struct audit_buf b = { 0 };
	char g[80], line[256];

	audit_buf_adds(&t->out, t->md ? "\n## Fingerprints\n\n| | |\n|---|---|\n" :
	    "\nFingerprints\n------------\n");
	field(t, "origin", res->origin);
	if (res->sealed) {
		snprintf(line, sizeof(line), "%llu entries before the seal",
		    (unsigned long long)res->seal.size);
		field(t, "seal size", line);
		grouped(res->seal.root, g, sizeof(g));
		field(t, "seal root", g);
		grouped(res->file_sha256, g, sizeof(g));
		field(t, "file SHA-256", g);
	} else
		field(t, "seal", "NOT SEALED");
	if (!t->have_ceremony)
		return;
	audit_buf_adds(&t->out, t->md ? "\n## Ceremony\n\n| | |\n|---|---|\n" :
	    "\nCeremony\n--------\n");
	field(t, "ceremony", t->ceremony);
	add_cell(t, &b, t->title);
	field(t, "title", b.p != NULL ? b.p : "");
	grouped(t->ceremony_sha, g, sizeof(g));
	field(t, "file SHA-256", g);
	if (t->scenario[0] != '\0')
		field(t, "scenario", t->scenario);
	field(t, "operator", t->operator[0] != '\0' ? t->operator : "-");
	snprintf(line, sizeof(line), "%s .. %s", t->first_t, t->last_t);
	field(t, "time", line);
	field(t, "outcome", t->end[0] != '\0' ? t->end : "(no end)");
	audit_buf_free(&b);
}

/* The steps: a table in markdown; two lines a step in text (80 columns). */
static void
render_steps(struct tr *t)
{
	size_t i;
	int j;

	audit_buf_adds(&t->out, t->md ? "\n## Steps\n\n| step | activity | "
	    "result | time | actor | sign-offs |\n|---|---|---|---|---|---|\n" :
	    "\nSteps\n-----\n");
	if (!t->md)
		audit_buf_addf(&t->out, "  %-24s %-20s %-9s %s\n    %s\n", "STEP",
		    "ACTIVITY", "RESULT", "TIME", "by ACTOR; SIGN-OFFS");
	for (i = 0; i < t->nsteps; i++) {
		struct step_row *s = &t->steps[i];
		const char *cells[6];

		cells[0] = s->id;
		cells[1] = s->action[0] != '\0' ? s->action : "-";
		cells[2] = s->result[0] != '\0' ? s->result : "(none)";
		cells[3] = s->t[0] != '\0' ? s->t : "-";
		cells[4] = s->actor[0] != '\0' ? s->actor : "-";
		cells[5] = s->signoffs.len > 0 ? s->signoffs.p : "-";
		if (t->md) {
			audit_buf_adds(&t->out, "|");
			for (j = 0; j < 6; j++) {
				audit_buf_addc(&t->out, ' ');
				add_cell(t, &t->out, cells[j]);
				audit_buf_adds(&t->out, " |");
			}
			audit_buf_addc(&t->out, '\n');
		} else
			audit_buf_addf(&t->out, "  %-24s %-20s %-9s %s\n"
			    "    by %s; sign-offs: %s\n", cells[0], cells[1],
			    cells[2], cells[3], cells[4], cells[5]);
	}
	if (t->nsteps == 0)
		audit_buf_adds(&t->out, t->md ? "| - | | | | | |\n" : "  none\n");
}

/* A signature line for the operator and one for each witness. */
static void
render_signatures(struct tr *t)
{
	size_t i;

	audit_buf_adds(&t->out, t->md ? "\n## Signatures\n\n" :
	    "\nSignatures\n----------\n");
	audit_buf_adds(&t->out, t->md ? "We took part in or witnessed this "
	    "ceremony and checked the anchors above against the paper "
	    "minutes.\n\n" : "  We took part in or witnessed this ceremony "
	    "and checked the anchors above\n  against the paper minutes.\n\n");
	audit_buf_addf(&t->out, "%soperator: %s\n%s  signature: "
	    "______________________________  date: ____________%s\n\n",
	    t->md ? "" : "  ", t->operator[0] != '\0' ? t->operator :
	    "____________________", t->md ? "" : "  ", t->md ? "  " : "");
	for (i = 0; i < t->nsigners || i < 2; i++)
		audit_buf_addf(&t->out, "%switness: %s\n%s  signature: "
		    "______________________________  date: ____________%s\n\n",
		    t->md ? "" : "  ", i < t->nsigners ? t->signers[i] :
		    "____________________", t->md ? "" : "  ",
		    t->md ? "  " : "");
}

static void
render(struct tr *t, const struct audit_verify_result *res, int rc)
{
	render_head(t, res, rc);
	anchors(t, res);
	render_verdict(t, res);
	render_facts(t, res);
	section(t, "Parameters", &t->params, "none");
	section(t, "World and cards", &t->world, "no world created");
	render_steps(t);
	section(t, "Artifacts", &t->artifacts, "none");
	section(t, "Exceptions (with their reasons)", &t->exceptions, "none");
	section(t, "Operator's notes", &t->notes, "none");
	section(t, "Resumes", &t->resumes, "none");
	section(t, "Checkpoints", &t->checkpoints, "none");
	if (t->choices.len > 0)	/* ceremonies with `when:' steps only */
		section(t, "Choices", &t->choices, "none");
	if (t->faults.len > 0)	/* rehearsals with a scenario only */
		section(t, "Injected faults (rehearsal, for the trainer)",
		    &t->faults, "none");
	render_signatures(t);
}

/* Folds every text line over 80 columns (counted in characters) at a
 * space, going on under the line's indent plus four; a word longer than
 * that is cut after a '/' or ',' when it has one, else at column 80. */
static int
fold80(struct audit_buf *in, struct audit_buf *out)
{
	const char *p = in->p != NULL ? in->p : "", *nl, *brk, *q, *cut;
	size_t ind, col, cont, start;

	for (; *p != '\0'; p = nl + (*nl != '\0')) {
		nl = p + strcspn(p, "\n");
		for (ind = 0; p + ind < nl && p[ind] == ' '; ind++)
			;
		cont = ind + 4 < 40 ? ind + 4 : 4;
		for (start = 0;; start = cont) {
			for (q = p, col = start, brk = NULL, cut = NULL; q < nl;
			    q++) {
				if ((*q & 0xc0) != 0x80 && ++col > 80)
					break;
				if (*q == ' ' && q > p + ind)
					brk = q;
				if (*q == '/' || *q == ',')
					cut = q + 1;
			}
			if (q >= nl)
				break;
			/* no space: after a '/' or ',' (a URL), else anywhere */
			if (brk == NULL)
				brk = cut != NULL && cut > p + ind ? cut : q;
			audit_buf_add(out, p, (size_t)(brk - p));
			audit_buf_addc(out, '\n');
			while (brk < nl && *brk == ' ')
				brk++;
			p = brk;
			for (col = 0; col < cont; col++)
				audit_buf_addc(out, ' ');
			ind = 0;
		}
		audit_buf_add(out, p, (size_t)(nl - p));
		if (*nl == '\n')
			audit_buf_addc(out, '\n');
	}
	return out->p == NULL && in->len > 0 ? -1 : 0;
}

int
audit_transcript_file(const char *path, int markdown, char **out,
    struct kr_err *e)
{
	struct audit_verify_opts vo;
	struct audit_verify_result *res;
	struct audit_line l;
	struct audit_fail f;
	struct tr t;
	FILE *fp = NULL;
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t n;
	uint64_t lineno = 0;
	int rc, fd;

	*out = NULL;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		return kr_errf(e, KR_ENOMEM, "audit: out of memory");
	memset(&vo, 0, sizeof(vo));
	rc = audit_verify_file(path, &vo, res, e);
	if (rc != 0 && rc != KR_EUNSEALED && rc != KR_EFAIL) {
		free(res);
		return rc;
	}
	memset(&t, 0, sizeof(t));
	t.md = markdown;
	if ((fd = kr_open_regular(path, e)) < 0) {
		rc = fd;
		goto out;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		rc = kr_errf(e, KR_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* Only the lines the verifier accepted. */
	while (lineno < res->entries && (n = getline(&line, &cap, fp)) > 0) {
		lineno++;
		if (line[n - 1] != '\n')
			break;
		if (audit_line_parse(line, (size_t)n - 1, &l, &f) != 0)
			break;
		take(&t, &l);
		audit_line_clear(&l);
	}
	render(&t, res, rc);
	if (!t.md) {
		struct audit_buf folded = { 0 };

		if (fold80(&t.out, &folded) != 0) {
			rc = kr_errf(e, KR_ENOMEM, "audit: out of memory");
			goto out;
		}
		audit_buf_free(&t.out);
		t.out = folded;
	}
	*out = t.out.p;
	t.out.p = NULL;
out:
	if (fp != NULL)
		fclose(fp);
	free(line);
	for (i = 0; i < t.nsteps; i++)
		audit_buf_free(&t.steps[i].signoffs);
	free(t.steps);
	audit_buf_free(&t.out);
	audit_buf_free(&t.params);
	audit_buf_free(&t.world);
	audit_buf_free(&t.faults);
	audit_buf_free(&t.choices);
	audit_buf_free(&t.artifacts);
	audit_buf_free(&t.exceptions);
	audit_buf_free(&t.notes);
	audit_buf_free(&t.resumes);
	audit_buf_free(&t.checkpoints);
	free(res);
	return rc;
}
