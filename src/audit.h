/* SPDX-License-Identifier: ISC */
/*
 * audit.h: the ceremony audit log writer (man/keyrite-audit.5,
 * reference/audit-log.md).
 *
 * One log per ceremony run, JSON Lines in a canonical subset.  Every entry
 * holds the hash of the previous line and the public key of the next entry
 * and is signed with a fresh Ed25519 key that is freed (from the secure
 * heap) as soon as its entry is on disk: whoever steals the current key can
 * forge only from the current entry on.  Checkpoints, resumes and the seal
 * carry an RFC 6962 Merkle root cosigned by the custodians' cards through
 * a callback, so the log does not depend on the engine.
 *
 * The runner is the only caller.  The API takes no free text except typed
 * fields (ids, names, hashes, reasons typed by the operator); every entry
 * is checked against the closed list of events before it is written, and
 * nothing secret has a field to go in.
 */
#ifndef KR_AUDIT_H
#define KR_AUDIT_H

#include <stddef.h>
#include <stdint.h>

struct kr_err;
struct audit_writer;

#define AUDIT_CARDS_MAX	16

/* The closed list of events (DESIGN section 6); see audit-event.c. */
enum audit_event {
	AUDIT_EV_CEREMONY_START,	/* "ceremony-start" */
	AUDIT_EV_PARAMETER_SET,		/* "parameter-set" */
	AUDIT_EV_STEP_START,		/* "step-start" */
	AUDIT_EV_STEP_RESULT,		/* "step-result" */
	AUDIT_EV_CARD_PRESENTED,	/* "card-presented" */
	AUDIT_EV_QUORUM_MET,		/* "quorum-met" */
	AUDIT_EV_WORLD_CREATED,		/* "world-created" */
	AUDIT_EV_ARTIFACT_WRITTEN,	/* "artifact-written" */
	AUDIT_EV_SIGNOFF,		/* "signoff" */
	AUDIT_EV_EXCEPTION,		/* "exception" */
	AUDIT_EV_NOTE,			/* "note" */
	AUDIT_EV_CEREMONY_END,		/* "ceremony-end" */
	AUDIT_EV_FAULT_INJECTED,	/* "fault-injected" (rehearsal) */
	AUDIT_EV_STOPPED,		/* "stopped" (the operator quit) */
	AUDIT_EV_COUNT
};

/* "step-start" for AUDIT_EV_STEP_START, NULL when out of range. */
const char	*audit_event_name(int event);

/* One card's cosignature of a checkpoint, resume or seal. */
struct audit_cosig {
	unsigned	card;		/* card index, 1..AUDIT_CARDS_MAX */
	uint8_t		pk[32];		/* the card's Ed25519 public key */
	uint8_t		sig[64];	/* Ed25519 signature of the note */
};

/*
 * The cosigner: signs note (len bytes, "keyrite-log/v1/cosign\n" followed
 * by a C2SP-style checkpoint body) with the cards presented, writes up to
 * max cosignatures to out and their number to *n.  Returns 0 or a negative
 * KR_E code with e filled.  The writer checks the cosignatures against the
 * policy of world-created and refuses to write fewer than K.
 */
typedef int (*audit_cosign_fn)(void *arg, const uint8_t *note, size_t len,
    struct audit_cosig *out, size_t max, size_t *n, struct kr_err *e);

/* A card as recorded by world-created. */
struct audit_card {
	unsigned	index;		/* 1..n */
	uint8_t		pk[32];
};

/*
 * TEST ONLY.  Tests and the benchmark pass this struct explicitly in
 * audit_writer_opts; nothing reads it from the environment and the runner
 * passes NULL.  A log written with any hook set is still a valid log, but
 * one whose keys are not secret.
 */
struct audit_test_hooks {
	/* Derive every chain key from this seed (golden logs). */
	const uint8_t	*key_seed;		/* 32 bytes or NULL */
	/* Called with each chain private key when it becomes the key that
	 * signs entry seq (forward-security test: "the thief"). */
	void		(*steal)(void *arg, uint64_t seq, const uint8_t sk[32]);
	void		*steal_arg;
	/* Write each line in two write(2) calls with this many
	 * microseconds between them (crash test); 0: one write. */
	unsigned	 split_write_us;
	/* Skip fdatasync and the key file (benchmark log generator). */
	int		 no_sync;
	/* Write whatever cosignatures the callback returns (tamper tests). */
	int		 unchecked_cosigs;
};

