/* SPDX-License-Identifier: ISC */
/*
 * engine.h: the security module as the runner sees it: one ops table per
 * back end (the built-in software module, engine_soft(); PKCS#11), chosen
 * by name with engine_open().
 *
 * Everything that crosses this interface is plain data: paths, strings,
 * fixed-size records.  Secrets enter only as caller-owned buffers (PINs,
 * struct engine_pin) which the engine never keeps past the call; nothing
 * secret comes back out.
 *
 * Every operation returns 0 or a negative KR_E code with a message in
 * struct kr_err that names the thing ("card 2: wrong PIN").  A failed
 * operation changes no state and leaves no partial file.
 *
 * Modes (DESIGN section 4): a module is in initialization (I), operational
 * (O) or maintenance (M) mode; a fresh module is operational.  new-world
 * needs I; generate_key, reduce_acl, verify_packages, package and
 * export_public need O.  In the wrong mode an operation returns KR_EMODE
 * with "module is in operational mode; new-world needs initialization";
 * the engine does not know step ids, so the caller appends the step that
 * sets the needed mode: " (step 'mode-init')" (engine_needed_mode() tells
 * which mode an operation needs).
 *
 * Cards are presented one at a time in a quorum session (card_begin,
 * card_present..., card_end).  Each card is checked the moment it is
 * presented against the world file (its world, its checksum, its PIN, its
 * share commitment and its public key), so a bad card is named at once.
 * The session is authorized when K good cards have been presented; K-1
 * cards never authorize.  An authorized session is what reduce_acl and
 * cosign take.
 */
#ifndef KR_ENGINE_H
#define KR_ENGINE_H

#include <stddef.h>
#include <stdint.h>

struct kr_err;
struct engine;
struct engine_quorum;

#define ENGINE_MAX_CARDS	16
#define ENGINE_IDENT_MAX	64	/* ident, NUL included */
#define ENGINE_NAME_MAX		128	/* plainname, friendly name, NUL included */
#define ENGINE_HEX256		65	/* 64 hex digits and a NUL */
#define ENGINE_ACL_MAX		256
#define ENGINE_PATH_MAX		4096

/* Modes are their letters. */
enum engine_mode {
	ENGINE_MODE_INIT = 'I',
	ENGINE_MODE_OPERATIONAL = 'O',
	ENGINE_MODE_MAINTENANCE = 'M',
};

/* Operations, for engine_needed_mode(). */
enum engine_op {
	ENGINE_OP_NEW_WORLD,
	ENGINE_OP_GENERATE_KEY,
	ENGINE_OP_REDUCE_ACL,
	ENGINE_OP_VERIFY_PACKAGES,
	ENGINE_OP_PACKAGE,
	ENGINE_OP_EXPORT_PUBLIC,
};

/* open flags */
#define ENGINE_OPEN_CREATE	0x1	/* create the state directory if missing */

/* A PIN: a buffer the caller owns (secure heap), not NUL-terminated. */
struct engine_pin {
	const uint8_t	*pin;
	size_t		 len;
};

struct engine_card_pub {
	int		index;			/* 1..N */
	uint8_t		pub[32];		/* Ed25519 public key */
	char		pub_hex[ENGINE_HEX256];
};

struct engine_world_info {
	char		world_id[ENGINE_HEX256];	/* 64 hex digits */
	char		suite[40];
	int		k, n;
	int		min_pin_len;
	int		scrypt_log2n;
	char		created[32];			/* RFC 3339 */
	char		signing_alg[32];		/* "DSA-3072-SHA256" */
	char		signing_pub_sha256[ENGINE_HEX256];	/* SPKI DER */
	struct engine_card_pub cards[ENGINE_MAX_CARDS];	/* [0..n-1] */
	char		warning[160];			/* "" or a warning to show */
	int		pin_pad;			/* PKCS#11: the token has a PIN
							   pad: its PIN is typed there */
	int		cards_hold_token;		/* PKCS#11: keyrite initialised
							   the token with PINs this
							   world's cards hold (not
							   adopted): a world not yet
							   logged is finished with them */
};

