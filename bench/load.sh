#!/usr/bin/env bash
# Soak under load while the store keeps changing: `node dist/main.js serve` (worker on, every
# source due every 5 s) answers wrk at 256 connections for 60 s on one feed, while
#   - a generator rewrites a live feed file every second (a new story each time), so the worker's
#     passes really change the store and invalidate the cached feed under load, and
#   - a loop of `node dist/main.js collect` runs against the same SQLite file (a second writer).
# Reports wrk's numbers and errors (non-2xx/3xx and socket errors: must be 0), the server's
# RSS every 5 s (should stay flat), and how many renders the store changes caused.
# Run after `npm run build`. Env: LOAD_SECONDS (60), LOAD_CONNECTIONS (256), LOAD_PATH (/feeds/world.rss),
# LOAD_SECOND_WRITER (1; 0 leaves the server's own worker as the only writer).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CORPUS="$(cd "${CORPUS_DIR:-$ROOT/../shared/corpus}/feeds" && pwd)"
SECONDS_TOTAL="${LOAD_SECONDS:-60}"
CONNECTIONS="${LOAD_CONNECTIONS:-256}"
FEED_PATH="${LOAD_PATH:-/feeds/world.rss}"
SECOND_WRITER="${LOAD_SECOND_WRITER:-1}"
command -v wrk >/dev/null || { echo "load.sh: wrk not found (Debian: apt-get install -y wrk)" >&2; exit 1; }
[ -f "$ROOT/dist/main.js" ] || { echo "load.sh: run npm run build first" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/feed-load-XXXXXX")"
PIDS=()
COLLECTOR=""
cleanup() {
  touch "$WORK/stop"
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  # The collect loop stops after its current pass (it checks $WORK/stop).
  if [ -n "$COLLECTOR" ]; then wait "$COLLECTOR" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---- config: the shipped categories, a live feed and ten corpus feeds, all due every 5 s ---------
mkdir -p "$WORK/config" "$WORK/feeds"
cp "$ROOT/config/categories.yaml" "$WORK/config/categories.yaml"
{
  echo "defaults: { every: 5s, retention: { max_items: 200, max_age: 36500d }, fetch: { allowed_file_dirs: [\"$CORPUS\"] } }"
  echo "sources:"
  echo "  - { id: live, kind: feed, url: live.xml, categories: [world] }"
  i=0
  for file in $(ls "$CORPUS" | grep -E '^rss2-' | head -10); do
    echo "  - { id: corpus-$i, kind: feed, url: \"file://$CORPUS/$file\" }"
    i=$((i + 1))
  done
} >"$WORK/config/sources.yaml"

# A feed that gains a story every second (the newest 30 kept).
cat >"$WORK/live-feed.mjs" <<'EOF'
import { renameSync, writeFileSync } from "node:fs";
const file = process.argv[2];
for (let n = 0; ; n++) {
  const items = [];
  for (let k = n; k > n - 30 && k >= 0; k--) {
    const when = new Date(Date.UTC(2026, 0, 1) + k * 60_000).toUTCString();
    items.push(`<item><title>Live story ${k}: talks continue in Brussels</title><link>https://live.example.org/${k}</link><guid>https://live.example.org/${k}</guid><pubDate>${when}</pubDate><description>Update number ${k}</description></item>`);
  }
  writeFileSync(`${file}.tmp`, `<?xml version="1.0"?><rss version="2.0"><channel><title>Live</title><link>https://live.example.org/</link><description>Live</description>${items.join("")}</channel></rss>`);
  renameSync(`${file}.tmp`, file);
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
EOF
node "$WORK/live-feed.mjs" "$WORK/config/live.xml" &
PIDS+=($!)
sleep 0.5

PORT="$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
export HOST=127.0.0.1 PORT CONFIG_DIR="$WORK/config" DATABASE_URL="sqlite:$WORK/feeds.db" FEEDS_DIR="$WORK/feeds" LOG_LEVEL=error BASE_URL="http://127.0.0.1:$PORT"
node "$ROOT/dist/main.js" serve >"$WORK/serve.log" 2>&1 &
SERVER=$!
PIDS+=($SERVER)
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT$FEED_PATH" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT$FEED_PATH" || { echo "load.sh: server did not start"; cat "$WORK/serve.log"; exit 1; }

# ---- a second writer: collect passes against the same SQLite file, back to back ------------------
touch "$WORK/collect-failures.log"
[ "$SECOND_WRITER" = "1" ] || touch "$WORK/stop"
(
  passes=0
  while [ ! -f "$WORK/stop" ]; do
    node "$ROOT/dist/main.js" collect >>"$WORK/collect.log" 2>&1 || echo "collect exited $?" >>"$WORK/collect-failures.log"
    passes=$((passes + 1))
    echo "$passes" >"$WORK/collect-passes"
  done
) &
COLLECTOR=$!

metric() { curl -fsS "http://127.0.0.1:$PORT/metrics" | awk -v name="$1" '$1 == name { print $2 }'; }
misses_before="$(metric feeds_render_cache_misses_total || echo "?")"

# ---- load, sampling the server's RSS every 5 s ----------------------------------------------------
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER/status"; }
echo "## Soak: wrk -t2 -c$CONNECTIONS -d${SECONDS_TOTAL}s --latency -H 'Accept-Encoding: gzip' http://127.0.0.1:$PORT$FEED_PATH"
echo "(server: node dist/main.js serve, worker on, 11 sources every 5 s, one changing every second$([ "$SECOND_WRITER" = "1" ] && echo "; plus a loop of node dist/main.js collect on the same SQLite file"))"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_TOTAL}s" --latency -H "Accept-Encoding: gzip" "http://127.0.0.1:$PORT$FEED_PATH" >"$WORK/wrk.txt" 2>&1 &
WRK=$!
PIDS+=($WRK)
samples=()
elapsed=0
while kill -0 "$WRK" 2>/dev/null; do
  samples+=("${elapsed}s:$(( $(rss_kib) / 1024 ))MiB")
  sleep 5
  elapsed=$((elapsed + 5))
done
wait "$WRK" || true
samples+=("end:$(( $(rss_kib) / 1024 ))MiB")

misses_after="$(metric feeds_render_cache_misses_total || echo "?")"
non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $5 }' "$WORK/wrk.txt")"
socket="$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$WORK/wrk.txt")"
echo
sed -n '/Thread Stats/,$p' "$WORK/wrk.txt"
echo
echo "| measure | value |"
echo "| --- | --- |"
echo "| requests/s | $(awk '/Requests\/sec/ { print $2 }' "$WORK/wrk.txt") |"
echo "| p99 latency | $(awk '$1 == "99%" { print $2 }' "$WORK/wrk.txt") |"
echo "| non-2xx/3xx responses | ${non2xx:-0} |"
echo "| socket errors (connect+read+write+timeout) | ${socket:-0} |"
echo "| server RSS every 5 s | ${samples[*]} |"
echo "| renders caused by store changes during the run | $(( ${misses_after:-0} - ${misses_before:-0} )) (render-cache misses) |"
echo "| collect passes by the second writer | $(cat "$WORK/collect-passes" 2>/dev/null || echo 0) ($(wc -l <"$WORK/collect-failures.log" 2>/dev/null || echo 0) exited non-zero) |"
echo "| server errors logged | $(grep -c '"level":50' "$WORK/serve.log" || true) |"
if [ "${non2xx:-0}" != "0" ] || [ "${socket:-0}" != "0" ]; then
  echo "load.sh: errors under load" >&2
  exit 1
fi
