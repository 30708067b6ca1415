/* SPDX-License-Identifier: ISC */
/*
 * gen-log.c: writes a sealed audit log of N entries for the verification
 * benchmark (bench/verify.sh): a 2-of-3 world, steps with results and
 * artifacts, a cosigned checkpoint every 1000 entries, the seal.
 *
 *	gen-log OUT N
 *
 * BENCHMARK ONLY: it uses the writer's test hooks (no fsync, no key file)
 * and fixed card keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit-int.h"
#include "audit-testlib.h"
#include "err.h"

int
main(int argc, char **argv)
{
	struct audit_test_hooks hooks;
	struct audit_writer_opts o;
	struct audit_writer *w = NULL;
	struct tl_cards cards;
	struct tl_cosigner cs;
	struct kr_err e;
	uint8_t h[32];
	char step[32], name[64];
	long n, i;
	int r = 1;

	if (argc != 3 || (n = strtol(argv[2], NULL, 10)) < 10) {
		fprintf(stderr, "usage: gen-log OUT N (N >= 10)\n");
		return 64;
	}
	tl_cards_init(&cards, 3, 42);
	memset(&cs, 0, sizeof(cs));
	cs.cards = &cards;
	cs.mask = (1u << 1) | (1u << 2);
	memset(&hooks, 0, sizeof(hooks));
	hooks.no_sync = 1;
	memset(&o, 0, sizeof(o));
	o.origin = "bench/2026-11-27/0000beef";
	o.hooks = &hooks;
	o.cosign = tl_cosign;
	o.cosign_arg = &cs;
	audit_sha256("bench", 5, h);
	if (audit_writer_create(argv[1], &o, &w, &e) != 0 ||
	    audit_ceremony_start(w, "bench", "Benchmark ceremony", h, NULL,
	    "operator", &e) != 0 ||
	    audit_world_created(w, "new-world", "0badc0de", NULL, 2, 3,
	    cards.card, "operator", &e) != 0)
		goto out;
	for (i = 3; i < n - 1; i++) {
		snprintf(step, sizeof(step), "step-%ld", i / 3);
		switch (i % 3) {
		case 0:
			r = audit_step_start(w, step, "generate-key",
			    "disconnected", "operator", &e);
			break;
		case 1:
			snprintf(name, sizeof(name), "out/key-%ld.pem", i);
			audit_sha256(name, strlen(name), h);
			r = audit_artifact_written(w, step, name, h, 451 + i,
			    "public-key", "operator", &e);
			break;
		default:
			r = audit_step_result(w, step, "ok", NULL, NULL,
			    "operator", &e);
			break;
		}
		if (r == 0 && i % 1000 == 999)
			r = audit_checkpoint(w, &e);
		if (r != 0)
			goto out;
	}
	r = audit_seal(w, NULL, &e) != 0;
out:
	if (r != 0)
		fprintf(stderr, "gen-log: %s\n", e.msg);
	audit_writer_free(w);
	tl_cards_free(&cards);
	return r;
}
