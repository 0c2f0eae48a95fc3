#include "src/storage/sqlite/query.h"

#include "absl/strings/str_cat.h"

namespace gov::storage::sqlite {

absl::Status CheckPage(int page, int page_size) {
  if (page < 1) {
    return absl::InvalidArgumentError(absl::StrCat("page must be 1 or more, got ", page));
  }
  if (page_size < 1 || page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be between 1 and ", kMaxPageSize, ", got ", page_size));
  }
  return absl::OkStatus();
}

}  // namespace gov::storage::sqlite
