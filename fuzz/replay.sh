#!/bin/sh
# SPDX-License-Identifier: ISC
# replay.sh SRCDIR: `make fuzz-replay'.  Runs every libFuzzer harness
# (fuzz/fuzz-NAME.c, built by configure --enable-fuzzing CC=clang) once
# over each file of its committed seed corpus, SRCDIR/fuzz/corpus-NAME.
# No mutation: this is a regression check that the harnesses build and that
# the seeds (real files the test suite makes) still run clean under ASan
# and UBSan.  A harness that is not built or has no corpus is a failure.
set -u
srcdir=${1:-.}
failed=0 n=0
for src in "$srcdir"/fuzz/fuzz-*.c; do
	name=$(basename "$src" .c)
	corpus="$srcdir/fuzz/corpus-${name#fuzz-}"
	n=$((n + 1))
	if [ ! -x "fuzz/$name" ]; then
		echo "FAIL $name: fuzz/$name is not built (configure --enable-fuzzing CC=clang)"
		failed=$((failed + 1)); continue
	fi
	set -- "$corpus"/*
	if [ ! -f "$1" ]; then
		echo "FAIL $name: no seed corpus in $corpus"
		failed=$((failed + 1)); continue
	fi
	if "fuzz/$name" -timeout=20 -rss_limit_mb=2048 "$@" \
	    >"fuzz/$name.replay.log" 2>&1; then
		echo "PASS $name: $# inputs"
	else
		echo "FAIL $name: see fuzz/$name.replay.log"
		tail -n 30 "fuzz/$name.replay.log"
		failed=$((failed + 1))
	fi
done
[ "$n" -gt 0 ] || { echo "FAIL: no harness under $srcdir/fuzz"; exit 1; }
echo "fuzz-replay: $n harnesses, $failed failed"
[ "$failed" -eq 0 ]
