// SqliteStorage: the embedded Storage implementation, one SQLite connection (a file in
// WAL mode, or a private in-memory database) behind a mutex.
//
// Thread-safety: every method is safe to call from any thread. Transact and Migrate are
// serialised by one mutex; a Transact callback must not call Transact on the same
// storage (that answers FailedPrecondition instead of deadlocking).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "src/common/clock.h"
#include "src/storage/sqlite/sqlite_db.h"
#include "src/storage/storage.h"

namespace gov::storage::sqlite {

class SqliteStorage final : public Storage {
 public:
  // `path` is a file path (created when missing; its directory must exist) or
  // ":memory:". `clock` stamps schema_migrations.applied_at; it must outlive the storage.
  static absl::StatusOr<std::unique_ptr<SqliteStorage>> Open(const std::string& path,
                                                             const Clock* clock = RealClock());

  absl::Status Migrate() override;
  absl::Status Transact(const std::function<absl::Status(Store&)>& fn) override;
  std::string Describe() const override { return description_; }

 private:
  SqliteStorage(std::unique_ptr<SqliteDb> db, std::string description, const Clock* clock)
      : db_(std::move(db)), description_(std::move(description)), clock_(clock) {}

  void Rollback();

  std::mutex mu_;
  std::unique_ptr<SqliteDb> db_;  // guarded by mu_
  // The thread inside Transact, to refuse nested calls instead of deadlocking.
  std::atomic<std::thread::id> owner_{};
  const std::string description_;
  const Clock* clock_;
};

}  // namespace gov::storage::sqlite
