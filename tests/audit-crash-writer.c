/* SPDX-License-Identifier: ISC */
/*
 * audit-crash-writer.c: a small writer for the shell tests.
 *
 *	audit-crash-writer golden LOG
 *		writes the demo ceremony log with fixed keys (the clock is
 *		fixed by KEYRITE_TEST_CLOCK): tests/golden/audit-demo.log
 *	audit-crash-writer write LOG N
 *		writes a log with a 2-of-3 world and N events, each line in
 *		two halves with a pause between them, for a test that kills
 *		it with SIGKILL at random points; prints "ready" once the
 *		world is in the log
 *	audit-crash-writer resume LOG
 *		reopens LOG after the crash, writes an event and the seal
 *
 * TEST ONLY: it uses the writer's test hooks and fixed card keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "lib/audit-testlib.h"
#include "clock.h"
#include "err.h"

static const uint8_t seed[32] = "keyrite golden log key seed 0001";

static int
usage(void)
{
	fprintf(stderr, "usage: audit-crash-writer golden LOG | write LOG N | "
	    "resume LOG\n");
	return 64;
}

static int
fail(const struct kr_err *e)
{
	fprintf(stderr, "audit-crash-writer: %s\n", e->msg);
	return kr_exit_status(e->code);
}

static int
write_log(const char *path, long n, struct tl_cosigner *cs)
{
	struct audit_test_hooks hooks;
	struct audit_writer_opts o;
	struct audit_writer *w = NULL;
	struct kr_err e;
	char step[32];
	long i;

	memset(&hooks, 0, sizeof(hooks));
	hooks.split_write_us = 300;
	memset(&o, 0, sizeof(o));
	o.origin = TL_ORIGIN;
	o.hooks = &hooks;
	if (audit_writer_create(path, &o, &w, &e) != 0 ||
	    audit_step_start(w, "new-world", "new-world", NULL, "operator",
	    &e) != 0 ||
	    audit_world_created(w, "new-world", "5e2a0c11", NULL, 2, 3,
	    cs->cards->card, "operator", &e) != 0)
		goto fail;
	audit_writer_set_cosigner(w, tl_cosign, cs);
	/* The shell test waits for this before it picks a moment to kill. */
	printf("ready\n");
	fflush(stdout);
	for (i = 0; i < n; i++) {
		snprintf(step, sizeof(step), "step-%ld", i);
		if (audit_step_start(w, step, "instruction", NULL, "operator",
		    &e) != 0)
			goto fail;
		if (i % 10 == 9 && audit_checkpoint(w, &e) != 0)
			goto fail;
	}
	audit_writer_free(w);
	return 0;
fail:
	audit_writer_free(w);
	return fail(&e);
}

static int
resume_log(const char *path, struct tl_cosigner *cs)
{
	struct audit_writer_opts o;
	struct audit_resume_info info;
	struct audit_writer *w = NULL;
	struct kr_err e;

	memset(&o, 0, sizeof(o));
	o.origin = TL_ORIGIN;
	o.cosign = tl_cosign;
	o.cosign_arg = cs;
	if (audit_writer_resume(path, &o, &info, &w, &e) != 0)
		return fail(&e);
	if (audit_step_result(w, "resumed", "ok", NULL, NULL, "operator",
	    &e) != 0 || audit_seal(w, NULL, &e) != 0) {
		audit_writer_free(w);
		return fail(&e);
	}
	audit_writer_free(w);
	printf("resumed after %llu entries, cut %llu bytes\n",
	    (unsigned long long)info.entries,
	    (unsigned long long)info.removed_bytes);
	return 0;
}

int
main(int argc, char **argv)
{
	struct audit_test_hooks hooks;
	struct tl_cards cards;
	struct tl_cosigner cs;
	time_t t;
	int r;

	if (argc < 3)
		return usage();
	tl_cards_init(&cards, 3, 1);
	memset(&cs, 0, sizeof(cs));
	cs.cards = &cards;
	cs.mask = (1u << 1) | (1u << 3);
	if (strcmp(argv[1], "golden") == 0 && argc == 3) {
		/* the test program fixes its own clock, in any build */
		if (kr_clock_parse_fixed(getenv("KEYRITE_TEST_CLOCK"), &t) == 0)
			kr_clock_fix(t);
		memset(&hooks, 0, sizeof(hooks));
		hooks.key_seed = seed;
		r = tl_write_demo(argv[2], &hooks, &cs, 2, 1, 0) == 0 ? 0 : 1;
	} else if (strcmp(argv[1], "write") == 0 && argc == 4)
		r = write_log(argv[2], strtol(argv[3], NULL, 10), &cs);
	else if (strcmp(argv[1], "resume") == 0 && argc == 3)
		r = resume_log(argv[2], &cs);
	else
		r = usage();
	tl_cards_free(&cards);
	return r;
}
