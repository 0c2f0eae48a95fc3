#!/usr/bin/env bash
# Hub-side sync schedules at seconds scale, through the real REST API and real processes.
# Uses governance-hub-testing, whose only difference is that GOV_TESTING_* variables can
# lower the 5-minute minimum (no configuration of the production hub reaches it).
source "$(dirname "$0")/lib.sh"

HUB_BIN="$GOV_BIN_DIR/governance-hub-testing"
[ -x "$HUB_BIN" ] || fail "governance-hub-testing was not built"
HUB_TESTING=(GOV_TESTING_MIN_REPEAT_EVERY=1s GOV_TESTING_SCHEDULER_STARTUP_GRACE=20s)
start_hub "${HUB_TESTING[@]}"
start_dashboard "$GOV_SOURCE_DIR/tests/fixtures/tyk/bundled"
create_agent_with_token "scheduled"
write_agent_config "$E2E_TMP/agent.yaml"
# The agent's own schedule, asked for below its minimum: raised to 5 minutes and said so.
start_agent "$E2E_TMP/agent.yaml" TYK_AGENT_SYNCSCHEDULE_ENABLED=true \
  TYK_AGENT_SYNCSCHEDULE_INTERVALMINUTES=2
wait_for 30 "the agent to be ACTIVE" agent_is_active
wait_latest_sync 60 >/dev/null

step "the agent's own schedule below the minimum: raised to 5 minutes, with a warning on the hub"
A=$(api GET "/api/agents/$AGENT_ID")
echo "$A" | jq -c '{warnings, sync_schedule}'
assert_eq "$(echo "$A" | jq -c '[.sync_schedule.enabled, .sync_schedule.interval_minutes]')" "[true,5]" \
  "the agent's schedule as the hub shows it"
echo "$A" | jq -e '.sync_schedule.next_at != null' >/dev/null || fail "no next_at"
echo "$A" | jq -e '[.warnings[] | select(test("intervalMinutes 2 is below the minimum of 5"))] | length == 1' \
  >/dev/null || fail "the hub does not show the agent's warning: $(echo "$A" | jq -c .warnings)"
grep -q "intervalMinutes 2 is below the minimum of 5" "$E2E_TMP/agent.log" || fail "the agent did not log the warning"

hub_syncs() { api GET "/api/agents/$AGENT_ID/syncs?page_size=1000"; }
count_hub_schedule_syncs() { hub_syncs | jq '[.syncs[] | select(.trigger == "HUB_SCHEDULE")] | length'; }
runs_json() { api GET "/api/agents/$AGENT_ID/sync-jobs/$JOB_ID/runs?page_size=1000"; }
at_least() { [ "$($1)" -ge "$2" ]; }

step "bad schedules are refused naming the field"
for case in '{"repeat_every": "500ms"}|422|below the minimum of 1s' \
  '{"repeat_every": "2s", "provider": "aws-nowhere"}|422|has no provider \"aws-nowhere\"' \
  '{"repeat_every": "soon"}|400|repeat_every' \
  '{"repeat_every": "2s", "start_from": "tomorrow"}|400|start_from' \
  '{"provider": "tyk-provider"}|400|\"repeat_every\" is required'; do
  IFS='|' read -r body code message <<<"$case"
  got=$(api_status POST "/api/agents/$AGENT_ID/sync-jobs" "$body")
  assert_eq "${got%% *}" "$code" "status for $body"
  [[ "$got" == *"$message"* ]] || fail "error for $body does not say '$message': $got"
done
assert_eq "$(api GET "/api/agents/$AGENT_ID/sync-jobs" | jq .total)" "0" "schedules after refusals"

step "a schedule every 2s of one provider, as the document writes it"
START=$(date -u +%Y-%m-%dT%H:%M:%SZ)
JOB=$(api POST "/api/agents/$AGENT_ID/sync-jobs" "{
        \"repeat_every\": \"2s\",
        \"provider\": \"tyk-provider\",
        \"start_from\": \"$START\"
    }")
