/* SPDX-License-Identifier: ISC */
/*
 * audit-testlib.h: what the audit log's tests share: deterministic card
 * keys, a cosigner made of them, and a small ceremony log.
 */
#ifndef KR_AUDIT_TESTLIB_H
#define KR_AUDIT_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "audit.h"

#define TL_ORIGIN	"test-ceremony/2026-11-27/00000000"

struct tl_cards {
	unsigned	 n;
	EVP_PKEY	*key[AUDIT_CARDS_MAX + 1];	/* by index */
	struct audit_card card[AUDIT_CARDS_MAX];
};

/* What the cosigner does: which cards sign (bit i for card i), and faults. */
struct tl_cosigner {
	struct tl_cards	*cards;
	unsigned	 mask;
	int		 twice;		/* the first card signs twice */
	int		 wrong_index;	/* the first card claims the next index */
	int		 corrupt;	/* the first signature is flipped */
	struct tl_cards	*stranger;	/* also sign with these (unknown) keys */
};

/* n card keys derived from seed (1..16). */
void	tl_cards_init(struct tl_cards *c, unsigned n, uint8_t seed);
void	tl_cards_free(struct tl_cards *c);

/* The audit_cosign_fn; arg is a struct tl_cosigner. */
int	tl_cosign(void *arg, const uint8_t *note, size_t len,
	    struct audit_cosig *out, size_t max, size_t *n, struct kr_err *e);

/*
 * Writes the small ceremony log used by the golden and tamper tests:
 * genesis, events before the world, a checkpoint without quorum, the world
 * (k of cards->n), cosigned checkpoints, artifacts, sign-offs, an
 * exception, the seal (when seal is set).  Returns 0 or a KR_E code.
 */
int	tl_write_demo(const char *path, const struct audit_test_hooks *hooks,
	    struct tl_cosigner *cs, unsigned k, int seal, int rehearsal);
/* The same with another origin. */
int	tl_write_demo_origin(const char *path, const char *origin,
	    const struct audit_test_hooks *hooks, struct tl_cosigner *cs,
	    unsigned k, int seal, int rehearsal);

/* A log split into lines (without their '\n'). */
struct tl_log {
	char	**line;
	size_t	 *len;
	size_t	  n;
};

/* Splits a file (or buffer) into lines; 0 or -1. */
int	tl_log_load(struct tl_log *log, const char *path);
int	tl_log_from(struct tl_log *log, const char *buf, size_t len);
/* Joins the lines, each with '\n'; a malloc'd buffer. */
char	*tl_log_join(const struct tl_log *log, size_t *len);
void	tl_log_free(struct tl_log *log);
/* Replaces line i with a copy of s. */
void	tl_log_set(struct tl_log *log, size_t i, const char *s, size_t len);
/* Removes line i / inserts a copy of s before line i. */
void	tl_log_drop(struct tl_log *log, size_t i);
void	tl_log_insert(struct tl_log *log, size_t i, const char *s, size_t len);

/*
 * The forger: re-signs lines from..n-1.  Line `from` is signed with
 * first_key (a stolen key, or an attacker's), each later line with a fresh
 * attacker key; prev, next_pk, pk (genesis), and the size and root of
 * checkpoints are fixed up, cosigs are kept as they are.  edit (may be
 * NULL) changes e of line i before it is signed.  0 or -1.
 */
typedef void (*tl_edit_fn)(json_t *e, size_t i, void *arg);
int	tl_rechain(struct tl_log *log, size_t from, EVP_PKEY *first_key,
	    tl_edit_fn edit, void *arg);

/* The thief: a steal hook that keeps the key that signs entry `want`. */
struct tl_thief {
	uint64_t	want;
	int		got;
	uint8_t		sk[32];
};
void	tl_steal(void *arg, uint64_t seq, const uint8_t sk[32]);

/* Verifies a buffer with n threads; returns the status (enum audit_status)
 * and fills *res. */
struct audit_verify_result;
int	tl_verify(const char *buf, size_t len, int threads,
	    struct audit_verify_result *res);
int	tl_verify_log(const struct tl_log *log, int threads,
	    struct audit_verify_result *res);

/* Reads a whole file into a malloc'd buffer (NULL on failure). */
char	*tl_slurp(const char *path, size_t *len);
/* Writes a buffer to a file (0 or -1). */
int	tl_spit(const char *path, const void *p, size_t len);

#endif
