#include "src/storage/sqlite/codec.h"

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace gov::storage::sqlite {
namespace {

using nlohmann::json;

// Invalid UTF-8 from a provider must not make a write fail: replace it.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

absl::Status CorruptColumn(absl::string_view column, const std::string& text) {
  constexpr size_t kShown = 80;
  return absl::DataLossError(absl::StrCat("stored column ", column,
                                          " holds an unreadable value: \"", text.substr(0, kShown),
                                          text.size() > kShown ? "...\"" : "\""));
}

std::string EncodeList(const std::vector<std::string>& list) { return Dump(json(list)); }

std::string EncodeMap(const std::map<std::string, std::string>& map) { return Dump(json(map)); }

absl::StatusOr<std::vector<std::string>> DecodeList(const std::string& text,
                                                    absl::string_view column) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return CorruptColumn(column, text);
  std::vector<std::string> out;
  out.reserve(j.size());
  for (const json& item : j) {
    if (!item.is_string()) return CorruptColumn(column, text);
    out.push_back(item.get<std::string>());
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> DecodeMap(const std::string& text,
                                                             absl::string_view column) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return CorruptColumn(column, text);
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : j.items()) {
    if (!value.is_string()) return CorruptColumn(column, text);
    out.emplace(key, value.get<std::string>());
  }
  return out;
}

std::string ContainsPattern(const std::string& needle) {
  std::string out = "%";
  for (char c : needle) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

}  // namespace gov::storage::sqlite