struct audit_writer_opts {
	const char		*origin;	/* audit_make_origin(); required */
	/* The directory that keeps the live next key, "<dir>/<origin with
	 * '/' as '_'>.key": the offline state directory, never a folder that
	 * is carried away (keyrite-audit(5)).  NULL: "<log>.key" beside the
	 * log (unit tests only). */
	const char		*key_dir;
	int			 rehearsal;	/* "rehearsal": true on every entry */
	audit_cosign_fn		 cosign;	/* NULL until cards exist */
	void			*cosign_arg;
	const struct audit_test_hooks *hooks;	/* TEST ONLY; NULL otherwise */
};

/* The fingerprints for the paper minutes. */
struct audit_fingerprints {
	char		origin[129];
	uint64_t	entries;		/* lines written */
	uint8_t		genesis[32];		/* lh_0 */
	uint8_t		last[32];		/* lh of the last line (the seal's) */
	uint64_t	size;			/* tree size of the last checkpoint */
	uint8_t		root[32];		/* its root */
	uint8_t		file_sha256[32];	/* set by audit_seal */
	int		sealed;
};

/* What audit_writer_resume found and did. */
struct audit_resume_info {
	uint64_t	entries;		/* complete lines kept */
	uint64_t	removed_bytes;		/* partial last line cut */
	uint8_t		removed_sha256[32];
	int		cosigned;		/* the resume has the quorum */
};

/*
 * Makes an origin unique to a ceremony run: "<ceremony>/<date>/<8 hex>",
 * e.g. "ncipher-byok-legacy/2026-11-27/3f9a1c2b".  ceremony must be an id
 * ([A-Za-z0-9._-]).  Returns 0 or KR_EUSAGE / KR_ECRYPTO.
 */
int	audit_make_origin(const char *ceremony, char *out, size_t outsz,
	    struct kr_err *e);

/*
 * Takes the log's lock: opens (creating it empty, mode 0600, when missing)
 * and flocks path for the caller's lifetime, so that one process writes
 * one log.  Returns 0 and the lock's descriptor in *fd (close it to
 * release), or KR_ELOCKED naming the log when another run holds it.
 */
int	audit_log_lock(const char *path, int *fd, struct kr_err *e);

/*
 * Creates a new log at path (missing or empty; mode 0600) and writes the
 * genesis entry.  The live next key is kept in the key directory (see
 * key_dir; 0600), replaced atomically at every entry and removed at the
 * seal.  Returns 0 and *out, or a negative KR_E code.
 */
int	audit_writer_create(const char *path, const struct audit_writer_opts *o,
	    struct audit_writer **out, struct kr_err *e);

/*
 * Reopens a log after a crash: verifies the complete lines, cuts a partial
 * last line, loads the live key from the key directory and writes a `resume`
 * entry recording the bytes removed (count and SHA-256), cosigned by the
 * quorum once cards exist (o->cosign; KR_EUSAGE without one, KR_EAUTH
 * with fewer than K).  KR_EFAIL when the log does not verify, KR_EDATA
 * when it is sealed (its key file, if any, is removed) or has no complete
 * line (start a new log), KR_EAUTH when the key file does not continue the
 * chain.  The caller holds the state directory's lock.  info may be NULL.
 */
int	audit_writer_resume(const char *path, const struct audit_writer_opts *o,
	    struct audit_resume_info *info, struct audit_writer **out,
	    struct kr_err *e);

/* Closes the log and frees the live key (the key file stays until the
 * seal so that a later run can resume).  NULL is fine. */
void	audit_writer_free(struct audit_writer *w);

/* Sets the cosigner once the cards exist (after audit_world_created). */
void	audit_writer_set_cosigner(struct audit_writer *w, audit_cosign_fn fn,
	    void *arg);

/* Number of private keys the writer holds: 1 while open, 0 after the seal. */
int	audit_writer_keys_held(const struct audit_writer *w);

