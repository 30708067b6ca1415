#!/bin/sh
# SPDX-License-Identifier: ISC
# ceremony.sh: every shipped ceremony in batch rehearsal (its example
# answers), timed step by step from the lines the batch front end prints
# (bench/stamp prefixes each with the milliseconds since the start), against
# the same cryptographic operations done with the `openssl` command line in
# this script:
#   - scrypt PIN derivations (r=8, p=1, at the N the rehearsal says it
#     uses: "rehearsal: card KDF scrypt N=2^14"): one per new card and one
#     per card presentation, counted from the rehearsal's own lines;
#   - RSA-2048 key generation: the target key and the sandbox vault's KEK;
#     for a ceremony with a simulated key service (wrapping profiles), its
#     wrapping key at its own size (3072 or 4096 bits) instead of the KEK;
#   - wrapping: RSA-OAEP (SHA-256) of an AES-256 key, AES key wrap with
#     padding of the target's PKCS#8;
#   - signing: per log entry one Ed25519 signature and one Ed25519 key
#     generation (the log's forward-secure key chain), at the rate
#     `openssl speed ed25519` reports (a key generation costs about a
#     signature: one fixed-base scalar multiplication).
# Each openssl command's process start (`openssl rand -hex 1`) is subtracted
# so the baseline is the cryptography alone.
#
#   ratio ceremony-NAME-overhead X = (our total - openssl baseline) / our
#   total, on CPU time (user + system, all threads), which other work on
#   a shared machine does not change; the same on wall time is printed
#   beside it.  Target under 0.10.  The deliberate costs (scrypt, key
#   generation) are in the baseline, so X is what keyrite adds beyond them.
#
# A ceremony whose key_type table offers AES-256 (the service imports) is
# run a second time with key_type AES-256, as NAME-aes: no target key
# generation in it or in its baseline (an AES key is 32 random bytes).
#
# BENCH_CEREMONIES (names, space-separated) limits the run to those.
# Five runs per ceremony, each followed by its own baseline measurement
# (the machine may be shared: scrypt is timed again after every run); the
# run with the median overhead is reported, with the others' overheads.  Called by
# bench/run.sh from the build directory.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
: "${KEYRITE:=$(pwd)/keyrite}"
: "${OPENSSL:=openssl}"
build=$(dirname "$KEYRITE")
stamp="$build/bench/stamp"
runs=${BENCH_CEREMONY_RUNS:-5}
dir=$(mktemp -d "${TMPDIR:-/tmp}/keyrite-bench-ceremony.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM

# Wall and CPU milliseconds of one command (its output discarded).
ms() {
	"$stamp" "$@" >"$dir/ms.out" 2>&1 || {
		echo "ceremony.sh: $* failed:" >&2; cat "$dir/ms.out" >&2; exit 1; }
	sed -n 's/^#end \([0-9.]*\) ms, cpu \([0-9.]*\) ms.*/\1 \2/p' "$dir/ms.out"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mean() { awk '{ s += $1 } END { printf "%.3f\n", s / NR }'; }

# The baseline's inputs.
"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-out "$dir/kek.pem" 2>/dev/null
"$OPENSSL" pkey -in "$dir/kek.pem" -pubout -out "$dir/kek.pub" 2>/dev/null
"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-outform DER -out "$dir/target.der" 2>/dev/null
"$OPENSSL" rand -out "$dir/aes.key" 32
aeshex=$(od -An -tx1 -v "$dir/aes.key" | tr -d ' \n')

base_null() { ms "$OPENSSL" rand -hex 1; }
# scrypt's N: the rehearsal's own (its new-world note), 2^14 until read
scrypt_n=16384
base_scrypt() {
	ms "$OPENSSL" kdf -keylen 32 -kdfopt pass:bench-pin-1234 \
		-kdfopt salt:keyrite-benchslt -kdfopt n:"$scrypt_n" -kdfopt r:8 \
		-kdfopt p:1 SCRYPT
}
base_rsa() {
	ms "$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
		-out "$dir/gen.pem"
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

found=0
while read -r name yaml answers <&3; do
	# BENCH_CEREMONIES="a b": only those (by file name without .yaml;
	# NAME-aes for an AES-256 variant).
	case " ${BENCH_CEREMONIES:-$name} " in *" $name "*) ;; *) continue ;; esac
	found=1
	short=$(echo "$name" | sed 's/^ncipher-byok-//; s/-byok$//')
	: >"$dir/$name.totals"
	: >"$dir/null" ; : >"$dir/rsa"
	: >"$dir/oaep" ; : >"$dir/kwp"
	: >"$dir/rsaw"
	wbits=
	i=1
	while [ "$i" -le "$runs" ]; do
		keep="$dir/$name-$i"
		"$stamp" "$KEYRITE" rehearse "$yaml" --batch "$answers" \
			--keep "$keep" >"$dir/$name-$i.out" 2>&1 || {
			echo "ceremony.sh: rehearsal of $name failed:" >&2
			tail -5 "$dir/$name-$i.out" >&2; exit 1; }
		tc=$(sed -n 's/^#end \([0-9.]*\) ms, cpu \([0-9.]*\) ms.*/\1 \2/p' "$dir/$name-$i.out")
		ns=$(grep -c -e '] presenting card ' -e '] new card [0-9]* of [0-9]*:' "$dir/$name-$i.out" || true)
		ne=$(cat "$keep"/out/*.log | wc -l)
		echo "$tc $i $ns $ne" >>"$dir/$name.totals"
		l2=$(sed -n 's/.*card KDF scrypt N=2^\([0-9]*\) .*/\1/p' "$dir/$name-$i.out" | head -1)
		[ -z "$l2" ] || scrypt_n=$((1 << l2))
		# The baseline between the runs, so both see the same load.
		base_null >>"$dir/null"; base_null >>"$dir/null"
		base_scrypt >>"$dir/scrypt"
		base_rsa >>"$dir/rsa"; base_rsa >>"$dir/rsa"
		base_oaep >>"$dir/oaep"; base_kwp >>"$dir/kwp"
		# A simulated key service's wrapping key, at its size.
		for w in "$keep"/vault/services/*.key; do
			[ -f "$w" ] || continue
			wbits=$("$OPENSSL" pkey -in "$w" -noout -text |
			    sed -n 's/.*(\([0-9]*\) bit.*/\1/p' | head -1)
			base_rsa_bits "$wbits" >>"$dir/rsaw"
			base_rsa_bits "$wbits" >>"$dir/rsaw"
		done
		i=$((i + 1))
	done
	# Column 1 wall, column 2 CPU; openssl's start (the null command's
	# cost) subtracted.  scrypt, OAEP, key wrap: median; RSA: mean (its
	# cost is random, the mean is what a key generation costs).
	for k in 1 2; do
		null=$(awk -v k=$k '{ print $k }' "$dir/null" | median)
		eval "null$k=\$null"
		eval "scrypt$k=\$(awk -v k=$k -v n=$null '{ print \$k - n }' "$dir/scrypt" | median)"
		eval "rsa$k=\$(awk -v k=$k -v n=$null '{ print \$k - n }' "$dir/rsa" | mean)"
		eval "oaep$k=\$(awk -v k=$k -v n=$null '{ d = \$k - n; print (d > 0 ? d : 0) }' "$dir/oaep" | median)"
		eval "kwp$k=\$(awk -v k=$k -v n=$null '{ d = \$k - n; print (d > 0 ? d : 0) }' "$dir/kwp" | median)"
		if [ -s "$dir/rsaw" ]; then
			eval "rsaw$k=\$(awk -v k=$k -v n=$null '{ print \$k - n }' "$dir/rsaw" | mean)"
		else
			eval "rsaw$k=0"
		fi
	done
	# Key generation steps that ran, and the sandbox vault's KEK.
	# (counted from the result line: a skipped step prints its title too)
	nkeygen=$(grep -c '\] RSA key [a-z0-9-]*, public key SHA-256' "$dir/$name-1.out" || true)
	if [ -n "$wbits" ]; then nw=1; else nw=0; nkeygen=$((nkeygen + 1)); fi
	# Each run's overhead, on CPU time (what the ratio uses: it does not
	# change with the load of the machine) and on wall time:
	# "OVERHEAD_CPU OVERHEAD_WALL WALL CPU i NSCRYPT ENTRIES BASE_CPU BASE_WALL".
	awk -v s1="$scrypt1" -v s2="$scrypt2" -v r1="$rsa1" -v r2="$rsa2" \
	    -v o1="$oaep1" -v o2="$oaep2" -v k1="$kwp1" -v k2="$kwp2" \
	    -v nk="$nkeygen" -v rate="$sign_rate" -v nw="$nw" \
	    -v rw1="$rsaw1" -v rw2="$rsaw2" '{
		w1 = o1 + k1; w2 = o2 + k2
		sig = $5 * 2 * 1000 / rate
		bw = $4 * s1 + nk * r1 + nw * rw1 + w1 + sig
		bc = $4 * s2 + nk * r2 + nw * rw2 + w2 + sig
		printf "%.4f %.4f %s %s %s %d %d %.1f %.1f\n", ($2 - bc) / $2, ($1 - bw) / $1, $1, $2, $3, $4, $5, bc, bw
	}' "$dir/$name.totals" | sort -n -k1 >"$dir/$name.runs"
	set -- $(awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }' "$dir/$name.runs")
	ratio=$1 ratio_wall=$2 total=$3 cpu=$4 pick=$5 nscrypt=$6 entries=$7 base_cpu=$8 base_wall=$9
	out="$dir/$name-$pick.out"
	peak=$(sed -n 's/^#end .*peak \([0-9]*\) KiB.*/\1/p' "$out")
	scrypt=$scrypt1 rsa=$rsa1 oaep=$oaep1 kwp=$kwp1 null=$null1

	echo "-- $name: the run with the median CPU overhead of $runs (CPU overheads: $(awk '{ printf "%s%.3f", (NR > 1 ? " " : ""), $1 }' "$dir/$name.runs"); wall: $(awk '{ printf "%s%.3f", (NR > 1 ? " " : ""), $2 }' "$dir/$name.runs"); wall totals: $(sort -n "$dir/$name.totals" | awk '{ printf "%s%.0f", (NR > 1 ? " " : ""), $1 }') ms), $entries log entries, peak $((peak / 1024)) MiB"
	echo "baseline (wall/CPU ms): openssl start ${null1}/${null2} (subtracted); scrypt ${scrypt1}/${scrypt2} (median of $runs); RSA-2048 keygen ${rsa1}/${rsa2} (mean of $((2 * runs)))${wbits:+; RSA-$wbits wrapping keygen ${rsaw1}/${rsaw2} (mean of $((2 * runs)))}; OAEP ${oaep1}/${oaep2}; key wrap ${kwp1}/${kwp2}"
	# Per step: wall time from its first line to the next step's, its
	# scrypt derivations and key generations, and what remains.
	awk -v scrypt="$scrypt" -v rsa="$rsa" -v total="$total" '
	/^#end/ { next }
	{
		t = $1
		if (match($2, /^\[[^]]*\]$/)) {
			s = substr($2, 2, length($2) - 2)
			if (!(s in first)) {
				if (n == 0) setup = t
				order[++n] = s; first[s] = t
			}
			cur = s
			if ($0 ~ /\] presenting card / || $0 ~ /\] new card [0-9]+ of [0-9]+:/)
				ns[s]++
			if ($0 ~ /\] RSA key [a-z0-9-]*, public key SHA-256/)
				nk[s]++
		} else if (n > 0 && done == 0 && $0 ~ /ceremony summary/) {
			done = t
		}
	}
	END {
		if (done == 0) done = total
		printf "  %-22s %9s %7s %7s %9s\n", "step", "ms", "scrypt", "keygen", "other ms"
		printf "  %-22s %9.1f %7s %7d %9.1f\n", "(start, sandbox)", setup, "", 1, setup - rsa
		for (i = 1; i <= n; i++) {
			s = order[i]
			end = i < n ? first[order[i + 1]] : done
			d = end - first[s]
			o = d - ns[s] * scrypt - nk[s] * rsa
			printf "  %-22s %9.1f %7d %7d %9.1f\n", s, d, ns[s], nk[s], o
		}
		printf "  %-22s %9.1f\n", "(summary, exit)", total - done
		printf "  %-22s %9.1f\n", "total", total
	}' "$out"
	echo "time ceremony-$short ${total} ms wall, ${cpu} ms CPU; openssl baseline ${base_wall} ms wall, ${base_cpu} ms CPU ($nscrypt scrypt, $nkeygen RSA-2048 keygen${wbits:+, 1 RSA-$wbits keygen}, OAEP + key wrap, $entries log entries x (Ed25519 keygen + sign)); keyrite beyond it: $(awk -v a="$ratio_wall" 'BEGIN { printf "%.3f", a }') of the wall time, $(awk -v a="$ratio" 'BEGIN { printf "%.3f", a }') of the CPU time"
	echo "ratio ceremony-$short-overhead $(awk -v a="$ratio" 'BEGIN { printf "%.3f", a }')"
done 3<"$dir/list"
[ "$found" -eq 1 ] || echo "ceremony.sh: no ceremony with example answers"
