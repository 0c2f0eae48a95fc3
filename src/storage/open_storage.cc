// OpenStorage: picks the Storage implementation from the database URL's scheme.
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "src/common/status_macros.h"
#include "src/storage/sqlite/sqlite_storage.h"
#include "src/storage/storage.h"

namespace gov::storage {
namespace {

constexpr char kExpected[] =
    "expected sqlite:///absolute/path.db, sqlite://./relative.db, sqlite://:memory: or "
    "postgres://...";

}  // namespace

absl::StatusOr<std::unique_ptr<Storage>> OpenStorage(const std::string& url) {
  const size_t sep = url.find("://");
  if (sep == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("database URL \"", url, "\" has no scheme: ", kExpected));
  }
  // Only the scheme is ever echoed back: the rest may hold credentials.
  const std::string scheme = absl::AsciiStrToLower(url.substr(0, sep));
  const std::string rest = url.substr(sep + 3);
  if (scheme == "sqlite") {
    if (rest.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("database URL \"sqlite://\" names no database file: ", kExpected));
    }
    GOV_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::SqliteStorage> storage,
                         sqlite::SqliteStorage::Open(rest));
    return std::unique_ptr<Storage>(std::move(storage));
  }
  if (scheme == "postgres" || scheme == "postgresql") {
    return absl::UnimplementedError(
        "PostgreSQL support is not built yet; use a sqlite:// database URL");
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unsupported database URL scheme \"", scheme, "://\": ", kExpected));
}

}  // namespace gov::storage
