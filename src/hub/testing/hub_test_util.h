// Test-only helpers for the hub's unit tests: an in-memory SQLite storage, channels that
// record what the hub sends to an agent, and small builders for heartbeats, agents and
// API records.
//
// Thread-safety: the recording channels are safe from any thread (one mutex each); the
// other helpers are plain functions.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "governance/v1/agent.pb.h"
#include "gtest/gtest.h"
#include "src/hub/channels.h"
#include "src/storage/storage.h"

namespace gov::hub::testing {

// A fresh, migrated in-memory SQLite database.
inline absl::StatusOr<std::unique_ptr<storage::Storage>> MemoryStorage() {
  auto opened = storage::OpenStorage("sqlite://:memory:");
  if (!opened.ok()) return opened.status();
  absl::Status migrated = (*opened)->Migrate();
  if (!migrated.ok()) return migrated;
  return std::move(*opened);
}

// Runs `fn(store)` in one transaction and returns its value; a failure is a test failure
// (and a default value is returned).
template <typename Fn>
auto InTx(storage::Storage& storage, Fn fn) {
  using Result = decltype(fn(std::declval<storage::Store&>()));  // absl::StatusOr<T>
  using Value = typename Result::value_type;
  Value value{};
  absl::Status st = storage.Transact([&](storage::Store& s) -> absl::Status {
    Result r = fn(s);
    if (!r.ok()) return r.status();
    value = std::move(*r);
    return absl::OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st;
  return value;
}

// "seen=2 created=1 ...": compares whole count sets with readable failures.
inline std::string CountsText(const storage::SyncCounts& c) {
  return absl::StrCat("seen=", c.seen, " created=", c.created, " updated=", c.updated,
                      " unchanged=", c.unchanged, " deleted=", c.deleted, " restored=", c.restored,
                      " failed=", c.failed);
}

// True for a canonical lower-case version-4 UUID.
inline bool IsUuid4(const std::string& s) {
  static const std::regex re("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  return std::regex_match(s, re);
}

// Stores an agent with the given id and name, created at `now`.
inline void InsertAgent(storage::Storage& storage, const std::string& id, const std::string& name,
                        absl::Time now) {
  storage::Agent a;
  a.id = id;
  a.name = name;
  a.created_at = now;
  a.updated_at = now;
  absl::Status st = storage.Transact([&](storage::Store& s) { return s.InsertAgent(a); });
  ASSERT_TRUE(st.ok()) << st;
}

inline governance::v1::ProviderStatus ProviderStatusOf(const std::string& name,
                                                       const std::string& type,
                                                       const std::string& status = "OK") {
  governance::v1::ProviderStatus p;
  p.set_name(name);
  p.set_type(type);
  p.set_status(status);
  return p;
}

// A heartbeat from `replica` reporting the providers given as (name, type) pairs.
inline governance::v1::Heartbeat MakeHeartbeat(
    const std::string& replica, bool leader,
    const std::vector<std::pair<std::string, std::string>>& providers = {},
    const std::string& version = "0.2.0") {
  governance::v1::Heartbeat hb;
  hb.set_replica_id(replica);
  hb.set_leader(leader);
  hb.set_agent_version(version);
  for (const auto& [name, type] : providers) *hb.add_providers() = ProviderStatusOf(name, type);
  return hb;
}

// Records every message sent and the status the stream was closed with.
template <typename Channel, typename Msg>
class RecordingChannel : public Channel {
 public:
  bool Send(const Msg& msg) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_ || !accept_) return false;
    sent_.push_back(msg);
    return true;
  }
  void Close(const absl::Status& status) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!closed_) closed_ = status;
  }

  // Makes Send fail from now on, as a stream that has gone away does.
  void RefuseSends() {
    std::lock_guard<std::mutex> lock(mu_);
    accept_ = false;
  }
  std::vector<Msg> sent() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }
  std::optional<absl::Status> closed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_;
  }

 private:
  mutable std::mutex mu_;
  bool accept_ = true;
  std::vector<Msg> sent_;
  std::optional<absl::Status> closed_;
};

using RecordingSyncChannel = RecordingChannel<SyncChannel, governance::v1::SyncDownstream>;
using RecordingHealthChannel = RecordingChannel<HealthChannel, governance::v1::HealthDownstream>;

}  // namespace gov::hub::testing
