#!/usr/bin/env bash
# Sync benchmark: wall time of a full sync and peak memory (VmHWM) of the hub and the
# agent, for the bundled definitions and for N generated ones. Real binaries, loopback.
#
#   bench/sync_bench.sh [N=1000] [ROUNDS=3]
#
# Needs build/bin/{governance-hub,governance-agent,fake-tyk-dashboard}
# (scripts/build.sh fake-tyk-dashboard). Prints one Markdown table row per data set.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
ROUNDS=${2:-3}
BIN=${GOV_BIN_DIR:-build/bin}
for b in governance-hub governance-agent fake-tyk-dashboard; do
  [ -x "$BIN/$b" ] || { echo "missing $BIN/$b: run scripts/build.sh fake-tyk-dashboard" >&2; exit 1; }
done
TMP=$(mktemp -d)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
KEY=bench-key

wait_for() { local d=$((SECONDS + $1)); shift; until "$@" >/dev/null 2>&1; do ((SECONDS < d)) || { echo "timeout: $*" >&2; exit 1; }; sleep 0.05; done; }
port() { grep -o "$2 [0-9.]*:[0-9]*" "$1" | head -1 | awk -F: '{print $NF}'; }
hwm_kib() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
now_ms() { date +%s%3N; }

run_set() {  # label dir
  local label=$1 dir=$2 w="$TMP/$1"
  mkdir -p "$w"
  TYK_GOV_HTTP_ADDR=127.0.0.1:0 TYK_GOV_GRPC_ADDR=127.0.0.1:0 TYK_GOV_DATABASE_URL="sqlite://$w/gov.db" \
    TYK_GOV_API_KEY=$KEY TYK_GOV_LOGLEVEL=info "$BIN/governance-hub" >"$w/hub.out" 2>"$w/hub.log" &
  local hub=$!; PIDS+=($hub)
  wait_for 20 grep -q "http listening" "$w/hub.log"
  local url="http://127.0.0.1:$(port "$w/hub.log" "http listening on")"
  local grpc="127.0.0.1:$(port "$w/hub.log" "grpc listening on")"
  "$BIN/fake-tyk-dashboard" --dir "$dir" --key dash --listen 127.0.0.1:0 >"$w/dash.log" 2>&1 &
  PIDS+=($!)
  wait_for 20 grep -q "listening on" "$w/dash.log"
  local dash="http://127.0.0.1:$(port "$w/dash.log" "listening on")"
  local agent_id token
  agent_id=$(curl -s -X POST "$url/api/agents/" -H "X-API-Key: $KEY" -d '{"name":"bench"}' | jq -r .id)
  token=$(curl -s -X POST "$url/api/auth/token/" -H "X-API-Key: $KEY" -d "{\"agent_id\":\"$agent_id\"}" | jq -r .token)
  cat >"$w/agent.yaml" <<YAML
governanceDashboard: {server: {url: "$grpc"}, auth: {token: "$token"}}
logLevel: warn
healthProbe: {server: {port: 0}}
instances:
  - {name: tyk, type: tyk, config: {host: "$dash", auth: dash}}
YAML
  local t0; t0=$(now_ms)
  "$BIN/governance-agent" --config "$w/agent.yaml" >"$w/agent.log" 2>&1 &
  local agent=$!; PIDS+=($agent)
  done_sync() { curl -sf "$url/api/agents/$agent_id/syncs?page_size=1" -H "X-API-Key: $KEY" | jq -e '.syncs[0].state == "SUCCEEDED"'; }
  wait_for 300 done_sync
  local first=$(( $(now_ms) - t0 ))
  # Further rounds: unchanged re-syncs (hash comparison, no writes), then one with every API changed is not simulated.
  local best=999999 total=0
  for ((r = 1; r <= ROUNDS; r++)); do
    local s0 sid; s0=$(now_ms)
    sid=$(curl -s -X POST "$url/api/agents/$agent_id/sync" -H "X-API-Key: $KEY" | jq -r .id)
    fin() { curl -sf "$url/api/syncs/$sid" -H "X-API-Key: $KEY" | jq -e '.finished_at != null'; }
    wait_for 300 fin
    local el=$(( $(now_ms) - s0 )); total=$((total + el)); ((el < best)) && best=$el
  done
  local count; count=$(curl -s "$url/api/apis?page_size=1" -H "X-API-Key: $KEY" | jq .total)
  printf '| %s | %s | %s ms | %s ms | %s MiB | %s MiB |\n' "$label" "$count" "$first" "$best" \
    "$(( $(hwm_kib $hub) / 1024 ))" "$(( $(hwm_kib $agent) / 1024 ))"
  kill $agent $hub 2>/dev/null || true
}

echo "| data set | APIs | first sync (connect + create all) | re-sync, unchanged (best of $ROUNDS) | hub peak RSS | agent peak RSS |"
echo "| --- | --- | --- | --- | --- | --- |"
run_set bundled tests/fixtures/tyk/bundled
tests/fixtures/tyk/generate.sh "$N" "$TMP/generated" >/dev/null
run_set "generated-$N" "$TMP/generated"
