#!/usr/bin/env bash
# Times reconcile against pg_dump and migra on generated schemas, side by side, in one run.
#
#   bench/run.sh [N ...]          table counts (default: 1000 5000 20000)
#   RUNS=3                        runs per measurement (the median is reported)
#   BENCH_URL=postgresql://postgres@127.0.0.1:54329   the server (`make pg-start` starts this one)
#   MIGRA=0                       skip migra (it is installed from npm into bench/.node on first use)
#
# For each N: the live database is made from SQL (as another tool would have made it); reconcile plans
# it against the same schema as TOML (no changes) and against a ~5% mutation; the 5% plan is applied
# to a copy, which must then re-plan to nothing; migra diffs the live database against one made from
# the mutated SQL. Prints a Markdown table row per N (seconds, peak RSS in MB) on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
URL=${BENCH_URL:-postgresql://postgres@127.0.0.1:54329}
RUNS=${RUNS:-3}
RECONCILE=${RECONCILE:-$ROOT/build/reconcile}
PG_DUMP=/usr/lib/postgresql/15/bin/pg_dump
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# A fresh canonicalization cache: the first plan of each kind fills it (the "cold" columns), the
# medians show the steady state a controller or CI job sees.
export RECONCILE_CACHE_DIR="$WORK/cache"
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1000 5000 20000)

psql_admin() { psql -X -q -v ON_ERROR_STOP=1 "$URL/postgres" "$@" >/dev/null; }
fresh_db() { psql_admin -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1 ${2:+TEMPLATE $2}"; }

# Runs "$@" RUNS times; prints "median_seconds max_peak_mb". Output of the command is discarded.
measure() {
  local times=() peak=0 line
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -o "$WORK/time" -f "%e %M" "$@" >/dev/null 2>&1 || true
    line=$(tail -1 "$WORK/time")
    times+=("${line% *}")
    local kb=${line#* }
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  echo "$median $(( peak / 1024 ))"
}

# A plan's exit code must be 0 or 2 (--detailed-exitcode), anything else is a failure of the run.
plan_ok() {
  local code=0
  "$RECONCILE" plan "$@" || code=$?
  [ "$code" -eq 0 ] || [ "$code" -eq 2 ]
}

migra_bin() {
  if [ ! -x "$ROOT/bench/.node/node_modules/.bin/migra" ]; then
    npm install --silent --prefix "$ROOT/bench/.node" @pgkit/migra >/dev/null 2>&1
  fi
  echo "$ROOT/bench/.node/node_modules/.bin/migra"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "-" && b > 0) printf "%.2f", a / b; else print "-" }'; }

echo "| tables | pg_dump -s | plan, no change (cold) | plan, no change | plan, 5% (cold) | plan, 5% | apply 5% | migra 5% | no-change / pg_dump | 5% / pg_dump | migra / plan 5% | peak MB (plan 5%) |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in "${SIZES[@]}"; do
  dir="$WORK/$n"
  mkdir -p "$dir"
  python3 bench/gen.py --tables "$n" --sql "$dir/base.sql" --toml "$dir/base"
  python3 bench/gen.py --tables "$n" --sql "$dir/mutated.sql" --toml "$dir/mutated" --mutate
  live="bench_live_$n" target="bench_target_$n" copy="bench_copy_$n"
  fresh_db "$live"
  psql -X -q -v ON_ERROR_STOP=1 "$URL/$live" -f "$dir/base.sql" >/dev/null

  read -r dump_s _ < <(measure "$PG_DUMP" --schema-only "$URL/$live")
  read -r same_cold _ < <(RUNS=1 measure "$RECONCILE" plan --database "$URL/$live" --schema-dir "$dir/base" --out "$dir/same.plan.toml")
  read -r same_s same_mb < <(measure "$RECONCILE" plan --database "$URL/$live" --schema-dir "$dir/base" --out "$dir/same.plan.toml")
  "$RECONCILE" plan -q --database "$URL/$live" --schema-dir "$dir/base" --out "$dir/same.plan.toml" --detailed-exitcode \
    >/dev/null || { echo "error: the no-change plan for $n tables found changes" >&2; exit 1; }
  read -r change_cold _ < <(RUNS=1 measure "$RECONCILE" plan --database "$URL/$live" --schema-dir "$dir/mutated" \
    --allow-destructive --out "$dir/change.plan.toml")
  read -r change_s change_mb < <(measure "$RECONCILE" plan --database "$URL/$live" --schema-dir "$dir/mutated" --allow-destructive \
    --out "$dir/change.plan.toml")

  fresh_db "$copy" "$live"
  plan_ok -q --database "$URL/$copy" --schema-dir "$dir/mutated" --allow-destructive --out "$dir/copy.plan.toml" >/dev/null
  read -r apply_s _ < <(RUNS=1 measure "$RECONCILE" apply --database "$URL/$copy" "$dir/copy.plan.toml")
  "$RECONCILE" plan -q --database "$URL/$copy" --schema-dir "$dir/mutated" --out "$dir/after.plan.toml" --detailed-exitcode \
    >/dev/null || { echo "error: after applying the 5% plan for $n tables, the re-plan found changes" >&2; exit 1; }

  migra_s="-"
  if [ "${MIGRA:-1}" != 0 ]; then
    fresh_db "$target"
    psql -X -q -v ON_ERROR_STOP=1 "$URL/$target" -f "$dir/mutated.sql" >/dev/null
    m=$(migra_bin)
    read -r migra_s _ < <(measure bash -c "'$m' '$URL/$live' '$URL/$target' --unsafe")
    psql_admin -c "DROP DATABASE IF EXISTS $target WITH (FORCE)"
  fi
  echo "| $n | $dump_s | $same_cold | $same_s | $change_cold | $change_s | $apply_s | $migra_s | $(ratio "$same_s" "$dump_s") | $(ratio "$change_s" "$dump_s") | $(ratio "$migra_s" "$change_s") | $change_mb |"
  psql_admin -c "DROP DATABASE IF EXISTS $live WITH (FORCE)" -c "DROP DATABASE IF EXISTS $copy WITH (FORCE)"
done
