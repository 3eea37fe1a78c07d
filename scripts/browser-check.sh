#!/usr/bin/env bash
# The browser check of the HTML report (issue 12), run by .ci/run; not part of `swift test`,
# which must pass without a browser.
#
# For every zoo spec and documented example it writes `cnncalc report`, renders it in headless
# Chromium twice — once with a probe (scripts/browser-check.js) whose verdict lands in the DOM
# dump, once for a screenshot — and fails on a JavaScript error, a blank or broken picture,
# overlapping boxes (measured from the rendered DOM in every fold view), dead interaction, or a
# screenshot that did not come out. It also feeds `cnncalc graph --format dot` of every spec to
# Graphviz's `dot -Tsvg`. Chromium and Graphviz are installed from Debian when absent.
#
# usage: scripts/browser-check.sh [--binary PATH] [--out DIR] [SPEC…]   (default: every zoo spec)
set -euo pipefail
cd "$(dirname "$0")/.."

binary=.build/release/cnncalc
out=/tmp/cnncalc-browser-check
specs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) specs+=("$1"); shift ;;
  esac
done
if [ ${#specs[@]} -eq 0 ]; then specs=(specs/*.cnn docs/examples/*.cnn); fi

install() {
  local missing=()
  command -v chromium > /dev/null || missing+=(chromium)
  command -v dot > /dev/null || missing+=(graphviz)
  [ ${#missing[@]} -eq 0 ] && return
  echo "installing from Debian: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" > /dev/null
}
install

chrome() {
  # A fresh profile per run, no GPU, no sandbox (CI runs as root); a run that hangs is killed.
  local profile
  profile=$(mktemp -d)
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
    --user-data-dir="$profile" "$@" 2> "$profile.log" || { cat "$profile.log" >&2; rm -rf "$profile"; return 1; }
  rm -rf "$profile" "$profile.log"
}

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
failed=0
for spec in "${specs[@]}"; do
  name=$(echo "${spec%.*}" | tr / -)
  report="$out/$name.html"
  # A spec with errors still gets its report (exit 1); the check is about the page.
  "$binary" report "$spec" -o "$report" 2> /dev/null || [ -s "$report" ] || {
    echo "FAIL $name: no report written"
    failed=1
    continue
  }
  # The probe: an error listener first in <head>, the checks after the report's script.
  probe="$out/$name.probe.html"
  {
    sed 's|<head>|<head>\n<script>window.__cnncalcErrors=[];window.addEventListener("error",function(e){window.__cnncalcErrors.push(e.message)});</script>|' "$report" \
      | sed 's|</body>||; s|</html>||'
    printf '<script>\n'
    cat scripts/browser-check.js
    printf '</script>\n</body>\n</html>\n'
  } > "$probe"
  chrome --window-size=1400,1000 --dump-dom "file://$probe" > "$out/$name.dom.html" || true
  verdict=$(grep -o '<pre id="browser-check">BROWSER-CHECK [^<]*' "$out/$name.dom.html" | sed 's/<pre id="browser-check">//' || echo "BROWSER-CHECK FAIL: no verdict in the DOM dump")
  chrome --window-size=1400,1000 --screenshot="$out/$name.png" "file://$report" || true
  shot=$(stat -c %s "$out/$name.png" 2> /dev/null || echo 0)
  if [ "$shot" -lt 20000 ]; then verdict="BROWSER-CHECK FAIL: the screenshot is missing or blank ($shot bytes); $verdict"; fi
  # Graphviz reads the DOT export.
  "$binary" graph "$spec" --format dot -o "$out/$name.dot" 2> /dev/null || true
  if ! dot -Tsvg "$out/$name.dot" -o "$out/$name.dot.svg" 2> "$out/$name.dot.log"; then
    verdict="BROWSER-CHECK FAIL: dot -Tsvg rejected the DOT export: $(head -c 300 "$out/$name.dot.log"); $verdict"
  fi
  case "$verdict" in
    "BROWSER-CHECK PASS"*) echo "ok   $name ${verdict#BROWSER-CHECK PASS }, $(( $(stat -c %s "$report") / 1024 )) KiB" ;;
    *) echo "FAIL $name: ${verdict#BROWSER-CHECK FAIL: }"; failed=1 ;;
  esac
done
[ "$failed" -eq 0 ] || { echo "browser check failed; pages, DOM dumps and screenshots in $out" >&2; exit 1; }
echo "browser check passed: ${#specs[@]} reports (screenshots in $out)"
