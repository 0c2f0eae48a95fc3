// Catalog: the APIs a fake Tyk Dashboard serves, loaded from a directory of Tyk API
// definitions in the Gateway's on-disk format.
//
// Each *.json file (taken in file-name order) is one of:
//   - a classic API definition (an object with a string "api_id" or a "proxy" object);
//   - a Tyk OAS document (OpenAPI 3 with an "x-tyk-api-gateway" object), for which the
//     classic api_definition the Dashboard would list is synthesized;
//   - the Gateway's pair for an OAS API: "X.json" (classic, "is_oas": true) with its
//     companion "X-oas.json" or "X-mcp.json" (the OAS document);
//   - anything else (policies, middleware snippets, a plain OpenAPI document without the
//     Tyk extension), which is skipped and recorded in Catalog::skipped.
// Ids follow the Dashboard's rules: every API has a unique api_id and a unique 24-hex
// database id; missing or duplicate ones are derived from the file name (see DeriveApiId).
//
// Thread-safety: a Catalog is a plain value; share it read-only between threads.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace gov::fake {

// JSON that keeps the key order of the files it came from.
using Json = nlohmann::ordered_json;

struct FakeApi {
  std::string api_id;
  std::string db_id;               // api_definition.id, the Dashboard's database id
  std::vector<std::string> files;  // file names the API came from (one, or a pair)
  Json definition;                 // the classic api_definition as the Dashboard lists it
  Json oas;                        // the Tyk OAS document, or null for a classic API
  std::string base_api_id;         // for a child version of an OAS API: its base's id
  bool is_oas() const { return !oas.is_null(); }
};

struct SkippedFile {
  std::string file;
  std::string reason;
};

struct Catalog {
  std::vector<FakeApi> apis;         // in file-name order
  std::vector<SkippedFile> skipped;  // files that hold no API definition
  std::vector<std::string> notes;    // ids that were derived or changed, and why

  const FakeApi* Find(const std::string& api_id) const;
};

// Loads every *.json file of `dir`. Fails when the directory cannot be read, when any
// file is not valid JSON (the message names every such file and its parse error), or
// when a classic definition says "is_oas": true but has no companion OAS document.
absl::StatusOr<Catalog> LoadCatalogFromDir(const std::string& dir);

// Builds a catalog from in-memory files (name -> content), with the same rules.
absl::StatusOr<Catalog> LoadCatalogFromFiles(
    const std::vector<std::pair<std::string, std::string>>& files);

// The api_id given to a definition that has none: the first 32 hex digits of
// sha256(file name), the shape of the ids the Dashboard generates.
std::string DeriveApiId(const std::string& file_name);

// The database id given to an API that has none: the first 24 hex digits of
// sha256("dbid:" + api_id), the shape of a MongoDB ObjectID.
std::string DeriveDbId(const std::string& api_id);

}  // namespace gov::fake
