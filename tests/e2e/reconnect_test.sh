#!/usr/bin/env bash
# The hub goes away and comes back: the agent notices at once (/live 503 with the
# reason), retries with growing delays, and - without being touched - reconnects to the
# hub restarted on the same ports and database, becomes ACTIVE again and runs a new
# INITIAL sync that finds everything unchanged. Twice: after a crash and after a stop.
source "$(dirname "$0")/lib.sh"

EXPECTED="$GOV_SOURCE_DIR/tests/fixtures/tyk/bundled-expected.json"
COUNT=$(jq .api_count "$EXPECTED")

# Milliseconds of an absl duration as the agent logs it ("750.2ms", "1.5s", "1m2.5s").
to_ms() {
  awk -v d="$1" 'BEGIN {
    ms = 0
    while (match(d, /^[0-9.]+(ms|us|h|m|s)/)) {
      tok = substr(d, 1, RLENGTH); d = substr(d, RLENGTH + 1)
      n = tok + 0
      if (tok ~ /ms$/) ms += n; else if (tok ~ /us$/) ms += n / 1000
      else if (tok ~ /h$/) ms += n * 3600000; else if (tok ~ /m$/) ms += n * 60000
      else ms += n * 1000
    }
    printf "%d\n", ms
  }'
}

# The retry delays the agent logged after line $1 of its log, in milliseconds.
retry_delays_after() {
  tail -n +"$(($1 + 1))" "$E2E_TMP/agent.log" | grep -o 'retrying in [0-9.a-z]*' | awk '{print $3}' |
    while read -r d; do to_ms "$d"; done
}
retries_at_least() { [ "$(retry_delays_after "$1" | wc -l)" -ge "$2" ]; }

# The newest sync of the agent if it is not $1 and has finished.
new_sync_finished() {
  api GET "/api/agents/$AGENT_ID/syncs?page_size=1" |
    jq -e --arg old "$1" '.syncs[0] | select(.id != $old and .finished_at != null)'
}

start_hub
start_dashboard "$GOV_SOURCE_DIR/tests/fixtures/tyk/bundled"
create_agent_with_token "reconnect"
write_agent_config "$E2E_TMP/agent.yaml"
start_agent "$E2E_TMP/agent.yaml"
AGENT_PID_FIRST=$AGENT_PID

step "the agent connects and syncs"
wait_for 30 "the agent to be ACTIVE" agent_is_active
wait_for 10 "/live to answer 200" live_is 200
FIRST=$(wait_latest_sync 60)
FIRST_ID=$(echo "$FIRST" | jq -r .id)
assert_eq "$(echo "$FIRST" | jq -r .state)" "SUCCEEDED" "first sync"
assert_eq "$(echo "$FIRST" | jq '.providers[0].created')" "$COUNT" "created by the first sync"

HTTP_ADDR="${GOVERNANCE_URL#http://}"
GRPC_ADDR="$HUB_GRPC"
CONNECTIONS=1

# outage SIGNAL: stops the hub with SIGNAL, checks the agent notices and retries with
# growing delays (the first one quick), restarts the hub on the same ports and database
# and waits for the agent to come back by itself.
outage() {
  local signal=$1
  step "the hub stops (SIG$signal): /live turns 503 with the reason"
  local mark
  mark=$(wc -l <"$E2E_TMP/agent.log")
  kill -s "$signal" "$HUB_PID"
  wait "$HUB_PID" 2>/dev/null || true
  mv "$E2E_TMP/hub.log" "$E2E_TMP/hub-before-SIG$signal.log"
  wait_for 5 "/live to answer 503 once the hub is gone" live_is 503
  local live
  live=$(curl -s "$AGENT_HEALTH/live")
  echo "/live: $live"
  echo "$live" | jq -e '.status == "not ready" and (.reason | test("hub"))' >/dev/null ||
    fail "/live does not say why it is not ready: $live"
  curl -sf "$AGENT_HEALTH/health" >/dev/null || fail "/health must stay 200 while the hub is away"

  step "the agent retries with growing delays"
  wait_for 30 "four reconnect attempts in the agent log" retries_at_least "$mark" 4
  local delays
  mapfile -t delays < <(retry_delays_after "$mark")
  echo "retry delays (ms): ${delays[*]}"
  ((delays[0] <= 1000)) || fail "the first retry must come quickly, not after ${delays[0]}ms"
  for ((i = 1; i < ${#delays[@]}; i++)); do
    ((delays[i] >= delays[i - 1])) || fail "retry delays must not shrink: ${delays[*]}"
  done
  ((delays[3] > delays[0] * 2)) || fail "retry delays do not grow: ${delays[*]}"
  live_is 503 || fail "/live must stay 503 while the hub is away"

  step "the hub restarts on the same ports and database; the agent reconnects by itself"
  start_hub TYK_GOV_HTTP_ADDR="$HTTP_ADDR" TYK_GOV_GRPC_ADDR="$GRPC_ADDR"
  assert_eq "${GOVERNANCE_URL#http://}" "$HTTP_ADDR" "REST address after the restart"
  assert_eq "$HUB_GRPC" "$GRPC_ADDR" "gRPC address after the restart"
  # The backoff after four or five doubled attempts is at most 16s.
  wait_for 40 "the agent to be ACTIVE again" agent_is_active
  wait_for 10 "/live to answer 200 again" live_is 200
  kill -0 "$AGENT_PID_FIRST" 2>/dev/null || fail "the agent process exited"
  CONNECTIONS=$((CONNECTIONS + 1))
  assert_eq "$(grep -c '\] connected to the hub at' "$E2E_TMP/agent.log")" "$CONNECTIONS" \
    "connections in the agent log"
}

# unchanged_resync OLD_ID: the INITIAL sync after reconnecting finds everything unchanged.
unchanged_resync() {
  step "a new INITIAL sync finds everything unchanged"
  wait_for 60 "a new sync to finish" new_sync_finished "$1"
  local s
  s=$(new_sync_finished "$1")
  echo "$s" | jq -c '{trigger, state, providers: [.providers[] | {name, seen, created, updated, unchanged, deleted}]}'
  assert_eq "$(echo "$s" | jq -r .trigger)" "INITIAL" "trigger of the sync after reconnecting"
  assert_eq "$(echo "$s" | jq -r .state)" "SUCCEEDED" "state of the sync after reconnecting"
  assert_eq "$(echo "$s" | jq -c '.providers[0] | [.unchanged, .created, .updated, .deleted, .restored]')" \
    "[$COUNT,0,0,0,0]" "counts of the sync after reconnecting"
  assert_eq "$(apis_json '&status=ACTIVE' | jq .total)" "$COUNT" "ACTIVE APIs after reconnecting"
  assert_eq "$(apis_json '&status=DELETED' | jq .total)" "0" "DELETED APIs after reconnecting"
  api GET /api/providers | jq -e '.providers[0].connection_status == "CONNECTED"' >/dev/null ||
    fail "provider not CONNECTED after reconnecting"
  LAST_SYNC_ID=$(echo "$s" | jq -r .id)
}

# A crash, then - after the agent has been connected again - an orderly stop: the second
# outage must start from a short delay again, not from where the first one left off.
outage KILL
unchanged_resync "$FIRST_ID"
outage TERM
unchanged_resync "$LAST_SYNC_ID"
echo "PASS"
