/* SPDX-License-Identifier: ISC */
/*
 * ceremony-scenario.c: the `scenarios:' section of a ceremony file, built by
 * the loader's second stage (ceremony-yaml.c).  A scenario names faults to
 * inject for a rehearsal (a wrong PIN, a damaged card, a power loss after a
 * step, ...), what the run is expected to do about them, and whether the
 * front end announces each fault to the trainer as it strikes (`announce',
 * for the scenario or one fault; by default nothing is shown).  It is checked
 * as the loader checks everything else: every shape and type error is
 * collected, with its line and column.  The scenario names and the steps
 * they refer to are checked later, in ceremony-check.c.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ceremony.h"
#include "ceremony-int.h"
#include "ceremony-yaml-int.h"
#include "diag.h"

static const char *const fault_names[] = {
	"wrong-pin", "damaged-card", "missing-card", "tampered-toolset",
	"wrong-region-package", "tampered-kek-package", "wrong-mode",
	"power-loss", "clock-skew", "wrong-profile", "tampered-package", NULL
};

#define F(x)	(1u << CEREMONY_FAULT_##x)
static const struct {
	const char	*key;
	unsigned	 faults;	/* the faults it applies to */
} fault_keys[] = {
	{ "card", F(WRONG_PIN) | F(DAMAGED_CARD) | F(MISSING_CARD) },
	{ "times", F(WRONG_PIN) },
	{ "mode", F(WRONG_MODE) },
	{ "step", ~0u },
	{ "announce", ~0u },
	{ "when", F(POWER_LOSS) },
	{ "seconds", F(CLOCK_SKEW) },
};
#undef F

static void
build_fault(struct loader *L, const struct ynode *m, struct ceremony_fault *f,
    const char *where)
{
	const struct ynode *k, *v, *fk;
	struct ceremony_str str;
	long long n;
	size_t i;
	int known = 0;

	f->loc = m->loc;
	f->times = 1;
	f->announce = -1;
	if ((fk = map_get(m, "fault")) == NULL)
		ceremony_yaml_missing(L, m, "fault", where);
	else if (ceremony_yaml_get_str(L, fk, "fault", where, &f->fault) == 0) {
		for (i = 0; fault_names[i] != NULL; i++)
			if (strcmp(fault_names[i], fk->s) == 0)
				break;
		if (fault_names[i] == NULL)
			ERR(L, fk->loc, "unknown fault '%.*s' %s (expected "
			    "wrong-pin, damaged-card, missing-card, "
			    "tampered-toolset, wrong-region-package, "
			    "tampered-kek-package, wrong-mode, power-loss, "
			    "clock-skew, wrong-profile or tampered-package)",
			    NM(fk->s), where);
		else {
			f->kind = (enum ceremony_fault_kind)i;
			known = 1;
		}
	}
	FOREACH_PAIR(k, v, m) {
		if (strcmp(k->s, "fault") == 0)
			continue;
		for (i = 0; i < sizeof(fault_keys) / sizeof(fault_keys[0]); i++)
			if (strcmp(fault_keys[i].key, k->s) == 0)
				break;
		if (i == sizeof(fault_keys) / sizeof(fault_keys[0])) {
			ceremony_yaml_unknown_key(L, k, where);
			continue;
		}
		if (known && (fault_keys[i].faults & (1u << f->kind)) == 0) {
			ERR(L, k->loc, "'%s' does not apply to fault '%s' %s",
			    fault_keys[i].key, f->fault.s, where);
			continue;
		}
		if (strcmp(k->s, "card") == 0) {
			if (ceremony_yaml_get_int(L, v, "card", where, &n) != 0)
				continue;
			if (n < 1 || n > CEREMONY_QUORUM_MAX)
				ERR(L, v->loc, "'card' %s must be between 1 and "
				    "%d", where, CEREMONY_QUORUM_MAX);
			else
				f->card = (int)n;
		} else if (strcmp(k->s, "times") == 0) {
			if (ceremony_yaml_get_int(L, v, "times", where,
			    &n) != 0)
				continue;
			if (n < 1 || n > 100)
				ERR(L, v->loc, "'times' %s must be between 1 "
				    "and 100", where);
			else
				f->times = (int)n;
		} else if (strcmp(k->s, "mode") == 0) {
			if (ceremony_yaml_get_str(L, v, "mode", where,
			    &f->mode) != 0)
				continue;
			if (strcmp(v->s, "I") != 0 && strcmp(v->s, "O") != 0 &&
			    strcmp(v->s, "M") != 0) {
				ERR(L, v->loc, "invalid value '%.*s' for 'mode' "
				    "%s (expected I, O or M)", NM(v->s), where);
				f->mode.s = NULL;
			}
		} else if (strcmp(k->s, "step") == 0)
			(void)ceremony_yaml_get_str(L, v, "step", where,
			    &f->step);
		else if (strcmp(k->s, "when") == 0) {
			if (ceremony_yaml_get_str(L, v, "when", where,
			    &str) != 0)
				continue;
			if (strcmp(str.s, "inside") == 0)
				f->inside = 1;
			else if (strcmp(str.s, "after") != 0)
				ERR(L, v->loc, "invalid value '%.*s' for 'when' "
				    "%s (expected after or inside)", NM(str.s),
				    where);
		} else if (strcmp(k->s, "announce") == 0)
			(void)ceremony_yaml_get_bool(L, v, "announce", where, &f->announce);
		else if (strcmp(k->s, "seconds") == 0) {
			if (ceremony_yaml_get_int(L, v, "seconds", where,
			    &f->seconds) == 0)
				f->has_seconds = 1;
		}
	}
	if (known && (f->kind == CEREMONY_FAULT_POWER_LOSS ||
	    f->kind == CEREMONY_FAULT_WRONG_MODE) && map_get(m, "step") == NULL)
		ERR(L, m->loc, "missing required key 'step' %s (fault '%s')",
		    where, f->fault.s);
}

