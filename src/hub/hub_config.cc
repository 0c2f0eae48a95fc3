#include "src/hub/hub_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "src/common/duration.h"
#include "src/common/logging.h"
#include "src/common/suggest.h"

namespace gov::hub {
namespace {

enum class Kind { kString, kAddr, kDuration, kLogLevel, kLogFormat, kPercent };

struct Field {
  const char* path;  // YAML key path
  const char* env;   // environment variable
  Kind kind;
  std::string HubConfig::*str = nullptr;
  absl::Duration HubConfig::*dur = nullptr;
  int HubConfig::*num = nullptr;
};

const std::vector<Field>& Fields() {
  static const std::vector<Field> fields = {
      {"http.addr", "TYK_GOV_HTTP_ADDR", Kind::kAddr, &HubConfig::http_addr},
      {"grpc.addr", "TYK_GOV_GRPC_ADDR", Kind::kAddr, &HubConfig::grpc_addr},
      {"database.url", "TYK_GOV_DATABASE_URL", Kind::kString, &HubConfig::database_url},
      {"api.key", "TYK_GOV_API_KEY", Kind::kString, &HubConfig::api_key},
      {"security.jwtSecret", "TYK_GOV_SECURITY_JWTSECRET", Kind::kString, &HubConfig::jwt_secret},
      {"agent.heartbeat.timeout", "TYK_GOV_AGENT_HEARTBEAT_TIMEOUT", Kind::kDuration, nullptr,
       &HubConfig::heartbeat_timeout},
      {"sync.timeout", "TYK_GOV_SYNC_TIMEOUT", Kind::kDuration, nullptr, &HubConfig::sync_timeout},
      {"sync.deletionGuard.maxPercent", "TYK_GOV_SYNC_DELETIONGUARD_MAXPERCENT", Kind::kPercent,
       nullptr, nullptr, &HubConfig::deletion_guard_max_percent},
      {"tls.certPath", "TYK_GOV_TLS_CERTPATH", Kind::kString, &HubConfig::tls_cert_path},
      {"tls.keyPath", "TYK_GOV_TLS_KEYPATH", Kind::kString, &HubConfig::tls_key_path},
      {"tls.clientCAPath", "TYK_GOV_TLS_CLIENTCAPATH", Kind::kString,
       &HubConfig::tls_client_ca_path},
      {"logLevel", "TYK_GOV_LOGLEVEL", Kind::kLogLevel, &HubConfig::log_level},
      {"logFormat", "TYK_GOV_LOGFORMAT", Kind::kLogFormat, &HubConfig::log_format},
  };
  return fields;
}

// Sets one field from text; returns an error message or "".
std::string Assign(const Field& f, const std::string& value, HubConfig& config) {
  switch (f.kind) {
    case Kind::kString:
      config.*(f.str) = value;
      return "";
    case Kind::kAddr: {
      std::string host;
      int port = 0;
      if (!SplitHostPort(value, &host, &port)) {
        return absl::StrCat("invalid address \"", value,
                            "\" (expected host:port, e.g. 0.0.0.0:8080; port 0 = any free port)");
      }
      config.*(f.str) = value;
      return "";
    }
    case Kind::kDuration: {
      auto d = ParseGoDuration(value);
      if (!d.ok()) return std::string(d.status().message());
      if (*d <= absl::ZeroDuration()) return absl::StrCat("must be positive, got \"", value, "\"");
      config.*(f.dur) = *d;
      return "";
    }
    case Kind::kPercent: {
      std::string text = value;
      if (!text.empty() && text.back() == '%') text.pop_back();
      int n = 0;
      if (!absl::SimpleAtoi(text, &n) || n < 1 || n > 100) {
        return absl::StrCat("expected a whole percentage from 1 to 100, got \"", value, "\"");
      }
      config.*(f.num) = n;
      return "";
    }
    case Kind::kLogLevel: {
      auto l = ParseLogLevel(value);
      if (!l.ok()) return std::string(l.status().message());
      config.*(f.str) = value;
      return "";
    }
    case Kind::kLogFormat: {
      auto l = ParseLogFormat(value);
      if (!l.ok()) return std::string(l.status().message());
      config.*(f.str) = value;
      return "";
    }
  }
  return "";
}

const Field* FindByPath(const std::string& path) {
  for (const auto& f : Fields()) {
    if (path == f.path) return &f;
  }
  return nullptr;
}

void Walk(const YAML::Node& node, const std::string& prefix, const std::string& file,
          HubConfig& config, std::vector<std::string>& errors) {
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>();
    std::string path = prefix.empty() ? key : absl::StrCat(prefix, ".", key);
    const auto& mark = kv.first.Mark();
    std::string where = absl::StrCat(file, ":", mark.line + 1, ":", mark.column + 1, ": ", path);
    if (const Field* f = FindByPath(path)) {
      if (kv.second.IsNull()) {
        errors.push_back(
            absl::StrCat(where, ": has no value (remove the key to keep the default)"));
        continue;
      }
      if (!kv.second.IsScalar()) {
        errors.push_back(absl::StrCat(where, ": expected a single value"));
        continue;
      }
      std::string err = Assign(*f, kv.second.as<std::string>(), config);
      if (!err.empty()) errors.push_back(absl::StrCat(where, ": ", err));
      continue;
    }
    bool is_prefix = false;
    for (const auto& f : Fields()) {
      if (std::string(f.path).rfind(path + ".", 0) == 0) is_prefix = true;
    }
    if (is_prefix && kv.second.IsMap()) {
      Walk(kv.second, path, file, config, errors);
    } else if (is_prefix) {
      errors.push_back(absl::StrCat(where, ": expected a mapping"));
    } else {
      std::vector<std::string> paths;
      for (const auto& f : Fields()) paths.emplace_back(f.path);
      std::string hint;
      if (auto s = SuggestClosest(path, paths)) hint = absl::StrCat("; did you mean `", *s, "`?");
      errors.push_back(absl::StrCat(where, ": unknown key", hint));
    }
  }
}

}  // namespace