/* The fingerprints so far (genesis, last line, last checkpoint). */
void	audit_writer_fingerprints(const struct audit_writer *w,
	    struct audit_fingerprints *fp);

/*
 * Events.  Every function appends one signed entry, fdatasyncs it and
 * returns 0, or a negative KR_E code (KR_EUSAGE for a field the event table
 * refuses; after an I/O error the writer refuses everything).  step is the
 * ceremony step id or NULL; actor the role or person ("custodian-2") or
 * NULL.  Strings are ids ([A-Za-z0-9._:/-], up to 128 bytes) unless marked
 * "text" (printable UTF-8, up to 1024 bytes, typed by the operator).
 */
int	audit_ceremony_start(struct audit_writer *w, const char *ceremony,
	    const char *title /* text */, const uint8_t ceremony_sha256[32],
	    const char *scenario /* or NULL */, const char *actor,
	    struct kr_err *e);
int	audit_parameter_set(struct audit_writer *w, const char *name,
	    const char *value /* text */, const char *actor, struct kr_err *e);
int	audit_step_start(struct audit_writer *w, const char *step,
	    const char *action, const char *station /* or NULL */,
	    const char *actor, struct kr_err *e);

/* result: "ok", "failed", "skipped" or "warning"; code an id or NULL. */
int	audit_step_result(struct audit_writer *w, const char *step,
	    const char *result, const char *code, const char *detail /* text */,
	    const char *actor, struct kr_err *e);

/* outcome: "accepted", "wrong-pin", "wrong-world", "damaged", "duplicate",
 * "missing" (no card file where the card was asked for). */
int	audit_card_presented(struct audit_writer *w, const char *step,
	    unsigned card, const char *outcome, const char *actor,
	    struct kr_err *e);
int	audit_quorum_met(struct audit_writer *w, const char *step, unsigned k,
	    unsigned n, const unsigned *cards, size_t ncards, const char *actor,
	    struct kr_err *e);

/* Records the cards' public keys and the policy K of N; every later
 * checkpoint, resume and the seal need K cosignatures. */
int	audit_world_created(struct audit_writer *w, const char *step,
	    const char *world_id, const char *cipher_suite /* or NULL */,
	    unsigned k, unsigned n, const struct audit_card *cards,
	    const char *actor, struct kr_err *e);

/* name: the artifact's file name or path (text). */
int	audit_artifact_written(struct audit_writer *w, const char *step,
	    const char *name, const uint8_t sha256[32], uint64_t size,
	    const char *kind /* or NULL */, const char *actor,
	    struct kr_err *e);
/* A role confirms a step; actor (required) is who signs off. */
int	audit_signoff(struct audit_writer *w, const char *step,
	    const char *role, const char *actor, struct kr_err *e);
/* An exception the operator records (reason: text). */
int	audit_exception(struct audit_writer *w, const char *step,
	    const char *reason, const char *code, const char *actor,
	    struct kr_err *e);
int	audit_note(struct audit_writer *w, const char *step,
	    const char *text /* text */, const char *actor, struct kr_err *e);
/* A rehearsal scenario's fault was injected (for the trainer; a live log
 * never has one).  fault: one of the fault names of keyrite-ceremony(5);
 * card 0 when none; detail (text) or NULL. */
int	audit_fault_injected(struct audit_writer *w, const char *step,
	    const char *scenario, const char *fault, unsigned card,
	    const char *detail, const char *actor, struct kr_err *e);
/* The operator stopped the run on purpose (the wizard's quit); the
 * ceremony can be resumed.  step: where, or NULL. */
int	audit_stopped(struct audit_writer *w, const char *step,
	    const char *actor, struct kr_err *e);
/* result: "completed", "failed" or "aborted". */
int	audit_ceremony_end(struct audit_writer *w, const char *result,
	    const char *actor, struct kr_err *e);

/* A checkpoint over every earlier line (cosigned once cards exist). */
int	audit_checkpoint(struct audit_writer *w, struct kr_err *e);

/* The seal: the last line, cosigned once cards exist, no next key; the
 * last private key is freed and the key file removed.  fp (may be NULL)
 * receives the fingerprints for the paper minutes. */
int	audit_seal(struct audit_writer *w, struct audit_fingerprints *fp,
	    struct kr_err *e);

#endif
