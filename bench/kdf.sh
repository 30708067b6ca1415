#!/bin/sh
# SPDX-License-Identifier: ISC
# kdf.sh: the cost of one PIN attempt against a stolen card file (a floor
# for an attacker, not a speed target): one scrypt derivation with the
# parameters the engine writes into every card (N from
# ENGINE_SCRYPT_LOG2N_DEFAULT in src/engine.h, r and p from CARD_R and
# CARD_P in src/engine-soft-card.c).  Floor for live cards: at least 500 ms
# and 256 MiB per attempt; `ratio kdf-attempt` is 500 ms / the fastest
# attempt (at most 1 meets it), `ratio kdf-memory` 256 MiB / the memory
# measured.
# Called by bench/run.sh from the build directory.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${KEYRITE:=$(pwd)/keyrite}"
kdf="$(dirname "$KEYRITE")/bench/kdf"
card="$here/../src/engine-soft-card.c"
r=$(sed -n 's/^#define[ 	]*CARD_R[ 	]*\([0-9]*\).*/\1/p' "$card")
p=$(sed -n 's/^#define[ 	]*CARD_P[ 	]*\([0-9]*\).*/\1/p' "$card")
"$kdf" -n 5 -r "${r:-8}" -p "${p:-1}"
