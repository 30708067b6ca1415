/* SPDX-License-Identifier: ISC */
/*
 * test-ceremony.c: the ceremony loader, the validation pass, the step
 * registry and the template expander.
 *
 * The bulk is a table of malformed documents, each with the exact message
 * and the line and column it must be reported at.  Then valid documents
 * (a minimal one inline, a full-featured fixture in
 * tests/fixtures/ceremony/full.yaml), warnings, limits, expansion, and a
 * truncation sweep that loads every prefix of the full fixture (under ASan
 * that finds crashes and leaks on error paths).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ceremony.h"
#include "diag.h"
#include "err.h"
#include "fsutil.h"
#include "step.h"

struct bad {
	const char	*name;
	const char	*doc;		/* NULL: built by build_doc() */
	unsigned	 line, col;
	const char	*msg;		/* the exact message */
};

static struct bad bad_docs[] = {
	{ "empty",
	    "",
	    1, 1, "empty document (expected a ceremony: a mapping with keyrite, id, title and steps)" },
	{ "comment-only",
	    "# nothing here\n",
	    1, 1, "empty document (expected a ceremony: a mapping with keyrite, id, title and steps)" },
	{ "top-seq",
	    "- a\n"
	    "- b\n",
	    1, 1, "the top level must be a mapping" },
	{ "top-scalar",
	    "hello\n",
	    1, 1, "the top level must be a mapping" },
	{ "syntax",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "description: [unclosed\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 6, "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 4)" },
	{ "utf8",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "description: ab\xff""\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    4, 16, "invalid leading UTF-8 octet (byte 0xFF)" },
	{ "control-char",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "description: a\x01""b\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    4, 15, "control characters are not allowed (byte 0x01)" },
	{ "anchor",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "description: &d hello\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    4, 14, "anchors and aliases are not allowed (anchor '&d')" },
	{ "alias",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "description: *foo\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    4, 14, "aliases are not allowed (alias '*foo')" },
	{ "billion-laughs",
	    "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n",
	    1, 4, "anchors and aliases are not allowed (anchor '&a')" },
	{ "depth",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "description: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    4, 77, "nesting deeper than 64 levels" },
	{ "dup-key",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "title: again\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    4, 1, "duplicate key 'title' (first at line 3)" },
	{ "nonscalar-key",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "? [a, b]\n"
	    ": c\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    4, 3, "mapping keys must be scalars" },
	{ "tag",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "description: !!float 1.5\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    4, 14, "tag 'tag:yaml.org,2002:float' is not allowed (only !!str, !!int and !!bool)" },
	{ "two-docs",
	    "---\n"
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "---\n"
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    9, 1, "only one YAML document is allowed" },
	{ "nul",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "description: \"a\\0b\"\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    4, 14, "a string may not contain a NUL character" },
	{ "missing-keyrite",
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    1, 1, "missing required key 'keyrite (the schema version, 1)' at the top level" },
	{ "schema-2",
	    "keyrite: 2\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    1, 10, "unsupported schema version 2 (this keyrite reads version 1)" },
	{ "schema-quoted",
	    "keyrite: '1'\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    1, 10, "expected an integer for 'keyrite' at the top level" },
	{ "bad-id",
	    "keyrite: 1\n"
	    "id: Bad_Id\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    2, 5, "invalid ceremony id 'Bad_Id' (lowercase letters, digits and dashes, not starting with a dash)" },
	{ "unknown-top",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "tittle: x\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    4, 1, "unknown key 'tittle' at the top level" },
	{ "steps-map",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps: {a: 1}\n",
	    4, 8, "expected a list for 'steps' at the top level" },
	{ "steps-empty",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps: []\n",
	    4, 8, "'steps' is empty (a ceremony has at least one step)" },
	{ "step-scalar",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - just a string\n",
	    5, 5, "expected a mapping for step 1" },
	{ "step-unknown-key",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "    tittle: y\n",
	    8, 5, "unknown key 'tittle' in step 'a'" },
	{ "step-missing-title",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    instructions: x\n",
	    5, 5, "missing required key 'title' in step 'a'" },
	{ "step-no-instructions",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n",
	    5, 5, "missing required key 'instructions' in step 'a' (action 'instruction')" },
	{ "unknown-action",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: frobnicate\n",
	    7, 13, "unknown action 'frobnicate' in step 'a'" },
	{ "with-not-map",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: set-mode\n"
	    "    with: [1]\n",
	    8, 11, "expected a mapping for 'with' in step 'a'" },
	{ "dup-step",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "  - id: a\n"
	    "    title: B\n"
	    "    instructions: y\n",
	    8, 9, "duplicate step id 'a' (first at line 5)" },
	{ "requires-later",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "    requires: [b]\n"
	    "  - id: b\n"
	    "    title: B\n"
	    "    instructions: y\n",
	    8, 16, "step 'a' requires 'b', which comes later (line 9); 'requires' names earlier steps" },
	{ "requires-missing",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "    requires: [nope]\n",
	    8, 16, "step 'a' requires 'nope', which does not exist" },
	{ "requires-self",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "    requires: [a]\n",
	    8, 16, "step 'a' requires itself" },
	{ "signoff-role",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "    signoff: [witness, janitor]\n",
	    8, 24, "unknown role 'janitor' in 'signoff' of step 'a'" },
	{ "station",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "    station: basement\n",
	    8, 14, "unknown station 'basement' in step 'a'" },
	{ "undef-ref",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: |\n"
	    "      First line.\n"
	    "      Use ${regoin} here.\n",
	    9, 11, "undefined reference '${regoin}' in step 'a'" },
	{ "unterminated",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A ${oops\n"
	    "    instructions: x\n",
	    6, 14, "unterminated '${' in step 'a'" },
	{ "empty-ref",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: 'A ${} B'\n"
	    "    instructions: x\n",
	    6, 15, "empty reference '${}' in step 'a'" },
	{ "bad-ref-char",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: run ${env:PATH}\n",
	    7, 23, "bad character in a reference (a literal '$' is written '$$') in step 'a'" },
	{ "col-on-plain",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  ident: {type: string}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A ${ident.x}\n"
	    "    instructions: x\n",
	    8, 14, "'${ident.x}': parameter 'ident' has no table (only a choice with 'from' has columns) in step 'a'" },
	{ "no-column",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  region: {type: choice, from: regions}\n"
	    "tables:\n"
	    "  regions:\n"
	    "    - {id: us, code: NA}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: 'In ${region.code} and ${region.nocol}'\n",
	    12, 42, "'${region.nocol}': table 'regions' has no column 'nocol' in step 'a'" },
	{ "var-later",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "vars:\n"
	    "  a: x-${b}\n"
	    "  b: y\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 8, "'${b}' refers to a var defined below (line 6); a var may only use vars above it in var 'a'" },
	{ "var-self",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "vars:\n"
	    "  a: x-${a}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 8, "'${a}' refers to itself in var 'a'" },
	{ "var-param-name",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  a: {type: string}\n"
	    "vars:\n"
	    "  a: x\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    7, 3, "var 'a' has the name of a parameter" },
	{ "bad-pattern",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  p:\n"
	    "    type: string\n"
	    "    pattern: '([a-z'\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    7, 14, "invalid pattern '([a-z' in parameter 'p': Unmatched [, [^, [:, [., or [=" },
	{ "default-pattern",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  p:\n"
	    "    type: string\n"
	    "    pattern: '^[a-z]+$'\n"
	    "    default: Abc\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    8, 14, "invalid default in parameter 'p': 'Abc' does not match pattern '^[a-z]+$'" },
	{ "quorum-default",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  q: {type: quorum, default: 3/2}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 30, "invalid default in parameter 'q': quorum 3/2: K (3) is greater than N (2)" },
	{ "int-range",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  n: {type: integer, min: 1, max: 10, default: 11}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 48, "invalid default in parameter 'n': 11 is greater than the maximum 10" },
	{ "min-max",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  n: {type: integer, min: 10, max: 1}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 31, "'max' (1) is less than 'min' (10) in parameter 'n'" },
	{ "ptype",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  n: {type: float}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 13, "unknown type 'float' in parameter 'n' (expected string, choice, uuid, integer, quorum, path, url or bag)" },
	{ "secret",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  pin: {type: string, secret: true}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 23, "'secret' is not allowed in parameter 'pin': secrets (PINs) are never parameters" },
	{ "choice-both",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  c: {type: choice, choices: [a], from: t}\n"
	    "tables:\n"
	    "  t: [{id: a}]\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 41, "choice parameter 'c' has both 'choices' and 'from' (use one)" },
	{ "choice-table",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  c: {type: choice, from: nowhere}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 27, "unknown table 'nowhere' in 'from' in parameter 'c'" },
	{ "choice-dup",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  c: {type: choice, choices: [a, b, a]}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 37, "duplicate choice 'a' in parameter 'c'" },
	{ "choice-none",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  c: {type: choice}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 6, "choice parameter 'c' needs 'choices' or 'from'" },
	{ "not-for-type",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  n: {type: integer, pattern: 'x'}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 31, "'pattern' does not apply to integer parameter 'n'" },
	{ "uuid-default",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  u: {type: uuid, default: 1234}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 28, "invalid default in parameter 'u': '1234' is not a UUID (8-4-4-4-12 hex digits)" },
	{ "url-default",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  u: {type: url, default: 'http://x'}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 27, "invalid default in parameter 'u': 'http://x' is not an https:// URL" },
	{ "reserved-param",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  out_dir: {type: path}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 3, "parameter name 'out_dir' is reserved" },
	{ "row-missing-col",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "tables:\n"
	    "  t:\n"
	    "    - {id: a, x: 1, y: 2}\n"
	    "    - {id: b, x: 1}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    7, 7, "row 'b' of table 't' lacks column 'y'" },
	{ "row-extra-col",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "tables:\n"
	    "  t:\n"
	    "    - {id: a, x: 1}\n"
	    "    - {id: b, x: 1, z: 3}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    7, 21, "row 'b' of table 't' has an extra column 'z' (not in the first row)" },
	{ "row-dup-id",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "tables:\n"
	    "  t:\n"
	    "    - {id: a}\n"
	    "    - {id: a}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    7, 12, "duplicate id 'a' in table 't' (first at line 6)" },
	{ "row-no-id",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "tables:\n"
	    "  t:\n"
	    "    - {x: a}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    6, 7, "row 1 of table 't' has no 'id'" },
	{ "with-unknown",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: set-mode\n"
	    "    with: {mode: I, colour: red}\n",
	    8, 21, "unknown key 'colour' in 'with' of step 'a' (action 'set-mode' takes: mode)" },
	{ "with-missing",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: set-mode\n"
	    "    with: {}\n",
	    8, 11, "missing required key 'mode' in 'with' of step 'a' (action 'set-mode')" },
	{ "with-absent",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: set-mode\n",
	    5, 5, "step 'a' needs 'with' (action 'set-mode' requires 'mode')" },
	{ "mode-value",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: set-mode\n"
	    "    with: {mode: X}\n",
	    8, 18, "invalid value 'X' for 'mode' in step 'a' (expected one of: I, O, M, initialization, operational, maintenance)" },
	{ "with-list",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: set-mode\n"
	    "    with:\n"
	    "      mode: [I]\n",
	    9, 13, "expected a single value, not a list, for 'mode' in step 'a'" },
	{ "quorum-with",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: new-world\n"
	    "    with: {cipher_suite: DLf3072s256mRijndael, quorum: 5/4}\n",
	    8, 56, "quorum 5/4: K (5) is greater than N (4) ('quorum' in step 'a')" },
	{ "pin-range",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: new-world\n"
	    "    with: {cipher_suite: DLf3072s256mRijndael, quorum: 2/3, min_pin_length: 2}\n",
	    8, 77, "'min_pin_length' in step 'a' must be between 4 and 64 (not 2)" },
	{ "single-ref",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  a: {type: string}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: new-world\n"
	    "    with: {cipher_suite: DLf3072s256mRijndael, quorum: '${a}/${a}'}\n",
	    10, 56, "expected a quorum K/N or a single ${...} reference for 'quorum' in step 'a'" },
	{ "rsa-curve",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: generate-key\n"
	    "    with: {type: RSA, curve: P-256, protect: module, ident: k}\n",
	    8, 23, "'curve' does not apply to an RSA key in step 'a'" },
	{ "ec-size",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: generate-key\n"
	    "    with: {type: EC, size: 2048, protect: module, ident: k}\n",
	    8, 22, "'size' does not apply to an EC key in step 'a' (use 'curve')" },
	{ "rsa-size",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: generate-key\n"
	    "    with: {type: RSA, size: 1024, protect: module, ident: k}\n",
	    8, 29, "RSA size 1024 in step 'a' is not 2048, 3072 or 4096" },
	{ "package-legacy",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: package\n"
	    "    with: {format: legacy, ident: k, output: o, kek_package: a, world_package: b, friendly_name: f}\n",
	    8, 11, "missing required key 'subscription_id' in 'with' of step 'a' (format 'legacy')" },
	{ "package-mixed",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: package\n"
	    "    with: {format: byok, ident: k, output: o, kek_file: a, kid: b, friendly_name: f}\n",
	    8, 68, "'friendly_name' does not apply to format 'byok' in step 'a'" },
	{ "sha-bad",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: verify-file-hash\n"
	    "    with: {file: f, sha256: abcd}\n",
	    8, 29, "'sha256' in step 'a' is not a SHA-256 (64 hex digits)" },
	{ "carry-station",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: carry-artifact\n"
	    "    with: {artifact: a, from: attic, to: connected}\n",
	    8, 31, "unknown station 'attic' for 'from' in step 'a'" },
	{ "seal-keys",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: seal-log\n"
	    "    with: {now: true}\n",
	    8, 12, "unknown key 'now' in 'with' of step 'a' (action 'seal-log' takes no keys)" },
	{ "continue",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "    on_failure: continue\n",
	    8, 17, "'on_failure: continue' needs 'optional: true' in step 'a'" },
	{ "on-failure-bad",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "    on_failure: panic\n",
	    8, 17, "invalid value 'panic' for 'on_failure' in step 'a' (expected stop, abort or continue)" },
	{ "optional-bad",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "    optional: 'yes'\n",
	    8, 15, "expected true or false for 'optional' in step 'a'" },
	{ "scn-fault",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "scenarios:\n"
	    "  s:\n"
	    "    description: d\n"
	    "    faults:\n"
	    "      - {fault: meteor}\n",
	    12, 17, "unknown fault 'meteor' in fault 1 of scenario 's' (expected wrong-pin, damaged-card, missing-card, tampered-toolset, wrong-region-package, tampered-kek-package, wrong-mode, power-loss, clock-skew, wrong-profile or tampered-package)" },
	{ "scn-notapply",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "scenarios:\n"
	    "  s:\n"
	    "    description: d\n"
	    "    faults:\n"
	    "      - {fault: power-loss, step: a, card: 1}\n",
	    12, 38, "'card' does not apply to fault 'power-loss' in fault 1 of scenario 's'" },
	{ "scn-needstep",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "scenarios:\n"
	    "  s:\n"
	    "    description: d\n"
	    "    faults:\n"
	    "      - {fault: power-loss}\n",
	    12, 9, "missing required key 'step' in fault 1 of scenario 's' (fault 'power-loss')" },
	{ "scn-expect",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "scenarios:\n"
	    "  s:\n"
	    "    description: d\n"
	    "    expect: {step: zz}\n"
	    "    faults:\n"
	    "      - {fault: wrong-pin}\n",
	    11, 20, "unknown step 'zz' in 'expect' of scenario 's'" },
	{ "scn-expect-ref",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "scenarios:\n"
	    "  s:\n"
	    "    description: d\n"
	    "    expect: {step: a, message: 'pkg ${region.kek}'}\n"
	    "    faults:\n"
	    "      - {fault: wrong-pin}\n",
	    11, 37, "undefined reference '${region.kek}' in 'expect' of scenario 's'" },
	{ "scn-nodesc",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "scenarios:\n"
	    "  s:\n"
	    "    faults:\n"
	    "      - {fault: wrong-pin}\n",
	    10, 5, "missing required key 'description' in scenario 's'" },
	{ "scn-empty",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "scenarios:\n"
	    "  s:\n"
	    "    description: d\n"
	    "    faults: []\n",
	    11, 13, "'faults' is empty in scenario 's'" },
	{ "scn-name",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "scenarios:\n"
	    "  Bad_Name:\n"
	    "    description: d\n"
	    "    faults: [{fault: wrong-pin}]\n",
	    9, 3, "invalid scenario name 'Bad_Name' (lowercase letters, digits and dashes, not starting with a dash)" },
	{ "scn-card",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "scenarios:\n"
	    "  s:\n"
	    "    description: d\n"
	    "    faults: [{fault: wrong-pin, card: 17}]\n",
	    11, 39, "'card' in fault 1 of scenario 's' must be between 1 and 16" },
	{ "scn-badkey",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n"
	    "scenarios:\n"
	    "  s:\n"
	    "    description: d\n"
	    "    faults: [{fault: wrong-pin, colour: red}]\n",
	    11, 33, "unknown key 'colour' in fault 1 of scenario 's'" },
	{ "role-dup",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "roles: [a, b, a]\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    4, 15, "duplicate role 'a' (first at line 4)" },
	{ "title-type",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: [x]\n"
	    "    instructions: x\n",
	    6, 12, "expected a string for 'title' in step 'a'" },
	{ "dup-key-many", NULL, 305, 3,
	    "duplicate key 's7' (first at line 12)" },
	{ "steps-missing",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n",
	    1, 1, "missing required key 'steps' at the top level" },
	{ "station-name",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "stations: {Upstairs: x}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    4, 12, "invalid station name 'Upstairs' (lowercase letters, digits and dashes, starting with a letter)" },
	{ "var-int",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "vars:\n"
	    "  a: !!int 3\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 6, "expected a string for var 'a'" },
	{ "ptype-missing",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  p: {prompt: P}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 6, "missing required key 'type' in parameter 'p'" },
	{ "prompt-ref",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "parameters:\n"
	    "  p: {type: string, prompt: 'Name for ${nothing}'}\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    instructions: x\n",
	    5, 39, "undefined reference '${nothing}' in parameter 'p'" },
	{ "with-ref",
	    "keyrite: 1\n"
	    "id: t\n"
	    "title: T\n"
	    "steps:\n"
	    "  - id: a\n"
	    "    title: A\n"
	    "    action: verify-file-hash\n"
	    "    with: {file: '${nofile}', sha256: '${x}'}\n",
	    8, 40, "undefined reference '${x}' in step 'a'" },
};
#define NBAD (sizeof(bad_docs) / sizeof(bad_docs[0]))

static const char min_doc[] =
    "keyrite: 1\n"
    "id: minimal\n"
    "title: Minimal\n"
    "steps:\n"
    "  - id: hello\n"
    "    title: Say hello\n"
    "    instructions: Say hello.\n";

static void
dump(const struct diag_list *dl)
{
	char line[1024];
	size_t i;

	for (i = 0; i < dl->n; i++) {
		diag_format(dl, &dl->v[i], line, sizeof(line));
		print_message("  got %s\n", line);
	}
}

/* A document too long to write inline: 300 stations, one twice. */
static char *
build_doc(const char *name)
{
	char *buf;
	size_t len = 0, cap = 16384, i;

	if (strcmp(name, "dup-key-many") != 0 || (buf = malloc(cap)) == NULL)
		return NULL;
	len += (size_t)snprintf(buf + len, cap - len,
	    "keyrite: 1\nid: t\ntitle: T\nstations:\n");
	for (i = 0; i < 300; i++)
		len += (size_t)snprintf(buf + len, cap - len, "  s%zu: v\n", i);
	snprintf(buf + len, cap - len, "  s7: again\nsteps:\n  - id: a\n"
	    "    title: A\n    instructions: x\n");
	return buf;
}

static void
test_bad(void **state)
{
	const struct bad *b = *state;
	struct ceremony *c = NULL;
	struct diag_list dl;
	char *built = NULL;
	const char *doc = b->doc;
	size_t i;
	int found = 0;

	if (doc == NULL)
		assert_non_null(doc = built = build_doc(b->name));
	diag_init(&dl, "bad.yaml");
	assert_int_equal(ceremony_load_buffer("bad.yaml", doc, strlen(doc),
	    &c, &dl), KR_EDATA);
	assert_null(c);
	assert_true(dl.nerrors > 0);
	for (i = 0; i < dl.n; i++)
		if (dl.v[i].level == DIAG_ERROR &&
		    strcmp(dl.v[i].msg, b->msg) == 0 &&
		    dl.v[i].line == b->line && dl.v[i].col == b->col)
			found = 1;
	if (!found) {
		print_message("%s: wanted %u:%u: %s\n", b->name, b->line,
		    b->col, b->msg);
		dump(&dl);
	}
	assert_true(found);
	diag_free(&dl);
	free(built);
}

static struct ceremony *
load_ok(const char *name, const char *doc, size_t len, struct diag_list *dl)
{
	struct ceremony *c = NULL;
	int r;

	diag_init(dl, name);
	r = ceremony_load_buffer(name, doc, len, &c, dl);
	if (r != 0)
		dump(dl);
	assert_int_equal(r, 0);
	assert_non_null(c);
	assert_int_equal(dl->nerrors, 0);
	return c;
}

static void
test_minimal(void **state)
{
	struct diag_list dl;
	struct ceremony *c;
	const struct ceremony_step *s;

	c = load_ok("min.yaml", min_doc, strlen(min_doc), &dl);
	assert_int_equal(dl.n, 0);
	assert_string_equal(c->file, "min.yaml");
	assert_int_equal(c->schema, 1);
	assert_string_equal(c->id.s, "minimal");
	assert_string_equal(c->title.s, "Minimal");
	assert_int_equal(c->title.loc.line, 3);
	assert_int_equal(c->title.loc.col, 8);
	assert_string_equal(c->version.s, "1");
	assert_null(c->description.s);
	assert_int_equal(c->nstations, 2);
	assert_non_null(ceremony_station_find(c, "connected"));
	assert_non_null(ceremony_station_find(c, "disconnected"));
	assert_null(ceremony_station_find(c, "attic"));
	assert_int_equal(c->roles.n, 3);
	assert_true(ceremony_has_role(c, "operator"));
	assert_true(ceremony_has_role(c, "custodian"));
	assert_true(ceremony_has_role(c, "witness"));
	assert_false(ceremony_has_role(c, "janitor"));
	assert_int_equal(c->nsteps, 1);
	assert_int_equal(c->nparams, 0);
	s = ceremony_step_find(c, "hello");
	assert_non_null(s);
	assert_ptr_equal(s, &c->steps[0]);
	assert_ptr_equal(s->type, &step_instruction);
	assert_string_equal(s->action.s, "instruction");
	assert_string_equal(s->instructions.s, "Say hello.");
	assert_int_equal(s->loc.line, 5);
	assert_int_equal(s->loc.col, 5);
	assert_int_equal(s->on_failure, CEREMONY_FAIL_STOP);
	assert_false(s->optional);
	assert_null(ceremony_step_find(c, "nope"));
	assert_null(ceremony_param_find(c, "x"));
	ceremony_free(c);
	diag_free(&dl);
}

static char *
read_fixture(const char *name, size_t *len)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	char *buf;
	struct kr_err e;

	snprintf(path, sizeof(path), "%s/tests/fixtures/ceremony/%s",
	    top != NULL ? top : ".", name);
	kr_err_clear(&e);
	if (kr_read_file(path, CEREMONY_MAX_SIZE, &buf, len, &e) != 0) {
		print_message("%s\n", e.msg);
		return NULL;
	}
	return buf;
}

static void
test_full(void **state)
{
	struct diag_list dl;
	struct ceremony *c;
	const struct ceremony_param *p;
	const struct ceremony_table *t;
	const struct ceremony_row *row;
	const struct ceremony_step *s;
	const struct ceremony_value *v;
	const struct ceremony_scenario *sc;
	const struct ceremony_var *var;
	char *buf;
	size_t len, i;
	int seen[32] = { 0 };

	assert_non_null(buf = read_fixture("full.yaml", &len));
	c = load_ok("full.yaml", buf, len, &dl);
	assert_int_equal(dl.n, 0);
	assert_int_equal(c->nsteps, 21);
	assert_int_equal(c->nparams, 9);
	assert_string_equal(c->version.s, "2.1");
	assert_int_equal(c->roles.n, 4);
	assert_true(ceremony_has_role(c, "auditor"));
	/* every step type is used */
	for (i = 0; i < c->nsteps; i++) {
		size_t j;

		for (j = 0; j < step_ntypes; j++)
			if (c->steps[i].type == step_types[j])
				seen[j] = 1;
	}
	for (i = 0; i < step_ntypes; i++)
		assert_true(seen[i]);
	/* every parameter type too */
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < c->nparams; i++)
		seen[c->params[i].type] = 1;
	for (i = CEREMONY_PT_STRING; i <= CEREMONY_PT_BAG; i++)
		assert_true(seen[i]);

	p = ceremony_param_find(c, "region");
	assert_non_null(p);
	assert_int_equal(p->type, CEREMONY_PT_CHOICE);
	assert_string_equal(p->def.s, "unitedstates");
	t = ceremony_table_find(c, "regions");
	assert_ptr_equal(p->table, t);
	assert_int_equal(t->nrows, 2);
	assert_int_equal(t->ncolumns, 5);
	row = ceremony_row_find(t, "europe");
	assert_non_null(row);
	assert_string_equal(ceremony_row_cell(t, row, "package_code"), "EU");
	assert_null(ceremony_row_cell(t, row, "nope"));
	assert_null(ceremony_row_find(t, "mars"));

	p = ceremony_param_find(c, "ident");
	assert_int_equal(p->type, CEREMONY_PT_STRING);
	assert_non_null(p->re);
	assert_int_equal(p->max_length, 32);
	p = ceremony_param_find(c, "key_size");
	assert_int_equal(p->min, 2048);
	assert_int_equal(p->max, 4096);

	var = ceremony_var_find(c, "kek_package");
	assert_non_null(var);
	assert_string_equal(var->tmpl.s, "BYOK-KEK-pkg-${region.package_code}-1");

	s = ceremony_step_find(c, "new-world");
	assert_non_null(s);
	assert_ptr_equal(s->type, &step_new_world);
	assert_true(s->checkpoint);
	assert_int_equal(s->signoff.n, 2);
	assert_int_equal(s->requires.n, 1);
	assert_string_equal(s->requires.v[0].s, "mode-init");
	v = ceremony_step_with(s, "min_pin_length");
	assert_non_null(v);
	assert_false(v->is_list);
	assert_string_equal(v->scalar.s, "8");
	s = ceremony_step_find(c, "intro");
	v = ceremony_step_with(s, "checklist");
	assert_true(v->is_list);
	assert_int_equal(v->list.n, 2);
	assert_string_equal(v->list.v[1].s, "phones out");
	s = ceremony_step_find(c, "literal-hash");
	assert_true(s->optional);
	assert_int_equal(s->on_failure, CEREMONY_FAIL_CONTINUE);
	s = ceremony_step_find(c, "generate");
	assert_int_equal(s->on_failure, CEREMONY_FAIL_ABORT);
	s = ceremony_step_find(c, "seal");
	assert_int_equal(s->nwith, 0);

	assert_int_equal(c->nscenarios, 2);
	sc = ceremony_scenario_find(c, "wrong-pin");
	assert_non_null(sc);
	assert_string_equal(sc->expect_step.s, "new-world");
	assert_int_equal(sc->nfaults, 1);
	assert_int_equal(sc->faults[0].kind, CEREMONY_FAULT_WRONG_PIN);
	assert_int_equal(sc->faults[0].card, 2);
	assert_int_equal(sc->faults[0].times, 2);
	sc = ceremony_scenario_find(c, "everything");
	assert_int_equal(sc->nfaults, 8);
	assert_int_equal(sc->faults[6].kind, CEREMONY_FAULT_POWER_LOSS);
	assert_true(sc->faults[6].inside);
	assert_string_equal(sc->faults[6].step.s, "generate");
	assert_int_equal(sc->faults[7].seconds, -3600);
	assert_true(sc->faults[7].has_seconds);
	assert_int_equal(sc->faults[0].times, 1);

	ceremony_free(c);
	diag_free(&dl);
	free(buf);
}

/* Every prefix of the full fixture loads or fails cleanly. */
static void
test_truncations(void **state)
{
	struct ceremony *c;
	struct diag_list dl;
	char *buf;
	size_t len, i, ok = 0;
	int r;

	assert_non_null(buf = read_fixture("full.yaml", &len));
	for (i = 0; i < len; i++) {
		c = NULL;
		diag_init(&dl, "t.yaml");
		r = ceremony_load_buffer("t.yaml", buf, i, &c, &dl);
		assert_true(r == 0 || r == KR_EDATA);
		if (r == 0) {
			ok++;
			assert_non_null(c);
		} else {
			assert_null(c);
			assert_true(dl.nerrors > 0);
			assert_true(dl.n > 0);
		}
		ceremony_free(c);
		diag_free(&dl);
	}
	/* the document ends with the scenarios, which may be cut anywhere
	 * between two faults and still be valid; most prefixes are not */
	assert_true(ok < len / 10);
	free(buf);
}

static void
test_warnings(void **state)
{
	static const char doc[] =
	    "keyrite: 1\n"
	    "id: w\n"
	    "title: W\n"
	    "steps:\n"
	    "  - id: world\n"
	    "    title: World\n"
	    "    action: new-world\n"
	    "    with: {cipher_suite: DLf1024s160mRijndael, quorum: 1/1}\n"
	    "  - id: key\n"
	    "    title: Key\n"
	    "    action: generate-key\n"
	    "    with: {type: RSA, protect: token, ident: k}\n";
	struct diag_list dl;
	struct ceremony *c;
	char line[512];

	c = load_ok("w.yaml", doc, strlen(doc), &dl);
	assert_int_equal(dl.nwarnings, 2);
	assert_int_equal(dl.n, 2);
	assert_int_equal(dl.v[0].level, DIAG_WARNING);
	assert_int_equal(dl.v[0].line, 8);
	assert_int_equal(dl.v[0].col, 26);
	diag_format(&dl, &dl.v[0], line, sizeof(line));
	assert_string_equal(line, "w.yaml:8:26: warning: cipher suite "
	    "DLf1024s160mRijndael is weak (1024-bit DSA with SHA-1); prefer "
	    "DLf3072s256mRijndael");
	assert_int_equal(dl.v[1].line, 12);
	assert_int_equal(dl.v[1].col, 32);
	assert_non_null(strstr(dl.v[1].msg, "protect: token (OCS) keys are "
	    "not supported by BYOK"));
	ceremony_free(c);
	diag_free(&dl);
}

static void
test_limits(void **state)
{
	struct ceremony *c = NULL;
	struct diag_list dl;
	char *big, line[256];
	size_t n = CEREMONY_MAX_SIZE + 1, i;

	/* too large */
	assert_non_null(big = malloc(n));
	memset(big, ' ', n);
	diag_init(&dl, "big.yaml");
	assert_int_equal(ceremony_load_buffer("big.yaml", big, n, &c, &dl),
	    KR_EDATA);
	assert_null(c);
	assert_int_equal(dl.n, 1);
	diag_format(&dl, &dl.v[0], line, sizeof(line));
	assert_string_equal(line, "big.yaml: too large (1048577 bytes, "
	    "limit 1048576)");
	diag_free(&dl);

	/* a 1 MiB flow sequence nested 500k deep stops at level 65 */
	for (i = 0; i < n / 2; i++)
		big[i] = '[';
	for (; i < n - 1; i++)
		big[i] = ']';
	diag_init(&dl, "deep.yaml");
	assert_int_equal(ceremony_load_buffer("deep.yaml", big, n - 1, &c,
	    &dl), KR_EDATA);
	assert_int_equal(dl.n, 1);
	assert_string_equal(dl.v[0].msg, "nesting deeper than 64 levels");
	assert_int_equal(dl.v[0].col, 65);
	diag_free(&dl);

	/* thousands of errors: the list keeps DIAG_MAX, counts them all */
	i = (size_t)snprintf(big, n, "keyrite: 1\nid: t\ntitle: T\n"
	    "steps:\n  - {id: a, title: A, instructions: x}\n");
	while (i + 16 < n / 4)
		i += (size_t)snprintf(big + i, n - i, "u%zu: 1\n", i);
	diag_init(&dl, "many.yaml");
	assert_int_equal(ceremony_load_buffer("many.yaml", big, i, &c, &dl),
	    KR_EDATA);
	assert_int_equal(dl.n, DIAG_MAX);
	assert_true(dl.full);
	assert_true(dl.nerrors > 10000);
	diag_free(&dl);
	free(big);
}

/* Messages never carry control characters to the terminal. */
static void
test_diag_sanitise(void **state)
{
	struct diag_list dl;
	char line[256];

	diag_init(&dl, "f");
	diag_add(&dl, DIAG_ERROR, 2, 3, "unknown key '%s'", "a\x1b[2Jb\n");
	assert_int_equal(dl.n, 1);
	diag_format(&dl, &dl.v[0], line, sizeof(line));
	assert_string_equal(line, "f:2:3: unknown key 'a?[2Jb?'");
	diag_free(&dl);
}

struct kv {
	const char	*name, *value;
};

static int
lookup(void *arg, const char *name, const char **value)
{
	const struct kv *kv;

	for (kv = arg; kv->name != NULL; kv++)
		if (strcmp(kv->name, name) == 0) {
			*value = kv->value;
			return 0;
		}
	return -1;
}

static void
expect_expand(const struct ceremony *c, const char *tmpl, const char *want)
{
	static struct kv vals[] = {
		{ "ident", "contosokey" },
		{ "region.package_code", "NA" },
		{ "out_dir", "/tmp/out" },
		{ NULL, NULL },
	};
	struct kr_err e;
	char *out = NULL;

	kr_err_clear(&e);
	if (ceremony_expand(c, tmpl, lookup, vals, &out, &e) != 0)
		fail_msg("%s: %s", tmpl, e.msg);
	assert_string_equal(out, want);
	free(out);
}

static void
expect_expand_fail(const struct ceremony *c, const char *tmpl,
    const char *msg)
{
	static struct kv vals[] = { { NULL, NULL } };
	struct kr_err e;
	char *out = NULL;

	kr_err_clear(&e);
	assert_int_equal(ceremony_expand(c, tmpl, lookup, vals, &out,
	    &e), KR_EDATA);
	assert_null(out);
	assert_string_equal(e.msg, msg);
}

static void
test_expand(void **state)
{
	struct diag_list dl;
	struct ceremony *c;
	char *buf;
	size_t len;

	assert_non_null(buf = read_fixture("full.yaml", &len));
	c = load_ok("full.yaml", buf, len, &dl);
	expect_expand(c, "", "");
	expect_expand(c, "plain text", "plain text");
	expect_expand(c, "${ident}", "contosokey");
	expect_expand(c, "key-${ident}.byok", "key-contosokey.byok");
	expect_expand(c, "$$5 and $$${ident}", "$5 and $contosokey");
	expect_expand(c, "a lone $ and $x stay", "a lone $ and $x stay");
	expect_expand(c, "end$", "end$");
	expect_expand(c, "${ceremony.id}: ${ceremony.title}",
	    "full-featured: Full featured ${ceremony.id}");
	/* vars expand through their own templates */
	expect_expand(c, "${kek_package}", "BYOK-KEK-pkg-NA-1");
	expect_expand(c, "${both}",
	    "BYOK-KEK-pkg-NA-1 and BYOK-SecurityWorld-pkg-NA-1");
	expect_expand(c, "${out_dir}/${package_file}",
	    "/tmp/out/KeyTransferPackage-contosokey.byok");
	expect_expand_fail(c, "${nothing}", "undefined reference '${nothing}'");
	expect_expand_fail(c, "${ident", "unterminated '${'");
	expect_expand_fail(c, "x ${} y", "empty reference '${}'");
	expect_expand_fail(c, "${a b}", "bad character in a reference (a "
	    "literal '$' is written '$$')");
	/* a var whose callback value is missing fails with the inner name */
	expect_expand_fail(c, "${kek_package}",
	    "undefined reference '${region.package_code}'");
	ceremony_free(c);
	diag_free(&dl);
	free(buf);
}

/* Vars that double at each level stop at CEREMONY_EXPAND_MAX. */
static void
test_expand_bomb(void **state)
{
	struct diag_list dl;
	struct ceremony *c = NULL;
	struct kr_err e;
	char doc[4096], line[256], *out = NULL, *tmpl;
	size_t n;
	int i;

	/* 2^40 copies of 16 bytes: lint costs it without expanding it and
	 * names the first var over the substitution limit (v12: 8190) */
	n = (size_t)snprintf(doc, sizeof(doc), "keyrite: 1\nid: b\ntitle: B\n"
	    "vars:\n  v0: xxxxxxxxxxxxxxxx\n");
	for (i = 1; i < 40; i++)
		n += (size_t)snprintf(doc + n, sizeof(doc) - n,
		    "  v%d: ${v%d}${v%d}\n", i, i - 1, i - 1);
	snprintf(doc + n, sizeof(doc) - n, "steps:\n  - id: a\n    title: "
	    "${v39}\n    instructions: x\n");
	diag_init(&dl, "bomb.yaml");
	assert_int_equal(ceremony_load_buffer("bomb.yaml", doc, strlen(doc), &c,
	    &dl), KR_EDATA);
	assert_null(c);
	diag_format(&dl, &dl.v[0], line, sizeof(line));
	assert_string_equal(line, "bomb.yaml:17:8: var 'v12' expands with more "
	    "than 4096 substitutions (the limit; see keyrite-ceremony(5), "
	    "LIMITS)");
	diag_free(&dl);

	/* under the limits it loads and expands */
	n = (size_t)snprintf(doc, sizeof(doc), "keyrite: 1\nid: b\ntitle: B\n"
	    "vars:\n  v0: xxxxxxxxxxxxxxxx\n");
	for (i = 1; i < 4; i++)
		n += (size_t)snprintf(doc + n, sizeof(doc) - n,
		    "  v%d: ${v%d}${v%d}\n", i, i - 1, i - 1);
	snprintf(doc + n, sizeof(doc) - n, "steps:\n  - id: a\n    title: "
	    "${v3}\n    instructions: x\n");
	c = load_ok("small.yaml", doc, strlen(doc), &dl);
	kr_err_clear(&e);
	assert_int_equal(ceremony_expand(c, "${v3}", NULL, NULL, &out, &e), 0);
	assert_int_equal(strlen(out), 16 * 8);
	free(out);
	out = NULL;
	/* at run time too: a template with 4097 references */
	assert_non_null(tmpl = malloc(4097 * 6 + 1));
	for (i = 0, n = 0; i < 4097; i++)
		n += (size_t)snprintf(tmpl + n, 4097 * 6 + 1 - n, "${v0}");
	assert_int_equal(ceremony_expand(c, tmpl, NULL, NULL, &out, &e),
	    KR_EDATA);
	assert_null(out);
	assert_string_equal(e.msg, "expansion needs more than 4096 "
	    "substitutions");
	free(tmpl);
	ceremony_free(c);
	diag_free(&dl);
}

static void
test_param_check(void **state)
{
	static const char doc[] =
	    "keyrite: 1\n"
	    "id: p\n"
	    "title: P\n"
	    "parameters:\n"
	    "  s: {type: string, pattern: '^[a-z]+$', min_length: 2, "
	    "max_length: 4}\n"
	    "  c: {type: choice, choices: [a, b]}\n"
	    "  u: {type: uuid}\n"
	    "  i: {type: integer, min: -5, max: 5}\n"
	    "  q: {type: quorum}\n"
	    "  p: {type: path}\n"
	    "  w: {type: url}\n"
	    "steps:\n"
	    "  - {id: a, title: A, instructions: x}\n";
	struct diag_list dl;
	struct ceremony *c;
	struct kr_err e;
	int k, n;

#define OK(name, v) \
	assert_int_equal(ceremony_param_check(ceremony_param_find(c, name), \
	    v, &e), 0)
#define BAD(name, v, m) do { \
	assert_int_equal(ceremony_param_check(ceremony_param_find(c, name), \
	    v, &e), KR_EDATA); \
	assert_string_equal(e.msg, m); \
} while (0)
	c = load_ok("p.yaml", doc, strlen(doc), &dl);
	kr_err_clear(&e);
	OK("s", "abc");
	BAD("s", "a", "'a' is shorter than 2 characters");
	BAD("s", "abcde", "'abcde' is longer than 4 characters");
	BAD("s", "ab1", "'ab1' does not match pattern '^[a-z]+$'");
	OK("c", "b");
	BAD("c", "z", "'z' is not one of the choices");
	OK("u", "12345678-9ABC-def0-1234-56789abcdef0");
	BAD("u", "12345678-9abc-def0-1234-56789abcdef", "'12345678-9abc-def0-"
	    "1234-56789abcdef' is not a UUID (8-4-4-4-12 hex digits)");
	BAD("u", "12345678x9abc-def0-1234-56789abcdef0", "'12345678x9abc-def0-"
	    "1234-56789abcdef0' is not a UUID (8-4-4-4-12 hex digits)");
	OK("i", "-5");
	OK("i", "5");
	BAD("i", "6", "6 is greater than the maximum 5");
	BAD("i", "-6", "-6 is less than the minimum -5");
	BAD("i", "1e3", "'1e3' is not an integer");
	BAD("i", "99999999999999999999", "'99999999999999999999' is not an "
	    "integer");
	OK("q", "2/3");
	OK("q", "16/16");
	BAD("q", "3/2", "quorum 3/2: K (3) is greater than N (2)");
	BAD("q", "0/2", "quorum 0/2: K must be at least 1");
	BAD("q", "2/17", "quorum 2/17: N may be at most 16");
	BAD("q", "2 of 3", "quorum '2 of 3' is not K/N (for example 2/3)");
	BAD("q", "-1/3", "quorum '-1/3' is not K/N (for example 2/3)");
	OK("p", "/tmp");
	BAD("p", "", "a path may not be empty");
	OK("w", "https://example.com/");
	BAD("w", "http://example.com/", "'http://example.com/' is not an "
	    "https:// URL");
	BAD("w", "https://", "'https://' is not an https:// URL");
	assert_int_equal(ceremony_quorum_parse("2/3", &k, &n, NULL), 0);
	assert_int_equal(k, 2);
	assert_int_equal(n, 3);
	assert_string_equal(ceremony_ptype_name(CEREMONY_PT_QUORUM), "quorum");
	ceremony_free(c);
	diag_free(&dl);
#undef OK
#undef BAD
}

static void
test_registry(void **state)
{
	const struct step_key *k;
	size_t i, j;

	assert_int_equal(step_ntypes, 17);
	for (i = 0; i < step_ntypes; i++) {
		assert_ptr_equal(step_type_find(step_types[i]->name),
		    step_types[i]);
		/* every type can run (the runner's issue filled them in) */
		assert_non_null(step_types[i]->run);
		for (j = i + 1; j < step_ntypes; j++)
			assert_string_not_equal(step_types[i]->name,
			    step_types[j]->name);
		for (k = step_types[i]->keys; k->name != NULL; k++)
			if (k->kind == STEP_ENUM)
				assert_non_null(k->values);
	}
	assert_null(step_type_find("frobnicate"));
	assert_null(step_type_find(NULL));
	k = step_key_find(&step_new_world, "min_pin_length");
	assert_non_null(k);
	assert_int_equal(k->min, 4);
	assert_int_equal(k->max, 64);
	assert_null(step_key_find(&step_seal_log, "anything"));
	assert_ptr_equal(step_type_find("verify-file-hash"),
	    &step_verify_file_hash);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_diag_sanitise),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_expand_bomb),
		cmocka_unit_test(test_param_check),
		cmocka_unit_test(test_registry),
	};
	const size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	struct CMUnitTest *tests;
	size_t i;
	int r;

	if ((tests = calloc(NBAD + nfixed, sizeof(*tests))) == NULL)
		return 1;
	for (i = 0; i < NBAD; i++) {
		tests[i].name = bad_docs[i].name;
		tests[i].test_func = test_bad;
		tests[i].initial_state = &bad_docs[i];
	}
	memcpy(tests + NBAD, fixed, sizeof(fixed));
	r = _cmocka_run_group_tests("ceremony", tests, NBAD + nfixed, NULL,
	    NULL);
	free(tests);
	return r;
}