bool SplitHostPort(const std::string& addr, std::string* host, int* port) {
  auto colon = addr.rfind(':');
  if (colon == std::string::npos || colon + 1 >= addr.size()) return false;
  std::string h = addr.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.empty() || h.find("/") != std::string::npos) return false;
  int p = 0;
  if (!absl::SimpleAtoi(addr.substr(colon + 1), &p) || p < 0 || p > 65535) return false;
  *host = h;
  *port = p;
  return true;
}

HubConfigResult LoadHubConfig(const std::string& path,
                              const std::map<std::string, std::string>& env) {
  HubConfigResult result;
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) {
      result.errors.push_back(absl::StrCat(path, ": cannot read the config file"));
    } else {
      std::stringstream buf;
      buf << in.rdbuf();
      try {
        YAML::Node root = YAML::Load(buf.str());
        if (root.IsMap()) {
          Walk(root, "", path, result.config, result.errors);
        } else if (!root.IsNull()) {
          result.errors.push_back(absl::StrCat(path, ": the top level must be a mapping"));
        }
      } catch (const YAML::Exception& e) {
        result.errors.push_back(absl::StrCat(path, ":", e.mark.line + 1, ":", e.mark.column + 1,
                                             ": YAML syntax error: ", e.msg));
      }
    }
  }
  for (const auto& f : Fields()) {
    auto it = env.find(f.env);
    if (it == env.end() || it->second.empty()) continue;  // empty: unset, as for the agent
    std::string err = Assign(f, it->second, result.config);
    if (!err.empty()) result.errors.push_back(absl::StrCat("environment: ", f.env, ": ", err));
  }
  std::vector<std::string> names;
  for (const auto& f : Fields()) names.emplace_back(f.env);
  for (const auto& [name, value] : env) {
    if (name.rfind("TYK_GOV_", 0) != 0) continue;
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    std::string hint;
    if (auto s = SuggestClosest(name, names)) hint = absl::StrCat("; did you mean ", *s, "?");
    result.warnings.push_back(
        absl::StrCat("environment: ", name, ": unknown variable, ignored", hint));
  }
  const HubConfig& c = result.config;
  if (c.tls_cert_path.empty() != c.tls_key_path.empty()) {
    result.errors.push_back(
        "tls: tls.certPath (TYK_GOV_TLS_CERTPATH) and tls.keyPath (TYK_GOV_TLS_KEYPATH) must be "
        "set together");
  }
  if (!c.tls_client_ca_path.empty() && c.tls_cert_path.empty()) {
    result.errors.push_back(
        "tls: tls.clientCAPath (TYK_GOV_TLS_CLIENTCAPATH, mutual TLS) needs tls.certPath and "
        "tls.keyPath");
  }
  for (const std::string* p : {&c.tls_cert_path, &c.tls_key_path, &c.tls_client_ca_path}) {
    if (!p->empty() && !std::ifstream(*p)) {
      result.errors.push_back(absl::StrCat("tls: cannot read \"", *p, "\""));
    }
  }
  return result;
}

}  // namespace gov::hub
