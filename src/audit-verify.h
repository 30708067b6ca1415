/* SPDX-License-Identifier: ISC */
/*
 * audit-verify.h: the audit log verifier (reference/audit-log.md).
 *
 * One streaming pass over the file: memory O(log n) plus one line (and a
 * few batches of lines whose signatures are being checked on other cores).
 * It stops at the first failure and names its line, seq, byte offset and
 * code, the last good entry and the last checkpoint with the quorum.  A
 * partial last line (no '\n') is the one crash artifact it accepts: the
 * log is then a valid but unsealed prefix.
 */
#ifndef KR_AUDIT_VERIFY_H
#define KR_AUDIT_VERIFY_H

#include <stddef.h>
#include <stdint.h>

struct kr_err;

/*
 * The verdict, and the exit status of `keyrite audit verify'.  A sealed,
 * valid log is AUDIT_SEALED only when something from outside the log pins
 * it: the seal fingerprint (--expect-seal), or the cards' keys
 * (--expect-cards, --world) when the seal is cosigned by the quorum.
 * Otherwise it is AUDIT_UNANCHORED: whoever held a chain key from before
 * the world was made could have written its tail with cards of their own.
 */
enum audit_status {
	AUDIT_SEALED = 0,	/* sealed, valid and anchored: exit 0 */
	AUDIT_INVALID = 1,	/* tampered or invalid: exit 1 */
	AUDIT_UNSEALED = 2,	/* a valid but unsealed prefix: exit 2 */
	AUDIT_UNANCHORED = 3,	/* sealed and valid, nothing pins it: exit 3 */
};

#define AUDIT_ANCHOR_CARDS_MAX	16

struct audit_verify_opts {
	int		have_genesis;		/* --expect-genesis */
	uint8_t		expect_genesis[32];	/* lh_0 from the paper minutes */
	int		have_seal;		/* --expect-seal */
	uint8_t		expect_seal[32];	/* lh of the seal line */
	/* --expect-cards or --world: the card fingerprints (SHA-256 of each
	 * card's Ed25519 public key), card 1 first; all N of them. */
	unsigned	ncards;			/* 0: not given */
	uint8_t		expect_cards[AUDIT_ANCHOR_CARDS_MAX][32];
	char		expect_world[132];	/* --world: its id, or "" */
	int		threads;		/* 0: one per CPU we may run on (up to 4) */
};

/* One entry, as the report shows it. */
struct audit_entry_info {
	uint64_t	seq;
	char		t[24];
	char		what[32];	/* type, or the event name */
	char		step[68];
	char		actor[132];
};

/* A checkpoint, resume or seal. */
struct audit_ckpt_info {
	uint64_t	size;
	uint8_t		root[32];
	int		quorum;		/* 0: before world-created, no quorum yet */
	unsigned	cosigned;
	unsigned	k, n;
	char		cards[96];	/* "[acs-1, acs-3]" */
};

struct audit_verify_result {
	int		status;		/* enum audit_status */

	/* The failure (status AUDIT_INVALID) or, for an unsealed log with a
	 * partial last line, E_PARTIAL_LINE. */
	int		code;		/* 0 or an E_ code, see code_name */
	const char	*code_name;	/* "E_SIG" */
	char		msg[256];
	uint64_t	line;		/* 1-based */
	int		have_seq;
	uint64_t	seq;
	uint64_t	byte;		/* offset of the line in the file */
	int		have_last_good;
	struct audit_entry_info last_good;
	int		have_last_quorum;
	struct audit_ckpt_info last_quorum;

	/* What the good part holds. */
	char		origin[132];
	int		rehearsal;
	uint64_t	entries;	/* complete lines that verified */
	uint64_t	checkpoints;	/* checkpoints, resumes and the seal */
	uint64_t	resumes;
	uint64_t	resumes_without_quorum;
	int		have_genesis;
	uint8_t		genesis[32];	/* lh_0 */
	int		have_policy;
	unsigned	k, n;
	int		sealed;
	struct audit_ckpt_info seal;
	uint8_t		seal_lh[32];	/* the seal line's hash */
	unsigned	ncards;		/* world-created's cards (n), 0 when none */
	uint8_t		card_fp[AUDIT_ANCHOR_CARDS_MAX][32];	/* by index - 1 */
	int		anchored_genesis;	/* --expect-genesis matched */
	int		anchored_cards;		/* the cards matched the minutes */
	int		anchored_seal;		/* --expect-seal matched */
	uint64_t	file_bytes;
	uint8_t		file_sha256[32];	/* of the whole file (when read to the end) */
	int		partial;	/* a partial last line was found */
	uint64_t	partial_bytes;
	uint64_t	partial_byte;
	uint64_t	partial_line;
};

