/* SPDX-License-Identifier: ISC */
/*
 * vault-toolset.c: the toolset bundle of a region, a real zip archive with
 * stored (uncompressed) members and fixed timestamps (1980-01-01 00:00), so
 * the same packages always give the same bytes and `unzip -l` can list it.
 * Only what a rehearsal needs: no zip64, no comments, no extra fields.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "vault-int.h"

#define ZIP_LOCAL	0x04034b50u
#define ZIP_CENTRAL	0x02014b50u
#define ZIP_END		0x06054b50u
#define ZIP_DOS_DATE	0x0021u		/* 1980-01-01 */
#define ZIP_MAX_MEMBER	(16u * 1024 * 1024)

static uint32_t
crc32_of(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return c ^ 0xffffffffu;
}

static uint8_t *
le16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}

static uint8_t *
le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
	return p + 4;
}

/* The fixed part of a header after its signature: version needed, flags,
 * method (stored), time, date, crc, sizes, name length, extra length. */
static uint8_t *
common(uint8_t *p, uint32_t crc, size_t len, size_t namelen)
{
	p = le16(p, 10);
	p = le16(p, 0);
	p = le16(p, 0);
	p = le16(p, 0);
	p = le16(p, ZIP_DOS_DATE);
	p = le32(p, crc);
	p = le32(p, (uint32_t)len);
	p = le32(p, (uint32_t)len);
	p = le16(p, (uint32_t)namelen);
	p = le16(p, 0);
	return p;
}

int
vault_zip(const struct vault_zip_entry *ents, size_t n, uint8_t **out,
    size_t *outlen, struct kr_err *e)
{
	uint32_t *crc = NULL, *off = NULL;
	size_t i, total = 22, cdstart, cdend, nl;
	uint8_t *buf = NULL, *p;

	*out = NULL;
	if (n == 0 || n > 64)
		return kr_errf(e, KR_EUSAGE, "zip: %zu members", n);
	for (i = 0; i < n; i++) {
		nl = strlen(ents[i].name);
		if (nl == 0 || nl > 255 || ents[i].len > ZIP_MAX_MEMBER)
			return kr_errf(e, KR_EUSAGE, "zip: member too large");
		total += 30 + 46 + 2 * nl + ents[i].len;
	}
	if ((buf = malloc(total)) == NULL || (crc = calloc(n, sizeof(*crc))) ==
	    NULL || (off = calloc(n, sizeof(*off))) == NULL) {
		free(buf);
		free(crc);
		return kr_errf(e, KR_ENOMEM, "out of memory");
	}
	p = buf;
	for (i = 0; i < n; i++) {
		nl = strlen(ents[i].name);
		crc[i] = crc32_of(ents[i].data, ents[i].len);
		off[i] = (uint32_t)(p - buf);
		p = le32(p, ZIP_LOCAL);
		p = common(p, crc[i], ents[i].len, nl);
		memcpy(p, ents[i].name, nl);
		p += nl;
		memcpy(p, ents[i].data, ents[i].len);
		p += ents[i].len;
	}
	cdstart = (size_t)(p - buf);
	for (i = 0; i < n; i++) {
		nl = strlen(ents[i].name);
		p = le32(p, ZIP_CENTRAL);
		p = le16(p, 0x0300 | 20);	/* made by: Unix, 2.0 */
		p = common(p, crc[i], ents[i].len, nl);
		p = le16(p, 0);			/* comment length */
		p = le16(p, 0);			/* disk */
		p = le16(p, 0);			/* internal attributes */
		p = le32(p, 0100600u << 16);	/* external: -rw------- */
		p = le32(p, off[i]);
		memcpy(p, ents[i].name, nl);
		p += nl;
	}
	cdend = (size_t)(p - buf);
	p = le32(p, ZIP_END);
	p = le16(p, 0);
	p = le16(p, 0);
	p = le16(p, (uint32_t)n);
	p = le16(p, (uint32_t)n);
	p = le32(p, (uint32_t)(cdend - cdstart));
	p = le32(p, (uint32_t)cdstart);
	p = le16(p, 0);
	free(crc);
	free(off);
	*out = buf;
	*outlen = (size_t)(p - buf);
	return 0;
}
