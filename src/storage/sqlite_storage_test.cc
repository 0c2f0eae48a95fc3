// The storage contract instantiated for SQLite (a file and :memory:), plus the
// SQLite-specific behaviour: migrations bookkeeping, WAL, nesting, corrupt data.
#include "src/storage/sqlite/sqlite_storage.h"

#include <stdexcept>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "src/common/clock.h"
#include "src/storage/sqlite/query.h"
#include "src/storage/sqlite/schema.h"
#include "src/storage/sqlite/sqlite_db.h"
#include "src/storage/sqlite/test_temp_dir.h"
#include "src/storage/storage_contract_test.h"

namespace gov::storage::testing {
namespace {

using sqlite::SqliteDb;
using sqlite::SqliteStorage;
using sqlite::TempDir;

class FileBackend : public StorageBackend {
 public:
  absl::StatusOr<std::unique_ptr<Storage>> Open() override {
    return OpenStorage("sqlite://" + path_);  // an absolute path: sqlite:///tmp/...
  }
  bool Persistent() const override { return true; }
  absl::Status SimulateNewerSchema() override {
    GOV_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path_));
    return sqlite::Execute(*db, "fake a newer release",
                           "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                           static_cast<int64_t>(sqlite::LatestSchemaVersion() + 1),
                           static_cast<int64_t>(0));
  }

 private:
  TempDir dir_;
  std::string path_ = dir_.File("governance.db");
};

class MemoryBackend : public StorageBackend {
 public:
  absl::StatusOr<std::unique_ptr<Storage>> Open() override {
    return OpenStorage("sqlite://:memory:");
  }
  bool Persistent() const override { return false; }
  absl::Status SimulateNewerSchema() override {
    return absl::UnimplementedError("an in-memory database cannot be reopened");
  }
};

INSTANTIATE_TEST_SUITE_P(
    Sqlite, StorageContractTest,
    ::testing::Values(BackendParam{"File", [] { return std::make_unique<FileBackend>(); }},
                      BackendParam{"Memory", [] { return std::make_unique<MemoryBackend>(); }}),
    BackendParamName);

// ---- SQLite-specific ---------------------------------------------------------------------

class SqliteStorageTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStorage> OpenFile() {
    auto storage = SqliteStorage::Open(path_, &clock_);
    EXPECT_TRUE(storage.ok()) << storage.status();
    return storage.ok() ? std::move(*storage) : nullptr;
  }
  std::unique_ptr<SqliteDb> RawDb() {
    auto db = SqliteDb::Open(path_);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? std::move(*db) : nullptr;
  }

  FakeClock clock_{absl::FromUnixMillis(1750000000456)};
  TempDir dir_;
  std::string path_ = dir_.File("gov.db");
};

TEST_F(SqliteStorageTest, MigrationsAreRecordedOnceWithTheirTime) {
  auto storage = OpenFile();
  ASSERT_NE(storage, nullptr);
  STORAGE_ASSERT_OK(storage->Migrate());
  clock_.Advance(absl::Hours(1));
  STORAGE_ASSERT_OK(storage->Migrate());

  auto db = RawDb();
  ASSERT_NE(db, nullptr);
  auto rows = sqlite::QueryAll<std::pair<int64_t, int64_t>>(
      *db, "read migrations", "SELECT version, applied_at FROM schema_migrations ORDER BY version",
      [](const sqlite::Statement& st) -> absl::StatusOr<std::pair<int64_t, int64_t>> {
        return std::make_pair(st.Int(0), st.Int(1));
      });
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), static_cast<size_t>(sqlite::LatestSchemaVersion()));
  for (size_t i = 0; i < rows->size(); ++i) {
    EXPECT_EQ((*rows)[i].first, static_cast<int64_t>(i + 1));
    EXPECT_EQ((*rows)[i].second, 1750000000456);
  }
}

TEST_F(SqliteStorageTest, NewerSchemaErrorNamesTheFileAndBothVersions) {
  {
    auto storage = OpenFile();
    ASSERT_NE(storage, nullptr);
    STORAGE_ASSERT_OK(storage->Migrate());
  }
  {
    auto db = RawDb();
    ASSERT_NE(db, nullptr);
    STORAGE_ASSERT_OK(sqlite::Execute(*db, "fake", "INSERT INTO schema_migrations VALUES (99, 0)"));
  }
  auto storage = OpenFile();
  ASSERT_NE(storage, nullptr);
  const absl::Status s = storage->Migrate();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            absl::StrCat("SQLite database \"", path_,
                         "\" has schema version 99, newer than the newest this binary knows (",
                         sqlite::LatestSchemaVersion(),
                         "); it was written by a newer governance-hub: upgrade the binary"));
}

