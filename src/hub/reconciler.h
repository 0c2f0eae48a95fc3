// Reconciler: applies one provider's listing from one sync to the API repository.
//
// Rules (the contract's "meaning that must hold"):
//  - a new external id is CREATED with a fresh hub id;
//  - a known API whose content hash changed is UPDATED (the event names changed fields);
//    the same hash is "unchanged" and nothing is written;
//  - a DELETED API that appears again is RESTORED under its old id;
//  - only a complete listing deletes: known ACTIVE APIs absent from it become DELETED;
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

class Reconciler {
 public:
  explicit Reconciler(Random* random) : random_(random) {}
  absl::StatusOr<storage::SyncCounts> Apply(storage::Store& store, const Listing& listing,
                                            absl::Time now) const;

  // Names of the normalized fields that differ between two records.
  static std::vector<std::string> ChangedFields(const storage::ApiRecord& before,
                                                const storage::ApiRecord& after);

 private:
  Random* random_;
};

}  // namespace gov::hub
