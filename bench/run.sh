#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh: `make bench`.  Runs every benchmark script in bench/ and prints
# their figures; each prints its ratios as `ratio NAME VALUE` lines
# (lower is better), against a baseline measured in the same run.  The
# load average is printed before each benchmark: other work on the
# machine skews wall-clock figures.  A benchmark that fails is reported
# and the others still run; the exit status is 1 if any failed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${KEYRITE:=$(pwd)/keyrite}"
export KEYRITE
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(openssl version)"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
found=0 failed=
for b in "$here"/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	found=1
	echo "== $(basename "$b" .sh) (load average $(cut -d' ' -f1-3 /proc/loadavg))"
	sh "$b" || failed="$failed $(basename "$b" .sh)"
done
echo "== end (load average $(cut -d' ' -f1-3 /proc/loadavg))"
[ "$found" -eq 1 ] || echo "no benchmarks yet"
if [ -n "$failed" ]; then
	echo "FAILED:$failed"
	exit 1
fi
