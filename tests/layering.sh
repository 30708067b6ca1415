#!/bin/sh
# SPDX-License-Identifier: ISC
# layering.sh: the layering rules of HACKING.md as a test.  It reads the
# sources (comments and string literals blanked first) and fails, naming
# file:line, when a rule is broken:
#
#   1. the wizard (ui/tui*) and batch mode (ui/batch.*) include no engine,
#      audit, step or other library-internal header: they talk to runner.h;
#   2. only the runner writes the log: "audit.h" (the writer) is included by
#      src/runner*.c, src/step-ctx.c (the runner's side of step-ctx.h, the
#      helpers through which steps log) and the audit module itself
#      (src/audit-*); ui/ reads logs through the read-only
#      "audit-verify.h", which includes no writer header;
#   3. only steps call the engine: engine headers are included by the
#      engine itself (src/engine*), the steps (src/step*), the runner that
#      opens the engine for them (src/runner*), the scenario loader (it
#      parses module modes), and `keyrite module status' (ui/cmd-module.c);
#   4. src/ (the library) never includes curses or <err.h>, never prints to
#      the terminal (printf, puts, putchar, perror, stdout, stderr) and
#      never exits (exit, _exit, _Exit);
#   5. the library's include path cannot see ui/: no -I...ui in
#      AM_CPPFLAGS or libkeyrite_a_CPPFLAGS, and every quoted include in
#      src/ names a file in src/ (or config.h);
#   6. no function body in src/ or ui/ is longer than 120 lines (KNF: the
#      body runs from a `{' to a `}' in the first column);
#   7. every global symbol libkeyrite.a defines carries a module prefix
#      (audit_, ceremony_, engine_, kr_, runner_, step_, ...: the list
#      below), so that no unprefixed global can come back.
#
# LAYERING_ROOT (default: top_srcdir) is the tree to check, and
# LAYERING_LIB (default: top_builddir/libkeyrite.a) the library, so that a
# copy with a planted violation can show that each rule can fail.
. "${top_srcdir:-.}/tests/lib/tap.sh"

root=${LAYERING_ROOT:-$top_srcdir}

# strip FILE [strings]: the file with comments blanked (and, with a second
# argument, the contents of string and character literals too); newlines
# are kept so that line numbers stay true.
strip() {
	awk -v blank="${2:-}" '
	BEGIN { st = 0 }	# 0 code, 1 block comment, 2 string, 3 char
	{
		out = ""; n = length($0); i = 1
		while (i <= n) {
			c = substr($0, i, 1); d = substr($0, i + 1, 1)
			if (st == 1) {
				if (c == "*" && d == "/") { st = 0; out = out "  "; i += 2; continue }
				out = out " "; i++; continue
			}
			if (st == 2 || st == 3) {
				q = st == 2 ? "\"" : "\047"
				if (c == "\\") { out = out (blank ? "  " : c d); i += 2; continue }
				if (c == q) { st = 0; out = out c; i++; continue }
				out = out (blank ? " " : c); i++; continue
			}
			if (c == "/" && d == "*") { st = 1; out = out "  "; i += 2; continue }
			if (c == "/" && d == "/") break
			if (c == "\"") st = 2
			else if (c == "\047") st = 3
			out = out c; i++
		}
		if (st >= 2) st = 0	# an unterminated literal ends with its line
		print out
	}' "$1"
}

