#!/usr/bin/env bash
# Proves the release binary runs on any x86-64 and that every kernel set computes what it should:
#  1. scripts/isa-check.sh: no instruction beyond baseline x86-64 outside the kernel-set modules;
#  2. under qemu-user (Debian's qemu-user, installed when absent) with CPUs that lack AVX-512,
#     the binary analyses ResNet-50 and verifies LeNet-5 and ResNet-18 (at 64×64), choosing its
#     kernel set from CPUID: Haswell (x86-64-v3), Nehalem (x86-64-v2) and qemu64 (baseline);
#  3. the outputs agree bit for bit with the same set run natively (CNNCALC_KERNELS), and the
#     two fusing sets (v3, v4) agree with each other;
#  4. asking for a set the emulated CPU lacks is an error before any work, not SIGILL.
# Usage: bash scripts/portability-check.sh [BINARY]   (default .build/release/cnncalc)
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${1:-.build/release/cnncalc}"
if [ "$(uname -m)" != x86_64 ]; then echo "portability-check: not x86-64, nothing to check"; exit 0; fi

bash scripts/isa-check.sh "$binary"

if ! command -v qemu-x86_64 > /dev/null; then
  echo "installing from Debian: qemu-user"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq qemu-user > /dev/null
fi

fail() { echo "portability-check: $*" >&2; exit 1; }
# The checksum and kernel set a verify --timings run reports (its last line).
summary() { tail -n 1 | grep -o '[a-z0-9-]* kernels\|checksum [0-9a-f]*' | tr '\n' ' '; }
emulated() { local cpu="$1"; shift; qemu-x86_64 -cpu "$cpu" "$@" 2> >(grep -v "TCG doesn't support" >&2); }

for spec in "specs/lenet5.cnn" "specs/resnet18.cnn --input 3x64x64"; do
  # shellcheck disable=SC2086
  native_v4=$(CNNCALC_KERNELS=x86-64-v4 "$binary" verify --timings $spec | summary)
  # shellcheck disable=SC2086
  native_portable=$(CNNCALC_KERNELS=portable "$binary" verify --timings $spec | summary)
  for cpu_set in Haswell:x86-64-v3 Nehalem:portable qemu64:portable; do
    cpu="${cpu_set%%:*}"
    want="${cpu_set#*:}"
    # shellcheck disable=SC2086
    got=$(emulated "$cpu" "$binary" verify --timings $spec | summary) || fail "$spec on $cpu: verify failed"
    echo "  $spec on emulated $cpu: $got"
    case "$got" in "$want kernels "*) ;; *) fail "$spec on $cpu chose '$got', expected $want" ;; esac
    expected=$([ "$want" = portable ] && echo "$native_portable" || echo "$native_v4")
    [ "${got#* kernels }" = "${expected#* kernels }" ] || fail "$spec on $cpu: $got, natively ${expected}"
  done
done

emulated qemu64 "$binary" specs/resnet50.cnn > /dev/null 2>&1 || fail "the ResNet-50 table fails on baseline x86-64"
if CNNCALC_KERNELS=x86-64-v4 emulated Haswell "$binary" verify specs/lenet5.cnn > /tmp/cnncalc-v4-on-haswell 2>&1; then
  fail "CNNCALC_KERNELS=x86-64-v4 on a Haswell ran"
fi
grep -q "this processor cannot run it" /tmp/cnncalc-v4-on-haswell || fail "no explanation for the refused kernel set"
echo "portability-check: passed"
