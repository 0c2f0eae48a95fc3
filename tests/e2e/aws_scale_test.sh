#!/usr/bin/env bash
# 600 REST APIs in one region, read through pages the server keeps short (fewer items than
# asked for): every API arrives, and only the absence of `position` ends the listing.
source "$(dirname "$0")/lib.sh"

start_hub
start_aws us-east-1 US --generate-rest 600
aws_ctl US "short-pages?max=37"
create_agent_with_token "aws-scale"
write_agent_config "$E2E_TMP/agent.yaml"
add_aws_instance "$E2E_TMP/agent.yaml" aws-us-east us-east-1 "$AWS_URL_US"
# 600 APIs cost about 2,000 signed requests; 10/s would take minutes, so this test lets
# the agent go faster (the fake does not limit by default).
start_agent "$E2E_TMP/agent.yaml" TYK_AGENT_PROVIDERS_AWSREQUESTSPERSECOND=400
wait_for 30 "the agent to be ACTIVE" agent_is_active
S=$(wait_latest_sync 240)
echo "$S" | jq -c '[.providers[] | {name, state, seen, created, failed, error}]'
WANT=$(( 600 + $(jq '(.restApis | length) + (.apis | length)' "$GOV_SOURCE_DIR/tests/fixtures/aws/us-east-1.json") ))
assert_eq "$(echo "$S" | jq -r .state)" "SUCCEEDED" "sync state"
assert_eq "$(echo "$S" | jq '.providers[0].created')" "$WANT" "APIs created"
assert_eq "$(apis_json "&provider=aws-us-east" | jq .total)" "$WANT" "APIs in the repository"
PAGES=$(aws_get US requests | jq '.by_operation["apigateway:GetRestApis"]')
echo "GetRestApis pages read: $PAGES"
((PAGES >= 17)) || fail "only $PAGES list pages read for 605 REST APIs at 37 per page"
echo "PASS"
