/* SPDX-License-Identifier: ISC */
/*
 * test-answers.c: the answers file parser (src/answers.c) and its check
 * against a ceremony.  Valid files, then a table of malformed ones, each
 * with the exact message and the line and column it must be reported at;
 * PINs refused outside a rehearsal, kept in secure memory inside one, and
 * never quoted in a message; a truncation sweep for the error paths.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "answers.h"
#include "ceremony.h"
#include "diag.h"
#include "err.h"
#include "secmem.h"

static const char full_doc[] =
    "# rehearsal answers\n"
    "operator: Alice Operator\n"
    "witnesses: [Walter Witness, Wendy Witness]\n"
    "signoff: {custodian: Carol Custodian}\n"
    "parameters:\n"
    "  subscription_id: 0e5f6a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b\n"
    "  key_size: 3072\n"
    "  quorum: 2/3\n"
    "confirm: true\n"
    "skip: [inspect-acl]\n"
    "exceptions:\n"
    "  check-offline: 'lab network, approved by the witness'\n"
    "notes: {new-world: 'cards from the sealed box 7'}\n"
    "cards: [3, 1]\n"
    "pins: ['1234', 5678, 'Ab c9']\n";

static void
test_full(void **state)
{
	struct answers *a = NULL;
	struct diag_list dl;

	(void)state;
	diag_init(&dl, "full.yaml");
	assert_int_equal(answers_load_buffer("full.yaml", full_doc,
	    strlen(full_doc), 1, &a, &dl), 0);
	assert_int_equal(dl.nerrors, 0);
	assert_string_equal(a->operator_name, "Alice Operator");
	assert_int_equal(a->nwitnesses, 2);
	assert_string_equal(a->witnesses[1], "Wendy Witness");
	assert_string_equal(answers_param(a, "key_size"), "3072");
	assert_string_equal(answers_param(a, "quorum"), "2/3");
	assert_null(answers_param(a, "region"));
	assert_int_equal(a->confirm_all, 1);
	assert_true(answers_skips(a, "inspect-acl"));
	assert_false(answers_skips(a, "package"));
	assert_string_equal(answers_exception(a, "check-offline"),
	    "lab network, approved by the witness");
	assert_null(answers_exception(a, "package"));
	assert_string_equal(answers_note(a, "new-world"),
	    "cards from the sealed box 7");
	assert_string_equal(answers_signoff(a, "witness"), "Walter Witness");
	assert_string_equal(answers_signoff(a, "operator"), "Alice Operator");
	assert_string_equal(answers_signoff(a, "custodian"), "Carol Custodian");
	assert_int_equal(a->ncards, 2);
	assert_int_equal(a->cards[0], 3);
	assert_int_equal(a->cards[1], 1);
	assert_int_equal(a->npins, 3);
	assert_int_equal(a->pins[1].len, 4);
	assert_memory_equal(a->pins[1].pin, "5678", 4);
	assert_int_equal(a->pins[2].len, 5);
	assert_memory_equal(a->pins[2].pin, "Ab c9", 5);
	answers_free(a);
	diag_free(&dl);
}

static void
test_minimal_and_confirm_map(void **state)
{
	static const char doc[] =
	    "operator: Bob\n"
	    "confirm:\n"
	    "  reduce-acl: 'REDUCE contosokey'\n";
	struct answers *a = NULL;
	struct diag_list dl;

	(void)state;
	diag_init(&dl, "m.yaml");
	assert_int_equal(answers_load_buffer("m.yaml", doc, strlen(doc), 0,
	    &a, &dl), 0);
	assert_int_equal(a->confirm_all, 0);
	assert_string_equal(answers_confirm(a, "reduce-acl"),
	    "REDUCE contosokey");
	assert_null(answers_confirm(a, "package"));
	assert_null(answers_signoff(a, "witness"));	/* no witnesses */
	assert_string_equal(answers_signoff(a, "operator"), "Bob");
	assert_int_equal(a->ncards, 0);
	assert_int_equal(a->npins, 0);
	answers_free(a);
	diag_free(&dl);
}

struct bad {
	const char	*name;
	const char	*doc;
	int		 allow_pins;
	unsigned	 line, col;
	const char	*msg;
};

