#!/usr/bin/env bash
# TLS between agents and the hub, with certificates made here by openssl: a hub with a
# server certificate serves gRPC over TLS and the REST API over HTTPS; an agent trusting
# the CA connects and syncs, one trusting another CA or speaking plaintext never becomes
# ACTIVE and its /live says why, insecureSkipVerify connects without a CA. With a client
# CA (mutual TLS) only agents presenting a certificate from that CA get in.
source "$(dirname "$0")/lib.sh"

command -v openssl >/dev/null || skip "openssl is not installed"
EXPECTED="$GOV_SOURCE_DIR/tests/fixtures/tyk/bundled-expected.json"
COUNT=$(jq .api_count "$EXPECTED")
PKI="$E2E_TMP/pki"
mkdir -p "$PKI"

# ca NAME: a self-signed CA (NAME.crt, NAME.key).
ca() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" \
    -keyout "$PKI/$1.key" -out "$PKI/$1.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    >/dev/null 2>&1 || fail "openssl could not make CA $1"
}

# leaf NAME CA EXTENSIONS: a certificate signed by CA (NAME.crt, NAME.key).
leaf() {
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$PKI/$1.key" -out "$PKI/$1.csr" \
    >/dev/null 2>&1 || fail "openssl could not make a request for $1"
  printf '%s\n' "$3" >"$PKI/$1.ext"
  openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/$2.crt" -CAkey "$PKI/$2.key" -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
    -days 2 -extfile "$PKI/$1.ext" -out "$PKI/$1.crt" >/dev/null 2>&1 || fail "openssl could not sign $1"
}

step "certificates: a CA, a server certificate for 127.0.0.1/localhost, client certificates"
ca ca
ca other-ca
leaf server ca "subjectAltName=IP:127.0.0.1,DNS:localhost
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth"
leaf client ca "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
leaf stranger other-ca "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
openssl verify -CAfile "$PKI/ca.crt" "$PKI/server.crt" "$PKI/client.crt" >/dev/null ||
  fail "the generated certificates do not verify"

# agent_with_tls NAME TLS_KEYS: an agent (own agent record and token) whose
# governanceDashboard.server.tls section holds TLS_KEYS (one "key: value" per line).
# Sets AGENT_ID AGENT_HEALTH AGENT_PID; logs to agent-NAME.log.
agent_with_tls() {
  local name=$1 keys=$2 config="$E2E_TMP/agent-$1.yaml"
  create_agent_with_token "$name"
  {
    printf 'governanceDashboard:\n  server:\n    url: "%s"\n    tls:\n' "$HUB_GRPC"
    printf '%s\n' "$keys" | sed 's/^/      /'
    printf '  auth:\n    token: "%s"\n' "$TOKEN"
    cat <<YAML
logLevel: debug
healthProbe:
  server:
    port: 0
instances:
  - name: "tyk-provider"
    type: "tyk"
    config:
      host: "$DASH_URL"
      auth: "$DASH_KEY"
YAML
  } >"$config"
  AGENT_LOG="$E2E_TMP/agent-$name.log" start_agent "$config"
}

retries_in() { [ "$(grep -c 'retrying in' "$1")" -ge "$2" ]; }

# expect_connected NAME: the agent just started becomes ACTIVE, /live 200, and syncs.
expect_connected() {
  wait_for 30 "agent $1 to be ACTIVE" agent_is_active
  wait_for 10 "/live of agent $1 to answer 200" live_is 200
  local s
  s=$(wait_latest_sync 60)
  assert_eq "$(echo "$s" | jq -r .state)" "SUCCEEDED" "sync of agent $1"
  assert_eq "$(echo "$s" | jq '.providers[0].seen')" "$COUNT" "APIs seen by agent $1"
  api GET "/api/agents/$AGENT_ID" | jq -e '.replicas | length == 1' >/dev/null ||
    fail "agent $1 has no replica on the hub"
}

# expect_refused NAME REASON_REGEX: the agent just started tries, fails, never becomes
# ACTIVE, and its /live answers 503 with a reason matching REASON_REGEX (grep -E -i).
expect_refused() {
  local log="$E2E_TMP/agent-$1.log"
  wait_for 20 "agent $1 to fail to connect twice" retries_in "$log" 2
  live_is 503 || fail "/live of agent $1 is not 503"
  local reason
  reason=$(curl -s "$AGENT_HEALTH/live" | jq -r .reason)
  echo "agent $1 /live reason: $reason"
  echo "$reason" | grep -Eiq "$2" || fail "/live of agent $1 does not say why: $reason"
  assert_eq "$(api GET "/api/agents/$AGENT_ID" | jq -r .status)" "INACTIVE" "status of agent $1"
  assert_eq "$(api GET "/api/agents/$AGENT_ID" | jq '.replicas | length')" "0" "replicas of agent $1"
  grep -q '\] connected to the hub at' "$log" && fail "agent $1 connected: $(grep 'connected to the hub' "$log")"
  kill "$AGENT_PID" 2>/dev/null || true
  wait "$AGENT_PID" 2>/dev/null || true
}

