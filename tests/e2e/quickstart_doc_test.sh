#!/usr/bin/env bash
# The user's document, Quick Start steps 1 to 6, with its curl commands as written there
# (only the URL, key and ids filled in), against a real hub, agent and fake Dashboard.
source "$(dirname "$0")/lib.sh"

start_hub
start_dashboard "$GOV_SOURCE_DIR/tests/fixtures/tyk/bundled"
EXPECTED="$GOV_SOURCE_DIR/tests/fixtures/tyk/bundled-expected.json"

step "1. Create a new agent"
# Replace with your actual Governance URL and API key
GOVERNANCE_URL="$GOVERNANCE_URL"
API_KEY="$API_KEY"
AGENT_NAME="My API Provider Agent"

# Create agent
CREATED=$(curl -s -X POST "${GOVERNANCE_URL}/api/agents/" \
    -H "X-API-Key: ${API_KEY}" \
    -H "Content-Type: application/json" \
    -d '{
        "name": "'"${AGENT_NAME}"'"
    }')
echo "$CREATED"
echo "$CREATED" | jq -e '.id | test("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")' >/dev/null \
  || fail "agent id is not a UUID"
assert_eq "$(echo "$CREATED" | jq -r .name)" "My API Provider Agent" "name"
assert_eq "$(echo "$CREATED" | jq -r .last_heartbeat)" "0001-01-01T00:00:00Z" "last_heartbeat"
assert_eq "$(echo "$CREATED" | jq -r .status)" "INACTIVE" "status"
assert_eq "$(echo "$CREATED" | jq -c .providers)" "null" "providers"

step "2. Generate an agent token"
# Replace with the agent ID from the previous step
AGENT_ID="$(echo "$CREATED" | jq -r .id)"

# Generate token
TOKEN_RESPONSE=$(curl -X POST "${GOVERNANCE_URL}/api/auth/token/" \
    -H "X-API-Key: ${API_KEY}" \
    -H "Content-Type: application/json" \
    -d '{
        "agent_id": "'"${AGENT_ID}"'"
    }')
TOKEN=$(echo "$TOKEN_RESPONSE" | jq -r .token)
[[ "$TOKEN" == eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.* ]] || fail "token is not an HS256 JWT: $TOKEN_RESPONSE"

step "3. Create the agent configuration file"
cat >"$E2E_TMP/agent-config.yaml" <<YAML
# Tyk Governance Agent Configuration
governanceDashboard:
    server:
        # The gRPC endpoint URL of the Tyk Governance service
        url: "$HUB_GRPC"

    auth:
        # Authentication token for this agent
        token: "$TOKEN"

# API Provider Configurations
instances:
    # Example Tyk Provider Configuration
    - name: "tyk-provider"
      type: "tyk"
      config:
        host: "$DASH_URL"
        auth: "$DASH_KEY"

healthProbe:
  server:
    port: 0
YAML
"$GOV_BIN_DIR/governance-agent" --validate-config --config "$E2E_TMP/agent-config.yaml" \
  || fail "the configuration does not validate"

step "4. Deploy the agent"
start_agent "$E2E_TMP/agent-config.yaml"

step "5. Monitor agent status"
wait_for 30 "the agent to be ACTIVE" agent_is_active
STATUS=$(curl "${GOVERNANCE_URL}/api/agents/${AGENT_ID}" \
    -H "X-API-Key: ${API_KEY}")
echo "$STATUS" | jq .
assert_eq "$(echo "$STATUS" | jq -r .status)" "ACTIVE" "status"
assert_eq "$(echo "$STATUS" | jq -c '[.providers[] | {name, type}]')" \
  '[{"name":"tyk-provider","type":"tyk"}]' "providers"
HB=$(echo "$STATUS" | jq -r .last_heartbeat)
HB_AGE=$(( $(date -u +%s) - $(date -u -d "$HB" +%s) ))
((HB_AGE >= 0 && HB_AGE < 30)) || fail "last heartbeat $HB is not recent"
curl -sf "$AGENT_HEALTH/live" >/dev/null || fail "/live is not 200 while connected"
curl -sf "$AGENT_HEALTH/health" >/dev/null || fail "/health is not 200"

