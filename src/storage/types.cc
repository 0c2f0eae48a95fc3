#include "src/storage/types.h"

#include <array>
#include <utility>

namespace gov::storage {
namespace {

template <typename E, size_t N>
std::string_view Name(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [v, n] : table) {
    if (v == e) return n;
  }
  return "UNKNOWN";
}

template <typename E, size_t N>
std::optional<E> Parse(const std::array<std::pair<E, std::string_view>, N>& table,
                       std::string_view s) {
  for (const auto& [v, n] : table) {
    if (n == s) return v;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<SyncState, std::string_view>, 5> kSyncStates{{
    {SyncState::kPending, "PENDING"},
    {SyncState::kRunning, "RUNNING"},
    {SyncState::kSucceeded, "SUCCEEDED"},
    {SyncState::kPartial, "PARTIAL"},
    {SyncState::kFailed, "FAILED"},
}};
constexpr std::array<std::pair<SyncTrigger, std::string_view>, 4> kTriggers{{
    {SyncTrigger::kManual, "MANUAL"},
    {SyncTrigger::kHubSchedule, "HUB_SCHEDULE"},
    {SyncTrigger::kAgentSchedule, "AGENT_SCHEDULE"},
    {SyncTrigger::kInitial, "INITIAL"},
}};
constexpr std::array<std::pair<ApiStatus, std::string_view>, 2> kApiStatuses{{
    {ApiStatus::kActive, "ACTIVE"},
    {ApiStatus::kDeleted, "DELETED"},
}};
constexpr std::array<std::pair<EventType, std::string_view>, 4> kEventTypes{{
    {EventType::kCreated, "CREATED"},
    {EventType::kUpdated, "UPDATED"},
    {EventType::kDeleted, "DELETED"},
    {EventType::kRestored, "RESTORED"},
}};

constexpr std::array<std::pair<HoldState, std::string_view>, 4> kHoldStates{{
    {HoldState::kNone, "NONE"},
    {HoldState::kHeld, "HELD"},
    {HoldState::kApplied, "APPLIED"},
    {HoldState::kSuperseded, "SUPERSEDED"},
}};
constexpr std::array<std::pair<JobRunOutcome, std::string_view>, 4> kJobRunOutcomes{{
    {JobRunOutcome::kTriggered, "TRIGGERED"},
    {JobRunOutcome::kCoalesced, "COALESCED"},
    {JobRunOutcome::kMissed, "MISSED"},
    {JobRunOutcome::kFailed, "FAILED"},
}};

}  // namespace

std::string_view ToString(SyncState s) { return Name(kSyncStates, s); }
std::string_view ToString(SyncTrigger t) { return Name(kTriggers, t); }
std::string_view ToString(ApiStatus s) { return Name(kApiStatuses, s); }
std::string_view ToString(EventType t) { return Name(kEventTypes, t); }
std::string_view ToString(HoldState s) { return Name(kHoldStates, s); }
std::string_view ToString(JobRunOutcome o) { return Name(kJobRunOutcomes, o); }
std::optional<SyncState> ParseSyncState(std::string_view s) { return Parse(kSyncStates, s); }
std::optional<SyncTrigger> ParseSyncTrigger(std::string_view s) { return Parse(kTriggers, s); }
std::optional<ApiStatus> ParseApiStatus(std::string_view s) { return Parse(kApiStatuses, s); }
std::optional<EventType> ParseEventType(std::string_view s) { return Parse(kEventTypes, s); }
std::optional<HoldState> ParseHoldState(std::string_view s) { return Parse(kHoldStates, s); }
std::optional<JobRunOutcome> ParseJobRunOutcome(std::string_view s) {
  return Parse(kJobRunOutcomes, s);
}

}  // namespace gov::storage
