/* SPDX-License-Identifier: ISC */
/*
 * scenario.c: fault injection for a rehearsal scenario (scenario.h).
 *
 * Invariants: fired[i] counts how often fault i struck (wrong-pin up to
 * `times', every other fault at most once) and is written to the state
 * file, atomically, before the fault's effect can be seen (before the
 * power is cut in particular), so that a resumed rehearsal never injects
 * a fault twice.  The state file holds paths and counts, nothing secret:
 *
 *	scenario wrong-pin-card-2
 *	fired 0 1
 *	media 1 /tmp/keyrite-rehearsal.x/media/BYOK-KEK-pkg-NA-1
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceremony.h"
#include "clock.h"
#include "engine.h"
#include "err.h"
#include "fsutil.h"
#include "scenario.h"

#define STATE_FILE	"scenario.state"
#define STATE_MAX	(64 * 1024)
#define MEDIA_MAX	(64 * 1024 * 1024)

const char scenario_bad_pin[] = "not-the-pin-of-this-card";


struct scenario {
	const struct ceremony		*c;
	const struct ceremony_scenario	*sc;
	char				 path[4096];
	int				*fired;		/* per fault */
	char				*media[SCENARIO_MEDIA_COUNT];
};

const struct ceremony_scenario *
scenario_def(const struct scenario *s)
{
	return s != NULL ? s->sc : NULL;
}

int
scenario_has(const struct ceremony_scenario *sc, enum ceremony_fault_kind k)
{
	size_t i;

	if (sc == NULL)
		return 0;
	for (i = 0; i < sc->nfaults; i++)
		if (sc->faults[i].kind == k)
			return 1;
	return 0;
}

void
scenario_free(struct scenario *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < SCENARIO_MEDIA_COUNT; i++)
		free(s->media[i]);
	free(s->fired);
	free(s);
}

static int
load(struct scenario *s, struct kr_err *e)
{
	char *buf = NULL, *line, *next, *arg;
	size_t len;
	long a, b;
	int rc;

	if ((rc = kr_read_file(s->path, STATE_MAX, &buf, &len, e)) != 0)
		return rc;
	rc = KR_EDATA;
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strncmp(line, "scenario ", 9) == 0) {
			if (strcmp(line + 9, s->sc->name.s) != 0) {
				kr_errf(e, KR_EDATA, "%s: the sandbox was made "
				    "for scenario '%.100s', not '%.100s'",
				    s->path, line + 9, s->sc->name.s);
				goto out;
			}
		} else if (sscanf(line, "fired %ld %ld", &a, &b) == 2) {
			if (a < 0 || (size_t)a >= s->sc->nfaults || b < 0 ||
			    b > 1000)
				goto bad;
			s->fired[a] = (int)b;
		} else if (strncmp(line, "media ", 6) == 0) {
			a = strtol(line + 6, &arg, 10);
			if (a < 0 || a >= SCENARIO_MEDIA_COUNT || *arg != ' ')
				goto bad;
			free(s->media[a]);
			if ((s->media[a] = strdup(arg + 1)) == NULL) {
				rc = kr_errf(e, KR_ENOMEM, "out of memory");
				goto out;
			}
		} else if (line[0] != '\0' && line[0] != '#')
			goto bad;
	}
	rc = 0;
	goto out;
bad:
	kr_errf(e, KR_EDATA, "%s: malformed line", s->path);
out:
	free(buf);
	return rc;
}

int
scenario_save(struct scenario *s, struct kr_err *e)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;
	int rc;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	fprintf(f, "# keyrite rehearsal: what the scenario's faults did\n");
	fprintf(f, "scenario %s\n", s->sc->name.s);
	for (i = 0; i < s->sc->nfaults; i++)
		if (s->fired[i] > 0)
			fprintf(f, "fired %zu %d\n", i, s->fired[i]);
	for (i = 0; i < SCENARIO_MEDIA_COUNT; i++)
		if (s->media[i] != NULL)
			fprintf(f, "media %zu %s\n", i, s->media[i]);
	if (fclose(f) != 0) {
		free(buf);
		return kr_errf(e, KR_ENOMEM, "out of memory");
	}
	rc = kr_write_atomic(s->path, buf, len, 0600, e);
	free(buf);
	return rc;
}

