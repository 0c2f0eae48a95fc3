// Reconciler: applies one provider's listing from one sync to the API repository.
//
// Rules (the contract's "meaning that must hold"):
//  - a new external id is CREATED with a fresh hub id;
//  - a known API whose content hash changed is UPDATED (the event names changed fields);
//    the same hash is "unchanged" and nothing is written;
//  - a DELETED API that appears again is RESTORED under its old id;
//  - only a complete listing deletes: known ACTIVE APIs absent from it become DELETED -
//    unless the mass-deletion guard holds them: when the listing would delete more than
//    DeletionGuard::max_share of the provider's active APIs, or came back empty where
//    there were APIs, nothing is deleted and the APIs are recorded as held deletions for
//    an operator to apply (ApplyHeld) or for a later complete listing to supersede;
//  - an API the agent listed but could not read whole (error set) counts as failed and
//    keeps its previous version; it is still "seen", so it is never deleted.
// Every change writes a lifecycle event carrying the sync id. The caller runs
// ApplyListing inside one Storage transaction, so a listing lands whole or not at all.
//
// Thread-safety: stateless apart from the injected Random; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "src/common/random.h"
#include "src/storage/storage.h"

namespace gov::hub {

struct IncomingApi {
  storage::ApiRecord record;  // normalized fields + content_hash; ids/status ignored
  std::string error;          // non-empty: listed but not readable
};

struct Listing {
  std::string sync_id;
  std::string agent_id;
  std::string provider;
  std::string provider_type;
  std::vector<IncomingApi> apis;
  bool complete = false;  // every page read: absent APIs may be deleted
};

// The mass-deletion guard's setting.
struct DeletionGuard {
  // Deletions are held when they would remove more than this share (0 < share <= 1) of
  // the provider's active APIs. 1 turns the share check off; an empty listing where there
  // were APIs is held whatever the share.
  double max_share = 0.5;
};

struct ApplyResult {
  storage::SyncCounts counts;
  std::vector<std::string> held_api_ids;  // deletions the guard held back (hub ids)
  std::string held_reason;                // why, when held_api_ids is not empty
};

class Reconciler {
 public:
  explicit Reconciler(Random* random, DeletionGuard guard = {}) : random_(random), guard_(guard) {}

  // Applies the listing. When it holds deletions it also records them (InsertHeldDeletions);
  // the caller records the provider entry's HELD state. A complete listing supersedes the
  // deletions earlier syncs held for the same provider.
  absl::StatusOr<ApplyResult> Apply(storage::Store& store, const Listing& listing,
                                    absl::Time now) const;

  // Deletes what sync `sync_id` held for `provider` (every held provider when empty):
  // the held APIs still ACTIVE become DELETED, each with a lifecycle event carrying that
  // sync's id, and the provider entries become APPLIED. Returns the sync as updated.
  // NotFound: no such sync. FailedPrecondition: nothing held (or already applied or
  // superseded: the message says which).
  static absl::StatusOr<storage::Sync> ApplyHeld(storage::Store& store, const std::string& sync_id,
                                                 const std::string& provider, absl::Time now);

  // Names of the normalized fields that differ between two records.
  static std::vector<std::string> ChangedFields(const storage::ApiRecord& before,
                                                const storage::ApiRecord& after);

 private:
  // Marks HELD entries of earlier syncs for this provider SUPERSEDED.
  static absl::Status SupersedeHeld(storage::Store& store, const Listing& listing, absl::Time now);

  Random* random_;
  DeletionGuard guard_;
};

// "12 of 19 APIs (63%) would be deleted, more than the 50% the deletion guard allows".
std::string HeldReason(int64_t would_delete, int64_t active, int64_t seen, double max_share,
                       const std::string& sync_id);

}  // namespace gov::hub