#define ENGINE_SUITE_DEFAULT	"DLf3072s256mRijndael"
#define ENGINE_MIN_PIN_DEFAULT	4
#define ENGINE_MIN_PIN_LIVE	8		/* live runs: no retry counter in software */
#define ENGINE_SCRYPT_LOG2N_DEFAULT 18		/* 256 MiB with r = 8, >= 0.5 s */
#define ENGINE_SCRYPT_LOG2N_REHEARSAL 14	/* 16 MiB: rehearsals, logged */
#define ENGINE_SCRYPT_LOG2N_MIN	10		/* tests only */
#define ENGINE_SCRYPT_LOG2N_MAX	20

struct engine_world_req {
	const char	*suite;		/* NULL: ENGINE_SUITE_DEFAULT */
	int		 k, n;		/* 1 <= k <= n <= 16 */
	int		 min_pin_len;	/* 0: ENGINE_MIN_PIN_DEFAULT */
	int		 scrypt_log2n;	/* 0: default; MIN..MAX (lower it only in tests) */
	int		 replace;	/* 1: replace an existing world */
	/* PKCS#11: take over a token that is already initialised (the
	 * ceremony says so); token_so_pin is its current SO PIN, entered by
	 * the custodians under witness (empty on a PIN pad token). */
	int		 adopt;
	struct engine_pin token_so_pin;
	struct engine_pin pins[ENGINE_MAX_CARDS];	/* pins[i] for card i+1 */
};

struct engine_key_req {
	const char	*type;		/* "RSA", "EC" or "AES" (any case) */
	int		 size;		/* RSA: 2048, 3072, 4096; AES: 256
					   (0 means 256) */
	const char	*curve;		/* EC: "P-256", "P-384", "P-521" */
	unsigned long	 pubexp;	/* RSA: 0 means 65537 */
	const char	*protect;	/* NULL or "module"; "token"/"ocs" refused */
	const char	*ident;		/* [a-z0-9-]+, uppercase folded */
	const char	*plainname;	/* NULL: the ident */
	/* The current method: the KEK (public key PEM) the key may be exported
	 * to as a .byok, and the authorized quorum that cosigns that ACL.
	 * NULL: the key cannot be exported until reduce_acl. */
	const char	*kek_pem;
	/* When set, kek_pem's bytes as the caller read them through a
	 * descriptor it checked (path.h); kek_pem then only names them. */
	const char	*kek_pem_data;
	size_t		 kek_pem_len;
	struct engine_quorum *quorum;
};

struct engine_key_info {
	char		appname[16];			/* "simple" or "xferacld" */
	char		ident[ENGINE_IDENT_MAX];
	char		plainname[ENGINE_NAME_MAX];
	char		type[8];			/* "RSA", "EC" or "AES" */
	int		size;				/* bits (RSA modulus, EC field,
							   AES key) */
	char		curve[16];			/* "" for RSA */
	unsigned long	pubexp;				/* 0 for EC */
	char		protect[16];			/* "module" */
	char		created[32];
	char		acl[ENGINE_ACL_MAX];		/* the ACL as text */
	char		pub_sha256[ENGINE_HEX256];	/* SHA-256 of the SPKI DER;
							   "" for AES */
	char		kcv[8];				/* AES: the key check value
							   (byok_aes_kcv: AES-256-ECB
							   of a zero block, first 3
							   bytes, 6 hex digits);
							   "" otherwise */
	int		ncosigners;			/* xferacld: the cards that cosigned */
	int		cosigners[ENGINE_MAX_CARDS];
};

