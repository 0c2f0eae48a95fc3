#!/usr/bin/env bash
# The inventory stays right when things fail: APIs removed at the provider are DELETED
# after a complete listing only; a provider failing mid-paging or hanging past the
# timeout deletes nothing and is not reported as a success; APIs that come back are
# RESTORED under their old ids.
source "$(dirname "$0")/lib.sh"

EXPECTED="$GOV_SOURCE_DIR/tests/fixtures/tyk/bundled-expected.json"
COUNT=$(jq .api_count "$EXPECTED")
start_hub
start_dashboard "$GOV_SOURCE_DIR/tests/fixtures/tyk/bundled"
create_agent_with_token "lifecycle"
write_agent_config "$E2E_TMP/agent.yaml"
start_agent "$E2E_TMP/agent.yaml" TYK_AGENT_PROVIDERS_TIMEOUT=2s
wait_for 30 "the agent to be ACTIVE" agent_is_active
FIRST=$(wait_latest_sync 60)
assert_eq "$(echo "$FIRST" | jq -r .state)" "SUCCEEDED" "initial sync"
assert_eq "$(echo "$FIRST" | jq '.providers[0].created')" "$COUNT" "created by the initial sync"

id_of() { apis_json | jq -r --arg e "$1" '.apis[] | select(.external_id == $e) | .id'; }
status_of() { apis_json | jq -r --arg e "$1" '.apis[] | select(.external_id == $e) | .status'; }
count_status() { apis_json "&status=$1" | jq .total; }

step "an unchanged re-sync rewrites nothing"
S=$(sync_now)
assert_eq "$(echo "$S" | jq -c '.providers[0] | [.state, .unchanged, .created, .updated, .deleted]')" \
  "[\"SUCCEEDED\",$COUNT,0,0,0]" "counts of an unchanged sync"

DROP1=$(jq -r '.apis[0].api_id' "$EXPECTED")
DROP2=$(jq -r '.apis[5].api_id' "$EXPECTED")
OLD1=$(id_of "$DROP1")
OLD2=$(id_of "$DROP2")

step "two APIs removed at the provider: exactly those two DELETED"
fake_ctl "drop?api_id=$DROP1&api_id=$DROP2"
S=$(sync_now)
assert_eq "$(echo "$S" | jq -r .state)" "SUCCEEDED" "sync state"
assert_eq "$(echo "$S" | jq '.providers[0].deleted')" "2" "deleted count"
assert_eq "$(count_status DELETED)" "2" "DELETED APIs"
assert_eq "$(count_status ACTIVE)" "$((COUNT - 2))" "ACTIVE APIs"
assert_eq "$(status_of "$DROP1")" "DELETED" "status of $DROP1"
assert_eq "$(status_of "$DROP2")" "DELETED" "status of $DROP2"
api GET "/api/apis/$OLD1" | jq -e '.deleted_at != null' >/dev/null || fail "deleted_at not set"

step "the Dashboard fails on page 2 mid-listing: nothing deleted, sync not a success"
fake_ctl "fail?page=2&mode=500"
S=$(sync_now)
echo "$S" | jq -c '{state, error}'
[ "$(echo "$S" | jq -r .state)" != "SUCCEEDED" ] || fail "a failed listing was reported as SUCCEEDED"
assert_eq "$(echo "$S" | jq -r '.providers[0].state')" "FAILED" "provider state"
assert_eq "$(echo "$S" | jq '.providers[0].deleted')" "0" "deleted by a failed listing"
echo "$S" | jq -e '.providers[0].error | test("500")' >/dev/null || fail "the error does not say what failed"
assert_eq "$(count_status ACTIVE)" "$((COUNT - 2))" "ACTIVE APIs after a failed listing"
api GET /api/providers | jq -e '.providers[0].connection_status == "ERROR"' >/dev/null \
  || fail "provider connection status is not ERROR after a failed listing"

step "the Dashboard hangs past the provider timeout: nothing deleted, sync not a success"
fake_ctl "reset"
fake_ctl "drop?api_id=$DROP1&api_id=$DROP2"
fake_ctl "fail?page=2&mode=hang"
S=$(sync_now)
echo "$S" | jq -c '{state, error}'
assert_eq "$(echo "$S" | jq -r '.providers[0].state')" "FAILED" "provider state after a hang"
echo "$S" | jq -e '.providers[0].error | test("imed out|imeout")' >/dev/null \
  || fail "the error does not say it timed out: $(echo "$S" | jq -r '.providers[0].error')"
assert_eq "$(count_status ACTIVE)" "$((COUNT - 2))" "ACTIVE APIs after a hang"
assert_eq "$(count_status DELETED)" "2" "DELETED APIs after a hang"

step "the two return: RESTORED under their old ids"
fake_ctl "reset"
S=$(sync_now)
assert_eq "$(echo "$S" | jq -r .state)" "SUCCEEDED" "sync state"
assert_eq "$(echo "$S" | jq '.providers[0].restored')" "2" "restored count"
assert_eq "$(id_of "$DROP1")" "$OLD1" "id of $DROP1 after restore"
assert_eq "$(id_of "$DROP2")" "$OLD2" "id of $DROP2 after restore"
assert_eq "$(count_status ACTIVE)" "$COUNT" "ACTIVE APIs after restore"
HISTORY=$(api GET "/api/apis/$OLD1/history" | jq -c '[.events[].type]')
assert_eq "$HISTORY" '["CREATED","DELETED","RESTORED"]' "history of $DROP1"
api GET "/api/apis/$OLD1" | jq -e '.deleted_at == null and .status == "ACTIVE"' >/dev/null \
  || fail "restored API still carries deleted_at"
echo "PASS"
