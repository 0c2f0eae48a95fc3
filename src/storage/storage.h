// Storage: the hub's persistence seam. Callers never see SQL; they run units of work
// through Storage::Transact and use the Store operations inside.
//
// Implementations: sqlite/ (embedded default), postgres/ (for scale). Both pass the same
// contract test (storage_contract_test.h).
//
// Thread-safety: Storage is safe to use from any thread; a Store is only valid inside
// the Transact callback that received it, on that thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "src/storage/types.h"

namespace gov::storage {

// Operations available inside one transaction. "Not found" is an empty optional (or
// false), never an error; errors are reserved for the database failing.
class Store {
 public:
  virtual ~Store() = default;

  // Settings: small key/value pairs the hub keeps (generated JWT secret, ...).
  virtual absl::StatusOr<std::optional<std::string>> GetSetting(const std::string& key) = 0;
  virtual absl::Status PutSetting(const std::string& key, const std::string& value) = 0;

  // API keys for the REST API (stored hashed).
  virtual absl::Status InsertApiKey(const ApiKey& key) = 0;
  virtual absl::StatusOr<std::optional<ApiKey>> FindApiKeyByHash(const std::string& hash) = 0;
  virtual absl::StatusOr<int64_t> CountApiKeys() = 0;

  // Agents.
  virtual absl::Status InsertAgent(const Agent& agent) = 0;
  // Replaces every field of the agent with that id; false when there is none.
  virtual absl::StatusOr<bool> UpdateAgent(const Agent& agent) = 0;
  virtual absl::StatusOr<std::optional<Agent>> GetAgent(const std::string& id) = 0;
  // Ordered by creation time, then id.
  virtual absl::StatusOr<Page<Agent>> ListAgents(int page, int page_size) = 0;
  // Deletes the agent, its tokens, providers and sync schedules; its APIs and syncs stay
  // (history).
  virtual absl::StatusOr<bool> DeleteAgent(const std::string& id) = 0;

  // Agent tokens.
  virtual absl::Status InsertToken(const AgentToken& token) = 0;
  virtual absl::StatusOr<std::optional<AgentToken>> GetToken(const std::string& id) = 0;
  // Revokes every unrevoked token of the agent; returns how many.
  virtual absl::StatusOr<int64_t> RevokeTokens(const std::string& agent_id, absl::Time at) = 0;

  // Providers, keyed by (agent_id, name).
  virtual absl::Status UpsertProvider(const Provider& provider) = 0;
  virtual absl::StatusOr<std::optional<Provider>> GetProvider(const std::string& agent_id,
                                                              const std::string& name) = 0;
  // All providers, or the agent's when agent_id is not empty; ordered by agent, name.
  virtual absl::StatusOr<std::vector<Provider>> ListProviders(const std::string& agent_id) = 0;
  // Number of non-deleted APIs per provider name for one agent.
  virtual absl::StatusOr<int64_t> CountActiveApis(const std::string& agent_id,
                                                  const std::string& provider) = 0;

  // Syncs, with their per-provider entries.
  virtual absl::Status InsertSync(const Sync& sync) = 0;
  // Replaces state, finished_at, error, the provider entries and the coalesced triggers.
  virtual absl::StatusOr<bool> UpdateSync(const Sync& sync) = 0;
  virtual absl::StatusOr<std::optional<Sync>> GetSync(const std::string& id) = 0;
  // Newest first.
  virtual absl::StatusOr<Page<Sync>> ListSyncs(const std::string& agent_id, int page,
                                               int page_size) = 0;

  // Held deletions (the mass-deletion guard); their provider entry carries the state.
  virtual absl::Status InsertHeldDeletions(const std::vector<HeldDeletion>& rows) = 0;
  // The APIs one sync held, for one provider or (provider empty) every provider.
  virtual absl::StatusOr<std::vector<HeldDeletion>> ListHeldDeletions(
      const std::string& sync_id, const std::string& provider) = 0;
  // Ids of the syncs whose entry for (agent, provider) is still HELD, oldest first.
  // How many provider entries, over every sync, are still HELD (waiting for an operator).
  virtual absl::StatusOr<int64_t> CountHeldListings() = 0;
  virtual absl::StatusOr<std::vector<std::string>> ListHeldSyncIds(const std::string& agent_id,
                                                                   const std::string& provider) = 0;

  // Hub-side sync schedules and what happened each time one came due.
  virtual absl::Status InsertSyncJob(const SyncJob& job) = 0;
  virtual absl::StatusOr<std::optional<SyncJob>> GetSyncJob(const std::string& id) = 0;
  // The agent's schedules, oldest first.
  virtual absl::StatusOr<std::vector<SyncJob>> ListSyncJobs(const std::string& agent_id) = 0;
  // Schedules with next_run_at <= now, earliest first.
  virtual absl::StatusOr<std::vector<SyncJob>> ListDueSyncJobs(absl::Time now) = 0;
  virtual absl::StatusOr<bool> UpdateSyncJobNextRun(const std::string& id,
                                                    absl::Time next_run_at) = 0;
  // Deletes the schedule and its runs.
  virtual absl::StatusOr<bool> DeleteSyncJob(const std::string& id) = 0;
  virtual absl::Status InsertSyncJobRun(const SyncJobRun& run) = 0;
  // Newest first.
  virtual absl::StatusOr<Page<SyncJobRun>> ListSyncJobRuns(const std::string& job_id, int page,
                                                           int page_size) = 0;

  // APIs.
  virtual absl::Status InsertApi(const ApiRecord& api) = 0;
  virtual absl::StatusOr<bool> UpdateApi(const ApiRecord& api) = 0;
  virtual absl::StatusOr<std::optional<ApiRecord>> GetApi(const std::string& id) = 0;
  // Every API (any status) ever seen from one provider of one agent.
  virtual absl::StatusOr<std::vector<ApiRecord>> ListProviderApis(const std::string& agent_id,
                                                                  const std::string& provider) = 0;
  // The repository view: filtered, ordered by created_at then id (new APIs come last, so
  // the order of those already listed never changes), by page or after a cursor (see
  // ApiFilter::after). Items omit definition_json and oas_document_json to keep pages small.
  // `total` counts every match of the filter, cursor or not.
  virtual absl::StatusOr<Page<ApiRecord>> ListApis(const ApiFilter& filter) = 0;

  // Lifecycle events, oldest first.
  virtual absl::Status InsertEvent(const ApiEvent& event) = 0;
  virtual absl::StatusOr<std::vector<ApiEvent>> ListEvents(const std::string& api_id) = 0;
};

class Storage {
 public:
  virtual ~Storage() = default;
  // Brings the schema to the newest version (idempotent).
  virtual absl::Status Migrate() = 0;
  // Runs `fn` in one transaction: committed when it returns OK, rolled back otherwise
  // (the callback's status is returned). Transactions are serialised.
  virtual absl::Status Transact(const std::function<absl::Status(Store&)>& fn) = 0;
  // Human-readable description for logs ("sqlite:///var/lib/gov.db"), no credentials.
  virtual std::string Describe() const = 0;
};

// Opens the storage named by a URL: "sqlite:///abs/path.db", "sqlite://./rel.db",
// "sqlite://:memory:", or "postgres://..." (when built with PostgreSQL support).
absl::StatusOr<std::unique_ptr<Storage>> OpenStorage(const std::string& url);

}  // namespace gov::storage
