# SPDX-License-Identifier: ISC
# tap.sh: moved to tests/lib/tap.sh with the other test helpers; this file
# forwards to it for tests written before the move.  New tests source
# tests/lib/tap.sh.
. "${top_srcdir:-.}/tests/lib/tap.sh"
