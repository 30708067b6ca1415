/* SPDX-License-Identifier: ISC */
/*
 * ceremony.h: the ceremony model (schema version 1, man/keyrite-ceremony.5).
 *
 * A ceremony is loaded from a buffer by ceremony_load_buffer(), which parses
 * the YAML (ceremony-yaml.c), builds this model and validates it
 * (ceremony-check.c).  A model handed out by a successful load is complete
 * and consistent: every reference resolves, every step type is registered,
 * every `with:' value has the right shape.  Front ends and the runner read
 * the structs directly; they are read-only by convention.
 *
 * Every node keeps the 1-based line and column where it starts in the file
 * (struct ceremony_loc); a value that was not in the file (a default) has
 * line 0.  Strings are NUL-terminated UTF-8; an absent optional string has
 * s == NULL.  All memory belongs to the ceremony and goes away with
 * ceremony_free().
 */
#ifndef KR_CEREMONY_H
#define KR_CEREMONY_H

#include <stddef.h>

struct diag_list;
struct kr_err;
struct step_type;
struct ceremony_index;
struct kr_arena;

#define CEREMONY_MAX_SIZE	(1024 * 1024)	/* bytes of YAML */
#define CEREMONY_MAX_DEPTH	64		/* nesting levels */
#define CEREMONY_EXPAND_MAX	(1024 * 1024)	/* bytes of one expansion */
#define CEREMONY_EXPAND_SUBST	4096		/* substitutions of one expansion */
#define CEREMONY_QUORUM_MAX	16		/* N of a K/N quorum */

struct ceremony_loc {
	unsigned	line;		/* 1-based; 0: not from the file */
	unsigned	col;		/* 1-based, in characters */
	unsigned	end_line;	/* where a scalar ends (for references) */
	unsigned	end_col;
};

/* A string value with its position. */
struct ceremony_str {
	const char		*s;	/* NULL when absent */
	struct ceremony_loc	 loc;
};

/* A sequence of strings. */
struct ceremony_list {
	struct ceremony_str	*v;
	size_t			 n;
	struct ceremony_loc	 loc;	/* of the sequence; line 0 if absent */
};

struct ceremony_station {
	struct ceremony_str	name;
	struct ceremony_str	description;
};

enum ceremony_ptype {
	CEREMONY_PT_STRING,
	CEREMONY_PT_CHOICE,
	CEREMONY_PT_UUID,
	CEREMONY_PT_INTEGER,
	CEREMONY_PT_QUORUM,
	CEREMONY_PT_PATH,
	CEREMONY_PT_URL,
	CEREMONY_PT_BAG,	/* a tamper-evident bag's number */
};

struct ceremony_table;

struct ceremony_param {
	struct ceremony_str	 name;
	enum ceremony_ptype	 type;
	struct ceremony_str	 type_name;	/* as written */
	struct ceremony_str	 prompt;
	struct ceremony_str	 help;
	struct ceremony_str	 def;		/* default, as text */
	/* string */
	struct ceremony_str	 pattern;
	void			*re;		/* compiled pattern (regex_t) */
	long long		 min_length, max_length;
	struct ceremony_loc	 min_length_loc, max_length_loc; /* line 0: absent */
	/* choice */
	struct ceremony_list	 choices;
	struct ceremony_str	 from;		/* table name */
	const struct ceremony_table *table;	/* resolved `from' */
	/* integer */
	long long		 min, max;
	struct ceremony_loc	 min_loc, max_loc; /* line 0: absent */
	struct ceremony_loc	 loc;
};

struct ceremony_row {
	struct ceremony_str	*cells;		/* parallel to table->columns */
	struct ceremony_loc	 loc;
};

struct ceremony_table {
	struct ceremony_str	 name;
	struct ceremony_str	*columns;	/* the first row's keys, in order */
	size_t			 ncolumns;
	size_t			 id_col;	/* index of the `id' column */
	struct ceremony_row	*rows;
	size_t			 nrows;
	struct ceremony_index	*index;		/* private: rows by id */
	struct ceremony_loc	 loc;
};

