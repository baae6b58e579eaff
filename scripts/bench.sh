#!/usr/bin/env bash
# Times `sencheck check` on the demo school and on the real data set, as the median of several
# runs, against a reference measured in the same run: reading the same CSV files with `wc -l`
# (the floor any tool that reads the data pays). Reports ratios, and peak memory where GNU time
# is installed. Usage: scripts/bench.sh [runs]   (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
cargo build --release --quiet
bin=target/release/sencheck

median_ms() { # command... → median wall time in ms over $runs runs
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m/1000}'
}

demo=fixtures/demo-school
real=fixtures/uci-student-performance
ref_demo=$(median_ms wc -l $demo/*.csv)
ref_real=$(median_ms wc -l $real/student-por.csv)
check_demo=$(median_ms "$bin" check "$demo" --format json --fail-on never)
check_embedded=$(median_ms "$bin" check --format json --fail-on never)
check_real=$(median_ms "$bin" check "$real" --format json --fail-on never)
rows=$(cat $demo/*.csv | wc -l)

echo "median of $runs runs, $(nproc) cores"
printf '%-44s %9s ms\n' "reference: wc -l on the demo CSVs ($rows lines)" "$ref_demo"
printf '%-44s %9s ms  (%.1f× the reference)\n' "sencheck check fixtures/demo-school" "$check_demo" "$(echo "$check_demo / $ref_demo" | bc -l)"
printf '%-44s %9s ms  (%.1f× the reference)\n' "sencheck check (built-in demo)" "$check_embedded" "$(echo "$check_embedded / $ref_demo" | bc -l)"
printf '%-44s %9s ms\n' "reference: wc -l on student-por.csv" "$ref_real"
printf '%-44s %9s ms  (%.1f× the reference)\n' "sencheck check fixtures/uci-student-performance" "$check_real" "$(echo "$check_real / $ref_real" | bc -l)"
if [ -x /usr/bin/time ]; then
  peak=$(/usr/bin/time -f %M "$bin" check "$demo" --format json --fail-on never 2>&1 >/dev/null | tail -1)
  ref_peak=$(/usr/bin/time -f %M wc -l $demo/*.csv 2>&1 >/dev/null | tail -1)
  printf 'peak memory: sencheck %s KiB, wc -l %s KiB\n' "$peak" "$ref_peak"
fi
