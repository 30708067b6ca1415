/* SPDX-License-Identifier: ISC */
/*
 * audit-walk.c: the events of a log's verified part, one by one, for a
 * reader that trusts only what verified (the runner's resume).  The caller
 * verifies first and passes the number of entries that verified; the
 * lines are parsed again here and handed over with their members.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit-int.h"
#include "audit-verify.h"
#include "err.h"

int
audit_walk_file(const char *path, uint64_t entries, audit_walk_fn fn,
    void *arg, struct kr_err *e)
{
	struct audit_walk_entry we;
	struct audit_line l;
	struct audit_fail f;
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	uint64_t i;
	int r = 0;

	if ((fp = fopen(path, "re")) == NULL)
		return kr_errf(e, errno == ENOENT ? KR_ENOINPUT : KR_EIO,
		    "%s: %s", path, strerror(errno));
	for (i = 0; i < entries && r == 0; i++) {
		if ((n = getline(&line, &cap, fp)) <= 0 || line[n - 1] != '\n' ||
		    audit_line_parse(line, (size_t)n - 1, &l, &f) != 0) {
			r = kr_errf(e, KR_EFAIL, "%s: line %llu changed while "
			    "it was read", path, (unsigned long long)i + 1);
			break;
		}
		memset(&we, 0, sizeof(we));
		we.seq = l.seq;
		we.type = audit_type_name(l.type);
		we.event = l.type == AUDIT_T_EVENT ? audit_event_name(l.event) :
		    NULL;
		we.step = l.step;
		we.actor = l.actor;
		we.data = l.data;
		r = fn(arg, &we, e);
		audit_line_clear(&l);
	}
	free(line);
	fclose(fp);
	return r;
}