JOB_ID=$(echo "$JOB" | jq -r .id)
assert_eq "$(echo "$JOB" | jq -r .repeat_every)" "2s" "repeat_every as stored"
assert_eq "$(echo "$JOB" | jq -r .start_from)" "$START" "start_from as stored"
wait_for 30 "two HUB_SCHEDULE syncs" at_least count_hub_schedule_syncs 2
S=$(hub_syncs | jq -c '[.syncs[] | select(.trigger == "HUB_SCHEDULE")][0]')
wait_for 30 "the scheduled sync to finish" sync_finished "$(echo "$S" | jq -r .id)"
S=$(api GET "/api/syncs/$(echo "$S" | jq -r .id)")
assert_eq "$(echo "$S" | jq -r .state)" "SUCCEEDED" "scheduled sync state"
assert_eq "$(echo "$S" | jq -r .provider)" "tyk-provider" "scheduled sync provider"
RUNS=$(runs_json)
echo "$RUNS" | jq -c '.runs[] | {due_at, outcome, sync_id, skipped}' | head -n 4
# Every run stands for a due time on the grid start_from + k*2s.
start_s=$(date -u -d "$START" +%s)
for due in $(echo "$RUNS" | jq -r '.runs[].due_at'); do
  off=$(($(date -u -d "$due" +%s) - start_s))
  ((off >= 0 && off % 2 == 0)) || fail "run due at $due is not on the 2s grid from $START"
done
TRIGGERED=$(echo "$RUNS" | jq -r '.runs[] | select(.outcome == "TRIGGERED") | .sync_id' | head -n1)
assert_eq "$(api GET "/api/syncs/$TRIGGERED" | jq -r .trigger)" "HUB_SCHEDULE" "trigger of a run's sync"

step "the hub is down for 5s (two or more due times): one run, not one per missed time"
HTTP_PORT=${GOVERNANCE_URL##*:}
stop_pid "$HUB_PID"
sleep 5
start_hub "${HUB_TESTING[@]}" TYK_GOV_HTTP_ADDR="127.0.0.1:$HTTP_PORT" TYK_GOV_GRPC_ADDR="$HUB_GRPC"
assert_eq "$(api GET "/api/agents/$AGENT_ID/sync-jobs" | jq -r '.sync_jobs[0].id')" "$JOB_ID" \
  "the schedule after a restart"
wait_for 30 "the agent to reconnect" agent_is_active
first_after_restart() {
  runs_json | jq -e '[.runs[] | select(.skipped >= 2)] | length >= 1'
}
wait_for 30 "a run that skipped the due times of the outage" first_after_restart
R=$(runs_json | jq -c '[.runs[] | select(.skipped >= 2)][0]')
echo "$R"
# The reconnecting agent starts its INITIAL sync of every provider at about the same time:
# the run either starts its own sync or is coalesced into that one.
case "$(echo "$R" | jq -r .outcome)" in
  TRIGGERED) ;;
  COALESCED)
    C=$(api GET "/api/syncs/$(echo "$R" | jq -r .sync_id)")
    assert_eq "$(echo "$C" | jq -r .trigger)" "INITIAL" "the sync the run was coalesced into"
    echo "$C" | jq -e --arg j "sync job $JOB_ID" '[.coalesced[] | select(.source == $j)] | length >= 1' \
      >/dev/null || fail "the INITIAL sync does not list the coalesced schedule: $(echo "$C" | jq -c .coalesced)"
    ;;
  *) fail "outcome of the run after the outage: $(echo "$R" | jq -c .)" ;;
esac

step "the agent stops: due times are recorded as MISSED with the reason"
stop_pid "$AGENT_PID"
wait_for 30 "the agent to be INACTIVE" agent_is_inactive
missed() { runs_json | jq -e '[.runs[] | select(.outcome == "MISSED")] | length >= 1'; }
wait_for 30 "a MISSED run" missed
runs_json | jq -e '[.runs[] | select(.outcome == "MISSED")][0].error | test("not connected")' >/dev/null \
  || fail "a MISSED run does not say why: $(runs_json | jq -c '.runs[0]')"

step "a deleted schedule stops"
api DELETE "/api/agents/$AGENT_ID/sync-jobs/$JOB_ID" >/dev/null
assert_eq "$(api_status GET "/api/agents/$AGENT_ID/sync-jobs/$JOB_ID" | cut -d' ' -f1)" "404" "deleted schedule"
assert_eq "$(api GET "/api/agents/$AGENT_ID/sync-jobs" | jq .total)" "0" "schedules after delete"
echo "PASS"
