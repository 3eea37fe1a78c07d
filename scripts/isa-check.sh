#!/usr/bin/env bash
# Proves a cnncalc binary is portable: outside the dispatched kernel-set modules it uses no
# instruction beyond baseline x86-64 (no VEX or EVEX encoding, no AVX register, no opmask, none of
# x86-64-v3's scalar additions); AVX2/FMA appear only in CNNKernelsX86V3's code and AVX-512 only in
# CNNKernelsX86V4's. Prints how many vector instructions each kernel module holds.
# Usage: bash scripts/isa-check.sh [BINARY]   (default .build/release/cnncalc; needs objdump)
set -euo pipefail
binary="${1:-.build/release/cnncalc}"
[ "$(uname -m)" = x86_64 ] || { echo "isa-check: not x86-64, nothing to check"; exit 0; }
command -v objdump > /dev/null || { echo "isa-check: objdump not found (Debian: binutils)" >&2; exit 2; }
objdump -d --no-show-raw-insn "$binary" | awk '
  /^[0-9a-f]+ <.*>:$/ {
    symbol = $2
    level = symbol ~ /CNNKernelsX86V4/ ? 4 : symbol ~ /CNNKernelsX86V3/ ? 3 : 1
    next
  }
  /^ +[0-9a-f]+:\t/ {
    split($0, parts, "\t")
    instruction = parts[2]
    mnemonic = instruction; sub(/ .*/, "", mnemonic)
    needs = 1
    if (instruction ~ /%zmm|%k[0-7]|%[xy]mm(1[6-9]|2[0-9]|3[01])\>|\{%k/) needs = 4
    else if (instruction ~ /%ymm/ || mnemonic ~ /^v/ && mnemonic !~ /^ver[rw]$/) needs = 3
    else if (mnemonic ~ /^(andn|bextr|blsi|blsmsk|blsr|bzhi|lzcnt|movbe|mulx|pdep|pext|rorx|sarx|shlx|shrx)[lqw]?$/) needs = 3
    if (needs > 1) counted[level "," needs]++
    if (needs > level) {
      bad++
      if (bad <= 20) printf "isa-check: %s needs x86-64-v%d: %s\n", symbol, needs, instruction
    }
  }
  END {
    printf "isa-check: CNNKernelsX86V4 holds %d AVX-512 and %d AVX/AVX2 instructions; CNNKernelsX86V3 %d AVX/AVX2\n",
      counted["4,4"], counted["4,3"], counted["3,3"]
    if (bad) { printf "isa-check: %d instructions outside their kernel set\n", bad; exit 1 }
    if (counted["4,4"] == 0 || counted["3,3"] == 0) { print "isa-check: a kernel set holds no vector code"; exit 1 }
    print "isa-check: everything else is baseline x86-64"
  }'