struct ceremony_var {
	struct ceremony_str	name;
	struct ceremony_str	tmpl;
};

/* One `with:' entry: a scalar (list == 0) or a list of strings. */
struct ceremony_value {
	struct ceremony_str	key;
	int			is_list;
	struct ceremony_str	scalar;		/* when !is_list */
	struct ceremony_list	list;		/* when is_list */
};

/* One condition of a step's `when:' (a choice): the step is one of the
 * alternatives, done only when parameter `param' has one of `values'. */
struct ceremony_when {
	struct ceremony_str	param;
	struct ceremony_list	values;
};

enum ceremony_on_failure {
	CEREMONY_FAIL_STOP,
	CEREMONY_FAIL_ABORT,
	CEREMONY_FAIL_CONTINUE,
};

struct ceremony_step {
	size_t			 index;		/* position in steps[] */
	struct ceremony_str	 id;
	struct ceremony_str	 title;
	struct ceremony_str	 action;	/* as written; "instruction" if absent */
	const struct step_type	*type;		/* resolved action */
	struct ceremony_str	 station;
	struct ceremony_value	*with;
	size_t			 nwith;
	struct ceremony_loc	 with_loc;	/* line 0: no `with' */
	struct ceremony_list	 requires;
	struct ceremony_list	 signoff;
	struct ceremony_str	 instructions;
	struct ceremony_str	 help;
	int			 optional;
	int			 checkpoint;
	enum ceremony_on_failure on_failure;
	struct ceremony_loc	 on_failure_loc;
	struct ceremony_when	*when;		/* all must hold (ceremony-choice.c) */
	size_t			 nwhen;
	struct ceremony_loc	 when_loc;	/* line 0: no `when' */
	struct ceremony_list	 engines;	/* n 0: every engine of the
						   ceremony (ceremony-engines.c) */
	struct ceremony_loc	 loc;
};

enum ceremony_fault_kind {
	CEREMONY_FAULT_WRONG_PIN,
	CEREMONY_FAULT_DAMAGED_CARD,
	CEREMONY_FAULT_MISSING_CARD,
	CEREMONY_FAULT_TAMPERED_TOOLSET,
	CEREMONY_FAULT_WRONG_REGION_PACKAGE,
	CEREMONY_FAULT_TAMPERED_KEK_PACKAGE,
	CEREMONY_FAULT_WRONG_MODE,
	CEREMONY_FAULT_POWER_LOSS,
	CEREMONY_FAULT_CLOCK_SKEW,
	CEREMONY_FAULT_WRONG_PROFILE,
	CEREMONY_FAULT_TAMPERED_PACKAGE,
};

struct ceremony_fault {
	enum ceremony_fault_kind kind;
	struct ceremony_str	 fault;		/* the name as written */
	int			 card;		/* 0: not given */
	int			 times;		/* default 1 */
	struct ceremony_str	 mode;		/* I, O or M */
	struct ceremony_str	 step;		/* a step id */
	int			 inside;	/* when: inside (default after) */
	long long		 seconds;
	int			 has_seconds;
	int			 announce;	/* -1: as its scenario says */
	struct ceremony_loc	 loc;
};

struct ceremony_scenario {
	struct ceremony_str	 name;
	struct ceremony_str	 description;
	struct ceremony_str	 expect_step;
	struct ceremony_str	 expect_message;
	struct ceremony_str	 expect_response;
	struct ceremony_loc	 expect_loc;	/* line 0: no `expect' */
	int			 announce;	/* the front end shows each fault
						   as it strikes (default 0) */
	struct ceremony_fault	*faults;
	size_t			 nfaults;
	struct ceremony_loc	 loc;
};

