/* SPDX-License-Identifier: ISC */
/*
 * audit-buf.c: a growable byte buffer for lines, notes and transcripts.
 * A secure buffer (b->secure set before the first add) grows in OpenSSL's
 * secure heap and is cleared whenever it moves or is freed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit-int.h"
#include "codec.h"
#include "err.h"
#include "secmem.h"

static int
grow(struct audit_buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (need <= b->cap)
		return 0;
	cap = b->cap == 0 ? 256 : b->cap;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return KR_ENOMEM;
		cap *= 2;
	}
	if (b->secure) {
		if ((p = kr_secure_malloc(cap)) == NULL)
			return KR_ENOMEM;
		if (b->len > 0)
			memcpy(p, b->p, b->len);
		kr_secure_free(b->p, b->cap);
	} else if ((p = realloc(b->p, cap)) == NULL)
		return KR_ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int
audit_buf_add(struct audit_buf *b, const void *p, size_t len)
{
	int r;

	if (len > SIZE_MAX - b->len - 1)
		return KR_ENOMEM;
	if ((r = grow(b, b->len + len + 1)) != 0)
		return r;
	if (len > 0)
		memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

int
audit_buf_addc(struct audit_buf *b, char c)
{
	return audit_buf_add(b, &c, 1);
}

int
audit_buf_adds(struct audit_buf *b, const char *s)
{
	return audit_buf_add(b, s, strlen(s));
}

int
audit_buf_addf(struct audit_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256], *big = NULL;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return KR_EUSAGE;
	if ((size_t)n < sizeof(small))
		return audit_buf_add(b, small, (size_t)n);
	if ((big = malloc((size_t)n + 1)) == NULL)
		return KR_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	r = audit_buf_add(b, big, (size_t)n);
	free(big);
	return r;
}

int
audit_buf_add_b64(struct audit_buf *b, const uint8_t *p, size_t len)
{
	size_t need = kr_b64_encoded_size(len);
	int r;

	if ((r = grow(b, b->len + need + 1)) != 0)
		return r;
	if ((r = kr_b64_encode(p, len, b->p + b->len, need)) < 0)
		return r;
	b->len += (size_t)r;
	return 0;
}

void
audit_buf_reset(struct audit_buf *b)
{
	if (b->secure && b->p != NULL)
		kr_cleanse(b->p, b->len);
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

void
audit_buf_free(struct audit_buf *b)
{
	if (b->secure)
		kr_secure_free(b->p, b->cap);
	else
		free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
