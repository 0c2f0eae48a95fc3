#!/usr/bin/env bash
# AWS API Gateway end to end: the document's multi-provider example (a Tyk Dashboard and
# two AWS regions in one agent) against fakes that verify every SigV4 signature;
# throttling mid-listing is retried and deletes nothing; the agent stays under AWS's
# ~10 requests/s; a bad secret shows AWS's message on the provider, without a retry storm
# and without deleting anything.
source "$(dirname "$0")/lib.sh"

count_apis() { jq '(.restApis | length) + (.apis | length)' "$GOV_SOURCE_DIR/tests/fixtures/aws/$1.json"; }
US=$(count_apis us-east-1)
EU=$(count_apis eu-west-1)

start_hub
start_dashboard "$GOV_SOURCE_DIR/tests/fixtures/tyk/bundled"
start_aws us-east-1 US
start_aws eu-west-1 EU
create_agent_with_token "multi-provider"
write_agent_config "$E2E_TMP/agent.yaml"   # the tyk provider "tyk-provider"
add_aws_instance "$E2E_TMP/agent.yaml" aws-us-east us-east-1 "$AWS_URL_US"
add_aws_instance "$E2E_TMP/agent.yaml" aws-eu-west eu-west-1 "$AWS_URL_EU"
"$GOV_BIN_DIR/governance-agent" --validate-config --config "$E2E_TMP/agent.yaml" >/dev/null \
  || fail "multi-provider config does not validate"
start_agent "$E2E_TMP/agent.yaml"
wait_for 30 "the agent to be ACTIVE" agent_is_active

step "the initial sync lists all three providers"
FIRST=$(wait_latest_sync 120)
echo "$FIRST" | jq -c '[.providers[] | {name, state, seen, error}]'
assert_eq "$(echo "$FIRST" | jq -r .state)" "SUCCEEDED" "initial sync"
assert_eq "$(echo "$FIRST" | jq '.providers[] | select(.name == "aws-us-east") | .created')" "$US" "us-east-1 APIs"
assert_eq "$(echo "$FIRST" | jq '.providers[] | select(.name == "aws-eu-west") | .created')" "$EU" "eu-west-1 APIs"
assert_eq "$(apis_json "&provider=aws-us-east" | jq '[.apis[].provider_type] | unique')" '[
  "aws"
]' "provider_type"
assert_eq "$(apis_json "&provider=aws-us-east" | jq -c '[.apis[].protocol] | unique')" '["http","rest","websocket"]' "protocols"
assert_eq "$(provider_json aws-eu-west | jq -c '{connection_status, api_count, details}')" \
  "{\"connection_status\":\"CONNECTED\",\"api_count\":$EU,\"details\":{\"endpoint\":\"$AWS_URL_EU\",\"region\":\"eu-west-1\"}}" \
  "eu-west provider view"
api GET /api/providers | grep -q "$AWS_SECRET" && fail "the secret leaked into GET /api/providers"
grep -q "$AWS_SECRET" "$E2E_TMP/agent.log" && fail "the secret leaked into the agent log"
REST_ID=$(jq -r '.restApis[0].id' "$GOV_SOURCE_DIR/tests/fixtures/aws/us-east-1.json")
HUB_REST=$(apis_json "&provider=aws-us-east" | jq -r --arg id "$REST_ID" '.apis[] | select(.external_id == $id) | .id')
api GET "/api/apis/$HUB_REST" | jq -e '.oas_document.openapi | startswith("3.")' >/dev/null \
  || fail "REST API $REST_ID has no OpenAPI 3 export"

step "the agent stays under AWS's control-plane limit (10 requests/s)"
MAX=$(aws_get US stats | jq .max_per_second)
echo "most requests in one second at us-east-1: $MAX"
((MAX <= 11)) || fail "$MAX requests in one second (limit 10/s)"

step "throttling mid-listing is retried: the sync succeeds and deletes nothing"
aws_ctl US "throttle?path=stages&skip=2&times=3&retry_after=1"
S=$(sync_now aws-us-east)
echo "$S" | jq -c '[.providers[] | {name, state, unchanged, deleted, error}]'
assert_eq "$(echo "$S" | jq -r .state)" "SUCCEEDED" "sync with throttling"
assert_eq "$(echo "$S" | jq '.providers[0] | [.unchanged, .deleted]' -c)" "[$US,0]" "counts after throttling"
THROTTLED=$(aws_get US requests | jq '.by_status["429"] // 0')
assert_eq "$THROTTLED" "3" "429 answers the agent retried"
aws_ctl US reset

step "a bad secret: AWS's message on the provider, no retry storm, nothing deleted"
AGENT_BAD="$E2E_TMP/agent-bad.yaml"
DASH_URL="" write_agent_config "$AGENT_BAD"
add_aws_instance "$AGENT_BAD" aws-us-east us-east-1 "$AWS_URL_US" "not-the-secret"
add_aws_instance "$AGENT_BAD" aws-eu-west eu-west-1 "$AWS_URL_EU"
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true
aws_ctl US reset
mv "$E2E_TMP/agent.log" "$E2E_TMP/agent-first.log"
start_agent "$AGENT_BAD"
wait_for 30 "the agent to be ACTIVE again" agent_is_active
S=$(wait_latest_sync 60)
echo "$S" | jq -c '[.providers[] | {name, state, error}]'
assert_eq "$(echo "$S" | jq -r .state)" "PARTIAL" "sync with one bad secret"
echo "$S" | jq -e '.providers[] | select(.name == "aws-us-east") | .error | test("InvalidSignatureException")' >/dev/null \
  || fail "the provider error does not carry AWS's error type"
REQUESTS=$(aws_get US requests | jq .total)
echo "requests to us-east-1 with the bad secret: $REQUESTS"
((REQUESTS <= 2)) || fail "$REQUESTS requests with a rejected secret (retry storm)"
assert_eq "$(provider_json aws-us-east | jq -r .connection_status)" "ERROR" "connection status"
assert_eq "$(apis_json "&provider=aws-us-east&status=ACTIVE" | jq .total)" "$US" "us-east-1 APIs still ACTIVE"
grep -q "not-the-secret" "$E2E_TMP/agent.log" && fail "the bad secret leaked into the agent log"
echo "PASS"
