#include "tests/fakes/tyk_dashboard/catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace gov::fake {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using Files = std::vector<std::pair<std::string, std::string>>;

constexpr char kClassic[] = R"({"name": "Orders", "api_id": "orders-1", "org_id": "o1",
  "proxy": {"listen_path": "/orders/", "target_url": "http://orders", "strip_listen_path": true},
  "active": true})";

constexpr char kOas[] = R"({"openapi": "3.0.3", "info": {"title": "Pets", "version": "1"},
  "paths": {},
  "x-tyk-api-gateway": {"info": {"id": "pets-1", "name": "Pets API", "state": {"active": true}},
    "upstream": {"url": "http://pets"}, "server": {"listenPath": {"value": "/pets/"}}}})";

std::vector<std::string> Ids(const Catalog& c) {
  std::vector<std::string> ids;
  for (const FakeApi& api : c.apis) ids.push_back(api.api_id);
  return ids;
}

TEST(CatalogTest, ClassicDefinitionIsListedAsWrittenPlusItsDatabaseId) {
  absl::StatusOr<Catalog> c = LoadCatalogFromFiles({{"orders.json", kClassic}});
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->apis.size(), 1u);
  const FakeApi& api = c->apis[0];
  EXPECT_EQ(api.api_id, "orders-1");
  EXPECT_FALSE(api.is_oas());
  EXPECT_THAT(api.files, ElementsAre("orders.json"));
  EXPECT_EQ(api.definition["name"], "Orders");
  EXPECT_EQ(api.definition["proxy"]["listen_path"], "/orders/");
  EXPECT_EQ(api.definition["id"], DeriveDbId("orders-1"));
  EXPECT_EQ(api.db_id.size(), 24u);
  // The file's own key order is kept.
  EXPECT_EQ(api.definition.begin().key(), "name");
}

TEST(CatalogTest, FilesAreTakenInFileNameOrder) {
  std::string b = R"({"api_id": "b", "proxy": {}})";
  std::string a = R"({"api_id": "a", "proxy": {}})";
  std::string c = R"({"api_id": "c", "proxy": {}})";
  absl::StatusOr<Catalog> cat = LoadCatalogFromFiles({{"2.json", b}, {"3.json", c}, {"1.json", a}});
  ASSERT_TRUE(cat.ok()) << cat.status();
  EXPECT_THAT(Ids(*cat), ElementsAre("a", "b", "c"));
}

TEST(CatalogTest, ClassicWithoutApiIdGetsOneDerivedFromItsFileName) {
  absl::StatusOr<Catalog> c =
      LoadCatalogFromFiles({{"legacy.json", R"({"name": "Legacy", "proxy": {}})"}});
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->apis.size(), 1u);
  EXPECT_EQ(c->apis[0].api_id, DeriveApiId("legacy.json"));
  EXPECT_EQ(c->apis[0].api_id.size(), 32u);
  EXPECT_EQ(c->apis[0].definition["api_id"], c->apis[0].api_id);
  ASSERT_EQ(c->notes.size(), 1u);
  EXPECT_THAT(c->notes[0], HasSubstr("legacy.json: no api_id"));
}

TEST(CatalogTest, DerivedIdsAreStableAndDistinct) {
  EXPECT_EQ(DeriveApiId("a.json"), DeriveApiId("a.json"));
  EXPECT_NE(DeriveApiId("a.json"), DeriveApiId("b.json"));
  EXPECT_EQ(DeriveDbId("x"), DeriveDbId("x"));
  EXPECT_NE(DeriveDbId("x"), DeriveDbId("y"));
}

TEST(CatalogTest, DuplicateApiIdIsMadeUniqueForTheLaterFile) {
  std::string def = R"({"api_id": "4", "proxy": {}, "id": "64be29f27217230c0ac74eaa"})";
  absl::StatusOr<Catalog> c = LoadCatalogFromFiles({{"a.json", def}, {"b.json", def}});
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->apis.size(), 2u);
  EXPECT_EQ(c->apis[0].api_id, "4");
  EXPECT_EQ(c->apis[0].db_id, "64be29f27217230c0ac74eaa");
  EXPECT_EQ(c->apis[1].api_id, DeriveApiId("b.json"));
  EXPECT_EQ(c->apis[1].definition["api_id"], DeriveApiId("b.json"));
  EXPECT_NE(c->apis[1].db_id, "64be29f27217230c0ac74eaa");
  EXPECT_EQ(c->apis[1].definition["id"], c->apis[1].db_id);
  ASSERT_EQ(c->notes.size(), 2u);
  EXPECT_THAT(c->notes[0], HasSubstr("b.json: api_id \"4\" is already taken"));
  EXPECT_THAT(c->notes[1], HasSubstr("b.json: database id \"64be29f27217230c0ac74eaa\""));
}

