#!/usr/bin/env bash
# A sync of the real Tyk Gateway test definitions (../shared/fixtures/tyk-gateway, skipped
# when absent): every API the Dashboard lists arrives with the right name, listen path,
# auth mechanisms and flags. The expectations are computed here, with jq, straight from
# what the Dashboard lists - independently of the agent's normalization code.
source "$(dirname "$0")/lib.sh"

FIXTURES="${GOV_SHARED_FIXTURES:-$GOV_SOURCE_DIR/../shared/fixtures}/tyk-gateway"
[ -d "$FIXTURES" ] || skip "no $FIXTURES"

start_hub
start_dashboard "$FIXTURES"
create_agent_with_token "tyk-gateway-fixtures"
write_agent_config "$E2E_TMP/agent.yaml"
start_agent "$E2E_TMP/agent.yaml"
wait_for 30 "the agent to be ACTIVE" agent_is_active
SYNC=$(wait_latest_sync 120)
echo "$SYNC" | jq -c '{state, providers: [.providers[] | {state, seen, created, failed, error}]}'
assert_eq "$(echo "$SYNC" | jq -r .state)" "SUCCEEDED" "sync state"

LISTED=$(curl -sf "$DASH_URL/api/apis?p=0" -H "Authorization: $DASH_KEY")
N=$(echo "$LISTED" | jq '.apis | length')
((N > 50)) || fail "the Dashboard lists only $N APIs"
assert_eq "$(echo "$SYNC" | jq '.providers[0].seen')" "$N" "APIs seen"
assert_eq "$(echo "$SYNC" | jq '.providers[0].failed')" "0" "APIs failed"

REPO=$(apis_json)
assert_eq "$(echo "$REPO" | jq .total)" "$N" "APIs in the repository"

# Classic auth flags -> mechanism names (Tyk falls back to an auth token when no other
# mechanism is configured and the API is not keyless).
EXPECT='
  def flag(f): (f // false) == true;
  def mechanisms:
    if flag(.use_keyless) then ["keyless"] + (if flag(.use_mutual_tls_auth) then ["mtls"] else [] end)
    else
      ([ (if flag(.use_standard_auth) then "authToken" else empty end),
         (if flag(.enable_jwt) then "jwt" else empty end),
         (if flag(.use_oauth2) then "oauth2" else empty end),
         (if flag(.use_basic_auth) then "basic" else empty end),
         (if flag(.use_mutual_tls_auth) then "mtls" else empty end),
         (if flag(.enable_signature_checking) then "hmac" else empty end),
         (if flag(.use_openid) then "openid" else empty end),
         (if flag(.external_oauth.enabled) then "externalOAuth" else empty end),
         (if flag(.enable_coprocess_auth) or flag(.use_go_plugin_auth) then "customPlugin" else empty end)
       ]) as $m
      | ($m - ["mtls"]) as $primary
      | if ($primary | length) == 0 then $m + ["authToken"] else $m end
    end | unique;
  [.apis[].api_definition
   | {id: .api_id, name, listen_path: (.proxy.listen_path // ""), active: (.active // true),
      internal: (.internal // false), is_oas: (.is_oas // false),
      auth: (if (.is_oas // false) then null else mechanisms end)}]'
WANT=$(echo "$LISTED" | jq -c "$EXPECT")
mismatches=0
while read -r want; do
  id=$(echo "$want" | jq -r .id)
  if [ "$(echo "$want" | jq -r .is_oas)" = true ]; then
    # An OAS API's state and listen path live in its OAS document (Go zero values when absent).
    oas=$(curl -sf "$DASH_URL/api/apis/oas/$id" -H "Authorization: $DASH_KEY")
    want=$(echo "$want" | jq -c --argjson o "$oas" '. + {
      listen_path: ($o["x-tyk-api-gateway"].server.listenPath.value // ""),
      active: ($o["x-tyk-api-gateway"].info.state.active // false),
      internal: ($o["x-tyk-api-gateway"].info.state.internal // false)}')
  fi
  got=$(echo "$REPO" | jq -c --arg id "$id" --argjson w "$want" '.apis[] | select(.external_id == $id)
        | {id: .external_id, name, listen_path, active, internal, is_oas: $w.is_oas,
           auth: (if $w.is_oas then null else (.auth_mechanisms | unique) end)}')
  if [ "$got" != "$want" ]; then
    echo "mismatch for $id:"
    echo "  want $want"
    echo "  got  $got"
    mismatches=$((mismatches + 1))
  fi
done < <(echo "$WANT" | jq -c '.[]')
assert_eq "$mismatches" "0" "APIs that differ from the Dashboard's listing"

# OAS APIs carry their OAS document.
for id in $(echo "$WANT" | jq -r '.[] | select(.is_oas) | .id'); do
  hub_id=$(echo "$REPO" | jq -r --arg id "$id" '.apis[] | select(.external_id == $id) | .id')
  api GET "/api/apis/$hub_id" | jq -e '.oas_document.openapi | startswith("3.")' >/dev/null \
    || fail "OAS API $id has no OAS document"
done
echo "PASS: $N APIs match"