TEST_F(SqliteStorageTest, FileDatabasesUseWriteAheadLogging) {
  auto storage = OpenFile();
  ASSERT_NE(storage, nullptr);
  auto db = RawDb();
  ASSERT_NE(db, nullptr);
  auto mode = db->Prepare("read journal mode", "PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok()) << mode.status();
  auto row = mode->Step();
  ASSERT_TRUE(row.ok() && *row) << row.status();
  EXPECT_EQ(mode->Text(0), "wal");
}

TEST_F(SqliteStorageTest, DescribeGivesTheAbsoluteFileOrMemory) {
  auto storage = OpenFile();
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(storage->Describe(), "sqlite://" + path_);
  auto memory = SqliteStorage::Open(":memory:");
  ASSERT_TRUE(memory.ok()) << memory.status();
  EXPECT_EQ((*memory)->Describe(), "sqlite://:memory:");
}

TEST_F(SqliteStorageTest, NestedTransactIsRefusedInsteadOfDeadlocking) {
  auto storage = OpenFile();
  ASSERT_NE(storage, nullptr);
  STORAGE_ASSERT_OK(storage->Migrate());
  absl::Status inner;
  STORAGE_ASSERT_OK(storage->Transact([&](Store& s) {
    inner = storage->Transact([](Store&) { return absl::OkStatus(); });
    return s.PutSetting("outer", "committed");
  }));
  EXPECT_EQ(inner.code(), absl::StatusCode::kFailedPrecondition) << inner;
  EXPECT_EQ(storage->Migrate().code(), absl::StatusCode::kOk);
  std::optional<std::string> value;
  STORAGE_ASSERT_OK(storage->Transact([&](Store& s) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(value, s.GetSetting("outer"));
    return absl::OkStatus();
  }));
  EXPECT_EQ(value, std::optional<std::string>("committed"));
}

TEST_F(SqliteStorageTest, ExceptionInCallbackRollsBackAndPropagates) {
  auto storage = OpenFile();
  ASSERT_NE(storage, nullptr);
  STORAGE_ASSERT_OK(storage->Migrate());
  EXPECT_THROW((void)storage->Transact([](Store& s) -> absl::Status {
    GOV_RETURN_IF_ERROR(s.PutSetting("k", "v"));
    throw std::runtime_error("caller bug");
  }),
               std::runtime_error);
  std::optional<std::string> value = "unset";
  STORAGE_ASSERT_OK(storage->Transact([&](Store& s) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(value, s.GetSetting("k"));
    return absl::OkStatus();
  }));
  EXPECT_EQ(value, std::nullopt);
}

TEST_F(SqliteStorageTest, CorruptJsonColumnIsDataLossNamingTheColumn) {
  auto storage = OpenFile();
  ASSERT_NE(storage, nullptr);
  STORAGE_ASSERT_OK(storage->Migrate());
  STORAGE_ASSERT_OK(storage->Transact([](Store& s) { return s.InsertAgent(MakeAgent("a1")); }));
  {
    auto db = RawDb();
    ASSERT_NE(db, nullptr);
    STORAGE_ASSERT_OK(sqlite::Execute(*db, "corrupt", "UPDATE agents SET warnings = ?",
                                      std::string("{not json")));
  }
  const absl::Status s = storage->Transact([](Store& st) { return st.GetAgent("a1").status(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("agents.warnings"), absl::string_view::npos) << s;
}

TEST_F(SqliteStorageTest, TwoConnectionsToOneFileWaitForEachOther) {
  auto first = OpenFile();
  auto second = OpenFile();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  STORAGE_ASSERT_OK(first->Migrate());
  STORAGE_ASSERT_OK(second->Migrate());
  constexpr int kEach = 25;
  std::vector<absl::Status> results(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      SqliteStorage* storage = t == 0 ? first.get() : second.get();
      for (int i = 0; i < kEach && results[t].ok(); ++i) {
        results[t] = storage->Transact(
            [&](Store& s) { return s.InsertAgent(MakeAgent(absl::StrCat("c", t, "-", i))); });
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_TRUE(results[0].ok()) << results[0];
  EXPECT_TRUE(results[1].ok()) << results[1];
  int64_t total = 0;
  STORAGE_ASSERT_OK(first->Transact([&](Store& s) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(Page<Agent> page, s.ListAgents(1, 1000));
    total = page.total;
    return absl::OkStatus();
  }));
  EXPECT_EQ(total, 2 * kEach);
}

TEST_F(SqliteStorageTest, InMemoryDatabasesAreIndependent) {
  auto a = SqliteStorage::Open(":memory:");
  auto b = SqliteStorage::Open(":memory:");
  ASSERT_TRUE(a.ok() && b.ok());
  STORAGE_ASSERT_OK((*a)->Migrate());
  STORAGE_ASSERT_OK((*b)->Migrate());
  STORAGE_ASSERT_OK((*a)->Transact([](Store& s) { return s.PutSetting("k", "a"); }));
  std::optional<std::string> in_b = "unset";
  STORAGE_ASSERT_OK((*b)->Transact([&](Store& s) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(in_b, s.GetSetting("k"));
    return absl::OkStatus();
  }));
  EXPECT_EQ(in_b, std::nullopt);
}

}  // namespace
}  // namespace gov::storage::testing