# includes FILE: "LINE NAME KIND" for each #include, comments ignored;
# KIND is q for "name", a for <name>.
includes() {
	strip "$1" | awk '
	match($0, /^[ \t]*#[ \t]*include[ \t]*["<][^">]*[">]/) {
		s = substr($0, RSTART, RLENGTH); k = s ~ /"$/ ? "q" : "a"
		sub(/^[^"<]*["<]/, "", s); sub(/[">]$/, "", s); print NR, s, k
	}'
}

# rule DESC: ok when $TAP_TMP/bad is empty, else not ok with its lines.
rule() {
	if [ -s "$TAP_TMP/bad" ]; then
		not_ok "$1"; diag "$(cat "$TAP_TMP/bad")"
	else
		ok "$1"
	fi
	: >"$TAP_TMP/bad"
}
: >"$TAP_TMP/bad"

srcs=$(cd "$root" && ls src/*.c src/*.h)
uis=$(cd "$root" && ls ui/*.c ui/*.h)
[ -n "$srcs" ] && [ -n "$uis" ] || { echo "Bail out! no sources under $root"; exit 1; }

# 1. The wizard and batch mode.
for f in $uis; do
	case $f in ui/tui*|ui/batch.*) ;; *) continue ;; esac
	includes "$root/$f" | while read -r line h _; do
		case $h in
		tui-int.h) ;;
		engine*.h|audit*.h|step*.h|*-int.h|vault*.h|pkg*.h)
			echo "$f:$line: includes $h (the wizard and batch mode talk to runner.h)" ;;
		esac
	done >>"$TAP_TMP/bad"
done
rule "the wizard and batch mode include no engine, audit or step header"

# 2. Only the runner writes the log.
for f in $srcs $uis; do
	includes "$root/$f" | while read -r line h _; do
		case $h in
		audit.h|audit-int.h) ;;
		*) continue ;;
		esac
		case $f in
		src/runner*.c|src/step-ctx.c|src/audit-*) ;;
		*) echo "$f:$line: includes $h (only the runner writes the log)" ;;
		esac
		case $f:$h in
		src/runner*:audit-int.h|src/step-ctx.c:audit-int.h)
			echo "$f:$line: includes audit-int.h (the runner uses audit.h)" ;;
		esac
	done >>"$TAP_TMP/bad"
done
if [ -f "$root/src/audit-verify.h" ]; then
	includes "$root/src/audit-verify.h" | while read -r line h _; do
		case $h in audit.h|audit-int.h)
			echo "src/audit-verify.h:$line: the read-only header includes $h" ;;
		esac
	done >>"$TAP_TMP/bad"
fi
rule "only the runner and the audit module include the log writer (audit.h)"

# 3. Only steps call the engine.
for f in $srcs $uis; do
	includes "$root/$f" | while read -r line h _; do
		case $h in engine.h|engine-*.h) ;; *) continue ;; esac
		case $f in
		src/engine*|src/step*|src/runner*|src/scenario*|ui/cmd-module.c) ;;
		*) echo "$f:$line: includes $h (only steps call the engine)" ;;
		esac
	done >>"$TAP_TMP/bad"
done
rule "engine headers are included only by the engine, steps, runner, scenarios and module status"

# 4. The library never prints, exits or draws.
for f in $srcs; do
	includes "$root/$f" | while read -r line h k; do
		[ "$k" = a ] || continue
		case $h in
		curses.h|ncurses.h|ncursesw/*|ncurses/*|term.h|panel.h|menu.h|form.h|err.h)
			echo "$f:$line: includes <$h> (the library never draws nor exits)" ;;
		esac
	done >>"$TAP_TMP/bad"
done
rule "src/ includes no curses (nor <err.h>)"

for f in $srcs; do
	strip "$root/$f" blank | awk -v f="$f" '
	{
		s = $0
		while (match(s, /(^|[^A-Za-z0-9_.>])(printf|vprintf|puts|putchar|perror|exit|_exit|_Exit)[ \t]*\(/)) {
			w = substr(s, RSTART, RLENGTH); sub(/^[^A-Za-z_]*/, "", w); sub(/[ \t]*\($/, "", w)
			print f ":" NR ": calls " w "()"
			s = substr(s, RSTART + RLENGTH)
		}
		s = $0
		while (match(s, /(^|[^A-Za-z0-9_.>])(stdout|stderr)([^A-Za-z0-9_]|$)/)) {
			w = substr(s, RSTART, RLENGTH); gsub(/[^a-z]/, "", w)
			print f ":" NR ": uses " w
			s = substr(s, RSTART + RLENGTH)
		}
	}'
done >>"$TAP_TMP/bad"
rule "src/ never prints to the terminal (printf, puts, stdout, stderr) nor exits"

# 5. The library cannot see ui/.
for am in "$root/Makefile.am" "$root"/mk/*.am; do
	[ -f "$am" ] || continue
	awk -v f="${am#"$root"/}" '
	{ line = NR; s = $0
	  while (s ~ /\\$/ && (getline t) > 0) { sub(/\\$/, " ", s); s = s t }
	  if (s ~ /^[ \t]*(AM_CPPFLAGS|libkeyrite_a_CPPFLAGS)[ \t]*\+?=/ && s ~ /-I[^ \t]*ui([ \t\/]|$)/)
		print f ":" line ": the library'\''s include path names ui/" }' "$am"
done >>"$TAP_TMP/bad"
for f in $srcs; do
	includes "$root/$f" | while read -r line h k; do
		[ "$k" = q ] || continue
		[ "$h" = config.h ] || [ -f "$root/src/$h" ] ||
			echo "$f:$line: includes \"$h\", which is not in src/"
	done >>"$TAP_TMP/bad"
done
rule "the library's include path cannot see ui/"

# 6. Short functions.
for f in $srcs $uis; do
	case $f in *.c) ;; *) continue ;; esac
	strip "$root/$f" | awk -v f="$f" -v max=120 '
	/^[A-Za-z_][A-Za-z0-9_]*\(/ { name = $0; sub(/\(.*/, "", name) }
	/^\{/ { start = NR; next }
	/^\}/ && start {
		if (NR - start - 1 > max)
			print f ":" start ": " name "() has a body of " NR - start - 1 " lines (at most " max ")"
		start = 0
	}'
done >>"$TAP_TMP/bad"
rule "no function body in src/ or ui/ is over 120 lines"

# 7. No unprefixed global symbol in the library.  Names that start with an
# underscore belong to the compiler and the sanitizers.
prefixes="answers audit byok ceremony diag engine keyio kr manifest p11 pkg print runner sandbox scenario sjson soft step vault ynode"
lib=${LAYERING_LIB:-${top_builddir:-.}/libkeyrite.a}
if ! command -v nm >/dev/null 2>&1; then
	ok "# SKIP no nm to list the library's symbols"
elif [ ! -f "$lib" ]; then
	ok "# SKIP no $lib (build it first)"
else
	nm -g --defined-only "$lib" | awk -v prefixes="$prefixes" '
	BEGIN { n = split(prefixes, p, " "); for (i = 1; i <= n; i++) ok[p[i]] = 1 }
	/:$/ { obj = $0; sub(/:$/, "", obj); next }
	NF == 3 && $2 ~ /^[A-Z]$/ && $3 !~ /^_/ {
		pre = $3; sub(/_.*/, "", pre)
		if (!(pre in ok) || $3 !~ /_/)
			print obj ": " $3 " (" $2 ") carries no module prefix (" prefixes ")"
	}' >>"$TAP_TMP/bad"
	rule "every global symbol of libkeyrite.a carries a module prefix"
fi

done_testing
