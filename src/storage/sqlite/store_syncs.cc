// SqliteStore: providers and syncs (with their per-provider entries).
#include "absl/strings/str_cat.h"
#include "src/storage/sqlite/codec.h"
#include "src/storage/sqlite/query.h"
#include "src/storage/sqlite/sqlite_store.h"

namespace gov::storage::sqlite {
namespace {

constexpr char kProviderColumns[] =
    "agent_id, name, type, details, connection_status, error, last_sync_at, updated_at";

absl::StatusOr<Provider> ReadProvider(const Statement& st) {
  Provider p;
  p.agent_id = st.Text(0);
  p.name = st.Text(1);
  p.type = st.Text(2);
  GOV_ASSIGN_OR_RETURN(p.details, DecodeMap(st.Text(3), "providers.details"));
  p.connection_status = st.Text(4);
  p.error = st.Text(5);
  p.last_sync_at = st.OptionalTime(6);
  p.updated_at = st.Time(7);
  return p;
}

constexpr char kSyncColumns[] =
    "id, agent_id, sync_trigger, state, provider_filter, started_at, finished_at, error";

// Reads a sync row without its provider entries.
absl::StatusOr<Sync> ReadSync(const Statement& st) {
  Sync s;
  s.id = st.Text(0);
  s.agent_id = st.Text(1);
  GOV_ASSIGN_OR_RETURN(s.trigger,
                       DecodeEnum<SyncTrigger>(st.Text(2), "syncs.sync_trigger", ParseSyncTrigger));
  GOV_ASSIGN_OR_RETURN(s.state, DecodeEnum<SyncState>(st.Text(3), "syncs.state", ParseSyncState));
  s.provider_filter = st.Text(4);
  s.started_at = st.Time(5);
  s.finished_at = st.OptionalTime(6);
  s.error = st.Text(7);
  return s;
}

constexpr char kSyncProviderColumns[] =
    "name, type, state, error, seen, created, updated, unchanged, deleted, restored, failed, "
    "held, held_state, held_reason, held_resolved_at";

absl::StatusOr<ProviderSync> ReadSyncProvider(const Statement& st) {
  ProviderSync p;
  p.name = st.Text(0);
  p.type = st.Text(1);
  GOV_ASSIGN_OR_RETURN(p.state,
                       DecodeEnum<SyncState>(st.Text(2), "sync_providers.state", ParseSyncState));
  p.error = st.Text(3);
  p.counts.seen = st.Int(4);
  p.counts.created = st.Int(5);
  p.counts.updated = st.Int(6);
  p.counts.unchanged = st.Int(7);
  p.counts.deleted = st.Int(8);
  p.counts.restored = st.Int(9);
  p.counts.failed = st.Int(10);
  p.held.count = st.Int(11);
  GOV_ASSIGN_OR_RETURN(p.held.state, DecodeEnum<HoldState>(st.Text(12), "sync_providers.held_state",
                                                           ParseHoldState));
  p.held.reason = st.Text(13);
  p.held.resolved_at = st.OptionalTime(14);
  return p;
}

}  // namespace

// ---- providers ------------------------------------------------------------------------

absl::Status SqliteStore::UpsertProvider(const Provider& p) {
  return Execute(
      db_, "upsert provider",
      absl::StrCat("INSERT INTO providers (", kProviderColumns,
                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (agent_id, name) DO UPDATE SET type = excluded.type, "
                   "details = excluded.details, connection_status = excluded.connection_status, "
                   "error = excluded.error, last_sync_at = excluded.last_sync_at, "
                   "updated_at = excluded.updated_at"),
      p.agent_id, p.name, p.type, EncodeMap(p.details), p.connection_status, p.error,
      p.last_sync_at, p.updated_at);
}

absl::StatusOr<std::optional<Provider>> SqliteStore::GetProvider(const std::string& agent_id,
                                                                 const std::string& name) {
  return QueryOne<Provider>(
      db_, "read provider",
      absl::StrCat("SELECT ", kProviderColumns, " FROM providers WHERE agent_id = ? AND name = ?"),
      ReadProvider, agent_id, name);
}

absl::StatusOr<std::vector<Provider>> SqliteStore::ListProviders(const std::string& agent_id) {
  if (agent_id.empty()) {
    return QueryAll<Provider>(
        db_, "list providers",
        absl::StrCat("SELECT ", kProviderColumns, " FROM providers ORDER BY agent_id, name"),
        ReadProvider);
  }
  return QueryAll<Provider>(
      db_, "list agent providers",
      absl::StrCat("SELECT ", kProviderColumns, " FROM providers WHERE agent_id = ? ORDER BY name"),
      ReadProvider, agent_id);
}

absl::StatusOr<int64_t> SqliteStore::CountActiveApis(const std::string& agent_id,
                                                     const std::string& provider) {
  return QueryInt(db_, "count active APIs",
                  "SELECT COUNT(*) FROM apis WHERE agent_id = ? AND provider = ? AND status = ?",
                  agent_id, provider, ToString(ApiStatus::kActive));
}

// ---- syncs ----------------------------------------------------------------------------

absl::Status SqliteStore::InsertSyncProviders(const Sync& sync) {
  GOV_ASSIGN_OR_RETURN(
      Statement st,
      db_.Prepare(
          "insert sync provider",
          absl::StrCat("INSERT INTO sync_providers (sync_id, position, ", kSyncProviderColumns,
                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")));
  int64_t position = 0;
  for (const ProviderSync& p : sync.providers) {
    const SyncCounts& c = p.counts;
    GOV_RETURN_IF_ERROR(st.BindAll(sync.id, position++, p.name, p.type, ToString(p.state), p.error,
                                   c.seen, c.created, c.updated, c.unchanged, c.deleted, c.restored,
                                   c.failed, p.held.count, ToString(p.held.state), p.held.reason,
                                   p.held.resolved_at)
                            .Run());
    GOV_RETURN_IF_ERROR(st.Reset());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ProviderSync>> SqliteStore::LoadSyncProviders(
    const std::string& sync_id) {
  return QueryAll<ProviderSync>(
      db_, "read sync providers",
      absl::StrCat("SELECT ", kSyncProviderColumns,
                   " FROM sync_providers WHERE sync_id = ? ORDER BY position"),
      ReadSyncProvider, sync_id);
}

absl::Status SqliteStore::InsertSyncCoalesced(const Sync& sync) {
  if (sync.coalesced.empty()) return absl::OkStatus();
  GOV_ASSIGN_OR_RETURN(Statement st,
                       db_.Prepare("insert coalesced trigger",
                                   "INSERT INTO sync_coalesced (sync_id, position, sync_trigger, "
                                   "at, source) VALUES (?, ?, ?, ?, ?)"));
  int64_t position = 0;
  for (const CoalescedTrigger& c : sync.coalesced) {
    GOV_RETURN_IF_ERROR(st.BindAll(sync.id, position++, ToString(c.trigger), c.at, c.source).Run());
    GOV_RETURN_IF_ERROR(st.Reset());
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::LoadSyncChildren(Sync& sync) {
  GOV_ASSIGN_OR_RETURN(sync.providers, LoadSyncProviders(sync.id));
  GOV_ASSIGN_OR_RETURN(
      sync.coalesced,
      QueryAll<CoalescedTrigger>(
          db_, "read coalesced triggers",
          "SELECT sync_trigger, at, source FROM sync_coalesced WHERE sync_id = ? ORDER BY position",
          [](const Statement& st) -> absl::StatusOr<CoalescedTrigger> {
            CoalescedTrigger c;
            GOV_ASSIGN_OR_RETURN(c.trigger,
                                 DecodeEnum<SyncTrigger>(st.Text(0), "sync_coalesced.sync_trigger",
                                                         ParseSyncTrigger));
            c.at = st.Time(1);
            c.source = st.Text(2);
            return c;
          },
          sync.id));
  return absl::OkStatus();
}

absl::Status SqliteStore::InsertSync(const Sync& s) {
  GOV_RETURN_IF_ERROR(Execute(
      db_, "insert sync",
      absl::StrCat("INSERT INTO syncs (", kSyncColumns, ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"), s.id,
      s.agent_id, ToString(s.trigger), ToString(s.state), s.provider_filter, s.started_at,
      s.finished_at, s.error));
  GOV_RETURN_IF_ERROR(InsertSyncProviders(s));
  return InsertSyncCoalesced(s);
}

absl::StatusOr<bool> SqliteStore::UpdateSync(const Sync& s) {
  GOV_ASSIGN_OR_RETURN(int64_t changed,
                       ExecuteCount(db_, "update sync",
                                    "UPDATE syncs SET state = ?, finished_at = ?, error = ? "
                                    "WHERE id = ?",
                                    ToString(s.state), s.finished_at, s.error, s.id));
  if (changed == 0) return false;
  GOV_RETURN_IF_ERROR(
      Execute(db_, "replace sync providers", "DELETE FROM sync_providers WHERE sync_id = ?", s.id));
  GOV_RETURN_IF_ERROR(InsertSyncProviders(s));
  GOV_RETURN_IF_ERROR(Execute(db_, "replace coalesced triggers",
                              "DELETE FROM sync_coalesced WHERE sync_id = ?", s.id));
  GOV_RETURN_IF_ERROR(InsertSyncCoalesced(s));
  return true;
}

absl::StatusOr<std::optional<Sync>> SqliteStore::GetSync(const std::string& id) {
  GOV_ASSIGN_OR_RETURN(
      std::optional<Sync> sync,
      QueryOne<Sync>(db_, "read sync",
                     absl::StrCat("SELECT ", kSyncColumns, " FROM syncs WHERE id = ?"), ReadSync,
                     id));
  if (sync.has_value()) GOV_RETURN_IF_ERROR(LoadSyncChildren(*sync));
  return sync;
}

absl::StatusOr<Page<Sync>> SqliteStore::ListSyncs(const std::string& agent_id, int page,
                                                  int page_size) {
  GOV_RETURN_IF_ERROR(CheckPage(page, page_size));
  const int64_t limit = page_size;
  const int64_t offset = PageOffset(page, page_size);
  Page<Sync> out;
  if (agent_id.empty()) {
    GOV_ASSIGN_OR_RETURN(out.total, QueryInt(db_, "count syncs", "SELECT COUNT(*) FROM syncs"));
    GOV_ASSIGN_OR_RETURN(out.items,
                         QueryAll<Sync>(db_, "list syncs",
                                        absl::StrCat("SELECT ", kSyncColumns,
                                                     " FROM syncs ORDER BY started_at DESC, id "
                                                     "LIMIT ? OFFSET ?"),
                                        ReadSync, limit, offset));
  } else {
    GOV_ASSIGN_OR_RETURN(out.total,
                         QueryInt(db_, "count agent syncs",
                                  "SELECT COUNT(*) FROM syncs WHERE agent_id = ?", agent_id));
    GOV_ASSIGN_OR_RETURN(
        out.items, QueryAll<Sync>(db_, "list agent syncs",
                                  absl::StrCat("SELECT ", kSyncColumns,
                                               " FROM syncs WHERE agent_id = ? "
                                               "ORDER BY started_at DESC, id LIMIT ? OFFSET ?"),
                                  ReadSync, agent_id, limit, offset));
  }
  for (Sync& sync : out.items) GOV_RETURN_IF_ERROR(LoadSyncChildren(sync));
  return out;
}

// ---- held deletions -------------------------------------------------------------------

absl::Status SqliteStore::InsertHeldDeletions(const std::vector<HeldDeletion>& rows) {
  if (rows.empty()) return absl::OkStatus();
  GOV_ASSIGN_OR_RETURN(
      Statement st, db_.Prepare("insert held deletion",
                                "INSERT INTO held_deletions (sync_id, provider, agent_id, api_id) "
                                "VALUES (?, ?, ?, ?)"));
  for (const HeldDeletion& h : rows) {
    GOV_RETURN_IF_ERROR(st.BindAll(h.sync_id, h.provider, h.agent_id, h.api_id).Run());
    GOV_RETURN_IF_ERROR(st.Reset());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<HeldDeletion>> SqliteStore::ListHeldDeletions(
    const std::string& sync_id, const std::string& provider) {
  auto read = [](const Statement& st) -> absl::StatusOr<HeldDeletion> {
    return HeldDeletion{st.Text(0), st.Text(1), st.Text(2), st.Text(3)};
  };
  constexpr char kSelect[] = "SELECT sync_id, agent_id, provider, api_id FROM held_deletions ";
  if (provider.empty()) {
    return QueryAll<HeldDeletion>(
        db_, "list held deletions",
        absl::StrCat(kSelect, "WHERE sync_id = ? ORDER BY provider, api_id"), read, sync_id);
  }
  return QueryAll<HeldDeletion>(
      db_, "list held deletions of a provider",
      absl::StrCat(kSelect, "WHERE sync_id = ? AND provider = ? ORDER BY api_id"), read, sync_id,
      provider);
}

absl::StatusOr<int64_t> SqliteStore::CountHeldListings() {
  return QueryInt(db_, "count held listings",
                  "SELECT COUNT(*) FROM sync_providers WHERE held_state = ?",
                  ToString(HoldState::kHeld));
}

absl::StatusOr<std::vector<std::string>> SqliteStore::ListHeldSyncIds(const std::string& agent_id,
                                                                      const std::string& provider) {
  return QueryAll<std::string>(
      db_, "list held syncs",
      "SELECT s.id FROM sync_providers p JOIN syncs s ON s.id = p.sync_id "
      "WHERE p.held_state = ? AND p.name = ? AND s.agent_id = ? ORDER BY s.started_at, s.id",
      [](const Statement& st) -> absl::StatusOr<std::string> { return st.Text(0); },
      ToString(HoldState::kHeld), provider, agent_id);
}

}  // namespace gov::storage::sqlite
