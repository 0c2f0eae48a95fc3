// SqliteStore: the API repository and lifecycle events.
#include "absl/strings/str_cat.h"
#include "src/storage/sqlite/codec.h"
#include "src/storage/sqlite/query.h"
#include "src/storage/sqlite/sqlite_store.h"

namespace gov::storage::sqlite {
namespace {

// Column order shared by every API query; the list form leaves out the two documents.
constexpr char kApiColumns[] =
    "id, agent_id, provider, provider_type, external_id, name, description, versions, "
    "listen_path, upstream_url, protocol, auth_mechanisms, active, internal, oas_document, "
    "definition, extra, content_hash, status, created_at, updated_at, deleted_at, last_sync_id";
constexpr char kApiListColumns[] =
    "id, agent_id, provider, provider_type, external_id, name, description, versions, "
    "listen_path, upstream_url, protocol, auth_mechanisms, active, internal, '', "
    "'', extra, content_hash, status, created_at, updated_at, deleted_at, last_sync_id";

absl::StatusOr<ApiRecord> ReadApi(const Statement& st) {
  ApiRecord a;
  a.id = st.Text(0);
  a.agent_id = st.Text(1);
  a.provider = st.Text(2);
  a.provider_type = st.Text(3);
  a.external_id = st.Text(4);
  a.name = st.Text(5);
  a.description = st.Text(6);
  GOV_ASSIGN_OR_RETURN(a.versions, DecodeList(st.Text(7), "apis.versions"));
  a.listen_path = st.Text(8);
  a.upstream_url = st.Text(9);
  a.protocol = st.Text(10);
  GOV_ASSIGN_OR_RETURN(a.auth_mechanisms, DecodeList(st.Text(11), "apis.auth_mechanisms"));
  a.active = st.Bool(12);
  a.internal = st.Bool(13);
  a.oas_document_json = st.Text(14);
  a.definition_json = st.Text(15);
  a.extra_json = st.Text(16);
  a.content_hash = st.Text(17);
  GOV_ASSIGN_OR_RETURN(a.status, DecodeEnum<ApiStatus>(st.Text(18), "apis.status", ParseApiStatus));
  a.created_at = st.Time(19);
  a.updated_at = st.Time(20);
  a.deleted_at = st.OptionalTime(21);
  a.last_sync_id = st.Text(22);
  return a;
}

constexpr char kEventColumns[] = "id, api_id, type, at, sync_id, changed_fields";

absl::StatusOr<ApiEvent> ReadEvent(const Statement& st) {
  ApiEvent e;
  e.id = st.Int(0);
  e.api_id = st.Text(1);
  GOV_ASSIGN_OR_RETURN(e.type,
                       DecodeEnum<EventType>(st.Text(2), "api_events.type", ParseEventType));
  e.at = st.Time(3);
  e.sync_id = st.Text(4);
  GOV_ASSIGN_OR_RETURN(e.changed_fields, DecodeList(st.Text(5), "api_events.changed_fields"));
  return e;
}

// The WHERE clause of a repository query: fixed SQL text plus its bound values.
struct ApiWhere {
  std::string sql;
  std::vector<std::string> args;
};

ApiWhere BuildWhere(const ApiFilter& f) {
  ApiWhere w{" WHERE 1 = 1", {}};
  if (f.status.has_value()) {
    w.sql += " AND status = ?";
    w.args.emplace_back(ToString(*f.status));
  }
  if (!f.provider.empty()) {
    w.sql += " AND provider = ?";
    w.args.push_back(f.provider);
  }
  if (!f.agent_id.empty()) {
    w.sql += " AND agent_id = ?";
    w.args.push_back(f.agent_id);
  }
  if (!f.q.empty()) {
    // SQLite's LIKE is case-insensitive for ASCII letters.
    w.sql +=
        " AND (name LIKE ? ESCAPE '\\' OR listen_path LIKE ? ESCAPE '\\'"
        " OR external_id LIKE ? ESCAPE '\\')";
    const std::string pattern = ContainsPattern(f.q);
    w.args.insert(w.args.end(), 3, pattern);
  }
  return w;
}

}  // namespace

absl::Status SqliteStore::InsertApi(const ApiRecord& a) {
  return Execute(db_, "insert API",
                 absl::StrCat("INSERT INTO apis (", kApiColumns,
                              ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                              "?, ?, ?, ?)"),
                 a.id, a.agent_id, a.provider, a.provider_type, a.external_id, a.name,
                 a.description, EncodeList(a.versions), a.listen_path, a.upstream_url, a.protocol,
                 EncodeList(a.auth_mechanisms), a.active, a.internal, a.oas_document_json,
                 a.definition_json, a.extra_json, a.content_hash, ToString(a.status), a.created_at,
                 a.updated_at, a.deleted_at, a.last_sync_id);
}

absl::StatusOr<bool> SqliteStore::UpdateApi(const ApiRecord& a) {
  GOV_ASSIGN_OR_RETURN(
      int64_t changed,
      ExecuteCount(db_, "update API",
                   "UPDATE apis SET agent_id = ?, provider = ?, provider_type = ?, "
                   "external_id = ?, name = ?, description = ?, versions = ?, listen_path = ?, "
                   "upstream_url = ?, protocol = ?, auth_mechanisms = ?, active = ?, "
                   "internal = ?, oas_document = ?, definition = ?, extra = ?, "
                   "content_hash = ?, status = ?, created_at = ?, updated_at = ?, "
                   "deleted_at = ?, last_sync_id = ? WHERE id = ?",
                   a.agent_id, a.provider, a.provider_type, a.external_id, a.name, a.description,
                   EncodeList(a.versions), a.listen_path, a.upstream_url, a.protocol,
                   EncodeList(a.auth_mechanisms), a.active, a.internal, a.oas_document_json,
                   a.definition_json, a.extra_json, a.content_hash, ToString(a.status),
                   a.created_at, a.updated_at, a.deleted_at, a.last_sync_id, a.id));
  return changed > 0;
}

absl::StatusOr<std::optional<ApiRecord>> SqliteStore::GetApi(const std::string& id) {
  return QueryOne<ApiRecord>(db_, "read API",
                             absl::StrCat("SELECT ", kApiColumns, " FROM apis WHERE id = ?"),
                             ReadApi, id);
}

absl::StatusOr<std::vector<ApiRecord>> SqliteStore::ListProviderApis(const std::string& agent_id,
                                                                     const std::string& provider) {
  return QueryAll<ApiRecord>(
      db_, "list provider APIs",
      absl::StrCat("SELECT ", kApiColumns,
                   " FROM apis WHERE agent_id = ? AND provider = ? ORDER BY created_at, id"),
      ReadApi, agent_id, provider);
}

absl::StatusOr<Page<ApiRecord>> SqliteStore::ListApis(const ApiFilter& filter) {
  GOV_RETURN_IF_ERROR(CheckPage(filter.page, filter.page_size));
  const ApiWhere where = BuildWhere(filter);
  Page<ApiRecord> out;

  GOV_ASSIGN_OR_RETURN(
      Statement count,
      db_.Prepare("count APIs", absl::StrCat("SELECT COUNT(*) FROM apis", where.sql)));
  int index = 0;
  for (const std::string& arg : where.args) count.Bind(++index, arg);
  GOV_ASSIGN_OR_RETURN(bool counted, count.Step());
  out.total = counted ? count.Int(0) : 0;

  // A cursor: the rows after that API in the listing order, whatever changed before it.
  std::string after_sql;
  if (!filter.after.empty()) {
    GOV_ASSIGN_OR_RETURN(int64_t known,
                         QueryInt(db_, "find the cursor API",
                                  "SELECT COUNT(*) FROM apis WHERE id = ?", filter.after));
    if (known == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("the cursor names no API (\"", filter.after, "\")"));
    }
    after_sql = " AND (created_at, id) > (SELECT created_at, id FROM apis WHERE id = ?)";
  }
  GOV_ASSIGN_OR_RETURN(Statement list,
                       db_.Prepare("list APIs", absl::StrCat("SELECT ", kApiListColumns,
                                                             " FROM apis", where.sql, after_sql,
                                                             " ORDER BY created_at, id "
                                                             "LIMIT ? OFFSET ?")));
  index = 0;
  for (const std::string& arg : where.args) list.Bind(++index, arg);
  if (!filter.after.empty()) list.Bind(++index, filter.after);
  list.Bind(index + 1, static_cast<int64_t>(filter.page_size));
  list.Bind(index + 2, filter.after.empty() ? PageOffset(filter.page, filter.page_size) : 0);
  while (true) {
    GOV_ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) break;
    GOV_ASSIGN_OR_RETURN(ApiRecord api, ReadApi(list));
    out.items.push_back(std::move(api));
  }
  return out;
}

absl::Status SqliteStore::InsertEvent(const ApiEvent& e) {
  return Execute(db_, "insert API event",
                 "INSERT INTO api_events (api_id, type, at, sync_id, changed_fields) "
                 "VALUES (?, ?, ?, ?, ?)",
                 e.api_id, ToString(e.type), e.at, e.sync_id, EncodeList(e.changed_fields));
}

absl::StatusOr<std::vector<ApiEvent>> SqliteStore::ListEvents(const std::string& api_id) {
  return QueryAll<ApiEvent>(
      db_, "list API events",
      absl::StrCat("SELECT ", kEventColumns, " FROM api_events WHERE api_id = ? ORDER BY id"),
      ReadEvent, api_id);
}

}  // namespace gov::storage::sqlite