/* A PKCS#11 token as 'module status --token' shows it (engine-pkcs11*.c). */
struct engine_mech {
	unsigned long	type;
	char		name[40];			/* "CKM_AES_KEY_WRAP_PAD" */
	char		flags[80];			/* "wrap unwrap encrypt" */
	unsigned long	min_bits, max_bits;		/* as the token says */
};

struct engine_object {
	char		cls[16];			/* "private-key", ... */
	char		label[ENGINE_NAME_MAX];
	char		id_hex[ENGINE_HEX256];		/* CKA_ID, up to 32 bytes */
	char		type[8];			/* "RSA", "EC", "AES" */
	char		attrs[160];			/* "sensitive !extractable ..." */
};

struct engine_token {
	char		module_path[ENGINE_PATH_MAX];
	char		library[80];			/* description and version */
	char		label[33], manufacturer[33], model[17], serial[17];
	char		flags[160];			/* "initialized login-required ..." */
	size_t		nmechs;
	struct engine_mech *mechs;
	size_t		nobjects;
	struct engine_object *objects;			/* keyrite's public objects */
	int		wrap_ok;			/* 1: packaging allowed */
	char		wrap_mech[48];			/* the KWP mechanism used */
	char		wrap_check[512];		/* why not, or what passed */
};

struct engine_status {
	int		 mode;				/* enum engine_mode */
	int		 has_world;
	struct engine_world_info world;
	size_t		 nkeys;
	struct engine_key_info *keys;			/* sorted by ident, appname */
	struct engine_token *token;			/* PKCS#11 only, else NULL */
};

/* The legacy toolset's two packages, checked against a pinned root hash. */
struct engine_pkg_req {
	const char	*kek_pkg;	/* path of BYOK-KEK-pkg-<CODE>-1 */
	const char	*world_pkg;	/* path of BYOK-SecurityWorld-pkg-<CODE>-1 */
	const char	*pinned_root;	/* hex, spaces ignored */
	const char	*region;	/* package code, "NA" */
	/* When set, the packages' bytes as the caller read them through a
	 * descriptor it checked (path.h); the paths then only name them. */
	const char	*kek_pkg_data, *world_pkg_data;
	size_t		 kek_pkg_len, world_pkg_len;
};

struct engine_pkg_result {
	char		region[32];
	char		kek_sha256[ENGINE_HEX256];
	char		world_sha256[ENGINE_HEX256];
	char		root_sha256[ENGINE_HEX256];
	char		receiving_world_id[ENGINE_HEX256];
	char		kek_kid[256];			/* the KEK's key identifier */
};

struct engine_acl_req {
	const char	*ident;
	struct engine_pkg_req pkg;	/* verified before the ACL is written */
};

enum engine_package_format {
	ENGINE_PACKAGE_LEGACY = 1,	/* key_xferacld_<ident>, KEK + world packages, manifest */
	ENGINE_PACKAGE_BYOK = 2,	/* key_simple_<ident>, KEK public key PEM and kid */
};

struct engine_package_req {
	int		 format;	/* enum engine_package_format */
	const char	*ident;
	const char	*out_dir;	/* the .byok (and manifest) go here */
	/* ENGINE_PACKAGE_LEGACY */
	struct engine_pkg_req pkg;
	const char	*subscription_id;
	const char	*friendly_name;	/* KeyTransferPackage-<friendly_name>.byok */
	/* ENGINE_PACKAGE_BYOK */
	const char	*kek_pem;	/* SubjectPublicKeyInfo PEM, RSA 2048..4096 */
	const char	*kek_pem_data;	/* set: its bytes, read by the caller */
	size_t		 kek_pem_len;
	const char	*kid;		/* the KEK's key identifier */
	const char	*out_name;	/* file name; NULL: <ident>.byok */
	const char	*profile;	/* a wrapping profile (byok-profile.h);
					 * NULL: "azure-byok" */
	int		 destroy_after;	/* PKCS#11: destroy the key after
					   packaging instead of making it
					   non-extractable */
};

