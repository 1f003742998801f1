#!/usr/bin/env bash
# Runs every command of the user guide exactly as written, so that the guide
# cannot drift from the programs. The commands are the lines of the fenced
# code blocks marked `sh` (```sh; other blocks are output or examples), run in
# order, in one shell, from the top of a fresh copy of the repository (the
# files git knows of, committed or not: what a clone of this state has). A
# line ending in a backslash continues on the next one. Stops at the first
# command that fails, naming its line in the guide.
# Usage: scripts/check-user-guide.sh [--list] [GUIDE.md ...]   (default: docs/user-guide.md)
#        --list: print the commands, run nothing
#        GICTLM_GUIDE_DIR=DIR keeps the copy in DIR (default: a temporary directory, removed)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
list=0
if [ "${1:-}" = "--list" ]; then list=1; shift; fi
guides=("$@")
[ ${#guides[@]} -gt 0 ] || guides=("docs/user-guide.md")
work="${GICTLM_GUIDE_DIR:-}"
if [ -z "$work" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
if [ "$list" = 0 ]; then
mkdir -p "$work/repo"
# a fresh copy: every file git tracks or would add (not ignored), as it is now
(cd "$here" && git ls-files -z --cached --others --exclude-standard | xargs -0 -r tar -cf - --no-recursion -- 2>/dev/null) |
  tar -xf - -C "$work/repo"
fi
script="$work/guide-commands.sh"
{
  echo 'set -eo pipefail'
  for g in "${guides[@]}"; do
    # ```sh blocks (possibly indented, as in lists): each command with its line number
    awk -v file="$g" '
      function flush() {
        if (cmd != "") {
          printf "echo %s\n", q(sprintf("--- %s:%d: $ %s", file, start, cmd))
          printf "%s\n", cmd
          printf "check %s\n", q(sprintf("%s:%d", file, start))
        }
        cmd = ""
      }
      function q(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
      /^[ \t]*```/ {
        if (inblock) { flush(); inblock = 0; next }
        info = $0; sub(/^[ \t]*```/, "", info); gsub(/[ \t]/, "", info)
        inblock = (info == "sh") ? 1 : 0
        if (!inblock) inother = !inother
        next
      }
      inblock && !inother {
        line = $0; sub(/^[ \t]+/, "", line)
        if (cmd == "") { if (line == "" || line ~ /^#/) next; start = NR }
        if (line ~ /\\$/) { sub(/\\$/, "", line); cmd = cmd line " "; next }
        cmd = cmd line
        flush()
      }
    ' "$here/$g"
  done
} >"$script.body"
n=$(grep -c '^check ' "$script.body" || true)
if [ "$n" -eq 0 ]; then
  echo "check-user-guide: no \`\`\`sh commands found in ${guides[*]}" >&2
  exit 1
fi
if [ "$list" = 1 ]; then
  grep '^echo ' "$script.body" | sed "s/^echo '--- //; s/'$//"
  exit 0
fi
{
  echo 'check() { :; }'
  echo 'trap '"'"'echo "check-user-guide: FAILED: the command above (exit $?)" >&2'"'"' ERR'
  cat "$script.body"
} >"$script"
echo "check-user-guide: running $n commands from ${guides[*]} in $work/repo"
cd "$work/repo"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
if bash "$script" >"$work/guide.log" 2>&1; then
  grep '^--- ' "$work/guide.log"
  echo "check-user-guide: all $n commands ran"
else
  tail -n 60 "$work/guide.log" >&2
  exit 1
fi
