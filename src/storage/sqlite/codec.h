// Conversions between record fields and their SQLite column representation: string
// lists and maps as JSON text, enums as their upper-case names. Decoding failures mean
// the stored data is corrupt and are reported as DataLoss naming the column.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gov::storage::sqlite {

std::string EncodeList(const std::vector<std::string>& list);
std::string EncodeMap(const std::map<std::string, std::string>& map);
absl::StatusOr<std::vector<std::string>> DecodeList(const std::string& text,
                                                    absl::string_view column);
absl::StatusOr<std::map<std::string, std::string>> DecodeMap(const std::string& text,
                                                             absl::string_view column);

// Parses an enum column with one of the Parse* functions of types.h.
template <typename E, typename ParseFn>
absl::StatusOr<E> DecodeEnum(const std::string& text, absl::string_view column, ParseFn parse);

// "<text> LIKE ? ESCAPE '\'" pattern matching `needle` anywhere, with %, _ and \ in the
// needle taken literally.
std::string ContainsPattern(const std::string& needle);

absl::Status CorruptColumn(absl::string_view column, const std::string& text);

template <typename E, typename ParseFn>
absl::StatusOr<E> DecodeEnum(const std::string& text, absl::string_view column, ParseFn parse) {
  auto value = parse(text);
  if (!value.has_value()) return CorruptColumn(column, text);
  return *value;
}

}  // namespace gov::storage::sqlite