struct engine_package_result {
	char		byok_path[ENGINE_PATH_MAX];
	char		byok_sha256[ENGINE_HEX256];
	char		manifest_path[ENGINE_PATH_MAX];		/* legacy only, else "" */
	char		manifest_sha256[ENGINE_HEX256];
	char		kek_sha256[ENGINE_HEX256];		/* KEK package or KEK PEM file */
	char		pub_sha256[ENGINE_HEX256];		/* the packaged key's public key */
	char		kcv[8];					/* AES: its check value */
	char		wrap_mech[128];				/* PKCS#11: how the token wrapped
								   ("CKM_RSA_AES_KEY_WRAP (0x1054)"),
								   else "" */
};

/* One card's signature over a message (audit checkpoints). */
struct engine_cosig {
	int		index;
	uint8_t		pub[32];
	uint8_t		sig[64];
};

struct engine_ops {
	const char	*name;		/* "soft" */

	/* Opens a state directory and locks it (KR_ELOCKED when another
	 * process holds it; KR_ENOINPUT when missing and not creating). */
	int	(*open)(const char *dir, int flags, struct engine **out,
		    struct kr_err *e);
	/* The same for an engine that drives a token named by an RFC 7512
	 * URI (dir may be NULL to look only); NULL in the software module. */
	int	(*open_token)(const char *dir, const char *uri, int flags,
		    struct engine **out, struct kr_err *e);
	void	(*close)(struct engine *);

	/* Mode, world, cards and keys with their ACLs; free with status_free. */
	int	(*status)(struct engine *, struct engine_status *out,
		    struct kr_err *e);
	void	(*status_free)(struct engine_status *);

	int	(*set_mode)(struct engine *, int mode, struct kr_err *e);

	/* Makes a world and its N cards (DIR/cards/card-<i>).  Needs mode I. */
	int	(*new_world)(struct engine *, const struct engine_world_req *,
		    struct engine_world_info *out, struct kr_err *e);
	/* The world's id, suite, K/N and card public keys (to log them). */
	int	(*world_info)(struct engine *, struct engine_world_info *out,
		    struct kr_err *e);
	/* Where new_world put card index (1..N). */
	int	(*card_path)(struct engine *, int index, char *buf, size_t sz,
		    struct kr_err *e);

	/* Quorum sessions: one card at a time. */
	int	(*card_begin)(struct engine *, struct engine_quorum **out,
		    struct kr_err *e);
	/* Checks the card at path with pin at once; on success *index is its
	 * index.  KR_EAUTH (wrong PIN, another world, the same card twice),
	 * KR_EDATA (damaged card), KR_ENOINPUT (no such file). */
	int	(*card_present)(struct engine_quorum *, const char *path,
		    const struct engine_pin *pin, int *index, struct kr_err *e);
	/* Cards presented so far and K; returns 1 when authorized. */
	int	(*card_state)(const struct engine_quorum *, int *presented,
		    int *needed);
	void	(*card_end)(struct engine_quorum *);

