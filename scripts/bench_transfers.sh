#!/usr/bin/env bash
# Transfer throughput of reve vs curl against the demo server on loopback, in the same run.
#
#   scripts/bench_transfers.sh [SIZE_MIB] [PORT]
#
# 1. upload of one SIZE_MIB file: `reve put` vs curl sending the same chunks (same session
#    protocol, one chunk at a time, like reve's default for a local policy);
# 2. download of that file: `reve get` vs `curl -o` of the same signed URL;
# 3. peak RSS of reve during both (GNU time);
# 4. 1,000 files of 4 KiB uploaded with --concurrency 1 and 3.
#
# Needs a release build (`cargo build --release --bin reve`), curl, python3, GNU time.
# Prints a Markdown table; figures are informative, nothing passes or fails.
set -euo pipefail

SIZE_MIB=${1:-1024}
PORT=${2:-18190}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REVE=${REVE:-$ROOT/target/release/reve}
WORK=$(mktemp -d -t reve-bench-XXXXXX)
SERVER=http://127.0.0.1:$PORT
export REVE_CONFIG_DIR=$WORK/config REVE_DATA_DIR=$WORK/data REVE_TOKEN_STORE=file

cleanup() {
    [[ -n "${SERVER_PID:-}" ]] && kill "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

now() { python3 -c 'import time; print(time.monotonic())'; }
mibps() { python3 -c "print(f'{$1 / 1048576 / ($3 - $2):.1f}')"; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }
# Peak RSS in MiB from a GNU time -v log.
rss() { awk -F: '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$1"; }

"$REVE" serve-demo --listen "127.0.0.1:$PORT" --data "$WORK/server" --seed >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do curl -fs "$SERVER/api/v4/site/ping" >/dev/null && break; sleep 0.1; done
echo demo-password | "$REVE" login --server "$SERVER" --email demo@reve.local --password-stdin >/dev/null
TOKEN=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['access_token'])" "$WORK/data/tokens/default.json")

mkdir -p "$WORK/src" "$WORK/out" "$WORK/curl"
head -c "$((SIZE_MIB * 1048576))" /dev/urandom >"$WORK/src/big.bin"
SIZE=$(stat -c %s "$WORK/src/big.bin")

# --- upload: reve ---------------------------------------------------------------------------
t0=$(now)
/usr/bin/time -v "$REVE" put "$WORK/src/big.bin" /bench 2>"$WORK/put.time" >/dev/null
t1=$(now)
REVE_UP=$(mibps "$SIZE" "$t0" "$t1")
REVE_UP_RSS=$(rss "$WORK/put.time")

# --- upload: curl, the same chunks ------------------------------------------------------------
SESSION=$(curl -fs -X PUT "$SERVER/api/v4/file/upload" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' \
    -d "{\"uri\":\"cloudreve://my/bench-curl/big.bin\",\"size\":$SIZE}")
SID=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['data']['session_id'])" "$SESSION")
CHUNK=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['data']['chunk_size'])" "$SESSION")
split -b "$CHUNK" -d -a 5 "$WORK/src/big.bin" "$WORK/curl/part."
t0=$(now)
i=0
for part in "$WORK"/curl/part.*; do
    curl -fs -X POST -T "$part" -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/octet-stream' "$SERVER/api/v4/file/upload/$SID/$i" >/dev/null
    i=$((i + 1))
done
t1=$(now)
CURL_UP=$(mibps "$SIZE" "$t0" "$t1")
rm -rf "$WORK/curl"

# --- download: reve and curl, the same URL ----------------------------------------------------
t0=$(now)
/usr/bin/time -v "$REVE" get /bench/big.bin "$WORK/out" 2>"$WORK/get.time" >/dev/null
t1=$(now)
REVE_DOWN=$(mibps "$SIZE" "$t0" "$t1")
REVE_DOWN_RSS=$(rss "$WORK/get.time")
cmp "$WORK/src/big.bin" "$WORK/out/big.bin"

URL=$("$REVE" url --download /bench/big.bin)
t0=$(now)
curl -fs -o "$WORK/out/curl.bin" "$URL"
t1=$(now)
CURL_DOWN=$(mibps "$SIZE" "$t0" "$t1")

# --- many small files ----------------------------------------------------------------------------
mkdir -p "$WORK/small"
for n in $(seq 1000); do head -c 4096 /dev/urandom >"$WORK/small/f$n.bin"; done
t0=$(now)
"$REVE" put -r --concurrency 1 "$WORK/small" /small1 >/dev/null
t1=$(now)
SMALL1=$(secs "$t0" "$t1")
t0=$(now)
"$REVE" put -r --concurrency 3 "$WORK/small" /small3 >/dev/null
t1=$(now)
SMALL3=$(secs "$t0" "$t1")

pct() { python3 -c "print(f'{100 * $1 / $2:.0f} %')"; }
cat <<EOF

| ${SIZE_MIB} MiB on loopback (chunk $((CHUNK / 1048576)) MiB) | reve | curl | reve / curl |
|---|---|---|---|
| upload (MiB/s)   | $REVE_UP | $CURL_UP | $(pct "$REVE_UP" "$CURL_UP") |
| download (MiB/s) | $REVE_DOWN | $CURL_DOWN | $(pct "$REVE_DOWN" "$CURL_DOWN") |
| peak RSS upload / download (MiB) | $REVE_UP_RSS / $REVE_DOWN_RSS | | |

| 1,000 files × 4 KiB | seconds |
|---|---|
| --concurrency 1 | $SMALL1 |
| --concurrency 3 | $SMALL3 |
EOF
