#!/usr/bin/env bash
# Crash-and-restore drill on SQLite: serve the demo, let 4 writers declare goals through the
# API, kill -9 the server mid-write, run `aspire restore` from a backup, and count how many of
# the acknowledged goals (HTTP 201 with an id) are in the copy restore kept of the crashed
# database. Every acknowledged write must be there, and the copy must pass its integrity check.
#
#   cargo build --release && scripts/crash_restore_drill.sh [ROUNDS] [SECONDS_OF_LOAD]
#
# Needs curl and sqlite3. Prints one line per round and the totals.
set -euo pipefail

ROUNDS=${1:-10}
LOAD_SECONDS=${2:-3}
ASPIRE=${ASPIRE:-target/release/aspire}
WRITERS=4
PORT=${PORT:-18990}
BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d)
DATA="$WORK/data"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

[ -x "$ASPIRE" ] || { echo "no $ASPIRE: run cargo build --release first" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "needs sqlite3 (apt-get install sqlite3)" >&2; exit 1; }

start_server() {
    ASPIRE_LOG=error "$ASPIRE" --data-dir "$DATA" --bind "127.0.0.1:$PORT" demo >"$WORK/server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 100); do
        curl -sf "$BASE/healthz" >/dev/null && return 0
        sleep 0.1
    done
    echo "aspire did not start: $(cat "$WORK/server.log")" >&2
    exit 1
}

# A member's API token and the goals address of their next meeting.
start_server
JAR="$WORK/cookies"
CSRF=$(curl -s -c "$JAR" "$BASE/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
MEMBER=$(grep -E '^ +member ' "$WORK/server.log" | awk '{print $2}')
curl -s -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "csrf=$CSRF" --data-urlencode "email=$MEMBER" \
    --data-urlencode "password=aspire-demo-2026" --data-urlencode "next=/" "$BASE/login"
CSRF=$(curl -s -b "$JAR" "$BASE/goals" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
TOKEN=$(curl -s -b "$JAR" --data-urlencode "csrf=$CSRF" "$BASE/goals/api-token" | grep -o 'id="api-token" value="[^"]*"' | sed 's/.*value="//; s/"$//')
GOALS_URL=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/meetings" | grep -o '"goals_url":"[^"]*"' | head -1 | sed 's/.*:"//; s/"$//')
[ -n "$TOKEN" ] && [ -n "$GOALS_URL" ] || { echo "could not get an API token and a meeting" >&2; exit 1; }
"$ASPIRE" --data-dir "$DATA" backup "$WORK/backup.db" >/dev/null
kill -9 "$SERVER"; wait "$SERVER" 2>/dev/null || true
"$ASPIRE" --data-dir "$DATA" restore "$WORK/backup.db" >/dev/null

writer() {
    local n=0
    while :; do
        n=$((n + 1))
        local body
        body=$(curl -s -m 5 -w ' %{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
            -d "{\"text\": \"drill $1-$n\", \"kind\": \"other\"}" "$BASE$GOALS_URL" || true)
        if [ "${body##* }" = "201" ]; then
            echo "$body" | grep -o '"id":[0-9]*' | cut -d: -f2 >>"$WORK/acked.$1"
        fi
    done
}

TOTAL_ACKED=0 TOTAL_LOST=0 INTEGRITY_FAILED=0
for round in $(seq "$ROUNDS"); do
    rm -f "$WORK"/acked.*
    start_server
    for w in $(seq $WRITERS); do writer "$w" & done
    sleep "$LOAD_SECONDS.$((RANDOM % 10))"
    kill -9 "$SERVER"; wait "$SERVER" 2>/dev/null || true
    kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true
    OUT=$("$ASPIRE" --data-dir "$DATA" restore "$WORK/backup.db")
    KEPT=$(echo "$OUT" | grep -o "as [^ ]*before-restore-[0-9]*" | sed 's/^as //')
    [ -n "$KEPT" ] || { echo "restore did not say where it kept the crashed database: $OUT" >&2; exit 1; }
    cat "$WORK"/acked.* 2>/dev/null | sort -u >"$WORK/acked"
    sqlite3 "$KEPT" "SELECT id FROM goals WHERE text LIKE 'drill %'" | sort -u >"$WORK/found"
    ACKED=$(wc -l <"$WORK/acked")
    LOST=$(comm -23 "$WORK/acked" "$WORK/found" | wc -l)
    INTEGRITY=$(sqlite3 "$KEPT" "PRAGMA integrity_check")
    [ "$INTEGRITY" = "ok" ] || INTEGRITY_FAILED=$((INTEGRITY_FAILED + 1))
    echo "round $round: $ACKED acknowledged, $LOST missing from the kept copy, integrity $INTEGRITY"
    TOTAL_ACKED=$((TOTAL_ACKED + ACKED)); TOTAL_LOST=$((TOTAL_LOST + LOST))
    rm -f "$KEPT" "$KEPT-wal" "$KEPT-shm"
done
echo "$ROUNDS kills under $WRITERS writers: $TOTAL_ACKED acknowledged writes, $TOTAL_LOST lost, $INTEGRITY_FAILED integrity failures"
[ "$TOTAL_LOST" -eq 0 ] && [ "$INTEGRITY_FAILED" -eq 0 ]