/*
 * Verifies a log.  Returns 0 (sealed and valid), KR_EUNSEALED (a valid
 * unsealed prefix), KR_EFAIL (invalid; res says where and why) or another
 * negative KR_E code when the file cannot be read (res->status is then
 * AUDIT_INVALID and e says why).  res is always filled.
 */
int	audit_verify_file(const char *path, const struct audit_verify_opts *o,
	    struct audit_verify_result *res, struct kr_err *e);
int	audit_verify_buffer(const void *buf, size_t len,
	    const struct audit_verify_opts *o, struct audit_verify_result *res,
	    struct kr_err *e);

/*
 * The report for people (json 0) in the design's style:
 *
 *	FAIL line 857 (seq 856, byte 241337): E_SIG entry signature ...
 *	  last good: seq 855  2026-11-27T10:14:03Z  step=reduce-acl  actor=...
 *	  last quorum checkpoint: size 800 root 1a2b...  cosigned 2/3 [acs-1, acs-3]
 *	PASS sealed: 1234 entries, 5 checkpoints, seal cosigned 2/3 [...] (policy 2 of 3)
 *
 * or for machines (json 1, one JSON object).  Returns a malloc'd string
 * or NULL when out of memory.
 */
char	*audit_verify_report(const struct audit_verify_result *res, int json);

/*
 * audit show: one readable line per entry (json 0), or one JSON object per
 * entry, {"line":N,"byte":B,"lh":"<hex>","e":{...}} (json 1).  It does not
 * verify: lines that do not parse are shown as such.  emit gets each
 * output line with its '\n'.  Returns 0, KR_EDATA when some line did not
 * parse, or KR_ENOINPUT / KR_EIO / KR_ENOMEM.
 */
typedef int (*audit_emit_fn)(void *arg, const char *s, size_t len);
int	audit_show_file(const char *path, int json, audit_emit_fn emit,
	    void *arg, struct kr_err *e);

/*
 * audit transcript: verifies the log, then renders its verified part as a
 * printable record (text, or markdown when markdown is set): origin and
 * fingerprints, steps with their results and sign-offs, artifacts with
 * their SHA-256, exceptions and resumes, checkpoints and lines for the
 * witnesses' signatures.  *out is a malloc'd string.  Returns what
 * audit_verify_file returns (0, KR_EUNSEALED, KR_EFAIL, or an I/O code,
 * in which case *out is NULL).
 */
int	audit_transcript_file(const char *path, int markdown, char **out,
	    struct kr_err *e);

/* Parses a 64-digit hex fingerprint, ignoring spaces and colons (as
 * written on the paper minutes).  Returns 0 or KR_EUSAGE. */
int	audit_parse_fingerprint(const char *s, uint8_t out[32]);

/* One entry of a verified log, for audit_walk_file. */
struct audit_walk_entry {
	uint64_t	 seq;
	const char	*type;		/* "genesis", "event", ... */
	const char	*event;		/* "parameter-set", ...; NULL if no event */
	const char	*step;		/* or NULL */
	const char	*actor;		/* or NULL */
	const struct json_t *data;	/* the event's data, or NULL */
};

/* Called for each entry; a non-zero return stops the walk and is
 * returned. */
typedef int (*audit_walk_fn)(void *arg, const struct audit_walk_entry *we,
    struct kr_err *e);

/*
 * Hands fn the first `entries' lines of the log at path, parsed: pass the
 * entries that audit_verify_file found valid (and hold the log's lock, so
 * that they cannot change).  Returns 0, fn's code, or KR_EIO /
 * KR_ENOINPUT / KR_EFAIL (a line no longer parses).
 */
int	audit_walk_file(const char *path, uint64_t entries, audit_walk_fn fn,
	    void *arg, struct kr_err *e);

/* A card's fingerprint for the minutes: SHA-256 of its 32-byte Ed25519
 * public key. */
void	audit_card_fingerprint(const uint8_t pk[32], uint8_t fp[32]);

/* --expect-cards: "HEX,HEX,..." (card 1 first; each 64 hex digits, spaces
 * and colons ignored) into o.  Returns 0 or KR_EUSAGE with e naming the
 * card. */
int	audit_parse_cards(const char *s, struct audit_verify_opts *o,
	    struct kr_err *e);

/* --world FILE: the world's public description (the module's world file,
 * JSON with "world_id" and "cards": [{"index":I,"pub":"hex"}...]) into o:
 * its card fingerprints and id.  Returns 0, KR_ENOINPUT, KR_EIO or
 * KR_EDATA naming the file. */
int	audit_load_world(const char *path, struct audit_verify_opts *o,
	    struct kr_err *e);

#endif
