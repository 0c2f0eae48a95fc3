// JSON views of hub records, exactly as the REST API answers them (field names and
// enumerations of the contract). Pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "src/hub/agent_registry.h"
#include "src/storage/types.h"

namespace gov::hub {

struct AgentViewInput {
  const storage::Agent* agent;
  const AgentLiveView* live;
  const std::vector<storage::Provider>* providers;  // stored providers of the agent
  const std::optional<storage::Sync>* last_sync;
};

nlohmann::json AgentJson(const AgentViewInput& in);
nlohmann::json ProviderJson(const storage::Provider& p, int64_t api_count, bool agent_active);
nlohmann::json SyncJson(const storage::Sync& s);
// `full` adds definition, oas_document and extra.
nlohmann::json ApiJson(const storage::ApiRecord& api, bool full);
nlohmann::json EventJson(const storage::ApiEvent& e);
// A hub-side schedule; `last_run` may be null.
nlohmann::json SyncJobJson(const storage::SyncJob& job, const storage::SyncJobRun* last_run);
nlohmann::json SyncJobRunJson(const storage::SyncJobRun& run);
nlohmann::json TimeOrNull(const std::optional<absl::Time>& t);
// Parses stored JSON text; unparsable text is returned as a string, empty as null.
nlohmann::json ParseStoredJson(const std::string& text);

}  // namespace gov::hub
