#!/usr/bin/env bash
# Shared helpers for the end-to-end tests: real binaries, real processes, loopback only.
# Every server binds port 0 and reports the port it got; every wait has a deadline;
# every process started here is stopped on exit. Logs are printed when a test fails.
set -euo pipefail

: "${GOV_BIN_DIR:?GOV_BIN_DIR must point at the built binaries}"
: "${GOV_SOURCE_DIR:?GOV_SOURCE_DIR must point at the repository}"
export LC_ALL=C

E2E_TMP="$(mktemp -d "${TMPDIR:-/tmp}/gov-e2e.XXXXXX")"
E2E_PIDS=()
E2E_FAILED=0
API_KEY="e2e-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
# Extra curl arguments for every `api` call (e.g. --cacert for an HTTPS hub).
API_CURL_ARGS=()

e2e_cleanup() {
  local rc=$?
  for pid in "${E2E_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${E2E_PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
  if [ "$rc" != 0 ] && [ "$rc" != 77 ] || [ "$E2E_FAILED" = 1 ]; then
    for f in "$E2E_TMP"/*.log; do
      [ -f "$f" ] || continue
      echo "----- $(basename "$f") (last 40 lines) -----" >&2
      tail -n 40 "$f" >&2
    done
  fi
  rm -rf "$E2E_TMP"
  exit "$rc"
}
trap e2e_cleanup EXIT

fail() {
  E2E_FAILED=1
  echo "FAIL: $*" >&2
  exit 1
}

skip() {
  echo "SKIP: $*"
  exit 77
}

step() { echo "== $*"; }

assert_eq() {  # actual expected what
  if [ "$1" != "$2" ]; then fail "$3: expected [$2], got [$1]"; fi
}

# wait_for SECONDS WHAT COMMAND...: retries COMMAND every 100ms until it succeeds.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then fail "timed out after ${seconds}s waiting for $what"; fi
    sleep 0.1
  done
}

# Port a process logged as "<prefix> <host>:<port>".
logged_port() {  # file prefix
  grep -o "$2 [0-9.]*:[0-9]*" "$1" 2>/dev/null | head -n1 | awk -F: '{print $NF}'
}

# Later VAR=value arguments win, so fixed ports work too:
#   start_hub TYK_GOV_HTTP_ADDR=127.0.0.1:8080 TYK_GOV_GRPC_ADDR=127.0.0.1:50051
# HUB_SCHEME=https makes GOVERNANCE_URL https:// (a hub with TYK_GOV_TLS_CERTPATH).
# HUB_BIN picks another hub binary (governance-hub-testing, for schedules in seconds).
start_hub() {  # extra VAR=value ... ; sets GOVERNANCE_URL HUB_GRPC HUB_PID
  local log="$E2E_TMP/hub.log"
  # Emptied first: on a restart the wait below must not find the previous hub's lines.
  : >"$log"
  env TYK_GOV_HTTP_ADDR=127.0.0.1:0 TYK_GOV_GRPC_ADDR=127.0.0.1:0 \
    TYK_GOV_DATABASE_URL="sqlite://$E2E_TMP/governance.db" TYK_GOV_API_KEY="$API_KEY" \
    TYK_GOV_LOGLEVEL=debug "$@" "${HUB_BIN:-$GOV_BIN_DIR/governance-hub}" >"$E2E_TMP/hub.out" 2>"$log" &
  HUB_PID=$!
  E2E_PIDS+=("$HUB_PID")
  wait_for 20 "the hub to listen" grep -q "hub ready" "$log"
  GOVERNANCE_URL="${HUB_SCHEME:-http}://127.0.0.1:$(logged_port "$log" "http listening on")"
  HUB_GRPC="127.0.0.1:$(logged_port "$log" "grpc listening on")"
}

start_dashboard() {  # dir [key]; sets DASH_URL DASH_KEY DASH_PID
  DASH_KEY="${2:-dash-key-e2e}"
  local out="$E2E_TMP/dashboard.log"
  "$GOV_BIN_DIR/fake-tyk-dashboard" --dir "$1" --key "$DASH_KEY" --listen 127.0.0.1:0 >"$out" 2>&1 &
  DASH_PID=$!
  E2E_PIDS+=("$DASH_PID")
  wait_for 20 "the fake dashboard to listen" grep -q "listening on" "$out"
  DASH_URL="http://127.0.0.1:$(logged_port "$out" "listening on")"
}

# api METHOD PATH [BODY]: calls the hub's REST API, prints the body, fails on non-2xx.
api() {
  local method=$1 path=$2 body=${3:-}
  local out="$E2E_TMP/api.out" code
  if [ -n "$body" ]; then
    code=$(curl -s "${API_CURL_ARGS[@]}" -o "$out" -w '%{http_code}' -X "$method" "$GOVERNANCE_URL$path" \
      -H "X-API-Key: $API_KEY" -H "Content-Type: application/json" -d "$body")
  else
    code=$(curl -s "${API_CURL_ARGS[@]}" -o "$out" -w '%{http_code}' -X "$method" "$GOVERNANCE_URL$path" \
      -H "X-API-Key: $API_KEY")
  fi
  if [[ "$code" != 2* ]]; then fail "$method $path answered $code: $(cat "$out")"; fi
  cat "$out"
}

create_agent_with_token() {  # name; sets AGENT_ID TOKEN
  AGENT_ID=$(api POST /api/agents/ "{\"name\": \"$1\"}" | jq -r .id)
  TOKEN=$(api POST /api/auth/token/ "{\"agent_id\": \"$AGENT_ID\"}" | jq -r .token)
}

write_agent_config() {  # file; uses HUB_GRPC TOKEN and, when a dashboard runs, DASH_URL DASH_KEY
  cat >"$1" <<YAML
governanceDashboard:
  server:
    url: "$HUB_GRPC"
  auth:
    token: "$TOKEN"
logLevel: debug
healthProbe:
  server:
    port: 0
instances:
YAML
  if [ -n "${DASH_URL:-}" ]; then
    cat >>"$1" <<YAML
  - name: "tyk-provider"
    type: "tyk"
    config:
      host: "$DASH_URL"
      auth: "$DASH_KEY"
YAML
  fi
}

start_agent() {  # config [VAR=value ...]; sets AGENT_PID AGENT_HEALTH
  local config=$1
  shift
  local log="${AGENT_LOG:-$E2E_TMP/agent.log}"
  env TYK_AGENT_HEARTBEAT_INTERVAL=1s "$@" "$GOV_BIN_DIR/governance-agent" --config "$config" >"$log" 2>&1 &
  AGENT_PID=$!
  E2E_PIDS+=("$AGENT_PID")
  wait_for 20 "the agent's health probe" grep -q "health probe listening on" "$log"
  AGENT_HEALTH="http://127.0.0.1:$(logged_port "$log" "health probe listening on")"
}

# restart_hub [VAR=value ...]: stops the hub and starts it again on the same ports and
# database (agents are configured with its gRPC address).
restart_hub() {
  local http_port=${GOVERNANCE_URL##*:} grpc=$HUB_GRPC
  stop_pid "$HUB_PID"
  start_hub TYK_GOV_HTTP_ADDR="127.0.0.1:$http_port" TYK_GOV_GRPC_ADDR="$grpc" "$@"
}

agent_is_inactive() { api GET "/api/agents/$AGENT_ID" | jq -e '.status == "INACTIVE"'; }

# stop_pid PID: stops one process started here and waits for it to exit.
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# api_status METHOD PATH [BODY]: prints "<http code> <body>" without failing on errors.
api_status() {
  local method=$1 path=$2 body=${3:-}
  local out="$E2E_TMP/api_status.out" code
  code=$(curl -s "${API_CURL_ARGS[@]}" -o "$out" -w '%{http_code}' -X "$method" "$GOVERNANCE_URL$path" \
    -H "X-API-Key: $API_KEY" -H "Content-Type: application/json" ${body:+-d "$body"})
  echo "$code $(cat "$out")"
}

agent_is_active() { api GET "/api/agents/$AGENT_ID" | jq -e '.status == "ACTIVE"'; }

sync_finished() { api GET "/api/syncs/$1" | jq -e '.finished_at != null'; }

# Waits for the newest sync of the agent to finish; prints it.
wait_latest_sync() {
  local deadline=$((SECONDS + ${1:-60}))
  while ((SECONDS < deadline)); do
    local s
    s=$(api GET "/api/agents/$AGENT_ID/syncs?page_size=1")
    if echo "$s" | jq -e '.syncs[0].finished_at != null' >/dev/null; then
      echo "$s" | jq '.syncs[0]'
      return 0
    fi
    sleep 0.2
  done
  fail "no finished sync within ${1:-60}s"
}

# Triggers a manual sync (optionally of one provider) and waits for it; prints the sync.
sync_now() {
  local body='{}'
  [ -n "${1:-}" ] && body="{\"provider\": \"$1\"}"
  local id
  id=$(api POST "/api/agents/$AGENT_ID/sync" "$body" | jq -r .id)
  wait_for "${SYNC_WAIT:-60}" "sync $id to finish" sync_finished "$id"
  api GET "/api/syncs/$id"
}

apis_json() { api GET "/api/apis?page_size=1000${1:-}"; }

# fake_ctl "drop?api_id=a": a control call to the fake Dashboard (its switches).
fake_ctl() { curl -sf -X POST -d '' "$DASH_URL/_fake/$1" >/dev/null || fail "fake control $1 failed"; }

# live_is CODE: the agent's /live (at $AGENT_HEALTH) answers CODE.
live_is() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$AGENT_HEALTH/live")" = "$1" ]; }

# start_aws REGION LABEL [extra fake args...]: a fake API Gateway control plane for REGION
# with the bundled data (tests/fixtures/aws/REGION.json); sets AWS_URL_<LABEL>.
AWS_KEY_ID=AKIAIOSFODNN7EXAMPLE
AWS_SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
start_aws() {
  local region=$1 label=$2
  shift 2
  local out="$E2E_TMP/aws-$label.log"
  "$GOV_BIN_DIR/fake-aws-apigateway" --data "$GOV_SOURCE_DIR/tests/fixtures/aws/$region.json" \
    --region "$region" --listen 127.0.0.1:0 "$@" >"$out" 2>&1 &
  E2E_PIDS+=("$!")
  wait_for 20 "the fake API Gateway ($region)" grep -q "listening on" "$out"
  printf -v "AWS_URL_$label" '%s' "http://127.0.0.1:$(logged_port "$out" "listening on")"
}

# aws_ctl LABEL "throttle?times=3": a control call to a fake API Gateway.
aws_ctl() {
  local url_var="AWS_URL_$1"
  curl -sf -X POST -d '' "${!url_var}/_fake/$2" >/dev/null || fail "aws fake control $2 failed"
}
aws_get() { local url_var="AWS_URL_$1"; curl -sf "${!url_var}/_fake/$2"; }

# Appends an aws provider instance to an agent config file.
add_aws_instance() {  # file name region url [secret]
  cat >>"$1" <<YAML
  - name: "$2"
    type: "aws"
    config:
      accessKeyId: "$AWS_KEY_ID"
      accessKeySecret: "${5:-$AWS_SECRET}"
      region: "$3"
      endpoint: "$4"
YAML
}

provider_json() { api GET "/api/agents/$AGENT_ID/providers" | jq -c --arg n "$1" '.providers[] | select(.name == $n)'; }
