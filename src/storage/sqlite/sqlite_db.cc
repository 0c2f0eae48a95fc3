#include "src/storage/sqlite/sqlite_db.h"

#include <sqlite3.h>

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "src/common/logging.h"
#include "src/common/status_macros.h"

namespace gov::storage::sqlite {
namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr char kMemory[] = ":memory:";

// Explains why `path` could not be opened, in terms an operator can act on.
absl::Status OpenError(const std::string& path, int rc, const std::string& sqlite_msg) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string what = absl::StrCat("cannot open SQLite database \"", path, "\": ");
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::exists(parent, ec)) {
    return absl::NotFoundError(absl::StrCat(what, "directory \"", parent.string(),
                                            "\" does not exist (", sqlite_msg, ")"));
  }
  if (fs::is_directory(path, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(what, "it is a directory (", sqlite_msg, ")"));
  }
  const int primary = rc & 0xff;
  if (primary == SQLITE_NOTADB) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, "the file is not a SQLite database (", sqlite_msg, ")"));
  }
  if (primary == SQLITE_PERM || primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN ||
      primary == SQLITE_AUTH) {
    return absl::PermissionDeniedError(absl::StrCat(
        what, sqlite_msg, " (check that the file and its directory are readable and writable)"));
  }
  return absl::InternalError(absl::StrCat(what, sqlite_msg));
}

}  // namespace

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view purpose) {
  const std::string msg =
      absl::StrCat(purpose, ": ", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return absl::AlreadyExistsError(msg);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return absl::FailedPreconditionError(msg);
    default:
      break;
  }
  const int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return absl::UnavailableError(msg);
  return absl::InternalError(msg);
}

// ---- Statement ----------------------------------------------------------------------

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, std::string purpose)
    : db_(db), stmt_(stmt), purpose_(std::move(purpose)) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      purpose_(std::move(other.purpose_)),
      bind_status_(std::move(other.bind_status_)) {}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::NoteBind(int rc, int index) {
  if (rc == SQLITE_OK || !bind_status_.ok()) return;
  bind_status_ = absl::InternalError(
      absl::StrCat(purpose_, ": binding parameter ", index, ": ", sqlite3_errstr(rc)));
}

Statement& Statement::Bind(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  // An empty view may have a null data pointer, which SQLite would bind as NULL.
  const char* data = value.data() != nullptr ? value.data() : "";
  NoteBind(sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
           index);
  return *this;
}

Statement& Statement::Bind(int index, absl::Time value) {
  return Bind(index, static_cast<int64_t>(absl::ToUnixMillis(value)));
}

Statement& Statement::Bind(int index, const std::optional<absl::Time>& value) {
  return value.has_value() ? Bind(index, *value) : BindNull(index);
}

Statement& Statement::BindNull(int index) {
  NoteBind(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

absl::StatusOr<bool> Statement::Step() {
  GOV_RETURN_IF_ERROR(bind_status_);
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, purpose_);
}

absl::Status Statement::Run() {
  while (true) {
    GOV_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return absl::OkStatus();
  }
}

absl::Status Statement::Reset() {
  bind_status_ = absl::OkStatus();
  const int rc = sqlite3_reset(stmt_);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, purpose_);
  return absl::OkStatus();
}

bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Statement::Text(int col) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (text == nullptr) return std::string();
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

absl::Time Statement::Time(int col) const { return absl::FromUnixMillis(Int(col)); }

std::optional<absl::Time> Statement::OptionalTime(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Time(col);
}

// ---- SqliteDb -----------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close(raw);
    return OpenError(path, rc, msg);
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw, path));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  if (sqlite3_db_readonly(raw, "main") == 1) {
    return OpenError(path, SQLITE_READONLY, "the database file is read-only");
  }

  // The first statements are the first to read the file: a file that is not a database,
  // or that cannot be locked, fails here.
  const bool memory = path == kMemory;
  if (!memory) {
    auto mode = db->Prepare("set journal mode", "PRAGMA journal_mode=WAL");
    absl::StatusOr<bool> row = mode.ok() ? mode->Step() : mode.status();
    if (!row.ok()) {
      const int code = sqlite3_extended_errcode(raw);
      return OpenError(path, code, sqlite3_errmsg(raw));
    }
    if (*row && mode->Text(0) != "wal") {
      GetLogger("storage.sqlite")
          ->warn("SQLite database {} stays in journal mode {} (WAL unavailable)", path,
                 mode->Text(0));
    }
  }
  for (const char* pragma : {"PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL"}) {
    absl::Status s = db->Exec("configure connection", pragma);
    if (!s.ok()) return OpenError(path, sqlite3_extended_errcode(raw), sqlite3_errmsg(raw));
  }
  return db;
}

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

absl::StatusOr<Statement> SqliteDb::Prepare(absl::string_view purpose, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteError(db_, rc, absl::StrCat("preparing ", purpose));
  }
  return Statement(db_, stmt, std::string(purpose));
}

absl::Status SqliteDb::Exec(absl::string_view purpose, const std::string& sql) {
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, purpose);
  return absl::OkStatus();
}

int64_t SqliteDb::Changes() const { return sqlite3_changes64(db_); }

int64_t SqliteDb::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

bool SqliteDb::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace gov::storage::sqlite