	/* generatekey: writes local/key_simple_<ident> and its public key
	 * local/pub_simple_<ident>.pem (an AES key has no public key: its
	 * check value is in the key file and in out->kcv).  Needs mode O and a world.  Its ACL
	 * allows no export, unless the request names a KEK and an authorized
	 * quorum: then it allows export wrapped to that KEK (SPKI hash), as a
	 * .byok only, cosigned by the quorum's cards (keyrite-acl(7)). */
	int	(*generate_key)(struct engine *, const struct engine_key_req *,
		    struct engine_key_info *out, struct kr_err *e);
	/* -ModifyAcls: needs mode O and an authorized quorum; verifies the
	 * packages and writes local/key_xferacld_<ident>, cosigned by the
	 * session's cards. */
	int	(*reduce_acl)(struct engine *, struct engine_quorum *,
		    const struct engine_acl_req *, struct engine_key_info *out,
		    struct kr_err *e);
	/* verifykeypackage: 0 means "Result: SUCCESS" (the caller prints it). */
	int	(*verify_packages)(struct engine *, const struct engine_pkg_req *,
		    struct engine_pkg_result *out, struct kr_err *e);
	/* Wraps the key to the KEK into a .byok (and, legacy, a manifest),
	 * only as the key's ACL allows (keyrite-acl(7)): LEGACY packages
	 * key_xferacld_<ident>, whose ACL names this format, the KEK's SPKI
	 * hash and the SHA-256 of both packages (verified again); BYOK packages
	 * key_simple_<ident> generated with an ACL naming this KEK and format.
	 * Either ACL must carry K valid card cosignatures.  Anything else is
	 * KR_EAUTH naming the key, its ACL and the use, and writes nothing.
	 * The KEK file's SHA-256 is returned for the log. */
	int	(*package)(struct engine *, const struct engine_package_req *,
		    struct engine_package_result *out, struct kr_err *e);
	/* Writes the key's public key (PEM) to out_path; sha256 of the DER.
	 * An AES key has none: KR_EUSAGE. */
	int	(*export_public)(struct engine *, const char *ident,
		    const char *out_path, char sha256[ENGINE_HEX256],
		    struct kr_err *e);
	/* Signs msg with each presented card's Ed25519 key (an authorized
	 * session only); fills up to max triples and *n. */
	int	(*cosign)(struct engine_quorum *, const uint8_t *msg, size_t len,
		    struct engine_cosig *out, size_t max, size_t *n,
		    struct kr_err *e);
	/* PKCS#11 only (NULL in the software module): the SO, logged in by
	 * the authorized quorum, creates the KEK in pem_path on the token as
	 * a trusted, wrap-only, non-modifiable public key for ident;
	 * sha256 is its SPKI's, for the log. */
	int	(*import_kek)(struct engine *, struct engine_quorum *,
		    const char *pem_path, const char *ident,
		    char sha256[ENGINE_HEX256], struct kr_err *e);
};

/* The built-in software module. */
const struct engine_ops *engine_soft(void);

/* The PKCS#11 engine (engine-pkcs11*.c): a token named by an RFC 7512 URI. */
const struct engine_ops *engine_pkcs11(void);

/* Opens engine name (NULL: "soft") on state directory dir; token is the
 * PKCS#11 token URI, NULL for the software module.  Sets *ops and *out;
 * KR_EUSAGE naming the engine when it is unknown or takes no token. */
int		 engine_open(const char *name, const char *dir,
		    const char *token, int flags, const struct engine_ops **ops,
		    struct engine **out, struct kr_err *e);

/* 0 when mode have is the one op needs, else KR_EMODE with "module is in
 * operational mode; new-world needs initialization". */
int		 engine_mode_check(int have, enum engine_op op, struct kr_err *e);

/* "initialization", "operational", "maintenance" (or "unknown"). */
const char	*engine_mode_name(int mode);
/* Parses "I"/"O"/"M" or the names ("init", "initialization", ...). */
int		 engine_mode_parse(const char *s, int *mode);
/* The mode an operation needs. */
int		 engine_needed_mode(enum engine_op op);

/* Checks and folds an ident into out (ENGINE_IDENT_MAX); KR_EUSAGE with a
 * message naming the bad character otherwise. */
int		 engine_ident_normalize(const char *in, char *out, size_t outsz,
		    struct kr_err *e);

/* Verifies a cosignature (Ed25519 over msg); returns 0 or KR_EFAIL. */
int		 engine_cosig_verify(const struct engine_cosig *sig,
		    const uint8_t *msg, size_t len);

/* The default state directory: $XDG_DATA_HOME/keyrite/module or
 * ~/.local/share/keyrite/module. */
int		 engine_default_state_dir(char *buf, size_t sz, struct kr_err *e);

#endif
