#!/usr/bin/env bash
# The long fuzzing campaign (docs/robustness.md): builds cnncalc-fuzz in release and runs
# --cases N cases of --seed S over --jobs J processes, each on its own range of case indices.
# A case that crashes the process (a trap), hangs (> 5 s) or grows it past 1 GiB is recorded
# under --out and the worker resumes after it; findings of the in-process oracles are listed.
#
#   scripts/fuzz.sh --cases 1000000 [--seed 1] [--jobs 2] [--out fuzz-results] [--corpus DIR|none]
#
# One case in four damages a model file (.onnx, .prototxt) from --corpus, by default the import
# tests' fixtures; --corpus none makes spec-language and JSON cases only.
# Replay one case: .build/release/cnncalc-fuzz --seed S --corpus DIR --case N
set -uo pipefail
cd "$(dirname "$0")/.."
cases=100000
seed=1
jobs=2
out=fuzz-results
corpus=Tests/CNNImportTests/Fixtures
while [ $# -gt 0 ]; do
  case "$1" in
    --cases) cases=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    *) echo "usage: scripts/fuzz.sh [--cases N] [--seed S] [--jobs J] [--out DIR] [--corpus DIR|none]" >&2; exit 2 ;;
  esac
done
swift build -c release --product cnncalc-fuzz >&2 || exit 1
fuzz=.build/release/cnncalc-fuzz
corpusFlag=()
[ "$corpus" != none ] && corpusFlag=(--corpus "$corpus")
mkdir -p "$out"
started=$(date +%s)

# One worker: cases [first, last), restarting after any case that ends the process.
worker() {
  local id=$1 first=$2 last=$3 folder="$out/worker-$1"
  mkdir -p "$folder"
  local next=$first
  while [ "$next" -lt "$last" ]; do
    "$fuzz" --seed "$seed" "${corpusFlag[@]}" --start "$next" --cases $((last - next)) --folder "$folder" \
      >> "$folder/findings.txt" 2>> "$folder/progress.txt"
    local code=$?
    if [ $code -le 1 ]; then break; fi
    local index
    index=$(cut -d' ' -f1 "$folder/current")
    local what=crash
    [ $code -eq 3 ] && what=hang
    [ $code -eq 4 ] && what=memory
    echo "$what case $index (exit $code)" >> "$folder/findings.txt"
    local extension
    extension=$(cut -d' ' -f3 "$folder/current")
    cp "$folder/case.$extension" "$out/$what-$seed-$index.$extension" 2>/dev/null
    next=$((index + 1))
  done
}

per=$(( (cases + jobs - 1) / jobs ))
for ((j = 0; j < jobs; j++)); do
  first=$((j * per))
  last=$((first + per)); [ $last -gt $cases ] && last=$cases
  worker "$j" "$first" "$last" &
done
wait
elapsed=$(( $(date +%s) - started ))
echo "cnncalc fuzz campaign: seed $seed, $cases cases, $jobs jobs, ${elapsed} s"
cat "$out"/worker-*/findings.txt | grep -v '^seed ' | sort | uniq -c | sort -rn | head -50
grep -h '^seed ' "$out"/worker-*/findings.txt
problems=$(cat "$out"/worker-*/findings.txt | grep -vc '^seed ')
echo "problems: $problems"
[ "$problems" -eq 0 ]
