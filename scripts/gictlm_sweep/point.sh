#!/bin/sh
# One point of a gictlm sweep (docs/sweep.md): point.sh DIR COMMAND...
# Runs COMMAND inside DIR (created if needed). COMMAND writes its JSON report to
# report.json.part; only a successful run renames it to report.json, so an existing
# report.json always means a complete point, and the point is then skipped (resume).
# DIR/status gets "<exit code> <start> <end> <host>" (seconds since the epoch).
# The same line works under GNU parallel (local or --sshloginfile, with DIR on a
# shared file system) and in a SLURM array task.
set -u
dir=$1
shift
[ -f "$dir/report.json" ] && exit 0
mkdir -p "$dir" && cd "$dir" || { echo "point.sh: cannot use $dir" >&2; exit 97; }
rm -f report.json.part status
start=$(date +%s.%N)
"$@" > stdout 2> stderr
rc=$?
end=$(date +%s.%N)
if [ "$rc" -eq 0 ] && [ ! -s report.json.part ]; then
  echo "point.sh: the run exited 0 but wrote no report" >> stderr
  rc=98
fi
# report first, status second: a point with a status and no report has failed (never
# "finished a moment ago"), which is what the progress line and the failure list count
[ "$rc" -eq 0 ] && mv report.json.part report.json
echo "$rc $start $end $(hostname)" > status.part && mv status.part status
if [ "$rc" -ne 0 ]; then
  echo "point.sh: $dir failed with exit code $rc: $(tail -n 1 stderr)" >&2
fi
exit "$rc"
