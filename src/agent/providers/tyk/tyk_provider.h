// TykProvider: the `tyk` provider. Lists every API of one Tyk Dashboard through its REST
// API with a read-only Dashboard key:
//
//   GET {host}/api/apis?p=1..pages        {"apis": [{"api_definition": {...}}, ...], "pages": N}
//   GET {host}/api/apis/oas/{api_id}      the OAS document, for each API with is_oas = true
//
// Every request carries `Authorization: <key>` and `Accept: application/json`. Any failure
// to read a page fails the whole listing (so the hub deletes nothing); a failure to read
// one API's OAS document only marks that API with `error`. The key never appears in an
// error or a log line.
//
// Thread-safety: ListApis is called from one thread at a time (see Provider); name(),
// type() and Details() are immutable. The HttpClient must outlive the provider.
#pragma once

#include <cstdint>
#include <map>
#include <stop_token>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "src/agent/config/agent_config.h"
#include "src/agent/provider.h"
#include "src/common/http_client.h"

namespace gov::agent::tyk {

class TykProvider : public Provider {
 public:
  // A Dashboard that reports more pages than this is treated as broken: at 10 APIs a page
  // that is 100,000 APIs, far beyond any real installation.
  static constexpr int64_t kMaxPages = 10000;

  TykProvider(std::string name, TykProviderConfig config, absl::Duration request_timeout,
              HttpClient* http);

  const std::string& name() const override { return name_; }
  const std::string& type() const override { return type_; }
  // {"host": <the configured host>} (a user:password@ in it is masked).
  std::map<std::string, std::string> Details() const override;
  absl::Status ListApis(const ApiEmitter& emit, std::stop_token stop) override;

 private:
  // GETs `url` and parses its JSON body. `reading` says what is being read ("reading page
  // 2 of the API list"), `subject` how to name the body in a JSON error ("page 2 of").
  absl::StatusOr<nlohmann::json> GetJson(const std::string& url, const std::string& reading,
                                         const std::string& subject);
  // Reads list page `page`: its items, each checked to be an object with an
  // "api_definition" object. Raises `pages` to the page count the Dashboard reports.
  absl::StatusOr<nlohmann::json> ReadListPage(int64_t page, int64_t& pages);
  // The OAS document of one API (always a JSON object).
  absl::StatusOr<nlohmann::json> FetchOasDocument(const std::string& api_id);
  // `text` with any credentials of the host URL masked.
  std::string Shown(const std::string& text) const;
  // An error prefixed with `tyk provider "<name>": `, credentials masked.
  absl::Status Error(absl::StatusCode code, const std::string& message) const;

  const std::string name_;
  const std::string type_ = "tyk";
  const TykProviderConfig config_;
  const std::string base_url_;        // host without trailing slashes
  const std::string shown_base_url_;  // base_url_ with user:password@ masked
  const absl::Duration request_timeout_;
  HttpClient* const http_;
};

}  // namespace gov::agent::tyk
