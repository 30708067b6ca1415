#!/bin/sh
# SPDX-License-Identifier: ISC
# fifo.sh: a FIFO, a directory or a device where a file is expected fails
# at once with exit 66 and a message naming it, for every verb that reads
# a file: lint, run and rehearse (the ceremony, the answers file), audit
# verify / show / transcript, vault import (the .byok and its manifest),
# vault kek --import-private.  Nothing reads the FIFO: a writer never
# comes, and `timeout' would turn a hang into exit 124.
. "${top_srcdir:-.}/tests/lib/tap.sh"

T=$TAP_TMP
mkfifo "$T/fifo" || { echo "1..0 # SKIP mkfifo failed"; exit 0; }
mkdir "$T/dir"
TO="timeout 20"

# bounded EXIT DESC ARGS...: exit EXIT, and the message names the FIFO.
bounded() {
	want=$1; desc=$2; what=$3; shift 3
	expect_status "$want" "$desc" $TO "$@"
	output_has "$what: not a regular file" "$desc: the message names it"
}

bounded 66 "lint a FIFO" "$T/fifo" "$KEYRITE" lint "$T/fifo"
bounded 66 "lint a directory" "$T/dir" "$KEYRITE" lint "$T/dir"
bounded 66 "lint a device" /dev/null "$KEYRITE" lint /dev/null
bounded 66 "audit verify a FIFO" "$T/fifo" "$KEYRITE" audit verify "$T/fifo"
bounded 66 "audit show a FIFO" "$T/fifo" "$KEYRITE" audit show "$T/fifo"
bounded 66 "audit transcript a FIFO" "$T/fifo" "$KEYRITE" audit transcript "$T/fifo"
bounded 66 "run a FIFO ceremony" "$T/fifo" "$KEYRITE" run "$T/fifo" \
    --state "$T/s1" --out "$T/o1" --batch "$T/fifo"
bounded 66 "rehearse a FIFO ceremony" "$T/fifo" "$KEYRITE" rehearse "$T/fifo"
bounded 66 "rehearse with a FIFO answers file" "$T/fifo" "$KEYRITE" rehearse \
    "$top_srcdir/ceremonies/azure-byok.yaml" --batch "$T/fifo"

expect_status 0 "vault init" "$KEYRITE" vault init "$T/v" --region NA --kek-size 2048
expect_status 0 "vault kek" "$KEYRITE" vault kek "$T/v" --name K1 --size 2048
bounded 66 "vault import a FIFO .byok" "$T/fifo" "$KEYRITE" vault import "$T/v" "$T/fifo" --kek K1
bounded 66 "vault kek --import-private a FIFO" "$T/fifo" "$KEYRITE" vault kek \
    "$T/v" --name K2 --import-private "$T/fifo"

done_testing
