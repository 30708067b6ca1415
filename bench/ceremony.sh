#!/bin/sh
# SPDX-License-Identifier: ISC
# ceremony.sh: every shipped ceremony in batch rehearsal (its example
# answers), timed step by step from the lines the batch front end prints
# (bench/stamp prefixes each with the milliseconds since the start), against
# a baseline of the expensive cryptographic operations the run performed.
#
# What the run performed is counted exactly, not inferred from its output:
# keyrite runs with bench/opcount.so preloaded (bench/opcount.c), which
# records every key generation (type, bits), scrypt derivation (N, r, p),
# one-shot signature and verification libcrypto did for it, with the
# thread CPU time and wall time of each call.  The baseline charges:
#   - scrypt: each derivation at the cost bench/kdf (a tiny C driver:
#     EVP_PBE_scrypt, a 32-byte key) takes for as many derivations with the
#     same N, r and p in one process, one after the other as keyrite makes
#     them (its allocator then reuses the first derivation's 128*r*N bytes,
#     as keyrite's does: `openssl kdf`, one process per derivation, pays
#     the page faults every time and charged about 15 % too much); run after
#     every rehearsal, so both see the same load, median per derivation over
#     the runs; the run's own derivations are printed beside it as a check;
#   - key generation (RSA, EC, DSA: the target key, the simulated vault's
#     KEK or key service's wrapping key, the world's signing key): at the
#     cost the run's own call took.  An RSA key generation's cost is random
#     (the prime search: 2-10x between two keys of one size), so charging a
#     mean of other key generations left that variance in every ratio (it
#     exceeded keyrite's own work); charging the very key generation the run
#     did removes it.  The median of $BENCH_KEYGEN_SAMPLES `openssl genpkey`
#     runs per size is printed beside it as a check (not in the ratio);
#   - Ed25519 (the log's signatures and its forward-secure key chain's key
#     generations): each at the rate `openssl speed ed25519` reports for a
#     signature (a key generation is one fixed-base scalar multiplication,
#     about a signature);
#   - other signatures (RSA, DSA: one or two per run): at the run's own cost;
#   - wrapping: RSA-OAEP (SHA-256) of an AES-256 key, AES key wrap with
#     padding of an RSA-2048 PKCS#8, with the openssl command line.
# Verifications (keyrite reads its log back and checks it) and fsync /
# fdatasync calls (its durability) are keyrite's own work: counted, timed
# and printed, not in the baseline.
# Each openssl command's process start (`openssl rand -hex 1`) is subtracted
# so the baseline is the cryptography alone.
#
#   ratio ceremony-NAME-overhead X = (our total - baseline) / our total,
#   on CPU time (user + system, all threads), which other work on a shared
#   machine changes least; the same on wall time is printed beside it, and
#   "own" = our total - baseline in ms, the figure that does not move with
#   the key generations' luck.  Target under 0.10.
#
# A ceremony whose key_type table offers AES-256 (the service imports) is
# run a second time with key_type AES-256, as NAME-aes: no target key
# generation in it (an AES key is 32 random bytes).
#
# BENCH_CEREMONIES (names, space-separated) limits the run to those;
# BENCH_CEREMONY_RUNS (5) runs per ceremony, each followed by its own
# scrypt baseline; the run with the median overhead is reported, with the
# others' overheads.  Called by bench/run.sh from the build directory.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
: "${KEYRITE:=$(pwd)/keyrite}"
: "${OPENSSL:=openssl}"
build=$(dirname "$KEYRITE")
stamp="$build/bench/stamp"
opcount="$build/bench/opcount.so"
kdf="$build/bench/kdf"
runs=${BENCH_CEREMONY_RUNS:-5}
: "${BENCH_KEYGEN_SAMPLES:=5}"
for f in "$opcount" "$kdf"; do
	[ -f "$f" ] || { echo "ceremony.sh: $f missing (make bench builds it)" >&2; exit 1; }