struct ceremony {
	const char		*file;		/* the name given to the loader */
	long long		 schema;	/* 1 */
	struct ceremony_str	 id;
	struct ceremony_str	 title;
	struct ceremony_str	 version;	/* "1" if absent */
	struct ceremony_str	 description;
	struct ceremony_station	*stations;	/* defaults when absent */
	size_t			 nstations;
	struct ceremony_list	 roles;		/* defaults when absent */
	struct ceremony_param	*params;
	size_t			 nparams;
	struct ceremony_table	*tables;
	size_t			 ntables;
	struct ceremony_var	*vars;
	size_t			 nvars;
	struct ceremony_step	*steps;
	size_t			 nsteps;
	struct ceremony_scenario *scenarios;
	size_t			 nscenarios;
	struct ceremony_list	 engines;	/* line 0: absent, soft only */
	struct ceremony_str	 engines_note;	/* why not on the others */
	struct ceremony_loc	 loc;

	/* private to ceremony*.c */
	struct kr_arena	*arena;
	struct ceremony_index	*index;
};

/*
 * Parses, builds and validates a ceremony from buf (len bytes, need not be
 * NUL-terminated; at most CEREMONY_MAX_SIZE).  name is used in messages.
 * Every problem goes to diags (which the caller initialised with
 * diag_init(diags, name)); warnings do not fail the load.  Returns 0 and
 * sets *out, or KR_EDATA (diags holds at least one error) or KR_ENOMEM.
 * *out is set only on success.  No I/O.
 */
int	ceremony_load_buffer(const char *name, const char *buf, size_t len,
	    struct ceremony **out, struct diag_list *diags);

/* Frees a ceremony and everything it owns; NULL is fine. */
void	ceremony_free(struct ceremony *c);

/* Lookups; each returns NULL when there is no such thing. */
const struct ceremony_param *ceremony_param_find(const struct ceremony *c,
	    const char *name);
const struct ceremony_step *ceremony_step_find(const struct ceremony *c,
	    const char *id);
const struct ceremony_var *ceremony_var_find(const struct ceremony *c,
	    const char *name);
const struct ceremony_table *ceremony_table_find(const struct ceremony *c,
	    const char *name);
const struct ceremony_station *ceremony_station_find(const struct ceremony *c,
	    const char *name);
const struct ceremony_scenario *ceremony_scenario_find(
	    const struct ceremony *c, const char *name);
int	ceremony_has_role(const struct ceremony *c, const char *role);
const struct ceremony_row *ceremony_row_find(const struct ceremony_table *t,
	    const char *id);
/* The cell of a row in the named column, or NULL. */
const char *ceremony_row_cell(const struct ceremony_table *t,
	    const struct ceremony_row *row, const char *column);
/* A step's `with:' entry by key, or NULL. */
const struct ceremony_value *ceremony_step_with(const struct ceremony_step *s,
	    const char *key);

/*
 * Choices (ceremony-choice.c).  A step with `when:' is one alternative of a
 * choice: it is done only when every named parameter has one of the listed
 * values, and otherwise recorded as not chosen.  value(arg, name) returns a
 * parameter's value or NULL when it is not known yet.
 *
 * ceremony_step_chosen: 1 chosen (or no `when'), 0 not chosen, -1 a
 * parameter it needs is not known yet (*missing names it).  why, when not
 * NULL, receives the reason in words: "upload_tool is powershell (this
 * alternative is for az)" or "upload_tool is az".
 */
int	ceremony_step_chosen(const struct ceremony_step *s,
	    const char *(*value)(void *arg, const char *name), void *arg,
	    const char **missing, char *why, size_t whysz);
/* The condition in words, "upload_tool is az" ("key_type is RSA, and
 * upload_tool is az or cli"), into buf; "" without `when'. */
void	ceremony_when_text(const struct ceremony_step *s, char *buf,
	    size_t bufsz);

