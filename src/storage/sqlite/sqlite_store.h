// SqliteStore: the Store operations on one SQLite connection, used inside a transaction
// that SqliteStorage::Transact has begun. Definitions are split by record kind:
// store_accounts.cc (settings, API keys, agents, tokens), store_syncs.cc (providers,
// syncs, held deletions), store_jobs.cc (sync schedules and their runs) and store_apis.cc
// (APIs, lifecycle events).
//
// Thread-safety: none; valid only inside the Transact callback that received it.
#pragma once

#include <string>
#include <vector>

#include "src/storage/sqlite/sqlite_db.h"
#include "src/storage/storage.h"

namespace gov::storage::sqlite {

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(SqliteDb& db) : db_(db) {}

  absl::StatusOr<std::optional<std::string>> GetSetting(const std::string& key) override;
  absl::Status PutSetting(const std::string& key, const std::string& value) override;

  absl::Status InsertApiKey(const ApiKey& key) override;
  absl::StatusOr<std::optional<ApiKey>> FindApiKeyByHash(const std::string& hash) override;
  absl::StatusOr<int64_t> CountApiKeys() override;

  absl::Status InsertAgent(const Agent& agent) override;
  absl::StatusOr<bool> UpdateAgent(const Agent& agent) override;
  absl::StatusOr<std::optional<Agent>> GetAgent(const std::string& id) override;
  absl::StatusOr<Page<Agent>> ListAgents(int page, int page_size) override;
  absl::StatusOr<bool> DeleteAgent(const std::string& id) override;

  absl::Status InsertToken(const AgentToken& token) override;
  absl::StatusOr<std::optional<AgentToken>> GetToken(const std::string& id) override;
  absl::StatusOr<int64_t> RevokeTokens(const std::string& agent_id, absl::Time at) override;

  absl::Status UpsertProvider(const Provider& provider) override;
  absl::StatusOr<std::optional<Provider>> GetProvider(const std::string& agent_id,
                                                      const std::string& name) override;
  absl::StatusOr<std::vector<Provider>> ListProviders(const std::string& agent_id) override;
  absl::StatusOr<int64_t> CountActiveApis(const std::string& agent_id,
                                          const std::string& provider) override;

  absl::Status InsertSync(const Sync& sync) override;
  absl::StatusOr<bool> UpdateSync(const Sync& sync) override;
  absl::StatusOr<std::optional<Sync>> GetSync(const std::string& id) override;
  absl::StatusOr<Page<Sync>> ListSyncs(const std::string& agent_id, int page,
                                       int page_size) override;

  absl::Status InsertHeldDeletions(const std::vector<HeldDeletion>& rows) override;
  absl::StatusOr<std::vector<HeldDeletion>> ListHeldDeletions(const std::string& sync_id,
                                                              const std::string& provider) override;
  absl::StatusOr<int64_t> CountHeldListings() override;
  absl::StatusOr<std::vector<std::string>> ListHeldSyncIds(const std::string& agent_id,
                                                           const std::string& provider) override;

  absl::Status InsertSyncJob(const SyncJob& job) override;
  absl::StatusOr<std::optional<SyncJob>> GetSyncJob(const std::string& id) override;
  absl::StatusOr<std::vector<SyncJob>> ListSyncJobs(const std::string& agent_id) override;
  absl::StatusOr<std::vector<SyncJob>> ListDueSyncJobs(absl::Time now) override;
  absl::StatusOr<bool> UpdateSyncJobNextRun(const std::string& id, absl::Time next_run_at) override;
  absl::StatusOr<bool> DeleteSyncJob(const std::string& id) override;
  absl::Status InsertSyncJobRun(const SyncJobRun& run) override;
  absl::StatusOr<Page<SyncJobRun>> ListSyncJobRuns(const std::string& job_id, int page,
                                                   int page_size) override;

  absl::Status InsertApi(const ApiRecord& api) override;
  absl::StatusOr<bool> UpdateApi(const ApiRecord& api) override;
  absl::StatusOr<std::optional<ApiRecord>> GetApi(const std::string& id) override;
  absl::StatusOr<std::vector<ApiRecord>> ListProviderApis(const std::string& agent_id,
                                                          const std::string& provider) override;
  absl::StatusOr<Page<ApiRecord>> ListApis(const ApiFilter& filter) override;

  absl::Status InsertEvent(const ApiEvent& event) override;
  absl::StatusOr<std::vector<ApiEvent>> ListEvents(const std::string& api_id) override;

 private:
  absl::Status InsertSyncProviders(const Sync& sync);
  absl::StatusOr<std::vector<ProviderSync>> LoadSyncProviders(const std::string& sync_id);
  absl::Status InsertSyncCoalesced(const Sync& sync);
  // Reads a sync's provider entries and coalesced triggers into it.
  absl::Status LoadSyncChildren(Sync& sync);

  SqliteDb& db_;
};

}  // namespace gov::storage::sqlite
