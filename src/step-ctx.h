/* SPDX-License-Identifier: ISC */
/*
 * step-ctx.h: what a step type's `run' gets from the runner.
 *
 * Steps are pull style too: the runner calls run(ctx) again and again for
 * one attempt of a step until it returns 0 (done) or a negative KR_E code
 * (the step failed: the runner asks for a decision).  A step that needs
 * something from the people in the room (an acknowledgement, a typed
 * confirmation, the PINs of new cards, a card quorum) calls one of the
 * step_need_*() helpers below, which return 0 when the runner already has
 * the answer and STEP_ASK otherwise; the step returns STEP_ASK as it is.
 * So a run function asks first and acts after, and everything before its
 * first action may run several times.
 *
 * Steps never write the audit log themselves: the helpers here do it for
 * them (artifacts, notes, world-created, the seal), so the runner stays
 * the only writer.  PINs stay in the runner (secure heap) and reach steps
 * only as struct engine_pin views, valid during the call.
 */
#ifndef KR_STEP_CTX_H
#define KR_STEP_CTX_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "err.h"

struct ceremony;
struct ceremony_step;
struct runner;
struct audit_fingerprints;

#define STEP_ASK	1	/* run: needs an answer, ask then call again */

struct step_ctx {
	struct runner			*r;		/* private to runner*.c */
	const struct ceremony		*c;
	const struct ceremony_step	*s;
	const struct engine_ops		*ops;
	struct engine			*eng;
	const char			*state_dir;
	const char			*out_dir;
	const char			*media_dir;
	const char			*vault_dir;	/* or NULL */
	int				 rehearsal;
	int				 resumed;	/* the step was started before a resume */
	int				 attempt;	/* 1, then +1 per retry */
	int				 scrypt_log2n;	/* new-world: 0 or the opts' */

	/* Set by the step. */
	const char			*result;	/* "ok" (default), "warning", "skipped" */
	char				 detail[512];	/* the step-result detail, or "" */
	struct kr_err			 err;		/* when run returns < 0 */
	int				 sealed;	/* seal-log: the log is sealed */
};

/* Expanded `with:' values.  *out is NULL when the key is absent; the
 * string lives until the step's attempt ends.  KR_EDATA on expansion
 * errors. */
int	step_arg(struct step_ctx *ctx, const char *key, const char **out);
/* The same, for a list: *n items in *items. */
int	step_arg_list(struct step_ctx *ctx, const char *key,
	    const char *const **items, size_t *n);
/* The pinned root hash and region of the ceremony's verify-packages step
 * (the rehearsal's "root_hash" override wins); KR_EDATA without one. */
int	step_pinned(struct step_ctx *ctx, const char **root,
	    const char **region);
/* 1 when two hex strings are equal ignoring case and spaces. */
int	step_hash_equal(const char *a, const char *b);
/* Hex in groups of eight, lowercase (for people). */
void	step_group(const char *hex, char *out, size_t outsz);
/* A rehearsal override for key, or NULL (always NULL in a live run). */
const char *step_override(struct step_ctx *ctx, const char *key);

/* dir/rel, when rel stays inside dir (path.h: relative, no "..", no
 * symlink out); KR_EDATA naming the path and dir otherwise ("." when dir
 * is NULL), KR_EUSAGE when too long. */
int	step_path(const char *dir, const char *rel, char *out, size_t outsz,
	    struct kr_err *e);

/* Opens rel in dir ("." when NULL) for reading through a descriptor on
 * dir, resolved beneath it (path.h, kr_path_open_beneath): the file read
 * is the file checked, whatever happens to its path meanwhile.  A regular
 * file only.  The fd, or a negative KR_E code with ctx->err naming the
 * path and dir. */
int	step_open(struct step_ctx *ctx, const char *dir, const char *rel);
/* step_open, then the whole file (at most max bytes) into a malloc'd
 * buffer with a NUL after it; the caller frees *buf. */
int	step_read(struct step_ctx *ctx, const char *dir, const char *rel,
	    size_t max, char **buf, size_t *len);

/* The most a step reads of a package, a manifest or a token. */
#define STEP_PKG_MAX	(1024 * 1024)

/* A file a step finds in out_dir (written by an earlier step), else in
 * media_dir (carried in), opened as step_open does; path says where.
 * KR_ENOINPUT "REL: not found in OUT or MEDIA" when in neither.
 * step_read_found reads it (at most STEP_PKG_MAX bytes) instead. */
int	step_open_found(struct step_ctx *ctx, const char *rel, char *path,
	    size_t pathsz);
int	step_read_found(struct step_ctx *ctx, const char *rel, char *path,
	    size_t pathsz, char **buf, size_t *len);

/* The legacy method's KEK and Security World packages (kek, world,
 * relative to media_dir) read through descriptors into pkg (their names
 * and bytes); step_free_packages frees the bytes.  STEP_PKG_MAX bytes at
 * most each. */
int	step_read_packages(struct step_ctx *ctx, const char *kek,
	    const char *world, struct engine_pkg_req *pkg);
void	step_free_packages(struct engine_pkg_req *pkg);