step "6. Trigger initial synchronization"
# The agent already ran one sync on connection (trigger INITIAL); let it finish first.
INITIAL=$(wait_latest_sync 60)
assert_eq "$(echo "$INITIAL" | jq -r .trigger)" "INITIAL" "first sync's trigger"
SYNC=$(curl -s -X POST "${GOVERNANCE_URL}/api/agents/${AGENT_ID}/sync" \
    -H "X-API-Key: ${API_KEY}")
SYNC_ID=$(echo "$SYNC" | jq -r .id)
assert_eq "$(echo "$SYNC" | jq -r .trigger)" "MANUAL" "trigger"
wait_for 60 "sync $SYNC_ID to finish" sync_finished "$SYNC_ID"
RESULT=$(api GET "/api/syncs/$SYNC_ID")
echo "$RESULT" | jq -c '{state, providers: [.providers[] | {name, state, seen}]}'
assert_eq "$(echo "$RESULT" | jq -r .state)" "SUCCEEDED" "sync state"
COUNT=$(jq '.api_count' "$EXPECTED")
assert_eq "$(echo "$RESULT" | jq '.providers[0].seen')" "$COUNT" "APIs seen"

step "Validation: APIs from the provider are in the API Repository"
APIS=$(apis_json "&status=ACTIVE")
assert_eq "$(echo "$APIS" | jq .total)" "$COUNT" "active APIs in the repository"
for id in $(jq -r '.apis[].api_id' "$EXPECTED"); do
  want=$(jq -c --arg id "$id" '.apis[] | select(.api_id == $id) |
    {name, listen_path, auth_mechanisms: (.auth_mechanisms | sort), active, internal, protocol}' "$EXPECTED")
  got=$(echo "$APIS" | jq -c --arg id "$id" '.apis[] | select(.external_id == $id) |
    {name, listen_path, auth_mechanisms: (.auth_mechanisms | sort), active, internal, protocol}')
  assert_eq "$got" "$want" "API $id"
  assert_eq "$(echo "$APIS" | jq -r --arg id "$id" '.apis[] | select(.external_id == $id) | .provider')" \
    "tyk-provider" "provider of $id"
done

step "Understanding Scheduled Synchronization: the sync-jobs call as written"
# Schedule sync for a specific provider
JOB=$(curl -X POST "${GOVERNANCE_URL}/api/agents/${AGENT_ID}/sync-jobs" \
    -H "X-API-Key: ${API_KEY}" \
    -H "Content-Type: application/json" \
    -d '{
        "repeat_every": "12h",
        "provider": "tyk-provider",
        "start_from": "2023-06-01T12:00:00Z"
    }')
echo "$JOB" | jq -c .
assert_eq "$(echo "$JOB" | jq -c '[.repeat_every, .provider, .start_from]')" \
  '["12h","tyk-provider","2023-06-01T12:00:00Z"]' "the schedule as stored"
NEXT=$(echo "$JOB" | jq -r .next_run_at)
NEXT_IN=$(( $(date -u -d "$NEXT" +%s) - $(date -u +%s) ))
((NEXT_IN >= 0 && NEXT_IN <= 12 * 3600)) || fail "next run $NEXT is not within the next 12h"
(( ($(date -u -d "$NEXT" +%s) - $(date -u -d 2023-06-01T12:00:00Z +%s)) % (12 * 3600) == 0 )) \
  || fail "next run $NEXT is not on the 12h grid from 2023-06-01T12:00:00Z"
assert_eq "$(api GET "/api/agents/$AGENT_ID/sync-jobs" | jq -r '.sync_jobs[0].id')" \
  "$(echo "$JOB" | jq -r .id)" "the schedule in the agent's list"
echo "PASS"
