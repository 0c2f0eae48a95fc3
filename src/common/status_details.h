// Machine-readable details carried on an absl::Status (as a payload), for the REST API's
// {"error": ..., "details": ...} body: e.g. the id of the sync that makes a second one a
// conflict. The details are a JSON object's text.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/cord.h"

namespace gov {

inline constexpr char kStatusDetailsUrl[] = "type.googleapis.com/gov.Details";

inline absl::Status WithDetails(absl::Status status, const std::string& json_object) {
  status.SetPayload(kStatusDetailsUrl, absl::Cord(json_object));
  return status;
}

inline std::optional<std::string> DetailsOf(const absl::Status& status) {
  auto payload = status.GetPayload(kStatusDetailsUrl);  // absl::optional in Debian 12
  if (!payload) return std::nullopt;
  return std::string(*payload);
}

}  // namespace gov
