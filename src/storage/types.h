// The hub's domain records as stored: agents, tokens, API keys, providers, syncs (with held
// deletions), sync schedules and their runs, APIs and their lifecycle events. Plain values; no
// behaviour beyond enum <-> text conversions.
//
// Thread-safety: plain data, no synchronisation.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"

namespace gov::storage {

struct ApiKey {
  std::string id;
  std::string name;
  std::string key_hash;  // sha256 hex of the key; the key itself is never stored
  absl::Time created_at;
};

struct AgentToken {
  std::string id;  // the JWT's jti
  std::string agent_id;
  absl::Time issued_at;
  std::optional<absl::Time> revoked_at;
};

// A provider as last reported by an agent (heartbeat) and as seen by syncs.
struct Provider {
  std::string agent_id;
  std::string name;
  std::string type;
  std::map<std::string, std::string> details;  // non-secret: host, region
  std::string connection_status = "UNKNOWN";   // CONNECTED, ERROR, UNKNOWN
  std::string error;
  std::optional<absl::Time> last_sync_at;
  absl::Time updated_at;
};

struct ReplicaInfo {
  std::string id;
  bool leader = false;
  absl::Time last_heartbeat;
};

struct Agent {
  std::string id;
  std::string name;
  std::string description;
  absl::Time created_at;
  absl::Time updated_at;
  std::optional<absl::Time> last_heartbeat;
  std::string version;
  std::vector<std::string> warnings;  // config warnings reported by the agent
};

enum class SyncState { kPending, kRunning, kSucceeded, kPartial, kFailed };
enum class SyncTrigger { kManual, kHubSchedule, kAgentSchedule, kInitial };

struct SyncCounts {
  int64_t seen = 0;
  int64_t created = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t deleted = 0;
  int64_t restored = 0;
  int64_t failed = 0;
};

// Deletions a complete listing asked for but the mass-deletion guard held back.
//   HELD: waiting for an operator; APPLIED: an operator applied them; SUPERSEDED: a later
//   complete listing of the same provider decided afresh (nothing was deleted).
enum class HoldState { kNone, kHeld, kApplied, kSuperseded };

struct HeldDeletions {
  HoldState state = HoldState::kNone;
  int64_t count = 0;
  std::string reason;
  std::optional<absl::Time> resolved_at;  // when applied or superseded
};

struct ProviderSync {
  std::string name;
  std::string type;
  SyncState state = SyncState::kPending;
  std::string error;
  SyncCounts counts;
  HeldDeletions held;
};

// A trigger that came due while the sync ran (or waited) and was folded into it instead
// of starting a second sync: the agent's own schedule, or a hub schedule.
struct CoalescedTrigger {
  SyncTrigger trigger = SyncTrigger::kAgentSchedule;
  absl::Time at;
  std::string source;  // what fired: "agent schedule", "sync job <id>"
};

struct Sync {
  std::string id;
  std::string agent_id;
  SyncTrigger trigger = SyncTrigger::kManual;
  SyncState state = SyncState::kPending;
  std::string provider_filter;  // empty: all providers
  absl::Time started_at;
  std::optional<absl::Time> finished_at;
  std::string error;
  std::vector<ProviderSync> providers;
  std::vector<CoalescedTrigger> coalesced;  // in the order they came due
};

// One API a held listing would have deleted (its provider entry says why).
struct HeldDeletion {
  std::string sync_id;
  std::string agent_id;
  std::string provider;
  std::string api_id;
};

// A hub-side sync schedule: runs at start_from + k * repeat_every (k >= 0).
struct SyncJob {
  std::string id;
  std::string agent_id;
  std::string provider;  // empty: every provider of the agent
  absl::Duration repeat_every;
  absl::Time start_from;
  absl::Time created_at;
  absl::Time next_run_at;  // the next due time not yet handled
};

// What happened when a schedule came due.
//   TRIGGERED: a sync was started (sync_id); COALESCED: a sync of the agent was already
//   running (sync_id is that one); MISSED: the agent was not connected; FAILED: the hub
//   could not start it (error says why).
enum class JobRunOutcome { kTriggered, kCoalesced, kMissed, kFailed };

struct SyncJobRun {
  int64_t id = 0;  // assigned by storage
  std::string job_id;
  absl::Time due_at;  // the due time this run stands for
  absl::Time ran_at;
  JobRunOutcome outcome = JobRunOutcome::kTriggered;
  std::string sync_id;
  std::string error;
  int64_t skipped = 0;  // earlier due times that passed while the hub was not running
};

enum class ApiStatus { kActive, kDeleted };

struct ApiRecord {
  std::string id;  // the hub's id, stable across deletion and restoration
  std::string agent_id;
  std::string provider;
  std::string provider_type;
  std::string external_id;
  std::string name;
  std::string description;
  std::vector<std::string> versions;
  std::string listen_path;
  std::string upstream_url;
  std::string protocol;
  std::vector<std::string> auth_mechanisms;
  bool active = true;
  bool internal = false;
  std::string oas_document_json;  // empty when the provider has none
  std::string definition_json;
  std::string extra_json;  // provider-specific normalized fields, a JSON object or empty
  std::string content_hash;
  ApiStatus status = ApiStatus::kActive;
  absl::Time created_at;
  absl::Time updated_at;
  std::optional<absl::Time> deleted_at;
  std::string last_sync_id;
};

enum class EventType { kCreated, kUpdated, kDeleted, kRestored };

struct ApiEvent {
  int64_t id = 0;  // assigned by storage
  std::string api_id;
  EventType type = EventType::kCreated;
  absl::Time at;
  std::string sync_id;
  std::vector<std::string> changed_fields;  // for UPDATED (and RESTORED with changes)
};

struct ApiFilter {
  std::optional<ApiStatus> status;
  std::string provider;
  std::string agent_id;
  std::string q;  // case-insensitive substring of name, listen path or external id
  // A cursor: only APIs after this one (by id) in the listing order; `page` is then
  // ignored. Unlike pages, a cursor never skips or repeats an API when APIs before it are
  // deleted, restored or created meanwhile. An unknown id is InvalidArgument.
  std::string after;
  int page = 1;
  int page_size = 50;
};

template <typename T>
struct Page {
  std::vector<T> items;
  int64_t total = 0;
};

// Enum <-> upper-case text as in the REST contract.
std::string_view ToString(SyncState s);
std::string_view ToString(SyncTrigger t);
std::string_view ToString(ApiStatus s);
std::string_view ToString(EventType t);
std::string_view ToString(HoldState s);
std::string_view ToString(JobRunOutcome o);
std::optional<SyncState> ParseSyncState(std::string_view s);
std::optional<SyncTrigger> ParseSyncTrigger(std::string_view s);
std::optional<ApiStatus> ParseApiStatus(std::string_view s);
std::optional<EventType> ParseEventType(std::string_view s);
std::optional<HoldState> ParseHoldState(std::string_view s);
std::optional<JobRunOutcome> ParseJobRunOutcome(std::string_view s);

}  // namespace gov::storage
