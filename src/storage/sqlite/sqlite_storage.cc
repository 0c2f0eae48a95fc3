#include "src/storage/sqlite/sqlite_storage.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "src/common/logging.h"
#include "src/common/status_macros.h"
#include "src/storage/sqlite/schema.h"
#include "src/storage/sqlite/sqlite_store.h"

namespace gov::storage::sqlite {
namespace {

std::string DescribePath(const std::string& path) {
  if (path == ":memory:") return "sqlite://:memory:";
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  return absl::StrCat("sqlite://", ec ? path : abs.lexically_normal().string());
}

// Clears the owner mark when a transaction ends, however it ends.
class OwnerMark {
 public:
  explicit OwnerMark(std::atomic<std::thread::id>& owner) : owner_(owner) {
    owner_.store(std::this_thread::get_id());
  }
  ~OwnerMark() { owner_.store(std::thread::id()); }
  OwnerMark(const OwnerMark&) = delete;
  OwnerMark& operator=(const OwnerMark&) = delete;

 private:
  std::atomic<std::thread::id>& owner_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteStorage>> SqliteStorage::Open(const std::string& path,
                                                                   const Clock* clock) {
  GOV_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  return std::unique_ptr<SqliteStorage>(
      new SqliteStorage(std::move(db), DescribePath(path), clock));
}

absl::Status SqliteStorage::Migrate() {
  if (owner_.load() == std::this_thread::get_id()) {
    return absl::FailedPreconditionError("Migrate called inside a Transact callback");
  }
  std::lock_guard<std::mutex> lock(mu_);
  return MigrateSchema(*db_, clock_->Now());
}

void SqliteStorage::Rollback() {
  if (!db_->InTransaction()) return;  // SQLite already rolled back after the error
  absl::Status s = db_->Exec("roll back transaction", "ROLLBACK");
  if (!s.ok()) GetLogger("storage.sqlite")->error("{}: {}", description_, s.ToString());
}

absl::Status SqliteStorage::Transact(const std::function<absl::Status(Store&)>& fn) {
  if (owner_.load() == std::this_thread::get_id()) {
    return absl::FailedPreconditionError(
        "Transact called inside another Transact callback on the same storage; nested "
        "transactions are not supported");
  }
  std::lock_guard<std::mutex> lock(mu_);
  OwnerMark mark(owner_);
  GOV_RETURN_IF_ERROR(db_->Exec("begin transaction", "BEGIN IMMEDIATE"));
  SqliteStore store(*db_);
  absl::Status status;
  try {
    status = fn(store);
  } catch (...) {
    Rollback();
    throw;
  }
  if (status.ok()) status = db_->Exec("commit transaction", "COMMIT");
  if (!status.ok()) Rollback();
  return status;
}

}  // namespace gov::storage::sqlite
