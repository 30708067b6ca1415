/* SPDX-License-Identifier: ISC */
/*
 * audit-int.h: the audit log's internals, shared by its files, its tests
 * and its fuzz harnesses.  Nothing outside src/audit-*.c, tests/ and fuzz/
 * includes this header: the runner uses audit.h, the front end
 * audit-verify.h.
 *
 * The pieces: a growable buffer, the canonical JSON serializer and check
 * (audit-json.c), the RFC 6962 compact range (audit-merkle.c), Ed25519 keys
 * and the key file (audit-chain.c), the closed list of events and the entry
 * schema (audit-event.c), the line parser (audit-line.c) and the quorum
 * check (audit-quorum.c).
 */
#ifndef KR_AUDIT_INT_H
#define KR_AUDIT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "audit.h"

#define AUDIT_LINE_MAX		(64 * 1024)	/* bytes of one line, without '\n' */
#define AUDIT_DEPTH_MAX		32		/* nesting of arrays and objects */
#define AUDIT_INT_MAX		9007199254740991LL	/* 2^53 - 1 */
#define AUDIT_ORIGIN_MAX	128
#define AUDIT_ENTRY_DOMAIN	"keyrite-log/v1/entry\n"
#define AUDIT_NOTE_DOMAIN	"keyrite-log/v1/cosign\n"
#define AUDIT_COSIGS_MAX	32

/* The verifier's failure codes (reference/audit-log.md). */
enum audit_code {
	AUDIT_OK = 0,
	AUDIT_E_PARSE,
	AUDIT_E_SCHEMA,
	AUDIT_E_NONCANON,
	AUDIT_E_SEQ,
	AUDIT_E_CHAIN,
	AUDIT_E_ORIGIN,
	AUDIT_E_SIG,
	AUDIT_E_CKPT_SIZE,
	AUDIT_E_CKPT_ROOT,
	AUDIT_E_COSIG,
	AUDIT_E_QUORUM,
	AUDIT_E_AFTER_SEAL,
	AUDIT_E_RESUME_AUTH,
	AUDIT_E_PARTIAL_LINE,
	AUDIT_E_LIMIT,
	AUDIT_E_ANCHOR,
};

/* "E_SIG" for AUDIT_E_SIG; "OK" for AUDIT_OK. */
const char	*audit_code_name(int code);

struct audit_fail {
	int	code;		/* enum audit_code */
	char	msg[256];
};

int	audit_failf(struct audit_fail *f, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* A growable byte buffer; secure buffers live in the secure heap. */
struct audit_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 secure;
};