TEST(CatalogTest, TykOasDocumentGetsASynthesizedClassicDefinition) {
  absl::StatusOr<Catalog> c = LoadCatalogFromFiles({{"pets.json", kOas}});
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->apis.size(), 1u);
  const FakeApi& api = c->apis[0];
  EXPECT_TRUE(api.is_oas());
  EXPECT_EQ(api.api_id, "pets-1");
  EXPECT_EQ(api.definition["api_id"], "pets-1");
  EXPECT_EQ(api.definition["name"], "Pets API");
  EXPECT_EQ(api.definition["is_oas"], true);
  EXPECT_EQ(api.definition["proxy"]["listen_path"], "/pets/");
  EXPECT_EQ(api.definition["id"], api.db_id);
  // The served document carries the ids the Dashboard assigned.
  EXPECT_EQ(api.oas["x-tyk-api-gateway"]["info"]["id"], "pets-1");
  EXPECT_EQ(api.oas["x-tyk-api-gateway"]["info"]["dbId"], api.db_id);
}

TEST(CatalogTest, TykOasDocumentWithoutIdGetsOneFromItsFileName) {
  absl::StatusOr<Catalog> c = LoadCatalogFromFiles(
      {{"bare.json", R"({"openapi": "3.0.3", "info": {"title": "Bare", "version": "1"},
          "x-tyk-api-gateway": {"info": {"state": {}}, "server": {}, "upstream": {}}})"}});
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->apis.size(), 1u);
  EXPECT_EQ(c->apis[0].api_id, DeriveApiId("bare.json"));
  EXPECT_EQ(c->apis[0].oas["x-tyk-api-gateway"]["info"]["id"], DeriveApiId("bare.json"));
  // No x-tyk name: the OpenAPI title names the API.
  EXPECT_EQ(c->apis[0].definition["name"], "Bare");
}

TEST(CatalogTest, GatewayPairOfClassicAndCompanionOasFileIsOneApi) {
  std::string classic = R"({"name": "Pets", "api_id": "pets-1", "is_oas": true,
    "proxy": {"listen_path": "/pets/"}, "use_keyless": true})";
  for (const char* companion : {"pets-oas.json", "pets-mcp.json"}) {
    absl::StatusOr<Catalog> c = LoadCatalogFromFiles({{"pets.json", classic}, {companion, kOas}});
    ASSERT_TRUE(c.ok()) << c.status();
    ASSERT_EQ(c->apis.size(), 1u) << companion;
    const FakeApi& api = c->apis[0];
    EXPECT_THAT(api.files, ElementsAre("pets.json", companion));
    EXPECT_EQ(api.api_id, "pets-1");
    EXPECT_TRUE(api.is_oas());
    // The classic file is what the Dashboard lists, unchanged apart from its ids.
    EXPECT_EQ(api.definition["name"], "Pets");
    EXPECT_EQ(api.definition["use_keyless"], true);
    EXPECT_EQ(api.oas["x-tyk-api-gateway"]["info"]["name"], "Pets API");
    EXPECT_TRUE(c->skipped.empty());
  }
}

