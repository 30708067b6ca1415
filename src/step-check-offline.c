/* SPDX-License-Identifier: ISC */
/*
 * step-check-offline.c: the `check-offline' step type.
 *
 * Checks that no network interface other than loopback (and the
 * listed ones) is up on the disconnected workstation.
 */
#include <stddef.h>
#include <sys/types.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "step.h"
#include "step-ctx.h"

static const struct step_key keys[] = {
	{ "allow", STEP_LIST, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

static int
allowed(const char *name, const char *const *allow, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(name, allow[i]) == 0)
			return 1;
	return 0;
}

/* Non-loopback interfaces that are up and not in `allow': a warning in a
 * rehearsal, a failure in a live run. */
static int
run(struct step_ctx *ctx)
{
	struct ifaddrs *ifa = NULL, *i;
	const char *const *allow;
	char up[400];
	size_t n, len = 0;
	int rc;

	if ((rc = step_arg_list(ctx, "allow", &allow, &n)) != 0)
		return rc;
	if (getifaddrs(&ifa) != 0)
		return step_fail(ctx, KR_EIO, "cannot list the network "
		    "interfaces");
	up[0] = '\0';
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_name == NULL || !(i->ifa_flags & IFF_UP) ||
		    (i->ifa_flags & IFF_LOOPBACK) ||
		    allowed(i->ifa_name, allow, n))
			continue;
		if (strstr(up, i->ifa_name) != NULL)	/* one per name */
			continue;
		if (len + strlen(i->ifa_name) + 3 < sizeof(up))
			len += (size_t)snprintf(up + len, sizeof(up) - len,
			    "%s%s", len ? ", " : "", i->ifa_name);
	}
	freeifaddrs(ifa);
	if (len == 0) {
		snprintf(ctx->detail, sizeof(ctx->detail), "no network "
		    "interface is up but loopback");
		return 0;
	}
	if (!ctx->rehearsal)
		return step_fail(ctx, KR_EFAIL, "network interfaces are up: %s",
		    up);
	step_warn(ctx, "network interfaces are up: %s (rehearsal: recorded, "
	    "not stopped)", up);
	ctx->result = "warning";
	snprintf(ctx->detail, sizeof(ctx->detail), "rehearsal: network "
	    "interfaces are up: %s", up);
	return 0;
}

const struct step_type step_check_offline = {
	"check-offline", keys, NULL, run,
};