int
scenario_open(const struct ceremony *c, const struct ceremony_scenario *sc,
    const char *dir, struct scenario **out, struct kr_err *e)
{
	struct scenario *s;
	size_t i;
	int rc;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->fired = calloc(sc->nfaults + 1, sizeof(*s->fired))) == NULL) {
		free(s);
		return kr_errf(e, KR_ENOMEM, "out of memory");
	}
	s->c = c;
	s->sc = sc;
	if (kr_path_join(s->path, sizeof(s->path), dir, STATE_FILE) != 0) {
		rc = kr_errf(e, KR_ECANTCREAT, "%s: path too long", dir);
		goto fail;
	}
	if (kr_path_exists(s->path) && (rc = load(s, e)) != 0)
		goto fail;
	/* The workstation's clock stays wrong after a restart. */
	for (i = 0; i < sc->nfaults; i++)
		if (sc->faults[i].kind == CEREMONY_FAULT_CLOCK_SKEW &&
		    s->fired[i] > 0)
			kr_clock_set_offset(kr_clock_offset() +
			    sc->faults[i].seconds);
	*out = s;
	return 0;
fail:
	scenario_free(s);
	return rc;
}

int
scenario_set_media(struct scenario *s, enum scenario_media m,
    const char *path, struct kr_err *e)
{
	if ((int)m < 0 || m >= SCENARIO_MEDIA_COUNT)
		return kr_errf(e, KR_EUSAGE, "scenario: bad media");
	if (strchr(path, '\n') != NULL)
		return kr_errf(e, KR_EUSAGE, "%s: a newline in a path", path);
	free(s->media[m]);
	if ((s->media[m] = strdup(path)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	return 0;
}

/* Is fault f due at step index `step'? */
static int
due(const struct scenario *s, const struct ceremony_fault *f, size_t step)
{
	const struct ceremony_step *fs;

	if (f->step.s == NULL)
		return 1;
	if ((fs = ceremony_step_find(s->c, f->step.s)) == NULL)
		return 0;
	return step >= fs->index;
}

static const char *
base(const char *path)
{
	const char *p = strrchr(path, '/');

	return p != NULL ? p + 1 : path;
}

/* Another character of the same kind (so base64, hex and JSON stay well
 * formed and only the content changes), or the byte with a bit flipped. */
static char
other(char ch)
{
	if (ch >= 'a' && ch <= 'z')
		return ch == 'z' ? 'a' : (char)(ch + 1);
	if (ch >= 'A' && ch <= 'Z')
		return ch == 'Z' ? 'A' : (char)(ch + 1);
	if (ch >= '0' && ch <= '9')
		return ch == '9' ? '0' : (char)(ch + 1);
	return (char)(ch ^ 0x01);
}

/*
 * Changes one byte of a file in place (atomically): a letter or digit a
 * little after the last occurrence of marker when there is one (a
 * package's own signature), else near the middle of the file.
 */
static int
flip_byte(const char *path, const char *marker, size_t *where,
    struct kr_err *e)
{
	char *buf = NULL, *p, *q;
	size_t len, i, start;
	int rc;

	if ((rc = kr_read_file(path, MEDIA_MAX, &buf, &len, e)) != 0)
		return rc;
	if (len == 0) {
		free(buf);
		return kr_errf(e, KR_EDATA, "%s: empty", path);
	}
	start = len / 2;
	if (marker != NULL && memchr(buf, '\0', len) == NULL) {
		for (p = NULL, q = buf; (q = strstr(q, marker)) != NULL; q++)
			p = q;
		if (p != NULL)
			start = (size_t)(p - buf) + strlen(marker) + 16;
	}
	if (start >= len)
		start = len / 2;
	for (i = start; i < len; i++)
		if ((buf[i] >= 'a' && buf[i] <= 'z') ||
		    (buf[i] >= 'A' && buf[i] <= 'Z') ||
		    (buf[i] >= '0' && buf[i] <= '9'))
			break;
	if (i == len)
		i = start;
	buf[i] = other(buf[i]);
	*where = i;
	rc = kr_write_atomic(path, buf, len, 0600, e);
	free(buf);
	return rc;
}

static int
copy_over(const char *from, const char *to, struct kr_err *e)
{
	char *buf = NULL;
	size_t len;
	int rc;

	if ((rc = kr_read_file(from, MEDIA_MAX, &buf, &len, e)) != 0)
		return rc;
	rc = kr_write_atomic(to, buf, len, 0600, e);
	free(buf);
	return rc;
}

/* Puts the other region's or service's file (media slot alt) in the place
 * of slot's: 1 when done, 0 when the sandbox has not both, or a negative
 * KR_E code. */
static int
swap_media(struct scenario *s, int slot, int alt, struct kr_err *e)
{
	int rc;

	if (s->media[slot] == NULL || s->media[alt] == NULL)
		return 0;
	if ((rc = copy_over(s->media[alt], s->media[slot], e)) != 0)
		return rc;
	return 1;
}

static void
fired(struct scenario_fired *out, size_t *n, const struct ceremony_fault *f,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
fired(struct scenario_fired *out, size_t *n, const struct ceremony_fault *f,
    const char *fmt, ...)
{
	struct scenario_fired *x;
	va_list ap;

	if (*n >= SCENARIO_FIRED_MAX)
		return;
	x = &out[(*n)++];
	x->fault = f->fault.s;
	x->card = f->card;
	x->announce = f->announce;	/* -1: the scenario's (log_fired) */
	va_start(ap, fmt);
	vsnprintf(x->detail, sizeof(x->detail), fmt, ap);
	va_end(ap);
}

/* A card fault: 1 when it struck, 0 when the card does not exist yet. */
static int
card_fault(const struct scenario_env *env, const struct ceremony_fault *f,
    struct scenario_fired *out, size_t *n, struct kr_err *e)
{
	char path[ENGINE_PATH_MAX];
	struct kr_err ce;
	size_t where;
	int rc;

	if (f->card < 1 || env == NULL || env->ops == NULL ||
	    env->ops->card_path(env->eng, f->card, path, sizeof(path),
	    &ce) != 0 || !kr_path_exists(path))
		return 0;
	if (f->kind == CEREMONY_FAULT_MISSING_CARD) {
		if (unlink(path) != 0)
			return kr_errf(e, KR_EIO, "%s: %s", path,
			    strerror(errno));
		fired(out, n, f, "card %d's file removed (%s)", f->card, path);
		return 1;
	}
	if ((rc = flip_byte(path, "\"ct\":\"", &where, e)) != 0)
		return rc;
	fired(out, n, f, "byte %zu of card %d's file changed (%s)", where,
	    f->card, path);
	return 1;
}

/* A file on the medium: 1 when it struck, 0 when the sandbox has none. */
static int
media_fault(struct scenario *s, const struct ceremony_fault *f,
    struct scenario_fired *out, size_t *n, struct kr_err *e)
{
	const char *t;
	size_t where;
	int rc;

	switch (f->kind) {
	case CEREMONY_FAULT_TAMPERED_TOOLSET:
		if ((t = s->media[SCENARIO_TOOLSET]) == NULL)
			return 0;
		if ((rc = flip_byte(t, NULL, &where, e)) != 0)
			return rc;
		fired(out, n, f, "byte %zu of the toolset %s changed", where,
		    base(t));
		return 1;
	case CEREMONY_FAULT_TAMPERED_KEK_PACKAGE:
		if ((t = s->media[SCENARIO_KEK_PKG]) == NULL &&
		    (t = s->media[SCENARIO_KEK_FILE]) == NULL)
			return 0;
		if ((rc = flip_byte(t, "\"signature\"", &where, e)) != 0)
			return rc;
		fired(out, n, f, "byte %zu of %s changed", where, base(t));
		return 1;
	case CEREMONY_FAULT_WRONG_REGION_PACKAGE:
		if ((rc = swap_media(s, SCENARIO_KEK_PKG, SCENARIO_ALT_KEK_PKG,
		    e)) <= 0 || (rc = swap_media(s, SCENARIO_WORLD_PKG,
		    SCENARIO_ALT_WORLD_PKG, e)) < 0)
			return rc;
		fired(out, n, f, "%s and its Security World package replaced "
		    "by %s's", base(s->media[SCENARIO_KEK_PKG]),
		    base(s->media[SCENARIO_ALT_KEK_PKG]));
		return 1;
	case CEREMONY_FAULT_WRONG_PROFILE:
		if ((rc = swap_media(s, SCENARIO_SERVICE, SCENARIO_ALT_SERVICE,
		    e)) <= 0)
			return rc;
		fired(out, n, f, "the service now expects its other wrapping "
		    "profile (%s)", base(s->media[SCENARIO_ALT_SERVICE]));
		return 1;
	case CEREMONY_FAULT_TAMPERED_PACKAGE:
		if ((t = s->media[SCENARIO_PACKAGE]) == NULL ||
		    !kr_path_exists(t))
			return 0;
		if ((rc = flip_byte(t, "\"ciphertext\"", &where, e)) != 0)
			return rc;
		fired(out, n, f, "byte %zu of %s changed", where, base(t));
		return 1;
	default:
		return 0;
	}
}

int
scenario_step_begin(struct scenario *s, const struct scenario_env *env,
    size_t step, struct scenario_fired *out, size_t *n, struct kr_err *e)
{
	const struct ceremony_fault *f;
	size_t i, before;
	int mode, rc;

	*n = 0;
	if (s == NULL)
		return 0;
	for (i = 0; i < s->sc->nfaults; i++) {
		f = &s->sc->faults[i];
		if (s->fired[i] > 0 || !due(s, f, step))
			continue;
		before = *n;
		rc = 0;
		switch (f->kind) {
		case CEREMONY_FAULT_TAMPERED_TOOLSET:
		case CEREMONY_FAULT_TAMPERED_KEK_PACKAGE:
		case CEREMONY_FAULT_WRONG_REGION_PACKAGE:
		case CEREMONY_FAULT_WRONG_PROFILE:
		case CEREMONY_FAULT_TAMPERED_PACKAGE:
			rc = media_fault(s, f, out, n, e);
			break;
		case CEREMONY_FAULT_DAMAGED_CARD:
		case CEREMONY_FAULT_MISSING_CARD:
			rc = card_fault(env, f, out, n, e);
			break;
		case CEREMONY_FAULT_WRONG_MODE:
			if (env == NULL || env->ops == NULL ||
			    f->mode.s == NULL ||
			    engine_mode_parse(f->mode.s, &mode) != 0)
				break;
			if ((rc = env->ops->set_mode(env->eng, mode, e)) != 0)
				break;
			fired(out, n, f, "module left in %s mode",
			    engine_mode_name(mode));
			break;
		case CEREMONY_FAULT_CLOCK_SKEW:
			kr_clock_set_offset(kr_clock_offset() + f->seconds);
			fired(out, n, f, "clock moved by %lld seconds",
			    f->seconds);
			break;
		default:
			break;
		}
		if (rc < 0)
			return rc;
		if (*n > before)
			s->fired[i] = 1;
	}
	return *n > 0 ? scenario_save(s, e) : 0;
}

int
scenario_card(struct scenario *s, const struct scenario_env *env,
    size_t step, struct scenario_fired *out, size_t *n, struct kr_err *e)
{
	const struct ceremony_fault *f;
	size_t i;
	int rc;

	*n = 0;
	if (s == NULL)
		return 0;
	for (i = 0; i < s->sc->nfaults; i++) {
		f = &s->sc->faults[i];
		if (s->fired[i] > 0 || !due(s, f, step) ||
		    (f->kind != CEREMONY_FAULT_DAMAGED_CARD &&
		    f->kind != CEREMONY_FAULT_MISSING_CARD))
			continue;
		if ((rc = card_fault(env, f, out, n, e)) < 0)
			return rc;
		if (rc == 1)
			s->fired[i] = 1;
	}
	return *n > 0 ? scenario_save(s, e) : 0;
}

/* The first fault of kind k at index *i or after it (*i becomes its
 * index), or NULL when none is left or there is no scenario. */
static const struct ceremony_fault *
next_fault(const struct scenario *s, enum ceremony_fault_kind k, size_t *i)
{
	if (s == NULL)
		return NULL;
	for (; *i < s->sc->nfaults; (*i)++)
		if (s->sc->faults[*i].kind == k)
			return &s->sc->faults[*i];
	return NULL;
}

/* Records that a fault fired: 1, or the error of saving the scenario. */
static int
saved_fired(struct scenario *s, struct kr_err *e)
{
	int rc;

	if ((rc = scenario_save(s, e)) != 0)
		return rc;
	return 1;
}

int
scenario_wrong_pin(struct scenario *s, size_t step, int card,
    struct scenario_fired *out, struct kr_err *e)
{
	const struct ceremony_fault *f;
	size_t i, n = 0;

	for (i = 0; (f = next_fault(s, CEREMONY_FAULT_WRONG_PIN, &i)) != NULL;
	    i++) {
		if (f->card != card || s->fired[i] >= f->times ||
		    !due(s, f, step))
			continue;
		s->fired[i]++;
		fired(out, &n, f, "card %d given a wrong PIN (%d of %d)", card,
		    s->fired[i], f->times);
		return saved_fired(s, e);
	}
	return 0;
}

int
scenario_power_loss(struct scenario *s, size_t step, int inside,
    struct scenario_fired *out, struct kr_err *e)
{
	const struct ceremony_fault *f;
	const struct ceremony_step *fs;
	size_t i, n = 0;

	for (i = 0; (f = next_fault(s, CEREMONY_FAULT_POWER_LOSS, &i)) != NULL;
	    i++) {
		if (s->fired[i] > 0 || f->inside != (inside != 0) ||
		    f->step.s == NULL ||
		    (fs = ceremony_step_find(s->c, f->step.s)) == NULL ||
		    fs->index != step)
			continue;
		s->fired[i] = 1;
		fired(out, &n, f, "power cut %s step '%s'", inside ? "inside" :
		    "after", f->step.s);
		return saved_fired(s, e);
	}
	return 0;
}

void
scenario_power_off(void)
{
	for (;;) {
		(void)kill(getpid(), SIGKILL);
		pause();
	}
}
