/* SPDX-License-Identifier: ISC */
/*
 * engine-soft-mode.c: the module's mode (I, O, M), kept in module/mode.
 * A module without that file is operational, like a module fresh from
 * the box: new-world then needs the mode changed to I first.
 */
#include <stdlib.h>
#include <string.h>

#include "engine-soft.h"
#include "err.h"
#include "fsutil.h"

#define MODE_FORMAT	"keyrite-mode-1"

static int
soft_mode_parse(const char *name, const char *buf, size_t len, int *mode,
    struct kr_err *e)
{
	json_t *obj = NULL;
	char m[4];
	int r;

	if ((r = soft_json_load(name, buf, len, SOFT_MODE_MAX, MODE_FORMAT, &obj,
	    e)) != 0)
		return r;
	if ((r = soft_get_str(name, obj, "mode", m, sizeof(m), e)) != 0)
		goto out;
	if (strlen(m) != 1 || strchr("IOM", m[0]) == NULL) {
		r = kr_errf(e, KR_EDATA, "%s: unknown mode '%s'", name, m);
		goto out;
	}
	*mode = m[0];
out:
	json_decref(obj);
	return r;
}

int
soft_mode_load(struct engine *eng, struct kr_err *e)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len;
	int r;

	if ((r = soft_path(eng, "module/mode", path, sizeof(path), e)) != 0)
		return r;
	if ((r = kr_read_file_if(path, SOFT_MODE_MAX, &buf, &len, e)) != 0)
		return r;
	if (buf == NULL) {
		eng->mode = ENGINE_MODE_OPERATIONAL;
		return 0;
	}
	r = soft_mode_parse(path, buf, len, &eng->mode, e);
	free(buf);
	return r;
}

int
soft_set_mode(struct engine *eng, int mode, struct kr_err *e)
{
	char path[PATH_MAX], m[2] = { (char)mode, '\0' };
	json_t *obj;
	int r;

	if (mode != ENGINE_MODE_INIT && mode != ENGINE_MODE_OPERATIONAL &&
	    mode != ENGINE_MODE_MAINTENANCE)
		return kr_errf(e, KR_EUSAGE, "unknown mode");
	if ((r = soft_path(eng, "module", path, sizeof(path), e)) != 0 ||
	    (r = kr_mkdir_private(path, e)) != 0 ||
	    (r = soft_path(eng, "module/mode", path, sizeof(path), e)) != 0)
		return r;
	if ((obj = json_pack("{s:s, s:s}", "format", MODE_FORMAT, "mode", m)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	if ((r = soft_write_json(path, obj, e)) == 0)
		eng->mode = mode;
	json_decref(obj);
	return r;
}
