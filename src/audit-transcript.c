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
	struct step_row		*steps;
	size_t			 nsteps;
	char			 signers[16][132];
	size_t			 nsigners;
	char			 ceremony[132];
	char			 title[1100];
	char			 scenario[132];
	uint8_t			 ceremony_sha[32];
	int			 have_ceremony;
	char			 end[32];
	char			 first_t[24];
	char			 last_t[24];
};

/* One cell or line: control characters become spaces; '|' is escaped in
 * markdown. */
static void
add_cell(struct tr *t, struct audit_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			audit_buf_addc(b, ' ');
		else if (t->md && strchr("|\\*_`<>[]", c) != NULL) {
			audit_buf_addc(b, '\\');
			audit_buf_addc(b, (char)c);
		} else
			audit_buf_addc(b, (char)c);
	}
}

static void
grouped(const uint8_t *h, char *out, size_t outsz)
{
	char hex[65];

	kr_hex_encode(h, 32, hex, sizeof(hex));
	if (kr_hex_group(hex, 8, 0, out, outsz) < 0)
		snprintf(out, outsz, "%s", hex);
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
	if (t->nsigners < sizeof(t->signers) / sizeof(t->signers[0]))
		snprintf(t->signers[t->nsigners++], sizeof(t->signers[0]), "%s",
		    actor);
}

