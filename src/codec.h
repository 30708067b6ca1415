/* SPDX-License-Identifier: ISC */
/*
 * codec.h: hex, base64 (standard and URL-safe) and SHA-256 helpers.
 *
 * Encoders write a NUL-terminated string into a caller buffer and return its
 * length, or a negative KR_E code when the buffer is too small.  Decoders are
 * strict: they reject anything that is not the canonical form unless the
 * function says otherwise.
 */
#ifndef KR_CODEC_H
#define KR_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define KR_SHA256_LEN		32
#define KR_SHA256_HEX_LEN	64

/* Lowercase hex of len bytes into out (2*len+1 bytes). */
int	kr_hex_encode(const uint8_t *in, size_t len, char *out, size_t outsz);
/* Hex (either case) to bytes; exactly 2*outlen digits expected unless
 * *decoded is given, in which case up to outsz bytes are written. */
int	kr_hex_decode(const char *in, uint8_t *out, size_t outsz, size_t *decoded);

/* Standard base64 with padding (RFC 4648 section 4). */
int	kr_b64_encode(const uint8_t *in, size_t len, char *out, size_t outsz);
/* Strict standard base64: padding required, no whitespace, canonical trailing bits. */
int	kr_b64_decode(const char *in, size_t inlen, uint8_t *out, size_t outsz, size_t *decoded);

/* base64url without padding (RFC 4648 section 5). */
int	kr_b64url_encode(const uint8_t *in, size_t len, char *out, size_t outsz);
/* base64url, padding accepted but not required. */
int	kr_b64url_decode(const char *in, size_t inlen, uint8_t *out, size_t outsz, size_t *decoded);

/* Size of the buffer the encoders need, including the NUL. */
size_t	kr_b64_encoded_size(size_t len);

/* SHA-256 of a buffer. */
int	kr_sha256(const void *in, size_t len, uint8_t out[KR_SHA256_LEN]);
/* SHA-256 of a buffer as lowercase hex (65 bytes with NUL). */
int	kr_sha256_hex(const void *in, size_t len, char out[KR_SHA256_HEX_LEN + 1]);

/*
 * Hex in groups for reading aloud: "2e8c0032 04004301 ...".  group is the
 * number of digits per group (8 for hashes); upper selects uppercase.
 */
int	kr_hex_group(const char *hex, size_t group, int upper, char *out, size_t outsz);

#endif
