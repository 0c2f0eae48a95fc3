#!/usr/bin/env bash
# The main job, on one machine: install, build, start the hub on SQLite, create an agent
# and its token through the REST API exactly as the user's document does, start a (fake)
# Tyk Dashboard holding a bundled set of realistic API definitions, start the agent with a
# config file like the document's, wait until the agent is ACTIVE and print the API
# repository.
#
#   scripts/quickstart.sh               start everything, print the inventory, leave it running
#   scripts/quickstart.sh --foreground  the same, then stop everything on Ctrl-C
#   scripts/quickstart.sh stop          stop what a previous run left running
#
# Ports (override with the variables): QS_HTTP_PORT=8080 (REST API), QS_GRPC_PORT=50051
# (agents), QS_DASHBOARD_PORT=3000 (fake Tyk Dashboard), QS_AWS_PORT=4566 (fake AWS API
# Gateway control plane, region us-east-1), QS_PROBE_PORT=5959 (agent probe).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
QS="$ROOT/.quickstart"
HTTP_PORT=${QS_HTTP_PORT:-8080}
GRPC_PORT=${QS_GRPC_PORT:-50051}
DASH_PORT=${QS_DASHBOARD_PORT:-3000}
PROBE_PORT=${QS_PROBE_PORT:-5959}
AWS_PORT=${QS_AWS_PORT:-4566}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'quickstart: %s\n' "$*" >&2; exit 1; }

stop_all() {
  [ -f "$QS/pids" ] || return 0
  # Newest first: the agent goes before the hub it reports to, the hub before the fakes.
  tac "$QS/pids" | while read -r name pid; do
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      echo "stopped $name (pid $pid)"
    fi
  done
  rm -f "$QS/pids"
}

if [ "${1:-}" = "stop" ]; then
  stop_all
  exit 0
fi
FOREGROUND=0
[ "${1:-}" = "--foreground" ] && FOREGROUND=1

say "Installing dependencies and building (release)"
scripts/build.sh fake-tyk-dashboard fake-aws-apigateway
BIN="$ROOT/build/bin"

stop_all
rm -rf "$QS"
mkdir -p "$QS"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$HTTP_PORT:QS_HTTP_PORT" "$GRPC_PORT:QS_GRPC_PORT" "$DASH_PORT:QS_DASHBOARD_PORT" \
         "$AWS_PORT:QS_AWS_PORT" "$PROBE_PORT:QS_PROBE_PORT"; do
  if port_busy "${p%%:*}"; then
    die "port ${p%%:*} is already in use; choose another with ${p##*:}=..."
  fi
done

wait_until() {  # seconds what command...
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "timed out waiting for $what (logs in $QS/)"
    sleep 0.2
  done
}

API_KEY="qs-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
echo "$API_KEY" >"$QS/api-key"

say "Starting the hub (SQLite at $QS/governance.db)"
TYK_GOV_HTTP_ADDR="127.0.0.1:$HTTP_PORT" TYK_GOV_GRPC_ADDR="127.0.0.1:$GRPC_PORT" \
  TYK_GOV_DATABASE_URL="sqlite://$QS/governance.db" TYK_GOV_API_KEY="$API_KEY" \
  nohup "$BIN/governance-hub" >"$QS/hub.log" 2>&1 &
echo "hub $!" >>"$QS/pids"
GOVERNANCE_URL="http://127.0.0.1:$HTTP_PORT"
wait_until 30 "the hub" curl -sf "$GOVERNANCE_URL/healthz"

say "Starting a fake Tyk Dashboard with $(jq .api_count tests/fixtures/tyk/bundled-expected.json) bundled API definitions"
DASHBOARD_KEY="qs-dashboard-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
nohup "$BIN/fake-tyk-dashboard" --dir tests/fixtures/tyk/bundled --key "$DASHBOARD_KEY" \
  --listen "127.0.0.1:$DASH_PORT" >"$QS/dashboard.log" 2>&1 &
echo "dashboard $!" >>"$QS/pids"
wait_until 30 "the fake dashboard" grep -q "listening on" "$QS/dashboard.log"

say "Starting a fake AWS API Gateway control plane (us-east-1, $(jq '(.restApis | length) + (.apis | length)' tests/fixtures/aws/us-east-1.json) REST, HTTP and WebSocket APIs)"
nohup "$BIN/fake-aws-apigateway" --data tests/fixtures/aws/us-east-1.json \
  --listen "127.0.0.1:$AWS_PORT" >"$QS/aws.log" 2>&1 &
echo "aws $!" >>"$QS/pids"
wait_until 30 "the fake AWS API Gateway" grep -q "listening on" "$QS/aws.log"
# The fake's example credentials (tests/fixtures/aws/README.md).
AWS_KEY_ID=$(jq -r '.credentials[0].accessKeyId' tests/fixtures/aws/us-east-1.json)
AWS_SECRET=$(jq -r '.credentials[0].secretAccessKey' tests/fixtures/aws/us-east-1.json)

say "1. Create a new agent (POST /api/agents/)"
AGENT_NAME="My API Provider Agent"
CREATED=$(curl -s -X POST "${GOVERNANCE_URL}/api/agents/" \
    -H "X-API-Key: ${API_KEY}" \
    -H "Content-Type: application/json" \
    -d '{
        "name": "'"${AGENT_NAME}"'"
    }')
echo "$CREATED"
AGENT_ID=$(echo "$CREATED" | jq -r .id)
[ -n "$AGENT_ID" ] && [ "$AGENT_ID" != null ] || die "could not create the agent: $CREATED"

