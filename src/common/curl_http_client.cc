#include <curl/curl.h>

#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "src/common/http_client.h"

namespace gov {

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (absl::EqualsIgnoreCase(k, absl::string_view(name.data(), name.size()))) return v;
  }
  return "";
}

namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t WriteBody(char* ptr, size_t size, size_t nmemb, void* userdata) {
  static_cast<std::string*>(userdata)->append(ptr, size * nmemb);
  return size * nmemb;
}

size_t WriteHeader(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* headers = static_cast<HttpHeaders*>(userdata);
  absl::string_view line(ptr, size * nmemb);
  if (absl::StartsWith(line, "HTTP/")) {
    headers->clear();  // a new response (after a redirect or 100-continue)
  } else if (auto colon = line.find(':'); colon != absl::string_view::npos) {
    headers->emplace_back(std::string(absl::StripAsciiWhitespace(line.substr(0, colon))),
                          std::string(absl::StripAsciiWhitespace(line.substr(colon + 1))));
  }
  return size * nmemb;
}

class CurlHttpClient : public HttpClient {
 public:
  explicit CurlHttpClient(CurlHttpClientOptions options) : options_(std::move(options)) {
    GlobalInitOnce();
  }

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return absl::InternalError("curl_easy_init failed");
    HttpResponse response;
    struct curl_slist* header_list = nullptr;
    for (const auto& [k, v] : request.headers) {
      header_list = curl_slist_append(header_list, absl::StrCat(k, ": ", v).c_str());
    }
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (!request.body.empty()) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, WriteHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(request.timeout)));
    curl_easy_setopt(
        curl, CURLOPT_CONNECTTIMEOUT_MS,
        static_cast<long>(std::min<int64_t>(10000, absl::ToInt64Milliseconds(request.timeout))));
    curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!options_.ca_cert_path.empty()) {
      curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_cert_path.c_str());
    }
    if (options_.insecure_skip_verify) {
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(header_list);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
      std::string what = absl::StrCat(request.method, " ", request.url, ": ",
                                      errbuf[0] != 0 ? errbuf : curl_easy_strerror(rc));
      if (rc == CURLE_OPERATION_TIMEDOUT) return absl::DeadlineExceededError(what);
      return absl::UnavailableError(what);
    }
    response.status = static_cast<int>(status);
    return response;
  }

 private:
  CurlHttpClientOptions options_;
};

}  // namespace

std::unique_ptr<HttpClient> NewCurlHttpClient(CurlHttpClientOptions options) {
  return std::make_unique<CurlHttpClient>(std::move(options));
}

}  // namespace gov
