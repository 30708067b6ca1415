/* SPDX-License-Identifier: ISC */
/*
 * step.h: step types.  Each type lives in src/step-<type>.c and exports one
 * const struct step_type step_<type> (dashes become underscores); step.c
 * holds the table and the lookup.
 *
 * A type declares the keys its `with:' mapping accepts (name, kind,
 * required, enum values, integer range) and may add a validate hook for
 * what a key table cannot say (generate-key's RSA/EC consistency).
 * step_check_with() applies both during `keyrite lint' and every load.
 *
 * The `run' member is the entry point the ceremony runner calls to perform
 * the step, pull style, with the struct step_ctx of step-ctx.h (whose
 * helpers, in step-ctx.c, ask the room and log for it).  Every registered
 * type has one; loading and linting never call it.
 */
#ifndef KR_STEP_H
#define KR_STEP_H

#include <stddef.h>

struct ceremony;
struct ceremony_step;
struct ceremony_value;
struct diag_list;
struct step_ctx;

enum step_kind {
	STEP_STRING,	/* S: any string; ${...} allowed anywhere */
	STEP_INTEGER,	/* I: a decimal integer or exactly one ${ref} */
	STEP_BOOL,	/* B: true or false */
	STEP_LIST,	/* L: a sequence of strings */
	STEP_ENUM,	/* E: one of values[], or exactly one ${ref} */
	STEP_QUORUM,	/* Q: K/N or exactly one ${ref} */
	STEP_SHA256,	/* H: 64 hex digits (spaces allowed), or one ${ref} */
	STEP_HASH,	/* 40 or 64 hex digits (spaces allowed), or ${...} */
	STEP_STATION,	/* S naming a station, or ${...} */
};

struct step_key {
	const char		*name;
	enum step_kind		 kind;
	int			 required;
	const char *const	*values;	/* STEP_ENUM: NULL-terminated */
	long long		 min, max;	/* STEP_INTEGER when min < max */
};

struct step_type {
	const char		*name;		/* "generate-key" */
	const struct step_key	*keys;		/* ends with a NULL name */
	/* Extra checks after the key table's; adds diagnostics to dl. */
	void			(*validate)(const struct ceremony *c,
				    const struct ceremony_step *s,
				    struct diag_list *dl);
	/* Performs one attempt of the step (step-ctx.h): 0 done, STEP_ASK,
	 * or a negative KR_E code. */
	int			(*run)(struct step_ctx *ctx);
};

/* The registered type with that name, or NULL. */
const struct step_type *step_type_find(const char *name);

/* The registered types, in the order of man/keyrite-ceremony.5. */
extern const struct step_type *const step_types[];
extern const size_t step_ntypes;

/* The key spec of a type by name, or NULL. */
const struct step_key *step_key_find(const struct step_type *t,
	    const char *name);

/* Checks s->with against s->type: unknown and missing keys, the shape and
 * literal value of each key, then the type's validate hook. */
void	step_check_with(const struct ceremony *c, const struct ceremony_step *s,
	    struct diag_list *dl);

/* The ACL model as lint sees it (step-acl.c): a package step's export
 * against the generate-key or reduce-acl step that made the key's ACL. */
void	step_acl_check(const struct ceremony *c, const struct ceremony_step *s,
	    struct diag_list *dl);

/* Every path a step names (and a path parameter's default) is relative to
 * its folder, without ".." (step-paths.c, path.h). */
void	step_paths_check(const struct ceremony *c, struct diag_list *dl);

/* Helpers for validate hooks. */
/* The scalar value of a `with:' key when it holds no ${...}, else NULL. */
const char *step_literal(const struct ceremony_step *s, const char *key);
/* The shared validate hook of seal-bag and open-bag: a literal `bag' or
 * `read' must be a bag number. */
void	step_bag_validate(const struct ceremony *c,
	    const struct ceremony_step *s, struct diag_list *dl);
/* The position of a `with:' key's value (the step's if absent). */
const struct ceremony_value *step_value(const struct ceremony_step *s,
	    const char *key);

extern const struct step_type step_instruction;
extern const struct step_type step_verify_file_hash;
extern const struct step_type step_check_offline;
extern const struct step_type step_set_mode;
extern const struct step_type step_new_world;
extern const struct step_type step_backup;
extern const struct step_type step_verify_packages;
extern const struct step_type step_import_kek;
extern const struct step_type step_generate_key;
extern const struct step_type step_reduce_acl;
extern const struct step_type step_package;
extern const struct step_type step_carry_artifact;
extern const struct step_type step_show_command;
extern const struct step_type step_vault_import;
extern const struct step_type step_seal_log;
extern const struct step_type step_seal_bag;
extern const struct step_type step_open_bag;

#endif