static const struct bad bad_docs[] = {
	{ "empty", "", 1, 1, 1,
	    "empty document (expected an answers file: a mapping with at least 'operator')" },
	{ "top-list", "- a\n", 1, 1, 1,
	    "the top level of an answers file must be a mapping" },
	{ "no-operator", "witnesses: [W]\n", 1, 1, 1,
	    "missing required key 'operator' in the answers file" },
	{ "operator-list", "operator: [a, b]\n", 1, 1, 11,
	    "expected a single value for 'operator' (a name)" },
	{ "unknown-key", "operator: A\nparamters: {}\n", 1, 2, 1,
	    "unknown key 'paramters' in the answers file (expected operator, witnesses, signoff, parameters, confirm, skip, exceptions, notes, cards or pins)" },
	{ "dup-key", "operator: A\noperator: B\n", 1, 2, 1,
	    "duplicate key 'operator' (first at line 1)" },
	{ "alias", "operator: &x A\nwitnesses: [*x]\n", 1, 1, 11,
	    "anchors and aliases are not allowed (anchor '&x')" },
	{ "tag", "operator: !!float 1.5\n", 1, 1, 11,
	    "tag 'tag:yaml.org,2002:float' is not allowed (only !!str, !!int and !!bool)" },
	{ "syntax", "operator: A\nparameters: {a: 1\n", 1, 3, 1,
	    "YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping at line 2)" },
	{ "witnesses-scalar", "operator: A\nwitnesses: W\n", 1, 2, 12,
	    "expected a list of names for 'witnesses'" },
	{ "witness-map", "operator: A\nwitnesses: [{a: b}]\n", 1, 2, 13,
	    "expected a single value for an entry of 'witnesses'" },
	{ "params-list", "operator: A\nparameters: [a]\n", 1, 2, 13,
	    "expected a mapping for 'parameters' (NAME: VALUE)" },
	{ "param-null", "operator: A\nparameters:\n  ident:\n", 1, 3, 9,
	    "expected a single value for 'ident' in 'parameters'" },
	{ "param-list", "operator: A\nparameters:\n  ident: [a]\n", 1, 3, 10,
	    "expected a single value for 'ident' in 'parameters'" },
	{ "confirm-word", "operator: A\nconfirm: yes\n", 1, 2, 10,
	    "expected true, false or a mapping STEP: TEXT for 'confirm'" },
	{ "exceptions-list", "operator: A\nexceptions: [a]\n", 1, 2, 13,
	    "expected a mapping for 'exceptions' (STEP: REASON)" },
	{ "card-zero", "operator: A\ncards: [1, 0]\n", 1, 2, 12,
	    "entry 2 of 'cards': expected a card number between 1 and 16" },
	{ "card-word", "operator: A\ncards: [one]\n", 1, 2, 9,
	    "entry 1 of 'cards': expected a card number between 1 and 16" },
	{ "card-quoted", "operator: A\ncards: ['1']\n", 1, 2, 9,
	    "entry 1 of 'cards': expected a card number between 1 and 16" },
	{ "card-twice", "operator: A\ncards: [2, 2]\n", 1, 2, 12,
	    "card 2 is listed twice in 'cards'" },
	{ "cards-empty", "operator: A\ncards: []\n", 1, 2, 8,
	    "'cards' is empty" },
	{ "pins-in-run", "operator: A\npins: ['1234']\n", 0, 2, 1,
	    "'pins' is allowed only in the answers file of a rehearsal (keyrite rehearse); give PINs on --pin-fd" },
	{ "pins-in-run-block", "operator: A\ncards: [1]\n\npins:\n  - 9999\n", 0, 4, 1,
	    "'pins' is allowed only in the answers file of a rehearsal (keyrite rehearse); give PINs on --pin-fd" },
	{ "pins-scalar", "operator: A\npins: '1234'\n", 1, 2, 7,
	    "expected a list of PINs for 'pins' (pins[i] is the PIN of card i+1)" },
	{ "pin-empty", "operator: A\npins: ['1234', '']\n", 1, 2, 16,
	    "PIN 2: expected a non-empty value" },
	{ "skip-map", "operator: A\nskip: {a: b}\n", 1, 2, 7,
	    "expected a list of names for 'skip'" },
};

static void
test_bad(void **state)
{
	struct answers *a;
	struct diag_list dl;
	const struct diag *d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		const struct bad *b = &bad_docs[i];

		a = NULL;
		diag_init(&dl, b->name);
		if (answers_load_buffer(b->name, b->doc, strlen(b->doc),
		    b->allow_pins, &a, &dl) != KR_EDATA)
			fail_msg("%s: loaded", b->name);
		assert_null(a);
		d = diag_first_error(&dl);
		assert_non_null(d);
		if (strcmp(d->msg, b->msg) != 0 || d->line != b->line ||
		    d->col != b->col)
			fail_msg("%s: got %u:%u: %s; wanted %u:%u: %s", b->name,
			    d->line, d->col, d->msg, b->line, b->col, b->msg);
		diag_free(&dl);
	}
}

