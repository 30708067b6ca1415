#!/bin/sh
# SPDX-License-Identifier: ISC
# verify.sh: `keyrite audit verify` on logs of 10,000 and 100,000 entries,
# as a ratio to the Ed25519 floor measured in the same run (entries divided
# by the verifications per second `openssl speed ed25519` reports on one
# core).  Targets: 1.2 on one core, 0.7 on two; peak memory under 32 MiB.
# Called by bench/run.sh from the build directory; needs GNU time
# (Debian package `time`) and taskset (util-linux).
set -eu
: "${KEYRITE:=$(pwd)/keyrite}"
: "${OPENSSL:=openssl}"
gen="${AUDIT_GEN_LOG:-$(dirname "$KEYRITE")/bench/gen-log}"
dir="${BENCH_DIR:-${TMPDIR:-/tmp}/keyrite-bench}"
mkdir -p "$dir"

if [ ! -x /usr/bin/time ]; then
	echo "verify.sh: needs GNU time (apt-get install time)" >&2
	exit 1
fi
rate=$(taskset -c 0 "$OPENSSL" speed -seconds 2 ed25519 2>/dev/null |
	awk '/Ed25519/ { v = $NF } END { print v }')
echo "floor: ${rate} Ed25519 verifications/s on one core"

# The card fingerprints a log names (exit 3 without them: sealed, valid,
# unanchored).  An auditor gives them from the paper minutes; the bench
# takes them from the log itself, so that the timed verification checks the
# anchors too and exits 0.
cards_of() {
	"$KEYRITE" audit verify "$1" 2>/dev/null |
		awk '/^  card [0-9]+: / { printf "%s%s", s, $3; s = "," }'
}

cores=$(nproc)
for n in 10000 100000; do
	log="$dir/bench-$n.log"
	# A log kept from an earlier run is reused; one from an older build
	# that no longer verifies is made again.
	if [ ! -s "$log" ] || ! "$KEYRITE" audit verify "$log" \
	    --expect-cards "$(cards_of "$log")" >/dev/null 2>&1; then
		rm -f "$log"
		"$gen" "$log" "$n"
	fi
	cards=$(cards_of "$log")
	"$KEYRITE" audit verify "$log" --expect-cards "$cards" >/dev/null 2>&1 || {
		echo "verify.sh: $log does not verify" >&2; exit 1; }
	entries=$(wc -l <"$log")
	floor=$(awk -v n="$entries" -v r="$rate" 'BEGIN { printf "%.3f", n / r }')
	k=$((n / 1000))k
	for c in 1 2; do
		[ "$c" -le "$cores" ] || continue
		cpus=$(seq -s, 0 $((c - 1)))
		# best of three, wall clock; CPU time (user + sys) of that run
		best= cpu= mem=
		for try in 1 2 3; do
			/usr/bin/time -f '%e %M %U %S' -o "$dir/time.out" \
				taskset -c "$cpus" "$KEYRITE" audit verify "$log" \
				--expect-cards "$cards" >/dev/null
			read -r t m u s <"$dir/time.out"
			if [ -z "$best" ] || awk -v a="$best" -v b="$t" 'BEGIN { exit !(b < a) }'; then
				best=$t cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
			fi
			[ -n "$mem" ] && [ "$mem" -ge "$m" ] || mem=$m
		done
		echo "ratio verify-$k-${c}core $(awk -v t="$best" -v f="$floor" 'BEGIN { printf "%.3f", t / f }')"
		echo "time verify-$k-${c}core ${best}s wall, ${cpu}s cpu, floor ${floor}s for $entries entries"
		echo "mem verify-$k-${c}core peak $((mem / 1024)) MiB"
	done
done