stop_all() {
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}

TLS_FAILURE='certificate verify failed'

# ---- TLS (server certificate only) ----
HUB_SCHEME=https
API_CURL_ARGS=(--cacert "$PKI/ca.crt")
start_hub TYK_GOV_TLS_CERTPATH="$PKI/server.crt" TYK_GOV_TLS_KEYPATH="$PKI/server.key"
grep -q "grpc listening on .*(TLS)" "$E2E_TMP/hub.log" || fail "the hub does not say gRPC is on TLS"
HUB1_PID=$HUB_PID

step "the REST API is HTTPS: trusted with the CA, refused without it, no plaintext"
assert_eq "$(curl -s --cacert "$PKI/ca.crt" -o /dev/null -w '%{http_code}' "$GOVERNANCE_URL/healthz")" "200" \
  "GET /healthz over HTTPS with the CA"
rc=0
curl -s -o /dev/null "$GOVERNANCE_URL/healthz" || rc=$?
assert_eq "$rc" "60" "curl exit code for HTTPS without the CA (60: certificate not trusted)"
PLAIN=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://${GOVERNANCE_URL#https://}/healthz" || true)
[ "$PLAIN" != "200" ] || fail "the REST API answered plaintext HTTP"

start_dashboard "$GOV_SOURCE_DIR/tests/fixtures/tyk/bundled"

step "an agent trusting the CA connects over TLS and syncs"
agent_with_tls tls-ca "enabled: true
caCertPath: \"$PKI/ca.crt\""
OK_PID=$AGENT_PID
expect_connected tls-ca

step "an agent trusting another CA is refused and says why"
agent_with_tls tls-wrong-ca "enabled: true
caCertPath: \"$PKI/other-ca.crt\""
expect_refused tls-wrong-ca "$TLS_FAILURE"

step "an agent speaking plaintext to the TLS hub never connects"
agent_with_tls tls-plaintext "enabled: false"
expect_refused tls-plaintext "if it serves TLS, set governanceDashboard.server.tls.enabled to true"

step "insecureSkipVerify connects without a CA"
agent_with_tls tls-skip-verify "enabled: true
insecureSkipVerify: true"
SKIP_PID=$AGENT_PID
expect_connected tls-skip-verify

stop_all "$OK_PID" "$SKIP_PID" "$HUB1_PID"
mv "$E2E_TMP/hub.log" "$E2E_TMP/hub-tls.log"

# ---- Mutual TLS ----
start_hub TYK_GOV_TLS_CERTPATH="$PKI/server.crt" TYK_GOV_TLS_KEYPATH="$PKI/server.key" \
  TYK_GOV_TLS_CLIENTCAPATH="$PKI/ca.crt"
grep -q "grpc listening on .*(mutual TLS)" "$E2E_TMP/hub.log" || fail "the hub does not say gRPC is on mutual TLS"

step "mutual TLS: an agent with a client certificate from the CA connects and syncs"
agent_with_tls mtls-client-cert "enabled: true
caCertPath: \"$PKI/ca.crt\"
clientCertPath: \"$PKI/client.crt\"
clientKeyPath: \"$PKI/client.key\""
expect_connected mtls-client-cert

step "mutual TLS: an agent without a client certificate is refused and says why"
agent_with_tls mtls-no-cert "enabled: true
caCertPath: \"$PKI/ca.crt\""
expect_refused mtls-no-cert "mutual TLS.*set governanceDashboard.server.tls.clientCertPath and clientKeyPath"

step "mutual TLS: a client certificate from another CA is refused"
agent_with_tls mtls-stranger "enabled: true
caCertPath: \"$PKI/ca.crt\"
clientCertPath: \"$PKI/stranger.crt\"
clientKeyPath: \"$PKI/stranger.key\""
expect_refused mtls-stranger "mutual TLS.*must be signed by the hub.s client CA"

step "mutual TLS covers gRPC only: the REST API still answers HTTPS with the API key"
assert_eq "$(api GET /api/agents/ | jq .total)" "7" "agents listed over HTTPS"
echo "PASS"
