#include "tests/fakes/tyk_dashboard/catalog.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/common/hash.h"
#include "tests/fakes/tyk_dashboard/oas_to_classic.h"

namespace gov::fake {
namespace {

enum class Kind { kClassic, kTykOas, kNotAnApi };

struct ParsedFile {
  std::string name;
  Json doc;
  Kind kind = Kind::kNotAnApi;
  std::string skip_reason;
};

const Json& At(const Json& j, const char* key) {
  static const Json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string Str(const Json& j, const char* key) {
  if (!j.is_object()) return std::string();
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void Classify(ParsedFile& f) {
  const Json& d = f.doc;
  if (!d.is_object()) {
    f.skip_reason = absl::StrCat("not an API definition: the file holds a JSON ", d.type_name(),
                                 ", not an object");
    return;
  }
  if (d.contains("openapi") || d.contains("swagger")) {
    auto x = d.find("x-tyk-api-gateway");
    if (x != d.end() && x->is_object()) {
      f.kind = Kind::kTykOas;
    } else {
      f.skip_reason =
          "an OpenAPI document without an x-tyk-api-gateway object: not a Tyk API definition";
    }
    return;
  }
  auto api_id = d.find("api_id");
  auto proxy = d.find("proxy");
  if ((api_id != d.end() && api_id->is_string()) || (proxy != d.end() && proxy->is_object())) {
    f.kind = Kind::kClassic;
    return;
  }
  f.skip_reason =
      "not an API definition: no \"api_id\" string, no \"proxy\" object, "
      "no \"openapi\" version";
}

// For "X-oas.json" / "X-mcp.json": "X.json"; otherwise empty.
std::string CompanionBase(const std::string& name) {
  for (const char* suffix : {"-oas.json", "-mcp.json"}) {
    if (absl::EndsWith(name, suffix)) {
      return absl::StrCat(name.substr(0, name.size() - std::string(suffix).size()), ".json");
    }
  }
  return std::string();
}

bool IsOasFlag(const Json& classic) {
  auto it = classic.find("is_oas");
  return it != classic.end() && it->is_boolean() && it->get<bool>();
}

// Sets x-tyk-api-gateway.info.<key> = value in an OAS document.
void SetOasInfo(Json& oas, const char* key, const std::string& value) {
  oas["x-tyk-api-gateway"]["info"][key] = value;
}

absl::StatusOr<Catalog> Build(std::vector<ParsedFile> files) {
  std::sort(files.begin(), files.end(),
            [](const ParsedFile& a, const ParsedFile& b) { return a.name < b.name; });
  Catalog catalog;
  std::map<std::string, size_t> by_name;
  for (size_t i = 0; i < files.size(); ++i) {
    Classify(files[i]);
    by_name[files[i].name] = i;
  }

  // Pair each companion OAS document with its classic file, as the Gateway does.
  std::map<std::string, size_t> companion_of;  // classic file name -> OAS file index
  std::set<size_t> companions;
  for (size_t i = 0; i < files.size(); ++i) {
    if (files[i].kind != Kind::kTykOas) continue;
    const std::string base = CompanionBase(files[i].name);
    auto it = by_name.find(base);
    if (base.empty() || it == by_name.end()) continue;
    companions.insert(i);
    const ParsedFile& classic = files[it->second];
    if (classic.kind == Kind::kClassic && IsOasFlag(classic.doc)) {
      companion_of[classic.name] = i;
    } else {
      files[i].kind = Kind::kNotAnApi;
      files[i].skip_reason = absl::StrCat("a companion OAS document of ", base,
                                          ", which is not a classic definition with "
                                          "\"is_oas\": true; the Gateway ignores it too");
    }
  }

  std::set<std::string> used_api_ids;
  std::set<std::string> used_db_ids;
  auto unique = [](std::set<std::string>& used, std::string wanted, const std::string& seed,
                   auto derive) {
    std::string id = std::move(wanted);
    for (int n = 0; id.empty() || used.count(id) > 0; ++n) {
      id = derive(n == 0 ? seed : absl::StrCat(seed, "#", n));
    }
    used.insert(id);
    return id;
  };

  for (size_t i = 0; i < files.size(); ++i) {
    ParsedFile& f = files[i];
    if (f.kind == Kind::kNotAnApi) {
      catalog.skipped.push_back({f.name, f.skip_reason});
      continue;
    }
    if (f.kind == Kind::kTykOas && companions.count(i) > 0) continue;  // taken with its pair

    FakeApi api;
    api.files.push_back(f.name);
    std::string wanted_api_id;
    std::string wanted_db_id;
    if (f.kind == Kind::kClassic) {
      api.definition = std::move(f.doc);
      wanted_api_id = Str(api.definition, "api_id");
      wanted_db_id = Str(api.definition, "id");
      if (IsOasFlag(api.definition)) {
        auto pair = companion_of.find(f.name);
        if (pair == companion_of.end()) {
          const std::string stem = f.name.substr(0, f.name.size() - 5);
          return absl::FailedPreconditionError(
              absl::StrCat(f.name, ": \"is_oas\" is true but its OAS document (", stem,
                           "-oas.json or ", stem, "-mcp.json) is not in the directory"));
        }
        ParsedFile& oas_file = files[pair->second];
        api.files.push_back(oas_file.name);
        api.oas = std::move(oas_file.doc);
        const std::string oas_id = Str(api.oas["x-tyk-api-gateway"]["info"], "id");
        if (wanted_api_id.empty()) wanted_api_id = oas_id;
        if (!oas_id.empty() && oas_id != wanted_api_id) {
          catalog.notes.push_back(absl::StrCat(oas_file.name, ": info.id \"", oas_id,
                                               "\" differs from api_id \"", wanted_api_id, "\" of ",
                                               f.name, "; the api_id wins"));
        }
      }
    } else {
      api.oas = std::move(f.doc);
      const Json& info = api.oas["x-tyk-api-gateway"]["info"];
      wanted_api_id = Str(info, "id");
      wanted_db_id = Str(info, "dbId");
    }

    api.api_id = unique(used_api_ids, wanted_api_id, f.name, DeriveApiId);
    if (wanted_api_id.empty()) {
      catalog.notes.push_back(
          absl::StrCat(f.name, ": no api_id; listed as derived api_id ", api.api_id));
    } else if (api.api_id != wanted_api_id) {
      catalog.notes.push_back(absl::StrCat(f.name, ": api_id \"", wanted_api_id,
                                           "\" is already taken (the Dashboard keeps api_ids "
                                           "unique); listed as api_id ",
                                           api.api_id));
    }
    api.db_id = unique(used_db_ids, wanted_db_id, api.api_id, DeriveDbId);
    if (!wanted_db_id.empty() && api.db_id != wanted_db_id) {
      catalog.notes.push_back(absl::StrCat(f.name, ": database id \"", wanted_db_id,
                                           "\" is already taken; listed as id ", api.db_id));
    }

    if (f.kind == Kind::kClassic) {
      api.definition["api_id"] = api.api_id;
      if (!api.definition.contains("id") || api.db_id != wanted_db_id) {
        api.definition["id"] = api.db_id;
      }
      if (api.is_oas()) {
        SetOasInfo(api.oas, "id", api.api_id);
        SetOasInfo(api.oas, "dbId", api.db_id);
      }
    } else {
      // The Dashboard stores the ids it assigned inside the document it serves.
      SetOasInfo(api.oas, "id", api.api_id);
      SetOasInfo(api.oas, "dbId", api.db_id);
      api.definition = ClassicFromTykOas(api.oas, api.api_id, api.db_id);
    }
    catalog.apis.push_back(std::move(api));
  }

  // Child versions of OAS APIs: the base lists them in info.versioning.versions.
  for (const FakeApi& base : catalog.apis) {
    if (!base.is_oas()) continue;
    const Json& versions =
        At(At(At(At(base.oas, "x-tyk-api-gateway"), "info"), "versioning"), "versions");
    if (!versions.is_array()) continue;
    for (const Json& v : versions) {
      const std::string child_id = Str(v, "id");
      if (child_id.empty() || child_id == base.api_id) continue;
      for (FakeApi& child : catalog.apis) {
        if (child.api_id == child_id) child.base_api_id = base.api_id;
      }
    }
  }
  return catalog;
}

}  // namespace

const FakeApi* Catalog::Find(const std::string& api_id) const {
  for (const FakeApi& api : apis) {
    if (api.api_id == api_id) return &api;
  }
  return nullptr;
}

std::string DeriveApiId(const std::string& file_name) { return Sha256Hex(file_name).substr(0, 32); }

std::string DeriveDbId(const std::string& api_id) {
  return Sha256Hex(absl::StrCat("dbid:", api_id)).substr(0, 24);
}

absl::StatusOr<Catalog> LoadCatalogFromFiles(
    const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<ParsedFile> parsed;
  std::vector<std::string> errors;
  for (const auto& [name, content] : files) {
    ParsedFile f;
    f.name = name;
    try {
      f.doc = Json::parse(content);
    } catch (const Json::parse_error& e) {
      errors.push_back(absl::StrCat(name, ": invalid JSON: ", e.what()));
      continue;
    }
    parsed.push_back(std::move(f));
  }
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "; "));
  return Build(std::move(parsed));
}

absl::StatusOr<Catalog> LoadCatalogFromDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    return absl::NotFoundError(
        absl::StrCat("cannot read API definition directory ", dir, ": ", ec.message()));
  }
  std::vector<std::pair<std::string, std::string>> files;
  for (const fs::directory_entry& entry : it) {
    const std::string name = entry.path().filename().string();
    if (!absl::EndsWith(name, ".json") || !entry.is_regular_file(ec)) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in.is_open()) {
      return absl::PermissionDeniedError(absl::StrCat("cannot open ", entry.path().string()));
    }
    std::ostringstream content;
    content << in.rdbuf();
    files.emplace_back(name, content.str());
  }
  absl::StatusOr<Catalog> catalog = LoadCatalogFromFiles(files);
  if (!catalog.ok()) {
    return absl::Status(catalog.status().code(),
                        absl::StrCat("in ", dir, ": ", catalog.status().message()));
  }
  return catalog;
}

}  // namespace gov::fake
