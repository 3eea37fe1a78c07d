#!/usr/bin/env bash
# Runs cnncalc's reference engine and PyTorch on the same networks, alternating in one run, and
# prints both medians side by side with the ratio (PyTorch's time / cnncalc's: above 1.0 cnncalc
# is faster). Run by hand; neither the product nor CI needs Python.
#
#   bash scripts/bench-compare.sh [--threads N] [--batch N] [--rounds N] [NETWORK…]
#
# NETWORK is a zoo name that torchvision also has (default: the eight of issue 13); googlenet
# means torchvision's GoogLeNet, cnncalc's googlenet-torchvision spec. Each round runs
# `cnncalc bench NETWORK --format json` then scripts/pytorch-bench.py NETWORK (same threads,
# batch, input 3x224x224, one warm-up then timed passes, medians); with several rounds the
# median of the rounds' medians is shown. When Python or torch/torchvision cannot be imported,
# the script says so and prints cnncalc's figures alone.
set -euo pipefail
cd "$(dirname "$0")/.."

threads=2
batch=1
rounds=1
networks=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) networks+=("$1"); shift ;;
  esac
done
if [[ ${#networks[@]} -eq 0 ]]; then
  networks=(vgg16 resnet50 googlenet mobilenet_v2 efficientnet_b0 resnext50_32x4d shufflenet_v2_x1_0 densenet121)
fi

swift build -c release --product cnncalc >/dev/null
cnncalc=.build/release/cnncalc

torch_reason=""
if ! command -v python3 >/dev/null; then
  torch_reason="python3 is not installed"
elif ! python3 -c 'import torch, torchvision' 2>/dev/null; then
  torch_reason="python3 cannot import torch and torchvision (pip install torch torchvision)"
fi

field() { sed -n "s/.*\"$1\": \"\{0,1\}\([^,\"}]*\).*/\1/p" | head -1; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

echo "threads $threads, batch $batch, $rounds round(s); kernels: $("$cnncalc" bench lenet5 --runs 1 --format json | field kernels)"
if [[ -n "$torch_reason" ]]; then
  echo "PyTorch is absent: $torch_reason. cnncalc alone:"
else
  echo "PyTorch $(python3 -c 'import torch; print(torch.__version__)')"
fi
printf '%-20s %12s %12s %8s\n' network "cnncalc ms" "PyTorch ms" ratio
for network in "${networks[@]}"; do
  spec=$network
  [[ $network == googlenet ]] && spec=googlenet-torchvision
  ours=()
  theirs=()
  for ((round = 0; round < rounds; round++)); do
    ours+=("$("$cnncalc" bench "$spec" --threads "$threads" --batch "$batch" --format json | field median_ms)")
    if [[ -z "$torch_reason" ]]; then
      theirs+=("$(python3 scripts/pytorch-bench.py --threads "$threads" --batch "$batch" "$network" | field median_ms)")
    fi
  done
  mine=$(printf '%s\n' "${ours[@]}" | median)
  if [[ -z "$torch_reason" ]]; then
    pytorch=$(printf '%s\n' "${theirs[@]}" | median)
    printf '%-20s %12.2f %12.2f %7.2fx\n' "$network" "$mine" "$pytorch" "$(awk -v a="$pytorch" -v b="$mine" 'BEGIN {print a / b}')"
  else
    printf '%-20s %12.2f %12s %8s\n' "$network" "$mine" "-" "-"
  fi
done