/* The index of the first step that uses param, or (size_t)-1. */
size_t	ceremony_param_first_step(const struct ceremony *c, const char *param);
/* A visible placeholder for a value not known yet, never template syntax:
 * "<kek_id, asked at step 5>" (1-based), "<kek_id, asked at this step>"
 * when step index cur is the first to use it. */
void	ceremony_placeholder(const struct ceremony *c, const char *param,
	    size_t cur, char *buf, size_t bufsz);

/*
 * Engines (ceremony-engines.c).  A ceremony declares the security-module
 * engines it runs on (`engines: [soft, pkcs11]'; absent: soft only) and,
 * in `engines_note', why not on the others; a step may name a subset
 * (`engines: [soft]') and is recorded as not applicable on the others.
 */
#define CEREMONY_ENGINE_DEFAULT	"soft"
/* 1 when the ceremony runs on engine (a name: "soft", "pkcs11"). */
int	ceremony_runs_on(const struct ceremony *c, const char *engine);
/* 1 when step s is done on engine (its own `engines', else all). */
int	ceremony_step_runs_on(const struct ceremony_step *s,
	    const char *engine);
/* The ceremony's engines in words ("soft and pkcs11") into buf. */
void	ceremony_engines_text(const struct ceremony *c,
	    const struct ceremony_list *l, char *buf, size_t bufsz);

/* The name of a parameter type ("quorum"). */
const char *ceremony_ptype_name(enum ceremony_ptype t);

/*
 * Checks a value for a parameter (a default, an answer, a --set):
 * the pattern and lengths of a string, the choices or table ids of a
 * choice, the form of a uuid, the range of an integer, K/N of a quorum,
 * https:// of a url, a non-empty path.  Returns 0 or KR_EDATA with a
 * message such as "'x y' does not match pattern '^[a-z]+$'".  A string
 * parameter's pattern must have been compiled (any loaded ceremony).
 */
int	ceremony_param_check(const struct ceremony_param *p, const char *value,
	    struct kr_err *e);

/* When v is a hash (40 or 64 hex digits, spaces allowed), writes it in
 * groups of eight lowercase digits to out and returns 1; else 0. */
int	ceremony_hash_grouped(const char *v, char *out, size_t outsz);

/* Card holders, named at new-world as "Ann Smith, Bob Jones, ..." in card
 * order: the number of names (empty ones count), and the name of card
 * `card' (1-based) into out, trimmed: 0, or -1 when there is none. */
int	ceremony_holders_count(const char *list);
int	ceremony_holder(const char *list, int card, char *out, size_t outsz);

/* A tamper-evident bag's number as printed on it: 3 to 40 letters, digits
 * and dashes (not at either end).  Returns 0 or KR_EDATA. */
int	ceremony_bag_check(const char *v, struct kr_err *e);

/* Parses "K/N" with 1 <= K <= N <= CEREMONY_QUORUM_MAX.  Returns 0 or
 * KR_EDATA ("quorum 3/2: K is greater than N"). */
int	ceremony_quorum_parse(const char *s, int *k, int *n, struct kr_err *e);

/*
 * Expands a template: `$$' becomes `$', a `$' before anything other than
 * `$' or `{' stays, and `${name}' is replaced by
 *  - ceremony.id and ceremony.title from the model,
 *  - a var: its own template, expanded the same way,
 *  - anything else (parameters, param.column, out_dir, state_dir): the
 *    lookup callback, which returns 0 and sets *value (valid until the
 *    callback is called again) or non-zero when it does not know the name.
 * lookup may be NULL.  Returns 0 and a malloc'd string in *out, or KR_EDATA
 * (an unterminated `${', an empty or bad name, an unknown name, an
 * expansion longer than CEREMONY_EXPAND_MAX or needing more than
 * CEREMONY_EXPAND_SUBST substitutions) or KR_ENOMEM.
 */
int	ceremony_expand(const struct ceremony *c, const char *tmpl,
	    int (*lookup)(void *arg, const char *name, const char **value),
	    void *arg, char **out, struct kr_err *e);

#endif
