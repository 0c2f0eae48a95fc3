// SqliteStore: settings, API keys, agents and agent tokens.
#include "absl/strings/str_cat.h"
#include "src/storage/sqlite/codec.h"
#include "src/storage/sqlite/query.h"
#include "src/storage/sqlite/sqlite_store.h"

namespace gov::storage::sqlite {
namespace {

constexpr char kApiKeyColumns[] = "id, name, key_hash, created_at";

absl::StatusOr<ApiKey> ReadApiKey(const Statement& st) {
  ApiKey key;
  key.id = st.Text(0);
  key.name = st.Text(1);
  key.key_hash = st.Text(2);
  key.created_at = st.Time(3);
  return key;
}

constexpr char kAgentColumns[] =
    "id, name, description, created_at, updated_at, last_heartbeat, version, warnings";

absl::StatusOr<Agent> ReadAgent(const Statement& st) {
  Agent agent;
  agent.id = st.Text(0);
  agent.name = st.Text(1);
  agent.description = st.Text(2);
  agent.created_at = st.Time(3);
  agent.updated_at = st.Time(4);
  agent.last_heartbeat = st.OptionalTime(5);
  agent.version = st.Text(6);
  GOV_ASSIGN_OR_RETURN(agent.warnings, DecodeList(st.Text(7), "agents.warnings"));
  return agent;
}

constexpr char kTokenColumns[] = "id, agent_id, issued_at, revoked_at";

absl::StatusOr<AgentToken> ReadToken(const Statement& st) {
  AgentToken token;
  token.id = st.Text(0);
  token.agent_id = st.Text(1);
  token.issued_at = st.Time(2);
  token.revoked_at = st.OptionalTime(3);
  return token;
}

}  // namespace

// ---- settings -------------------------------------------------------------------------

absl::StatusOr<std::optional<std::string>> SqliteStore::GetSetting(const std::string& key) {
  return QueryOne<std::string>(
      db_, "read setting", "SELECT value FROM settings WHERE key = ?",
      [](const Statement& st) -> absl::StatusOr<std::string> { return st.Text(0); }, key);
}

absl::Status SqliteStore::PutSetting(const std::string& key, const std::string& value) {
  return Execute(db_, "write setting",
                 "INSERT INTO settings (key, value) VALUES (?, ?) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                 key, value);
}

// ---- API keys -------------------------------------------------------------------------

absl::Status SqliteStore::InsertApiKey(const ApiKey& key) {
  return Execute(db_, "insert API key",
                 "INSERT INTO api_keys (id, name, key_hash, created_at) VALUES (?, ?, ?, ?)",
                 key.id, key.name, key.key_hash, key.created_at);
}

absl::StatusOr<std::optional<ApiKey>> SqliteStore::FindApiKeyByHash(const std::string& hash) {
  return QueryOne<ApiKey>(
      db_, "find API key",
      absl::StrCat("SELECT ", kApiKeyColumns, " FROM api_keys WHERE key_hash = ?"), ReadApiKey,
      hash);
}

absl::StatusOr<int64_t> SqliteStore::CountApiKeys() {
  return QueryInt(db_, "count API keys", "SELECT COUNT(*) FROM api_keys");
}

// ---- agents ---------------------------------------------------------------------------

absl::Status SqliteStore::InsertAgent(const Agent& a) {
  return Execute(
      db_, "insert agent",
      absl::StrCat("INSERT INTO agents (", kAgentColumns, ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
      a.id, a.name, a.description, a.created_at, a.updated_at, a.last_heartbeat, a.version,
      EncodeList(a.warnings));
}

absl::StatusOr<bool> SqliteStore::UpdateAgent(const Agent& a) {
  GOV_ASSIGN_OR_RETURN(
      int64_t changed,
      ExecuteCount(db_, "update agent",
                   "UPDATE agents SET name = ?, description = ?, created_at = ?, updated_at = ?, "
                   "last_heartbeat = ?, version = ?, warnings = ? WHERE id = ?",
                   a.name, a.description, a.created_at, a.updated_at, a.last_heartbeat, a.version,
                   EncodeList(a.warnings), a.id));
  return changed > 0;
}

absl::StatusOr<std::optional<Agent>> SqliteStore::GetAgent(const std::string& id) {
  return QueryOne<Agent>(db_, "read agent",
                         absl::StrCat("SELECT ", kAgentColumns, " FROM agents WHERE id = ?"),
                         ReadAgent, id);
}

absl::StatusOr<Page<Agent>> SqliteStore::ListAgents(int page, int page_size) {
  GOV_RETURN_IF_ERROR(CheckPage(page, page_size));
  Page<Agent> out;
  GOV_ASSIGN_OR_RETURN(out.total, QueryInt(db_, "count agents", "SELECT COUNT(*) FROM agents"));
  GOV_ASSIGN_OR_RETURN(
      out.items,
      QueryAll<Agent>(db_, "list agents",
                      absl::StrCat("SELECT ", kAgentColumns,
                                   " FROM agents ORDER BY created_at, id LIMIT ? OFFSET ?"),
                      ReadAgent, static_cast<int64_t>(page_size), PageOffset(page, page_size)));
  return out;
}

absl::StatusOr<bool> SqliteStore::DeleteAgent(const std::string& id) {
  // Explicit deletes rather than relying on ON DELETE CASCADE alone: the intent is part
  // of the contract (APIs, syncs and events are history and stay).
  GOV_RETURN_IF_ERROR(
      Execute(db_, "delete agent tokens", "DELETE FROM agent_tokens WHERE agent_id = ?", id));
  GOV_RETURN_IF_ERROR(
      Execute(db_, "delete agent providers", "DELETE FROM providers WHERE agent_id = ?", id));
  GOV_RETURN_IF_ERROR(Execute(
      db_, "delete agent sync job runs",
      "DELETE FROM sync_job_runs WHERE job_id IN (SELECT id FROM sync_jobs WHERE agent_id = ?)",
      id));
  GOV_RETURN_IF_ERROR(
      Execute(db_, "delete agent sync jobs", "DELETE FROM sync_jobs WHERE agent_id = ?", id));
  GOV_ASSIGN_OR_RETURN(int64_t deleted,
                       ExecuteCount(db_, "delete agent", "DELETE FROM agents WHERE id = ?", id));
  return deleted > 0;
}

// ---- agent tokens ---------------------------------------------------------------------

absl::Status SqliteStore::InsertToken(const AgentToken& t) {
  return Execute(db_, "insert agent token",
                 absl::StrCat("INSERT INTO agent_tokens (", kTokenColumns, ") VALUES (?, ?, ?, ?)"),
                 t.id, t.agent_id, t.issued_at, t.revoked_at);
}

absl::StatusOr<std::optional<AgentToken>> SqliteStore::GetToken(const std::string& id) {
  return QueryOne<AgentToken>(
      db_, "read agent token",
      absl::StrCat("SELECT ", kTokenColumns, " FROM agent_tokens WHERE id = ?"), ReadToken, id);
}

absl::StatusOr<int64_t> SqliteStore::RevokeTokens(const std::string& agent_id, absl::Time at) {
  return ExecuteCount(db_, "revoke agent tokens",
                      "UPDATE agent_tokens SET revoked_at = ? "
                      "WHERE agent_id = ? AND revoked_at IS NULL",
                      at, agent_id);
}

}  // namespace gov::storage::sqlite