/* The KEK PEM a step names (generate-key, package), read through a
 * descriptor: the copy import-kek made in STATE/kek/, else the file on
 * the medium.  *buf is malloc'd (the caller frees it); name (for
 * messages) says which it was. */
int	step_kek_read(struct step_ctx *ctx, const char *file, char **buf,
	    size_t *len, char *name, size_t namesz);

/* Tokens (step-token.c).  1 when the module is a token (the PKCS#11
 * engine, --token): its key operations need the custodians' quorum
 * logged in, and its keys are objects, not files. */
int	step_on_token(const struct step_ctx *ctx);
/* 1 when the token has a PIN pad (its flags say pin-pad: a protected
 * authentication path), 0 when not or unknown; its label into label. */
int	step_token_pin_pad(struct step_ctx *ctx, char *label, size_t labelsz);
/* The token object of class cls ("public-key", "private-key") labelled
 * label as a logged-in session sees it: 1 and its attributes ("token
 * private sensitive !extractable ...") in attrs, or 0 when there is none. */
int	step_token_object(struct step_ctx *ctx, const char *cls,
	    const char *label, char *attrs, size_t attrsz);
/* On a token, the KEK in pem_path (the ceremony's kek_file) as the SO
 * makes it under the quorum q: a trusted, wrap-only key for ident; a KEK
 * already there (a resumed step) is noted, not made twice.  0 or a step
 * failure. */
int	step_token_kek(struct step_ctx *ctx, struct engine_quorum *q,
	    const char *pem_path, const char *ident);

/* Questions.  Each returns 0 when the answer is in, else STEP_ASK. */
int	step_need_ack(struct step_ctx *ctx);
int	step_need_confirm(struct step_ctx *ctx, const char *expect);
/* n PINs for new cards 1..n (at least min_len bytes each); pins[i] is
 * card i+1's, valid during this call only.  attempt: NULL, or why the PINs
 * must be those of an interrupted attempt's cards, said at the prompt
 * before they are typed. */
int	step_need_new_pins(struct step_ctx *ctx, int k, int n, int min_len,
	    const char *attempt, const struct engine_pin **pins);
/* An authorized quorum session (K cards of the world). */
/* The current PIN of the token (new-world adopting it): what names it for
 * the prompt ("the current SO PIN of token 'x'"); asked once per attempt
 * (a NEW_PIN prompt with card 0), after the cards' PINs. */
int	step_need_token_pin(struct step_ctx *ctx, const char *what,
	    const struct engine_pin **pin);
int	step_need_quorum(struct step_ctx *ctx, struct engine_quorum **q);

/* A refusal of policy that the people in the room may waive by recording
 * an exception with its reason (the failed step's decision: the wizard's
 * exception, batch mode's `exceptions:'): fails like step_fail; if the
 * exception is recorded, logged with code (e.g. "weak-suite"), the step
 * runs again and step_waiver() returns the reason (NULL before that, and
 * in every other step). */
int	step_fail_waivable(struct step_ctx *ctx, const char *code, int err,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
const char *step_waiver(const struct step_ctx *ctx);

/* Display only (runner_opts.on_event); printf style. */
void	step_info(struct step_ctx *ctx, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	step_warn(struct step_ctx *ctx, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Logging.  Each returns 0 or a KR_E code with ctx->err set. */
/* A file the step wrote or checked: SHA-256 and size logged, event shown,
 * listed in the summary.  kind is an id or NULL. */
int	step_artifact(struct step_ctx *ctx, const char *path, const char *kind);
/* The same for a file the step hashed itself, through the descriptor it
 * read (h, size): nothing is opened again by name. */
int	step_artifact_hashed(struct step_ctx *ctx, const char *path,
	    const uint8_t h[32], uint64_t size, const char *kind);
/* The SHA-256 (hex) this run logged for an artifact named name (as
 * step_artifact names it): 0 and out set, or -1 when there is none. */
int	step_logged_sha256(struct step_ctx *ctx, const char *name,
	    char out[65]);
/* A note in the log (work found already done on resume, and the like). */
int	step_note(struct step_ctx *ctx, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* world-created with the cards' public keys; checkpoints are cosigned
 * from then on. */
int	step_world_created(struct step_ctx *ctx,
	    const struct engine_world_info *wi);
/* 1 when world-created is in the log already (a resumed new-world). */
int	step_world_logged(struct step_ctx *ctx);
/* The engine's world id before this ceremony's first new-world attempt
 * ("" when there was none), recorded for resume. */
int	step_world_before(struct step_ctx *ctx, const char *world_id,
	    const char **before);
/* seal-log: step-result, ceremony-end "completed", the seal, transcript
 * and summary in out_dir.  Needs the quorum first (step_need_quorum). */
int	step_seal(struct step_ctx *ctx);

/* Fails with the engine's error, adding " (step '<id>')" naming the
 * set-mode step that sets the mode op needs when e is KR_EMODE. */
int	step_engine_fail(struct step_ctx *ctx, enum engine_op op,
	    const struct kr_err *e);

/* Fails: fills ctx->err, returns code. */
int	step_fail(struct step_ctx *ctx, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
