#!/usr/bin/env bash
# The mass-deletion guard of the real hub: a listing that would delete most of a provider's
# APIs, or comes back empty, deletes nothing until an operator applies it; the threshold is
# configuration. Also: the production hub keeps the 5-minute minimum of sync-jobs.
source "$(dirname "$0")/lib.sh"

EXPECTED="$GOV_SOURCE_DIR/tests/fixtures/tyk/bundled-expected.json"
COUNT=$(jq .api_count "$EXPECTED")
start_hub
start_dashboard "$GOV_SOURCE_DIR/tests/fixtures/tyk/bundled"
create_agent_with_token "guarded"
write_agent_config "$E2E_TMP/agent.yaml"
start_agent "$E2E_TMP/agent.yaml"
wait_for 30 "the agent to be ACTIVE" agent_is_active
assert_eq "$(wait_latest_sync 60 | jq -r .state)" "SUCCEEDED" "initial sync"
count_status() { apis_json "&status=$1" | jq .total; }

step "the production hub refuses schedules below 5 minutes"
got=$(api_status POST "/api/agents/$AGENT_ID/sync-jobs" '{"repeat_every": "2s"}')
assert_eq "${got%% *}" "422" "status of a 2s schedule"
[[ "$got" == *"below the minimum of 5m"* ]] || fail "no minimum in: $got"

# 12 of the 19 bundled APIs (63%, above the default 50%).
DROP_QUERY=$(jq -r '[.apis[0:12][] | "api_id=\(.api_id)"] | join("&")' "$EXPECTED")
ALL_QUERY=$(jq -r '[.apis[] | "api_id=\(.api_id)"] | join("&")' "$EXPECTED")

step "12 of $COUNT APIs gone at the provider: held, nothing deleted, sync PARTIAL"
fake_ctl "drop?$DROP_QUERY"
S=$(sync_now)
echo "$S" | jq -c '{state, error, held: .providers[0].held_deletions}'
assert_eq "$(echo "$S" | jq -r .state)" "PARTIAL" "sync state"
assert_eq "$(echo "$S" | jq -r '.providers[0].held_deletions.state')" "HELD" "held state"
assert_eq "$(echo "$S" | jq '.providers[0].held_deletions.count')" "12" "held count"
assert_eq "$(echo "$S" | jq '.providers[0].deleted')" "0" "deleted count"
echo "$S" | jq -e '.error | test("50%")' >/dev/null || fail "the reason does not name the threshold"
assert_eq "$(count_status ACTIVE)" "$COUNT" "ACTIVE APIs while held"
HELD_SYNC=$(echo "$S" | jq -r .id)
held_gauge() { curl -s "$GOVERNANCE_URL/metrics" | awk '$1 == "governance_provider_listings_held" {print $2}'; }
assert_eq "$(held_gauge)" "1" "governance_provider_listings_held while held"
HELD=$(api GET "/api/syncs/$HELD_SYNC/held-deletions")
assert_eq "$(echo "$HELD" | jq .total)" "12" "held deletions listed"
assert_eq "$(echo "$HELD" | jq -r '[.held_deletions[].name] | all(. != null and . != "")')" "true" \
  "held deletions carry the API names"

step "an operator applies them"
A=$(api POST "/api/syncs/$HELD_SYNC/held-deletions/apply" '{"provider": "tyk-provider"}')
assert_eq "$(echo "$A" | jq -r '.providers[0].held_deletions.state')" "APPLIED" "state after apply"
assert_eq "$(echo "$A" | jq -c "[.state, .error, .providers[0].state]")" '["SUCCEEDED",null,"SUCCEEDED"]' "the sync once its deletions are applied"
assert_eq "$(echo "$A" | jq '.providers[0].deleted')" "12" "deleted by the operator"
assert_eq "$(count_status DELETED)" "12" "DELETED APIs"
assert_eq "$(held_gauge)" "0" "governance_provider_listings_held once applied"
got=$(api_status POST "/api/syncs/$HELD_SYNC/held-deletions/apply" '{}')
assert_eq "${got%% *}" "409" "applying twice"

step "they return: RESTORED"
fake_ctl "restore"
S=$(sync_now)
assert_eq "$(echo "$S" | jq '.providers[0].restored')" "12" "restored count"

step "an empty listing where there were APIs is held whatever the share"
fake_ctl "drop?$ALL_QUERY"
S=$(sync_now)
assert_eq "$(echo "$S" | jq -r .state)" "PARTIAL" "state of an empty listing"
assert_eq "$(echo "$S" | jq '.providers[0].held_deletions.count')" "$COUNT" "held count"
assert_eq "$(count_status ACTIVE)" "$COUNT" "ACTIVE APIs after an empty listing"
EMPTY_SYNC=$(echo "$S" | jq -r .id)

step "the provider recovers: what was held is superseded, nothing deleted"
fake_ctl "restore"
S=$(sync_now)
assert_eq "$(echo "$S" | jq -r .state)" "SUCCEEDED" "sync after recovery"
assert_eq "$(api GET "/api/syncs/$EMPTY_SYNC" | jq -r '.providers[0].held_deletions.state')" \
  "SUPERSEDED" "the earlier hold"
assert_eq "$(count_status ACTIVE)" "$COUNT" "ACTIVE APIs after recovery"

step "a raised threshold (TYK_GOV_SYNC_DELETIONGUARD_MAXPERCENT=80) lets 63% through"
SYNCS_BEFORE=$(api GET "/api/agents/$AGENT_ID/syncs" | jq .total)
restart_hub TYK_GOV_SYNC_DELETIONGUARD_MAXPERCENT=80
# The reconnecting agent runs an INITIAL sync; wait for it before asking for another.
initial_after_restart() {
  api GET "/api/agents/$AGENT_ID/syncs?page_size=1" |
    jq -e --argjson n "$SYNCS_BEFORE" '.total > $n and .syncs[0].finished_at != null'
}
wait_for 30 "the agent to reconnect" agent_is_active
wait_for 60 "the INITIAL sync after the restart" initial_after_restart
fake_ctl "drop?$DROP_QUERY"
S=$(sync_now)
assert_eq "$(echo "$S" | jq -r .state)" "SUCCEEDED" "sync state under 80%"
assert_eq "$(echo "$S" | jq '.providers[0].deleted')" "12" "deleted under 80%"

step "a bad threshold is a configuration error naming the variable"
set +e
TYK_GOV_SYNC_DELETIONGUARD_MAXPERCENT=150 TYK_GOV_HTTP_ADDR=127.0.0.1:0 TYK_GOV_GRPC_ADDR=127.0.0.1:0 \
  TYK_GOV_DATABASE_URL="sqlite://$E2E_TMP/other.db" "$GOV_BIN_DIR/governance-hub" >"$E2E_TMP/bad.out" 2>&1
rc=$?
set -e
assert_eq "$rc" "2" "exit status of a bad threshold"
grep -q "TYK_GOV_SYNC_DELETIONGUARD_MAXPERCENT: expected a whole percentage from 1 to 100" "$E2E_TMP/bad.out" \
  || fail "the error does not name the variable: $(cat "$E2E_TMP/bad.out")"
echo "PASS"