/* No message ever quotes a PIN, valid or not. */
static void
test_pins_not_in_messages(void **state)
{
	static const char *const docs[] = {
		"operator: A\npins: ['S3CRETPIN']\n",
		"operator: A\npins: ['S3CRETPIN', {x: S3CRETPIN}]\n",
		"operator: A\npins: ['S3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPINS3CRETPIN']\n",
		"operator: A\npins: S3CRETPIN\n",
	};
	struct answers *a;
	struct diag_list dl;
	size_t i, j;
	int allow;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		for (allow = 0; allow <= 1; allow++) {
			a = NULL;
			diag_init(&dl, "p.yaml");
			/* the first is valid in a rehearsal */
			assert_int_equal(answers_load_buffer("p.yaml", docs[i],
			    strlen(docs[i]), allow, &a, &dl),
			    i == 0 && allow ? 0 : KR_EDATA);
			assert_true(dl.nerrors > 0 || (i == 0 && allow));
			for (j = 0; j < dl.n; j++)
				assert_null(strstr(dl.v[j].msg, "S3CRET"));
			answers_free(a);
			diag_free(&dl);
		}
}

static const char ceremony_doc[] =
    "keyrite: 1\n"
    "id: t\n"
    "title: T\n"
    "parameters:\n"
    "  ident: {type: string, pattern: '^[a-z]+$', default: abc, prompt: Ident}\n"
    "steps:\n"
    "  - id: one\n"
    "    title: One\n"
    "    instructions: x\n"
    "  - id: two\n"
    "    title: Two\n"
    "    optional: true\n"
    "    instructions: x ${ident}\n";

static void
test_check(void **state)
{
	static const char good[] =
	    "operator: A\nparameters: {ident: xyz}\nskip: [two]\n"
	    "notes: {one: n}\nsignoff: {witness: W}\n";
	static const char bad[] =
	    "operator: A\n"
	    "parameters: {idnet: xyz}\n"
	    "skip: [one]\n"
	    "exceptions: {three: r}\n"
	    "signoff: {auditor: X}\n";
	struct ceremony *c = NULL;
	struct answers *a = NULL;
	struct diag_list dl;

	(void)state;
	diag_init(&dl, "c.yaml");
	assert_int_equal(ceremony_load_buffer("c.yaml", ceremony_doc,
	    strlen(ceremony_doc), &c, &dl), 0);
	diag_free(&dl);

	diag_init(&dl, "good.yaml");
	assert_int_equal(answers_load_buffer("good.yaml", good, strlen(good),
	    0, &a, &dl), 0);
	assert_int_equal(answers_check(a, c, &dl), 0);
	answers_free(a);
	diag_free(&dl);

	diag_init(&dl, "bad.yaml");
	a = NULL;
	assert_int_equal(answers_load_buffer("bad.yaml", bad, strlen(bad), 0,
	    &a, &dl), 0);
	assert_int_equal(answers_check(a, c, &dl), KR_EDATA);
	assert_int_equal(dl.nerrors, 4);
	assert_int_equal(dl.v[0].line, 2);
	assert_int_equal(dl.v[0].col, 14);
	assert_string_equal(dl.v[0].msg,
	    "unknown parameter 'idnet' (ceremony 't' has no such parameter)");
	assert_int_equal(dl.v[1].line, 3);
	assert_int_equal(dl.v[1].col, 8);
	assert_string_equal(dl.v[1].msg,
	    "step 'one' is not optional and cannot be skipped");
	assert_int_equal(dl.v[2].line, 4);
	assert_string_equal(dl.v[2].msg,
	    "'exceptions' names step 'three', which ceremony 't' does not have");
	assert_int_equal(dl.v[3].line, 5);
	assert_string_equal(dl.v[3].msg, "unknown role 'auditor' in 'signoff'");
	answers_free(a);
	diag_free(&dl);
	ceremony_free(c);
}

/* Every prefix of the full document loads or fails cleanly. */
static void
test_truncations(void **state)
{
	struct answers *a;
	struct diag_list dl;
	size_t len = strlen(full_doc), n;
	int r;

	(void)state;
	for (n = 0; n <= len; n++) {
		a = NULL;
		diag_init(&dl, "t.yaml");
		r = answers_load_buffer("t.yaml", full_doc, n, 1, &a, &dl);
		assert_true(r == 0 || r == KR_EDATA);
		assert_true((r == 0) == (a != NULL));
		answers_free(a);
		diag_free(&dl);
	}
}

static void
test_too_large(void **state)
{
	struct answers *a = NULL;
	struct diag_list dl;
	char *big;

	(void)state;
	assert_non_null(big = calloc(1, ANSWERS_MAX_SIZE + 2));
	memset(big, ' ', ANSWERS_MAX_SIZE + 1);
	diag_init(&dl, "big.yaml");
	assert_int_equal(answers_load_buffer("big.yaml", big,
	    ANSWERS_MAX_SIZE + 1, 0, &a, &dl), KR_EDATA);
	assert_null(a);
	diag_free(&dl);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_minimal_and_confirm_map),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_pins_not_in_messages),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_too_large),
	};

	if (kr_secmem_init(NULL) != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