static void
build_scenario(struct loader *L, const struct ynode *k, const struct ynode *m,
    struct ceremony_scenario *sc)
{
	struct kr_arena *a = L->c->arena;
	const struct ynode *kk, *v, *ek, *ev, *it;
	char where[128], fwhere[160];
	size_t n;

	ceremony_yaml_set_str(&sc->name, k);
	sc->loc = m->loc;
	snprintf(where, sizeof(where), "in scenario '%.80s'", k->s);
	if (ceremony_yaml_want_map(L, m, k->s, "in 'scenarios'") != 0)
		return;
	FOREACH_PAIR(kk, v, m) {
		if (strcmp(kk->s, "description") == 0)
			(void)ceremony_yaml_get_str(L, v, "description", where,
			    &sc->description);
		else if (strcmp(kk->s, "announce") == 0)
			(void)ceremony_yaml_get_bool(L, v, "announce", where,
			    &sc->announce);
		else if (strcmp(kk->s, "expect") == 0) {
			if (ceremony_yaml_want_map(L, v, "expect", where) != 0)
				continue;
			sc->expect_loc = v->loc;
			FOREACH_PAIR(ek, ev, v) {
				if (strcmp(ek->s, "step") == 0)
					(void)ceremony_yaml_get_str(L, ev,
					    "step", where, &sc->expect_step);
				else if (strcmp(ek->s, "message") == 0)
					(void)ceremony_yaml_get_str(L, ev,
					    "message", where,
					    &sc->expect_message);
				else if (strcmp(ek->s, "response") == 0)
					(void)ceremony_yaml_get_str(L, ev,
					    "response", where,
					    &sc->expect_response);
				else
					ERR(L, ek->loc, "unknown key '%.*s' in "
					    "'expect' %s", NM(ek->s), where);
			}
		} else if (strcmp(kk->s, "faults") == 0) {
			if (v->kind != Y_SEQ) {
				ERR(L, v->loc, "expected a list for 'faults' %s",
				    where);
				continue;
			}
			if (v->n == 0) {
				ERR(L, v->loc, "'faults' is empty %s", where);
				continue;
			}
			if ((sc->faults = kr_arena_array(a, v->n,
			    sizeof(*sc->faults))) == NULL) {
				L->oom = 1;
				return;
			}
			for (it = v->first, n = 1; it != NULL;
			    it = it->next, n++) {
				snprintf(fwhere, sizeof(fwhere), "in fault %zu "
				    "of scenario '%.80s'", n, k->s);
				if (it->kind != Y_MAP) {
					ERR(L, it->loc, "expected a mapping for "
					    "fault %zu %s", n, where);
					continue;
				}
				build_fault(L, it, &sc->faults[sc->nfaults++],
				    fwhere);
			}
		} else
			ceremony_yaml_unknown_key(L, kk, where);
	}
	if (map_get(m, "description") == NULL)
		ceremony_yaml_missing(L, m, "description", where);
	if (map_get(m, "faults") == NULL)
		ceremony_yaml_missing(L, m, "faults", where);
}

void
ceremony_scenarios_build(struct loader *L, const struct ynode *m)
{
	struct ceremony *c = L->c;
	const struct ynode *k, *v;

	if (ceremony_yaml_want_map(L, m, "scenarios", "at the top level") != 0)
		return;
	if ((c->scenarios = kr_arena_array(c->arena, map_pairs(m),
	    sizeof(*c->scenarios))) == NULL) {
		L->oom = 1;
		return;
	}
	FOREACH_PAIR(k, v, m)
		build_scenario(L, k, v, &c->scenarios[c->nscenarios++]);
}
