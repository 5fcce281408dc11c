#!/usr/bin/env bash
# Builds examples/browser with Vite and runs it in headless Chromium (Debian's `chromium`
# package), printing what the page printed. test/browser/fit-async.test.ts runs the same page
# under playwright-core in `npm test` (with real time; this script's --virtual-time-budget makes
# the page's timer figures meaningless).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
npx vite build examples/browser --outDir "$out" --emptyOutDir --logLevel warn --base ./
port=$((20000 + RANDOM % 10000))
(cd "$out" && python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
trap 'kill $server' EXIT
sleep 1
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)" --virtual-time-budget=60000 \
  --dump-dom "http://127.0.0.1:$port/index.html" 2>/dev/null | sed -n '/<pre id="out">/,/<\/pre>/p'