TEST(CatalogTest, ClassicMarkedOasWithoutCompanionRefusesToLoad) {
  absl::StatusOr<Catalog> c =
      LoadCatalogFromFiles({{"pets.json", R"({"api_id": "p", "is_oas": true, "proxy": {}})"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(c.status().message(),
              HasSubstr("pets.json: \"is_oas\" is true but its OAS document (pets-oas.json or "
                        "pets-mcp.json) is not in the directory"));
}

TEST(CatalogTest, CompanionOfANonOasClassicIsIgnoredLikeTheGatewayDoes) {
  absl::StatusOr<Catalog> c =
      LoadCatalogFromFiles({{"pets.json", kClassic}, {"pets-oas.json", kOas}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(Ids(*c), ElementsAre("orders-1"));
  ASSERT_EQ(c->skipped.size(), 1u);
  EXPECT_EQ(c->skipped[0].file, "pets-oas.json");
  EXPECT_THAT(c->skipped[0].reason, HasSubstr("companion OAS document of pets.json"));
}

TEST(CatalogTest, FilesThatAreNotApiDefinitionsAreSkippedWithAReason) {
  absl::StatusOr<Catalog> c = LoadCatalogFromFiles({
      {"policies.json", R"({"default": {"rate": 1000, "per": 1, "access_rights": {}}})"},
      {"petstore.json", R"({"openapi": "3.0.0", "info": {"title": "Petstore"}, "paths": {}})"},
      {"list.json", R"([1, 2])"},
      {"orders.json", kClassic},
  });
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(Ids(*c), ElementsAre("orders-1"));
  ASSERT_EQ(c->skipped.size(), 3u);
  EXPECT_EQ(c->skipped[0].file, "list.json");
  EXPECT_THAT(c->skipped[0].reason, HasSubstr("JSON array, not an object"));
  EXPECT_EQ(c->skipped[1].file, "petstore.json");
  EXPECT_THAT(c->skipped[1].reason, HasSubstr("without an x-tyk-api-gateway object"));
  EXPECT_EQ(c->skipped[2].file, "policies.json");
  EXPECT_THAT(c->skipped[2].reason, HasSubstr("not an API definition"));
}

TEST(CatalogTest, InvalidJsonRefusesToLoadNamingEveryBrokenFile) {
  absl::StatusOr<Catalog> c = LoadCatalogFromFiles(
      {{"ok.json", kClassic}, {"broken.json", "{\"api_id\": "}, {"worse.json", "not json"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(), HasSubstr("broken.json: invalid JSON: "));
  EXPECT_THAT(c.status().message(), HasSubstr("worse.json: invalid JSON: "));
  EXPECT_THAT(c.status().message(), HasSubstr("parse error"));
}

TEST(CatalogTest, ChildVersionOfAnOasApiKnowsItsBase) {
  std::string base = R"({"openapi": "3.0.3", "info": {"title": "Cat", "version": "1"},
    "x-tyk-api-gateway": {"info": {"id": "cat-v1", "name": "Catalog", "state": {"active": true},
      "versioning": {"enabled": true, "name": "v1", "default": "v1", "location": "header",
        "key": "x-api-version", "versions": [{"name": "v2", "id": "cat-v2"}]}},
      "server": {"listenPath": {"value": "/catalog/"}}, "upstream": {"url": "http://c"}}})";
  std::string child = R"({"openapi": "3.0.3", "info": {"title": "Cat", "version": "2"},
    "x-tyk-api-gateway": {"info": {"id": "cat-v2", "name": "Catalog v2",
      "state": {"active": true}}, "server": {"listenPath": {"value": "/catalog-v2/"}},
      "upstream": {"url": "http://c"}}})";
  absl::StatusOr<Catalog> c = LoadCatalogFromFiles({{"a.json", base}, {"b.json", child}});
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_NE(c->Find("cat-v2"), nullptr);
  EXPECT_EQ(c->Find("cat-v2")->base_api_id, "cat-v1");
  EXPECT_EQ(c->Find("cat-v1")->base_api_id, "");
  EXPECT_EQ(c->Find("nope"), nullptr);
}

TEST(CatalogTest, DirectoryLoadReadsOnlyJsonFiles) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(testing::TempDir()) / absl::StrCat("catalog_dir_test_", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir / "sub.json");  // a directory named like a file: ignored
  std::ofstream(dir / "orders.json") << kClassic;
  std::ofstream(dir / "README.md") << "# not a definition";
  absl::StatusOr<Catalog> c = LoadCatalogFromDir(dir.string());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(Ids(*c), ElementsAre("orders-1"));

  std::ofstream(dir / "zz.json") << "{";
  c = LoadCatalogFromDir(dir.string());
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr(dir.string()));
  EXPECT_THAT(c.status().message(), HasSubstr("zz.json: invalid JSON"));
  fs::remove_all(dir);
}

TEST(CatalogTest, MissingDirectoryIsNotFound) {
  absl::StatusOr<Catalog> c = LoadCatalogFromDir("/nonexistent/tyk-apis");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(c.status().message(), HasSubstr("/nonexistent/tyk-apis"));
}

}  // namespace
}  // namespace gov::fake
