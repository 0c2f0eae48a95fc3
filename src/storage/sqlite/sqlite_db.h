// SqliteDb: one SQLite connection (RAII) and Statement, a small RAII wrapper over a
// prepared statement whose parameters are always bound (sqlite3_bind_*), never spliced
// into SQL text. Every error becomes an absl::Status naming the statement's purpose and
// SQLite's message; constraint violations get a specific code (see SqliteError).
//
// Thread-safety: neither class is thread-safe. The connection is opened with
// SQLITE_OPEN_NOMUTEX; the owner (SqliteStorage) serialises all use with its own mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

struct sqlite3;
struct sqlite3_stmt;

namespace gov::storage::sqlite {

// Converts a failed SQLite result code into a Status: UNIQUE/PRIMARY KEY violations are
// AlreadyExists, foreign key violations FailedPrecondition, BUSY/LOCKED Unavailable,
// everything else Internal; the message is "<purpose>: <sqlite3_errmsg>".
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view purpose);

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string purpose);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binders take 1-based parameter indexes and chain; a bind failure is reported by the
  // next Step/Run.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const std::string& value) {
    return Bind(index, std::string_view(value));
  }
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, bool value) {
    return Bind(index, static_cast<int64_t>(value ? 1 : 0));
  }
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, absl::Time value);                        // Unix milliseconds
  Statement& Bind(int index, const std::optional<absl::Time>& value);  // NULL when absent
  Statement& BindNull(int index);
  // Binds `args` to parameters 1..N in order.
  template <typename... Args>
  Statement& BindAll(const Args&... args) {
    int index = 0;
    (Bind(++index, args), ...);
    return *this;
  }

  // Advances: true when a row is available, false when the statement is done.
  absl::StatusOr<bool> Step();
  // Steps to completion (for statements that return no rows).
  absl::Status Run();
  // Makes the statement ready to run again (bindings are kept until rebound).
  absl::Status Reset();

  // Column accessors for the current row; 0-based indexes.
  bool IsNull(int col) const;
  int64_t Int(int col) const;
  bool Bool(int col) const { return Int(col) != 0; }
  std::string Text(int col) const;
  absl::Time Time(int col) const;
  std::optional<absl::Time> OptionalTime(int col) const;

  const std::string& purpose() const { return purpose_; }

 private:
  void NoteBind(int rc, int index);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string purpose_;
  absl::Status bind_status_;
};

class SqliteDb {
 public:
  // Opens (creating if needed) the database file at `path`, or a private in-memory
  // database for ":memory:", and applies the connection settings: WAL journal (files),
  // foreign keys on, busy_timeout, synchronous=NORMAL. Errors name the path.
  static absl::StatusOr<std::unique_ptr<SqliteDb>> Open(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  absl::StatusOr<Statement> Prepare(absl::string_view purpose, std::string_view sql);
  // Runs SQL text that takes no parameters (schema steps, BEGIN/COMMIT/ROLLBACK, pragmas).
  absl::Status Exec(absl::string_view purpose, const std::string& sql);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t Changes() const;
  int64_t LastInsertRowId() const;
  // True between BEGIN and COMMIT/ROLLBACK (SQLite may roll back by itself on some errors).
  bool InTransaction() const;

  const std::string& path() const { return path_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
};

}  // namespace gov::storage::sqlite
