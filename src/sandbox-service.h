/* SPDX-License-Identifier: ISC */
/*
 * sandbox-service.h: the rehearsal sandbox's simulated receiving service
 * for a ceremony with a `wrapping_profile' parameter (vault-service.h).
 *
 * The service issues its wrapping key (and import token) in the sandbox's
 * vault under the name the ceremony gives it (the first of its parameters
 * import_job, key_alias, transit_mount), puts the public key (and token)
 * on the medium under the names of the parameters wrapping_key_file (and
 * import_token_file), and presets those, their SHA-256 (wrapping_key_sha256,
 * import_token_sha256) and the service's identifier (wrapping_key_id).
 * For a scenario it tells the fault injector where the wrapping key, the
 * service record and the package (package_file, in the output directory)
 * are; for wrong-profile the service also records its other profile.
 */
#ifndef KR_SANDBOX_SERVICE_H
#define KR_SANDBOX_SERVICE_H

struct kr_err;
struct sandbox;
struct sandbox_opts;

/* 1 when the ceremony wants a service (it has a wrapping_profile). */
int	sandbox_service_wanted(const struct sandbox_opts *o);

/* preset(arg, name, value) records a preset; returns 0 or a KR_E code. */
int	sandbox_service_make(struct sandbox *sb, const struct sandbox_opts *o,
	    int (*preset)(void *arg, const char *name, const char *value),
	    void *arg, struct kr_err *e);

#endif