done
dir=$(mktemp -d "${TMPDIR:-/tmp}/keyrite-bench-ceremony.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM

# Wall and CPU milliseconds of one command (its output discarded).
ms() {
	"$stamp" "$@" >"$dir/ms.out" 2>&1 || {
		echo "ceremony.sh: $* failed:" >&2; cat "$dir/ms.out" >&2; exit 1; }
	sed -n 's/^#end \([0-9.]*\) ms, cpu \([0-9.]*\) ms.*/\1 \2/p' "$dir/ms.out"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# "WALL CPU" lines in a file: the median of each column, less NULL's
# (the openssl command line's start) unless a second argument says "raw".
med2() {
	for k in 1 2; do
		if [ "${2:-}" = raw ]; then echo 0; else
			awk -v k=$k '{ print $k }' "$dir/null" | median; fi >"$dir/n.tmp"
		awk -v k=$k -v n="$(cat "$dir/n.tmp")" \
		    '{ d = $k - n; print (d > 0 ? d : 0) }' "$1" | median
	done | tr '\n' ' '
}

# The baseline's inputs.
"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-out "$dir/kek.pem" 2>/dev/null
"$OPENSSL" pkey -in "$dir/kek.pem" -pubout -out "$dir/kek.pub" 2>/dev/null
"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-outform DER -out "$dir/target.der" 2>/dev/null
"$OPENSSL" rand -out "$dir/aes.key" 32
aeshex=$(od -An -tx1 -v "$dir/aes.key" | tr -d ' \n')

base_null() { ms "$OPENSSL" rand -hex 1; }
# COUNT derivations with N, r, p in one process (bench/kdf): "WALL CPU"
# per derivation.
base_scrypt() {
	l2=$(awk -v n="$1" 'BEGIN { l = 0; while (2 ^ l < n) l++; print l }')
	"$kdf" -n "$4" -l "$l2" -r "$2" -p "$3" >"$dir/kdf.out" 2>&1 || {
		echo "ceremony.sh: bench/kdf failed:" >&2; cat "$dir/kdf.out" >&2; exit 1; }
	sed -n 's/^total kdf-attempts \([0-9]*\): \([0-9.]*\) ms wall, \([0-9.]*\) ms cpu/\1 \2 \3/p' \
	    "$dir/kdf.out" | awk '{ printf "%.3f %.3f\n", $2 / $1, $3 / $1 }'
}
base_rsa_bits() {
	ms "$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"$1" \
		-out "$dir/gen.pem"
}
base_oaep() {
	ms "$OPENSSL" pkeyutl -encrypt -pubin -inkey "$dir/kek.pub" \
		-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 \
		-pkeyopt rsa_mgf1_md:sha256 -in "$dir/aes.key" -out "$dir/c1"
}
base_kwp() {
	ms "$OPENSSL" enc -id-aes256-wrap-pad -K "$aeshex" -iv A65959A6 \
		-in "$dir/target.der" -out "$dir/c2"
}

sign_rate=$("$OPENSSL" speed -seconds 1 ed25519 2>/dev/null |
	awk '/Ed25519/ { v = $(NF - 1) } END { print v }')
echo "baseline: Ed25519 ${sign_rate} signatures/s (openssl speed)"

# What to run: "NAME YAML ANSWERS", the AES-256 variants after their
# ceremony.
: >"$dir/list"
for yaml in "$top"/ceremonies/*.yaml; do
	name=$(basename "$yaml" .yaml)
	answers="$top/ceremonies/examples/$name.answers.yaml"
	[ -f "$answers" ] || continue
	echo "$name $yaml $answers" >>"$dir/list"
	if grep -q '^    - {id: AES-256, type: AES' "$yaml" &&
	    grep -q '^  key_type: ' "$answers"; then
		sed 's/^  key_type: .*/  key_type: AES-256/' "$answers" \
		    >"$dir/$name-aes.answers.yaml"
		echo "$name-aes $yaml $dir/$name-aes.answers.yaml" >>"$dir/list"
	fi
done

# The baseline of one run from its operations (bench/opcount.c's lines)
# and the scrypt medians ("N r p WALL CPU" lines in $dir/scrypt.med):
# "BASE_WALL BASE_CPU NSCRYPT SCRYPT_RUN_CPU NKEYGEN KEYGEN_CPU NED NVERIFY
#  VERIFY_CPU NSYNC SYNC_CPU SYNC_WALL KEYGENS", KEYGENS like
#  RSA-4096:1585ms,RSA-2048:135ms.
baseline_of() {
	awk -v rate="$sign_rate" -v ow="$oaep_w" -v oc="$oaep_c" \
	    -v kw="$kwp_w" -v kc="$kwp_c" '
	FILENAME ~ /scrypt\.med$/ { sw[$1 " " $2 " " $3] = $4; sc[$1 " " $2 " " $3] = $5; next }
	$1 == "dropped" { print "ceremony.sh: opcount dropped " $2 " calls" > "/dev/stderr"; exit 1 }
	$1 == "scrypt" {
		k = $3 " " $7 " " $8
		if (!(k in sc)) { print "ceremony.sh: no baseline for scrypt " k > "/dev/stderr"; exit 1 }
		bw += sw[k]; bc += sc[k]; ns++; src += $4; next
	}
	$1 == "keygen" && $2 == "ED25519" { ned++; next }
	$1 == "sign" && $2 == "ED25519" { ned++; next }
	$1 == "keygen" {
		bw += $5; bc += $4; nk++; kc_ += $4
		kl = kl (kl == "" ? "" : ",") sprintf("%s-%s:%.0fms", $2, $3, $4); next
	}
	$1 == "sign" { bw += $5; bc += $4; next }
	$1 == "verify" { nv++; vc += $4; next }
	$1 == "sync" { ny++; yc += $4; yw += $5; next }
	END {
		bw += ned * 1000 / rate + ow + kw
		bc += ned * 1000 / rate + oc + kc
		printf "%.1f %.1f %d %.1f %d %.1f %d %d %.1f %d %.1f %.1f %s\n",
		    bw, bc, ns, src, nk, kc_, ned, nv, vc, ny, yc, yw,
		    (kl == "" ? "-" : kl)
	}' "$dir/scrypt.med" "$1"
}

found=0
while read -r name yaml answers <&3; do
	# BENCH_CEREMONIES="a b": only those (by file name without .yaml;
	# NAME-aes for an AES-256 variant).
	case " ${BENCH_CEREMONIES:-$name} " in *" $name "*) ;; *) continue ;; esac
	found=1
	short=$(echo "$name" | sed 's/^ncipher-byok-//; s/-byok$//')
	: >"$dir/$name.totals"
	: >"$dir/null"; : >"$dir/oaep"; : >"$dir/kwp"
	rm -f "$dir"/scrypt.*
	i=1
	while [ "$i" -le "$runs" ]; do
		keep="$dir/$name-$i"
		ops="$dir/$name-$i.ops"
		: >"$ops"
		KEYRITE_BENCH_OPS="$ops" LD_PRELOAD="$opcount" \
		"$stamp" "$KEYRITE" rehearse "$yaml" --batch "$answers" \
			--keep "$keep" >"$dir/$name-$i.out" 2>&1 || {
			echo "ceremony.sh: rehearsal of $name failed:" >&2
			tail -5 "$dir/$name-$i.out" >&2; exit 1; }
		[ -s "$ops" ] || { echo "ceremony.sh: bench/opcount.so recorded nothing" >&2; exit 1; }
		tc=$(sed -n 's/^#end \([0-9.]*\) ms, cpu \([0-9.]*\) ms.*/\1 \2/p' "$dir/$name-$i.out")
		ne=$(cat "$keep"/out/*.log | wc -l)
		# The counter's own check: every log line carries an Ed25519
		# signature, so it must have seen at least that many.
		nsig=$(awk '$1 == "sign" && $2 == "ED25519"' "$ops" | wc -l)
		[ "$nsig" -ge "$ne" ] || {
			echo "ceremony.sh: bench/opcount.so saw $nsig Ed25519 signatures for $ne log lines" >&2
			exit 1; }
		echo "$tc $i $ne" >>"$dir/$name.totals"
		# The baseline between the runs, so both see the same load: each
		# scrypt parameter set the run used.
		base_null >>"$dir/null"; base_null >>"$dir/null"
		awk '$1 == "scrypt" { print $3, $7, $8 }' "$ops" | sort | uniq -c |
		while read -r c n r p; do
			[ "$c" -le 64 ] || c=64	# bench/kdf's most
			base_scrypt "$n" "$r" "$p" "$c" >>"$dir/scrypt.$n.$r.$p"
		done
		base_oaep >>"$dir/oaep"; base_kwp >>"$dir/kwp"
		i=$((i + 1))
	done
	# Medians, openssl's start (the null command's cost) subtracted.
	: >"$dir/scrypt.med"
	for f in "$dir"/scrypt.*.*.*; do
		[ -f "$f" ] || continue
		set -- $(basename "$f" | tr '.' ' ')
		echo "$2 $3 $4 $(med2 "$f" raw)" >>"$dir/scrypt.med"
	done
	set -- $(med2 "$dir/oaep"); oaep_w=$1 oaep_c=$2
	set -- $(med2 "$dir/kwp"); kwp_w=$1 kwp_c=$2
	null_w=$(awk '{ print $1 }' "$dir/null" | median)
	null_c=$(awk '{ print $2 }' "$dir/null" | median)
	# Each run: "OVERHEAD_CPU OVERHEAD_WALL WALL CPU i ENTRIES BASE_WALL
	# BASE_CPU NSCRYPT SCRYPT_RUN_CPU NKEYGEN KEYGEN_CPU NED NVERIFY
	# VERIFY_CPU NSYNC SYNC_CPU SYNC_WALL KEYGENS".
	: >"$dir/$name.runs"
	while read -r wall cpu i ne; do
		b=$(baseline_of "$dir/$name-$i.ops")
		echo "$wall $cpu $i $ne $b" | awk '{
			printf "%.4f %.4f", ($2 - $6) / $2, ($1 - $5) / $1
			for (f = 1; f <= NF; f++) printf " %s", $f
			printf "\n" }' >>"$dir/$name.runs"
	done <"$dir/$name.totals"
	sort -n -k1 "$dir/$name.runs" >"$dir/$name.sorted"
	set -- $(awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }' "$dir/$name.sorted")
	ratio=$1 ratio_wall=$2 total=$3 cpu=$4 pick=$5 entries=$6 base_wall=$7
	base_cpu=$8 nscrypt=$9; shift 9
	scrypt_run=$1 nkeygen=$2 keygen_cpu=$3 ned=$4 nverify=$5 verify_cpu=$6
	nsync=$7 sync_cpu=$8 sync_wall=$9 keygens=${10}
	out="$dir/$name-$pick.out"
	peak=$(sed -n 's/^#end .*peak \([0-9]*\) KiB.*/\1/p' "$out")
	own=$(awk -v a="$cpu" -v b="$base_cpu" 'BEGIN { printf "%.0f", a - b }')

	echo "-- $name: the run with the median CPU overhead of $runs (CPU overheads: $(awk '{ printf "%s%.3f", (NR > 1 ? " " : ""), $1 }' "$dir/$name.sorted"); keyrite's own CPU ms: $(awk '{ printf "%s%.0f", (NR > 1 ? " " : ""), $4 - $8 }' "$dir/$name.sorted"); wall: $(awk '{ printf "%s%.3f", (NR > 1 ? " " : ""), $2 }' "$dir/$name.sorted"); wall totals: $(sort -n "$dir/$name.totals" | awk '{ printf "%s%.0f", (NR > 1 ? " " : ""), $1 }') ms), $entries log entries, peak $((peak / 1024)) MiB"
	echo "operations (bench/opcount.so, this run): $nscrypt scrypt ($scrypt_run ms CPU in the run), $nkeygen key generations ($keygens), $ned Ed25519 signatures and key generations, $nverify verifications ($verify_cpu ms CPU) and $nsync fsync/fdatasync ($sync_cpu ms CPU, $sync_wall ms wall), keyrite's own"
	echo "baseline (wall/CPU ms): openssl start ${null_w}/${null_c} (subtracted); scrypt $(awk '{ printf "%sN=%s r=%s p=%s %s/%s", (NR > 1 ? "; " : ""), $1, $2, $3, $4, $5 }' "$dir/scrypt.med") per derivation (bench/kdf, median of $runs); key generations at the run's own cost; OAEP ${oaep_w}/${oaep_c}; key wrap ${kwp_w}/${kwp_c}"
	# A check on the key generations charged at their own cost: the
	# openssl command line's median for each RSA size the run used.
	for bits in $(awk '$1 == "keygen" && $2 == "RSA" { print $3 }' "$dir/$name-$pick.ops" | sort -un); do
		f="$dir/keygen.$bits"
		if [ ! -s "$f" ]; then
			j=0
			while [ "$j" -lt "$BENCH_KEYGEN_SAMPLES" ]; do
				base_rsa_bits "$bits" >>"$f"; j=$((j + 1))
			done
		fi
		echo "check: RSA-$bits key generation CPU ms: this ceremony's runs $(awk -v b="$bits" '$1 == "keygen" && $2 == "RSA" && $3 == b { printf "%s%.0f", (n++ ? " " : ""), $4 }' "$dir/$name"-[0-9]*.ops); openssl genpkey median of $BENCH_KEYGEN_SAMPLES $(awk -v n="$null_c" '{ print $2 - n }' "$f" | median | awk '{ printf "%.0f", $1 }') (not in the ratio)"
	done
	# Per step: wall time from its first line to the next step's, its
	# scrypt derivations and key generations (from the operations'
	# end times, on the same clock: bench/stamp's start), the wall time
	# of all the counted cryptography in it, and what remains.
	awk -v total="$total" '
	FNR == NR {
		if ($1 == "scrypt" || $1 == "keygen" || $1 == "sign") {
			no++; ot[no] = $6 - $5 / 2; ow[no] = $5
			ok[no] = ($1 == "scrypt") ? "s" : ($1 == "keygen" && $2 != "ED25519") ? "k" : "o"
		}
		next
	}
	/^#end/ { next }
	{
		t = $1
		if (match($2, /^\[[^]]*\]$/)) {
			s = substr($2, 2, length($2) - 2)
			if (!(s in first)) {
				if (n == 0) setup = t
				order[++n] = s; first[s] = t
			}
		} else if (n > 0 && done == 0 && $0 ~ /ceremony summary/) {
			done = t
		}
	}
	END {
		if (done == 0) done = total
		# boundaries: b[0] = 0, b[i] = first[order[i]], b[n + 1] = done
		name[0] = "(start, sandbox)"; b[0] = 0
		for (i = 1; i <= n; i++) { name[i] = order[i]; b[i] = first[order[i]] }
		name[n + 1] = "(summary, exit)"; b[n + 1] = done; b[n + 2] = total
		for (j = 1; j <= no; j++) {
			for (i = n + 1; i > 0 && ot[j] < b[i]; i--) ;
			cw[i] += ow[j]
			if (ok[j] == "s") ns[i]++
			if (ok[j] == "k") nk[i]++
		}
		printf "  %-22s %9s %7s %7s %9s %9s\n", "step", "ms", "scrypt", "keygen", "crypto ms", "other ms"
		for (i = 0; i <= n + 1; i++) {
			d = b[i + 1] - b[i]
			printf "  %-22s %9.1f %7d %7d %9.1f %9.1f\n", name[i], d, ns[i], nk[i], cw[i], d - cw[i]
			tw += cw[i]
		}
		printf "  %-22s %9.1f %7s %7s %9.1f %9.1f\n", "total", total, "", "", tw, total - tw
	}' "$dir/$name-$pick.ops" "$out"
	echo "time ceremony-$short ${total} ms wall, ${cpu} ms CPU; baseline ${base_wall} ms wall, ${base_cpu} ms CPU ($nscrypt scrypt, $nkeygen key generations $keygens, OAEP + key wrap, $ned Ed25519 operations); keyrite's own ${own} ms CPU (${sync_cpu} ms of it in $nsync fsync/fdatasync): $(awk -v a="$ratio_wall" 'BEGIN { printf "%.3f", a }') of the wall time, $(awk -v a="$ratio" 'BEGIN { printf "%.3f", a }') of the CPU time"
	echo "ratio ceremony-$short-overhead $(awk -v a="$ratio" 'BEGIN { printf "%.3f", a }')"
done 3<"$dir/list"
[ "$found" -eq 1 ] || echo "ceremony.sh: no ceremony with example answers"