static void
bullet(struct tr *t, struct audit_buf *b)
{
	audit_buf_adds(b, t->md ? "- " : "  ");
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

static void
take(struct tr *t, const struct audit_line *l)
{
	struct step_row *s = NULL;
	const json_t *d = l->data, *c;
	char g[80];
	uint8_t h[32];
	struct audit_fail f;
	size_t i;

	if (t->first_t[0] == '\0')
		snprintf(t->first_t, sizeof(t->first_t), "%s", l->t);
	snprintf(t->last_t, sizeof(t->last_t), "%s", l->t);
	if (l->type == AUDIT_T_CHECKPOINT || l->type == AUDIT_T_SEAL) {
		grouped(l->root_hash, g, sizeof(g));
		bullet(t, &t->checkpoints);
		audit_buf_addf(&t->checkpoints, "%s %s seq %llu: size %llu, "
		    "root %s, ", l->t, audit_type_name(l->type),
		    (unsigned long long)l->seq, (unsigned long long)l->size, g);
		cosigners(l->cosigs, &t->checkpoints);
		audit_buf_addc(&t->checkpoints, '\n');
		return;
	}
	if (l->type == AUDIT_T_RESUME) {
		audit_get_b64(json_object_get(d, "removed_sha256"), h, 32, &f,
		    "removed_sha256");
		grouped(h, g, sizeof(g));
		bullet(t, &t->resumes);
		audit_buf_addf(&t->resumes, "%s seq %llu: resumed after a "
		    "crash; %lld bytes of a partial line removed (SHA-256 %s); ",
		    l->t, (unsigned long long)l->seq,
		    (long long)json_integer_value(json_object_get(d,
		    "removed_bytes")), g);
		if (l->cosigs == NULL)
			audit_buf_adds(&t->resumes, "RESUMED WITHOUT QUORUM "
			    "(before world-created)");
		else
			cosigners(l->cosigs, &t->resumes);
		audit_buf_addc(&t->resumes, '\n');
		return;
	}
	if (l->type != AUDIT_T_EVENT)
		return;
	if (l->step != NULL && (s = step_get(t, l->step)) == NULL)
		return;
	switch (l->event) {
	case AUDIT_EV_CEREMONY_START:
		t->have_ceremony = 1;
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
		snprintf(s->action, sizeof(s->action), "%s", str(d, "action"));
		if (s->t[0] == '\0')
			snprintf(s->t, sizeof(s->t), "%s", l->t);
		if (l->actor != NULL)
			snprintf(s->actor, sizeof(s->actor), "%s", l->actor);
		break;
	case AUDIT_EV_STEP_RESULT:
		snprintf(s->result, sizeof(s->result), "%s%s%s",
		    str(d, "result"), json_object_get(d, "code") ? " " : "",
		    str(d, "code"));
		snprintf(s->t, sizeof(s->t), "%s", l->t);
		if (l->actor != NULL)
			snprintf(s->actor, sizeof(s->actor), "%s", l->actor);
		break;
	case AUDIT_EV_SIGNOFF:
		if (s->signoffs.len > 0)
			audit_buf_adds(&s->signoffs, ", ");
		audit_buf_addf(&s->signoffs, "%s %s", str(d, "role"), l->actor);
		add_signer(t, l->actor);
		break;
	case AUDIT_EV_WORLD_CREATED:
		bullet(t, &t->world);
		audit_buf_addf(&t->world, "world %s, quorum %lld of %lld%s%s "
		    "(%s)\n", str(d, "world_id"),
		    (long long)json_integer_value(json_object_get(d, "k")),
		    (long long)json_integer_value(json_object_get(d, "n")),
		    json_object_get(d, "cipher_suite") ? ", " : "",
		    str(d, "cipher_suite"), l->t);
		json_array_foreach(json_object_get(d, "cards"), i, c) {
			audit_get_b64(json_object_get(c, "pk"), h, 32, &f, "pk");
			grouped(h, g, sizeof(g));
			bullet(t, &t->world);
			audit_buf_addf(&t->world, "card acs-%lld key %s\n",
			    (long long)json_integer_value(json_object_get(c,
			    "index")), g);
		}
		break;
	case AUDIT_EV_ARTIFACT_WRITTEN:
		audit_get_b64(json_object_get(d, "sha256"), h, 32, &f, "sha256");
		grouped(h, g, sizeof(g));
		bullet(t, &t->artifacts);
		add_cell(t, &t->artifacts, str(d, "name"));
		audit_buf_addf(&t->artifacts, " (%lld bytes%s%s, step %s, %s)\n",
		    (long long)json_integer_value(json_object_get(d, "size")),
		    json_object_get(d, "kind") ? ", " : "", str(d, "kind"),
		    l->step != NULL ? l->step : "-", l->t);
		audit_buf_addf(&t->artifacts, t->md ? "  SHA-256 `%s`\n" :
		    "    SHA-256 %s\n", g);
		break;
	case AUDIT_EV_EXCEPTION:
		bullet(t, &t->exceptions);
		audit_buf_addf(&t->exceptions, "%s step %s, %s: ", l->t,
		    l->step != NULL ? l->step : "-",
		    l->actor != NULL ? l->actor : "-");
		add_cell(t, &t->exceptions, str(d, "reason"));
		if (json_object_get(d, "code") != NULL)
			audit_buf_addf(&t->exceptions, " [%s]", str(d, "code"));
		audit_buf_addc(&t->exceptions, '\n');
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

static void
render(struct tr *t, const struct audit_verify_result *res, int rc)
{
	struct audit_buf b = { 0 };
	char g[80], line[256], *verdict;
	size_t i;

	audit_buf_addf(&t->out, t->md ? "# Ceremony transcript%s\n\n" :
	    "CEREMONY TRANSCRIPT%s\n===================\n\n",
	    res->rehearsal ? (t->md ? " (REHEARSAL)" : " (REHEARSAL)") : "");
	if ((verdict = audit_verify_report(res, 0)) != NULL) {
		if (t->md)
			audit_buf_adds(&t->out, "```\n");
		audit_buf_adds(&t->out, verdict);
		if (t->md)
			audit_buf_adds(&t->out, "```\n");
		free(verdict);
	}
	if (rc == KR_EFAIL)
		audit_buf_addf(&t->out, "%sThe log does not verify: only the %llu "
		    "entries before line %llu are shown.%s\n", t->md ? "\n**" :
		    "\n", (unsigned long long)res->entries,
		    (unsigned long long)res->line, t->md ? "**" : "");
	anchors(t, res);
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
	if (t->have_ceremony) {
		audit_buf_adds(&t->out, t->md ? "\n## Ceremony\n\n| | |\n|---|---|\n" :
		    "\nCeremony\n--------\n");
		field(t, "ceremony", t->ceremony);
		audit_buf_reset(&b);
		add_cell(t, &b, t->title);
		field(t, "title", b.p != NULL ? b.p : "");
		grouped(t->ceremony_sha, g, sizeof(g));
		field(t, "file SHA-256", g);
		if (t->scenario[0] != '\0')
			field(t, "scenario", t->scenario);
		snprintf(line, sizeof(line), "%s .. %s", t->first_t, t->last_t);
		field(t, "time", line);
		field(t, "outcome", t->end[0] != '\0' ? t->end : "(no end)");
	}
	section(t, "Parameters", &t->params, "none");
	section(t, "World and cards", &t->world, "no world created");

	audit_buf_adds(&t->out, t->md ? "\n## Steps\n\n| step | activity | result | "
	    "time | actor | sign-offs |\n|---|---|---|---|---|---|\n" :
	    "\nSteps\n-----\n");
	if (!t->md)
		audit_buf_addf(&t->out, "  %-18s %-16s %-10s %-20s %-14s %s\n",
		    "STEP", "ACTIVITY", "RESULT", "TIME", "ACTOR", "SIGN-OFFS");
	for (i = 0; i < t->nsteps; i++) {
		struct step_row *s = &t->steps[i];
		const char *cells[6];
		int j;

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
			audit_buf_addf(&t->out, "  %-18s %-16s %-10s %-20s "
			    "%-14s %s\n", cells[0], cells[1], cells[2],
			    cells[3], cells[4], cells[5]);
	}
	if (t->nsteps == 0)
		audit_buf_adds(&t->out, t->md ? "| - | | | | | |\n" : "  none\n");
	section(t, "Artifacts", &t->artifacts, "none");
	section(t, "Exceptions", &t->exceptions, "none");
	section(t, "Resumes", &t->resumes, "none");
	section(t, "Checkpoints", &t->checkpoints, "none");
	if (t->faults.len > 0)	/* rehearsals with a scenario only */
		section(t, "Injected faults (rehearsal, for the trainer)",
		    &t->faults, "none");

	audit_buf_adds(&t->out, t->md ? "\n## Signatures\n\n" :
	    "\nSignatures\n----------\n");
	audit_buf_adds(&t->out, t->md ? "I witnessed this ceremony and checked "
	    "the fingerprints above.\n\n" : "  I witnessed this ceremony and "
	    "checked the fingerprints above.\n\n");
	for (i = 0; i < t->nsigners || i < 2; i++) {
		const char *who = i < t->nsigners ? t->signers[i] :
		    "witness";

		audit_buf_addf(&t->out, "%s%-14s signature: ______________________"
		    "  date: ____________%s\n\n", t->md ? "" : "  ", who,
		    t->md ? "  " : "");
	}
	audit_buf_free(&b);
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
	audit_buf_free(&t.artifacts);
	audit_buf_free(&t.exceptions);
	audit_buf_free(&t.resumes);
	audit_buf_free(&t.checkpoints);
	free(res);
	return rc;
}
