#!/bin/sh
# Write an edited copy of a QEMU sample log: edit_sample.sh SAMPLE.log.gz EDITS OUT.log
# EDITS holds blocks "@ N <exact text of line N>" followed by the lines to insert
# after line N, and "= N <exact text of line N>" followed by the lines that
# replace line N ("#" lines are comments, except "# gictlm-memory:" memory notes,
# which are copied: gictlm-qemu-import --memory-notes applies them). Fails if
# line N is not that text (the sample changed). The lines are what QEMU 7.2
# prints for the same events (docs/trace-format.md, "Mutation check").
set -eu
[ $# -eq 3 ] || { echo "usage: $0 SAMPLE.log.gz EDITS OUT.log" >&2; exit 2; }
gzip -dc -- "$1" | awk -v edits="$2" '
BEGIN {
  n = 0
  while ((getline l < edits) > 0) {
    if (l ~ /^#/ && l !~ /^# gictlm-memory:/) continue
    if (l ~ /^[@=] /) {
      split(l, f, " "); n = f[2] + 0
      want[n] = substr(l, length("@ " f[2] " ") + 1)
      repl[n] = (f[1] == "=")
      continue
    }
    if (n) ins[n] = ins[n] l "\n"
  }
}
{
  if (!(NR in want)) { print; next }
  if ($0 != want[NR]) { printf("edit_sample: line %d is not \"%s\" but \"%s\"\n", NR, want[NR], $0) > "/dev/stderr"; bad = 1; exit 1 }
  if (!repl[NR]) print
  printf("%s", ins[NR]); done++
}
END { if (bad) exit 1; if (done != length(want)) { print "edit_sample: some anchor lines were not found" > "/dev/stderr"; exit 1 } }
' >"$3"
