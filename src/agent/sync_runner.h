// SyncRunner: runs one sync on the agent - asks each chosen provider for its complete
// list of APIs and streams them to the hub: ApiBatch messages, then per provider one
// ProviderComplete (ok + count, or the error), then SyncEnd.
//
// A provider failing does not stop the others; its completion carries the error so the
// hub deletes nothing for it. Duplicate external ids within one listing are dropped
// (first wins) with a warning.
//
// Thread-safety: Run is called from one thread at a time (the agent's sync worker).
#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "governance/v1/agent.pb.h"
#include "src/agent/provider.h"
#include "src/agent/provider_status.h"

namespace gov::agent {

// Writes one message on the sync stream; false when the stream is gone.
using SyncWriter = std::function<bool(const governance::v1::SyncUpstream&)>;

struct SyncRunnerOptions {
  size_t batch_max_apis = 50;
  size_t batch_max_bytes = 2 * 1024 * 1024;
};

class SyncRunner {
 public:
  SyncRunner(std::vector<Provider*> providers, ProviderStatusBoard* board,
             SyncRunnerOptions options = {})
      : providers_(std::move(providers)), board_(board), options_(options) {}

  // Runs the sync `sync_id` for every provider, or only `provider_filter` when set.
  // Returns an error only when the stream broke (the hub then fails the sync itself).
  absl::Status Run(const std::string& sync_id, const std::string& provider_filter,
                   const SyncWriter& write, std::stop_token stop);

  std::vector<std::string> ProviderNames() const;

 private:
  std::vector<Provider*> providers_;
  ProviderStatusBoard* board_;
  SyncRunnerOptions options_;
};

// NormalizedApi -> wire message (JSON fields dumped, content hash computed).
governance::v1::ApiDefinition ToProto(const NormalizedApi& api);

}  // namespace gov::agent
