#!/bin/sh
# run.sh: `make bench`.  Runs every benchmark script in bench/ and prints
# their figures; each prints its ratios as `ratio NAME VALUE` lines
# (lower is better), against a baseline measured in the same run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${KEYRITE:=$(pwd)/keyrite}"
export KEYRITE
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(openssl version)"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
found=0
for b in "$here"/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	found=1
	echo "== $(basename "$b" .sh)"
	sh "$b"
done
[ "$found" -eq 1 ] || echo "no benchmarks yet"
