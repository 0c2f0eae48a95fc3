// Query helpers shared by the SQLite Store operations: prepare + bind + step in one
// call, row readers returning StatusOr, and paging arguments.
//
// Thread-safety: as SqliteDb (the caller holds the storage lock).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/common/status_macros.h"
#include "src/storage/sqlite/sqlite_db.h"

namespace gov::storage::sqlite {

// Checks page >= 1 and 1 <= page_size <= kMaxPageSize (InvalidArgument otherwise).
inline constexpr int kMaxPageSize = 1000;
absl::Status CheckPage(int page, int page_size);
inline int64_t PageOffset(int page, int page_size) {
  return static_cast<int64_t>(page - 1) * page_size;
}

// Runs a statement that returns no rows.
template <typename... Args>
absl::Status Execute(SqliteDb& db, absl::string_view purpose, std::string_view sql,
                     const Args&... args) {
  GOV_ASSIGN_OR_RETURN(Statement st, db.Prepare(purpose, sql));
  return st.BindAll(args...).Run();
}

// Runs a statement and returns how many rows it changed.
template <typename... Args>
absl::StatusOr<int64_t> ExecuteCount(SqliteDb& db, absl::string_view purpose, std::string_view sql,
                                     const Args&... args) {
  GOV_RETURN_IF_ERROR(Execute(db, purpose, sql, args...));
  return db.Changes();
}

// Returns the first column of the first row as an integer (0 when there is no row).
template <typename... Args>
absl::StatusOr<int64_t> QueryInt(SqliteDb& db, absl::string_view purpose, std::string_view sql,
                                 const Args&... args) {
  GOV_ASSIGN_OR_RETURN(Statement st, db.Prepare(purpose, sql));
  GOV_ASSIGN_OR_RETURN(bool row, st.BindAll(args...).Step());
  return row ? st.Int(0) : 0;
}

// Reads every row with `read` (Statement& -> StatusOr<T>).
template <typename T, typename Reader, typename... Args>
absl::StatusOr<std::vector<T>> QueryAll(SqliteDb& db, absl::string_view purpose,
                                        std::string_view sql, Reader read, const Args&... args) {
  GOV_ASSIGN_OR_RETURN(Statement st, db.Prepare(purpose, sql));
  st.BindAll(args...);
  std::vector<T> out;
  while (true) {
    GOV_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    GOV_ASSIGN_OR_RETURN(T item, read(st));
    out.push_back(std::move(item));
  }
  return out;
}

// Reads the first row, if any.
template <typename T, typename Reader, typename... Args>
absl::StatusOr<std::optional<T>> QueryOne(SqliteDb& db, absl::string_view purpose,
                                          std::string_view sql, Reader read, const Args&... args) {
  GOV_ASSIGN_OR_RETURN(Statement st, db.Prepare(purpose, sql));
  GOV_ASSIGN_OR_RETURN(bool row, st.BindAll(args...).Step());
  if (!row) return std::optional<T>();
  GOV_ASSIGN_OR_RETURN(T item, read(st));
  return std::optional<T>(std::move(item));
}

}  // namespace gov::storage::sqlite