say "2. Generate an agent token (POST /api/auth/token/)"
TOKEN=$(curl -s -X POST "${GOVERNANCE_URL}/api/auth/token/" \
    -H "X-API-Key: ${API_KEY}" \
    -H "Content-Type: application/json" \
    -d '{
        "agent_id": "'"${AGENT_ID}"'"
    }' | jq -r .token)
[ -n "$TOKEN" ] && [ "$TOKEN" != null ] || die "could not issue a token"
echo "token: ${TOKEN:0:24}... (saved in $QS/agent-config.yaml)"

say "3. Create the agent configuration file ($QS/agent-config.yaml)"
cat >"$QS/agent-config.yaml" <<YAML
# Tyk Governance Agent Configuration
governanceDashboard:
  server:
    # The gRPC endpoint URL of the Tyk Governance service
    url: "127.0.0.1:$GRPC_PORT"
  auth:
    # Authentication token for this agent
    token: "$TOKEN"

logLevel: info

healthProbe:
  server:
    port: $PROBE_PORT

# API Provider Configurations
instances:
  - name: "tyk-provider"
    type: "tyk"
    config:
      host: "http://127.0.0.1:$DASH_PORT"
      auth: "$DASHBOARD_KEY"

  - name: "aws-us-east"
    type: "aws"
    config:
      accessKeyId: "$AWS_KEY_ID"
      accessKeySecret: "$AWS_SECRET"
      region: "us-east-1"
      # Only for this demo: the fake control plane instead of apigateway.us-east-1.amazonaws.com
      endpoint: "http://127.0.0.1:$AWS_PORT"
YAML
chmod 600 "$QS/agent-config.yaml"
"$BIN/governance-agent" --validate-config --config "$QS/agent-config.yaml"

say "4. Deploy the agent"
nohup "$BIN/governance-agent" --config "$QS/agent-config.yaml" >"$QS/agent.log" 2>&1 &
echo "agent $!" >>"$QS/pids"

say "5. Monitor agent status (GET /api/agents/$AGENT_ID)"
agent_active() {
  curl -sf "${GOVERNANCE_URL}/api/agents/${AGENT_ID}" -H "X-API-Key: ${API_KEY}" | jq -e '.status == "ACTIVE"'
}
wait_until 60 "the agent to become ACTIVE" agent_active
curl -s "${GOVERNANCE_URL}/api/agents/${AGENT_ID}" -H "X-API-Key: ${API_KEY}" |
  jq '{id, name, last_heartbeat, status, providers: [.providers[] | {name, type}]}'

say "6. Initial synchronization"
sync_done() {
  curl -sf "${GOVERNANCE_URL}/api/agents/${AGENT_ID}/syncs?page_size=1" -H "X-API-Key: ${API_KEY}" |
    jq -e '.syncs[0].finished_at != null'
}
wait_until 120 "the initial sync" sync_done
curl -s "${GOVERNANCE_URL}/api/agents/${AGENT_ID}/syncs?page_size=1" -H "X-API-Key: ${API_KEY}" |
  jq -r '.syncs[0] | "sync \(.id): \(.trigger) \(.state)" , (.providers[] | "  \(.name): \(.state), seen \(.seen), created \(.created), failed \(.failed)\(if .error then ", error: " + .error else "" end)")'

say "API repository (GET /api/apis)"
curl -s "${GOVERNANCE_URL}/api/apis?page_size=1000" -H "X-API-Key: ${API_KEY}" | jq -r '
  def pad(n): tostring | if length > n then .[0:n-1] + "~" else . + (" " * (n - length)) end;
  (["NAME", "PROVIDER", "LISTEN PATH / STAGES", "AUTH", "STATUS"] | "\(.[0] | pad(34)) \(.[1] | pad(14)) \(.[2] | pad(28)) \(.[3] | pad(24)) \(.[4])"),
  (.apis | sort_by(.name)[] |
   "\(.name | pad(34)) \(.provider | pad(14)) \(if .listen_path != "" then .listen_path elif (.versions | length) > 0 then "stages: " + (.versions | join(",")) else "-" end | pad(28)) \(.auth_mechanisms | join(",") | pad(24)) \(.status)\(if .active then "" else " (disabled at the gateway)" end)\(if .internal then " (internal)" else "" end)"),
  "\(.total) APIs"'

cat <<INFO

Running:  hub       $GOVERNANCE_URL   (gRPC 127.0.0.1:$GRPC_PORT)
          agent     health probe http://127.0.0.1:$PROBE_PORT/live
          dashboard http://127.0.0.1:$DASH_PORT (fake Tyk Dashboard)
          aws       http://127.0.0.1:$AWS_PORT (fake AWS API Gateway, us-east-1)
Try:      curl -s $GOVERNANCE_URL/api/agents/$AGENT_ID -H "X-API-Key: \$(cat .quickstart/api-key)" | jq
          curl -s -X POST $GOVERNANCE_URL/api/agents/$AGENT_ID/sync -H "X-API-Key: \$(cat .quickstart/api-key)" | jq
Logs:     $QS/{hub,agent,dashboard,aws}.log
INFO

if ((FOREGROUND)); then
  trap 'echo; stop_all; exit 0' INT TERM
  echo "Press Ctrl-C to stop them."
  while true; do sleep 3600 & wait $!; done
fi
echo "To stop them: scripts/quickstart.sh stop"
