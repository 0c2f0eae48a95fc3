// OpenStorage: URL forms, refusals, and errors that name the file and the cause.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "src/storage/sqlite/test_temp_dir.h"
#include "src/storage/storage.h"

namespace gov::storage {
namespace {

using sqlite::TempDir;

bool Contains(absl::string_view haystack, absl::string_view needle) {
  return haystack.find(needle) != absl::string_view::npos;
}

// Runs the test body with the working directory set to `dir`, restoring it after.
class ScopedCwd {
 public:
  explicit ScopedCwd(const std::string& dir) : old_(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~ScopedCwd() { std::filesystem::current_path(old_); }

 private:
  std::filesystem::path old_;
};

TEST(OpenStorageTest, AbsolutePathCreatesTheFile) {
  TempDir dir;
  const std::string path = dir.File("gov.db");
  auto storage = OpenStorage("sqlite://" + path);
  ASSERT_TRUE(storage.ok()) << storage.status();
  EXPECT_TRUE((*storage)->Migrate().ok());
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ((*storage)->Describe(), "sqlite://" + path);
}

TEST(OpenStorageTest, RelativePathsResolveAgainstTheWorkingDirectory) {
  TempDir dir;
  ScopedCwd cwd(dir.path());
  for (const char* url : {"sqlite://./dot.db", "sqlite://plain.db"}) {
    SCOPED_TRACE(url);
    auto storage = OpenStorage(url);
    ASSERT_TRUE(storage.ok()) << storage.status();
    EXPECT_TRUE((*storage)->Migrate().ok());
  }
  EXPECT_TRUE(std::filesystem::exists(dir.File("dot.db")));
  EXPECT_TRUE(std::filesystem::exists(dir.File("plain.db")));
  auto storage = OpenStorage("sqlite://./dot.db");
  ASSERT_TRUE(storage.ok()) << storage.status();
  EXPECT_EQ((*storage)->Describe(), "sqlite://" + dir.File("dot.db"));
}

TEST(OpenStorageTest, MemoryDatabase) {
  auto storage = OpenStorage("sqlite://:memory:");
  ASSERT_TRUE(storage.ok()) << storage.status();
  EXPECT_TRUE((*storage)->Migrate().ok());
  EXPECT_EQ((*storage)->Describe(), "sqlite://:memory:");
}

TEST(OpenStorageTest, PostgresIsNotBuiltYetAndTheErrorHidesCredentials) {
  for (const char* url :
       {"postgres://gov:hunter2@db:5432/gov", "postgresql://gov:hunter2@db/gov"}) {
    auto storage = OpenStorage(url);
    ASSERT_FALSE(storage.ok());
    EXPECT_EQ(storage.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_TRUE(Contains(storage.status().message(), "PostgreSQL support is not built yet"))
        << storage.status();
    EXPECT_FALSE(Contains(storage.status().message(), "hunter2"));
  }
}

TEST(OpenStorageTest, UnknownSchemeNamesTheSchemesExpected) {
  auto storage = OpenStorage("mysql://root:hunter2@db/gov");
  ASSERT_FALSE(storage.ok());
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(storage.status().message(),
            "unsupported database URL scheme \"mysql://\": expected sqlite:///absolute/path.db, "
            "sqlite://./relative.db, sqlite://:memory: or postgres://...");
}

TEST(OpenStorageTest, MissingSchemeOrPathIsInvalid) {
  auto bare = OpenStorage("governance.db");
  EXPECT_EQ(bare.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(bare.status().message(), "\"governance.db\" has no scheme"))
      << bare.status();
  auto empty = OpenStorage("sqlite://");
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(empty.status().message(), "names no database file")) << empty.status();
}

TEST(OpenStorageTest, MissingDirectoryIsNamed) {
  TempDir dir;
  const std::string path = dir.File("no/such/dir/gov.db");
  auto storage = OpenStorage("sqlite://" + path);
  ASSERT_FALSE(storage.ok());
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(storage.status().message(), "cannot open SQLite database \"" + path +
                                            "\": directory \"" + dir.File("no/such/dir") +
                                            "\" does not exist (unable to open database file)");
}

TEST(OpenStorageTest, DirectoryInsteadOfFileIsNamed) {
  TempDir dir;
  auto storage = OpenStorage("sqlite://" + dir.path());
  ASSERT_FALSE(storage.ok());
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(storage.status().message(), "\"" + dir.path() + "\": it is a directory"))
      << storage.status();
}

TEST(OpenStorageTest, FileThatIsNotADatabaseIsNamed) {
  TempDir dir;
  const std::string path = dir.File("notes.txt");
  std::ofstream(path) << "these are not the pages you are looking for, not a database at all\n"
                      << std::string(4096, 'x');
  auto storage = OpenStorage("sqlite://" + path);
  ASSERT_FALSE(storage.ok());
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(storage.status().message(), path)) << storage.status();
  EXPECT_TRUE(Contains(storage.status().message(), "not a SQLite database")) << storage.status();
}

TEST(OpenStorageTest, UnwritableDirectoryIsPermissionDenied) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores file permissions";
  TempDir dir;
  ASSERT_EQ(chmod(dir.path().c_str(), 0500), 0);
  const std::string path = dir.File("gov.db");
  auto storage = OpenStorage("sqlite://" + path);
  chmod(dir.path().c_str(), 0700);
  ASSERT_FALSE(storage.ok());
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Contains(storage.status().message(), path)) << storage.status();
}

}  // namespace
}  // namespace gov::storage