int	audit_buf_add(struct audit_buf *b, const void *p, size_t len);
int	audit_buf_addc(struct audit_buf *b, char c);
int	audit_buf_adds(struct audit_buf *b, const char *s);
int	audit_buf_addf(struct audit_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Adds the standard base64 of len bytes. */
int	audit_buf_add_b64(struct audit_buf *b, const uint8_t *p, size_t len);
void	audit_buf_reset(struct audit_buf *b);
void	audit_buf_free(struct audit_buf *b);

/*
 * Canonical JSON (audit-json.c).  audit_json_canon appends the canonical
 * form of v to out; it refuses reals, integers outside 0..2^53-1, keys
 * outside [a-z0-9_] and nesting deeper than AUDIT_DEPTH_MAX (*why says
 * which).  audit_json_check parses one line with jansson
 * (JSON_REJECT_DUPLICATES), serializes it again and compares byte for byte;
 * on success *out holds the parsed value.
 */
int	audit_json_canon(json_t *v, struct audit_buf *out, const char **why);
int	audit_json_check(const char *s, size_t len, json_t **out,
	    struct audit_fail *f);

/*
 * Printing text from the log (audit-escape.c).  audit_unsafe_at returns
 * the length of the C0/DEL/C1 control or bidirectional control at s (0
 * when there is none) and its code point in *cp; audit_add_escaped appends
 * s with each of them escaped (\n, \t, \xHH, \uHHHH).
 */
size_t	audit_unsafe_at(const char *s, unsigned *cp);
void	audit_add_escaped(struct audit_buf *b, const char *s);

/* RFC 6962 Merkle tree as a compact range from 0 (audit-merkle.c). */
struct audit_merkle {
	uint64_t	n;
	uint8_t		stack[64][32];
	unsigned	depth;
};

void	audit_merkle_init(struct audit_merkle *m);
void	audit_merkle_add(struct audit_merkle *m, const uint8_t leaf[32]);
/* The root of the n leaves added so far (SHA-256("") when n is 0). */
void	audit_merkle_root(const struct audit_merkle *m, uint8_t root[32]);

/* SHA-256 helpers with a fetched digest (audit-merkle.c). */
void	audit_sha256(const void *p, size_t len, uint8_t out[32]);
/* lh = SHA-256(0x00 || line) */
void	audit_leaf_hash(const void *line, size_t len, uint8_t out[32]);
void	audit_node_hash(const uint8_t l[32], const uint8_t r[32], uint8_t out[32]);

/*
 * Ed25519 (audit-chain.c).  Private keys are EVP_PKEYs whose key bytes live
 * in OpenSSL's secure heap.
 */
int	audit_key_new(const struct audit_test_hooks *hooks, uint64_t index,
	    EVP_PKEY **out, struct kr_err *e);
int	audit_key_from_raw(const uint8_t raw[32], EVP_PKEY **out,
	    struct kr_err *e);
int	audit_key_public(EVP_PKEY *k, uint8_t pk[32]);
int	audit_sign(EVP_PKEY *k, const void *msg, size_t len, uint8_t sig[64]);
/* 1 when sig is a valid Ed25519 signature of msg under pk, else 0. */
int	audit_verify_sig(const uint8_t pk[32], const void *msg, size_t len,
	    const uint8_t sig[64]);

/*
 * The live key file (LOG.key, mode 0600): the keys a restarted run needs to
 * continue the chain, with the seq each one signs.
 */
struct audit_keyslot {
	uint64_t	 seq;
	EVP_PKEY	*key;
};

int	audit_keyfile_write(const char *path, const char *origin,
	    const struct audit_keyslot *slots, size_t n, struct kr_err *e);
/* Removes the key file and the temporary files a killed writer may have
 * left beside it ("<path>.tmp.*", from kr_write_atomic): they hold keys.
 * keep: remove only the temporary files.  Returns 0 or KR_EIO. */
int	audit_keyfile_remove(const char *path, int keep, struct kr_err *e);
/* Reads the key that signs seq and whose public key is pk. */
int	audit_keyfile_find(const char *path, const char *origin, uint64_t seq,
	    const uint8_t pk[32], EVP_PKEY **out, struct kr_err *e);

/* Entry types. */
enum audit_type {
	AUDIT_T_GENESIS,
	AUDIT_T_EVENT,
	AUDIT_T_CHECKPOINT,
	AUDIT_T_RESUME,
	AUDIT_T_SEAL,
};

const char	*audit_type_name(int type);

/* One parsed line (audit-line.c).  Pointers point into root or the line. */
struct audit_line {
	json_t		*root;
	json_t		*e;
	const char	*origin;
	uint64_t	 seq;
	int		 type;		/* enum audit_type */
	const char	*t;
	int		 rehearsal;
	int		 has_prev;
	uint8_t		 prev[32];
	int		 has_next_pk;
	uint8_t		 next_pk[32];
	int		 has_pk;
	uint8_t		 pk[32];
	uint8_t		 sig[64];
	int		 event;		/* enum audit_event or -1 */
	const char	*step;
	const char	*actor;
	json_t		*data;
	uint64_t	 size;		/* checkpoint, resume, seal */
	uint8_t		 root_hash[32];
	json_t		*cosigs;	/* NULL when absent */
	const char	*e_text;	/* canonical(e), inside the line */
	size_t		 e_len;
};

/*
 * Parses one line (without its '\n'): limits, JSON, canonical form and the
 * schema of its type and event.  Context (seq, chain, signatures) is the
 * verifier's.  Returns 0 or -1 with f filled; free with audit_line_clear.
 */
int	audit_line_parse(const char *line, size_t len, struct audit_line *l,
	    struct audit_fail *f);
void	audit_line_clear(struct audit_line *l);

/* Checks the data member of an event against the event table. */
int	audit_event_check(int event, const char *step, const char *actor,
	    json_t *data, struct audit_fail *f);
/* The event's index by name, or -1. */
int	audit_event_lookup(const char *name);

/* Field syntax shared by the writer and the verifier. */
int	audit_is_id(const char *s, size_t max);
int	audit_get_b64(const json_t *v, uint8_t *out, size_t want,
	    struct audit_fail *f, const char *what);

/* The quorum policy from world-created (audit-quorum.c). */
struct audit_policy {
	int		have;
	unsigned	k;
	unsigned	n;
	uint8_t		pk[AUDIT_CARDS_MAX + 1][32];	/* by card index */
	char		world_id[AUDIT_ORIGIN_MAX + 1];
};

struct audit_quorum {
	unsigned	count;			/* valid cosignatures of known cards */
	unsigned	cards[AUDIT_CARDS_MAX];	/* their indexes, in log order */
};

/* Reads the policy from a world-created data member. */
int	audit_policy_from_data(struct audit_policy *p, const json_t *data,
	    struct audit_fail *f);
/* The message a card cosigns for a checkpoint, resume or seal. */
int	audit_cosign_note(struct audit_buf *b, const char *origin, uint64_t size,
	    const uint8_t root[32], int type);
/* Checks cosigs (a JSON array) over note against the policy: E_COSIG for
 * an invalid signature of a known card or a card counted twice, E_QUORUM
 * (or E_RESUME_AUTH for a resume) when fewer than k are valid. */
int	audit_quorum_check(const struct audit_policy *p, const char *note,
	    size_t len, const json_t *cosigs, int type, struct audit_quorum *q,
	    struct audit_fail *f);
/* "[acs-1, acs-3]" */
void	audit_quorum_cards(const struct audit_quorum *q, char *out, size_t outsz);

/* Checks world-created's cards against --expect-cards / --world
 * (audit-anchor.c): E_ANCHOR when they differ. */
struct audit_verify_opts;
int	audit_anchor_cards(const struct audit_policy *p,
	    const struct audit_verify_opts *o, struct audit_fail *f);

/* Builds a full line from e (canonical) signed with k: used by the writer,
 * and by the tests to forge lines. */
int	audit_line_build(json_t *e, const char *origin, EVP_PKEY *k,
	    struct audit_buf *line, struct kr_err *err);

/* Where a verified log ends, for audit_writer_resume. */
struct audit_verify_opts;
struct audit_verify_result;

struct audit_tail {
	struct audit_merkle	tree;
	struct audit_policy	policy;
	uint8_t			last_lh[32];
	uint8_t			next_pk[32];
	uint64_t		good_bytes;	/* offset after the last complete line */
	uint8_t			partial_sha256[32];
};

/* audit_verify_fd that also hands back the end state (tail may be NULL). */
int	audit_verify_fd_tail(int fd, const struct audit_verify_opts *o,
	    struct audit_verify_result *res, struct audit_tail *tail,
	    struct kr_err *e);

#endif
