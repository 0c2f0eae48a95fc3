#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "src/agent/provider.h"

namespace gov::agent {
namespace {

NormalizedApi SampleApi() {
  NormalizedApi api;
  api.external_id = "a1b2c3";
  api.name = "Orders";
  api.description = "Order management";
  api.versions = {"v1", "v2"};
  api.listen_path = "/orders/";
  api.upstream_url = "http://orders.internal:8080";
  api.protocol = "http";
  api.auth_mechanisms = {"authToken", "jwt"};
  api.active = true;
  api.internal = false;
  api.oas_document = {{"openapi", "3.0.3"}, {"info", {{"title", "Orders"}}}};
  api.definition = {{"api_id", "a1b2c3"}, {"name", "Orders"}, {"use_keyless", false}};
  api.extra = {{"org_id", "org1"}, {"tags", {"edge"}}};
  return api;
}

TEST(ContentHash, IsSha256HexAndStable) {
  const std::string first = ContentHash(SampleApi());
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(first.find_first_not_of("0123456789abcdef"), std::string::npos) << first;
  EXPECT_EQ(ContentHash(SampleApi()), first);
  // Pinned (equal to Python's sha256 of json.dumps(..., sort_keys=True,
  // separators=(",", ":"))): a change here re-hashes every stored API, which the hub then
  // reports as updated on the next sync. Change it only on purpose.
  EXPECT_EQ(first, "fc231dc300387b5aeafffdf87af6daf337d59d21e3a5d9035da8c8795cca251e");
}

TEST(ContentHash, IgnoresKeyOrderInsideJson) {
  NormalizedApi a = SampleApi();
  NormalizedApi b = SampleApi();
  b.definition = nlohmann::json::object();
  b.definition["use_keyless"] = false;
  b.definition["name"] = "Orders";
  b.definition["api_id"] = "a1b2c3";
  EXPECT_EQ(ContentHash(a), ContentHash(b));
}

TEST(ContentHash, EveryFieldChangesIt) {
  const std::vector<std::pair<std::string, std::function<void(NormalizedApi&)>>> edits = {
      {"external_id", [](NormalizedApi& a) { a.external_id = "other"; }},
      {"name", [](NormalizedApi& a) { a.name = "Orders v2"; }},
      {"description", [](NormalizedApi& a) { a.description = ""; }},
      {"versions", [](NormalizedApi& a) { a.versions.push_back("v3"); }},
      {"versions order",
       [](NormalizedApi& a) {
         a.versions = {"v2", "v1"};
       }},
      {"listen_path", [](NormalizedApi& a) { a.listen_path = "/orders"; }},
      {"upstream_url", [](NormalizedApi& a) { a.upstream_url = "http://orders.internal"; }},
      {"protocol", [](NormalizedApi& a) { a.protocol = "https"; }},
      {"auth_mechanisms", [](NormalizedApi& a) { a.auth_mechanisms = {"authToken"}; }},
      {"active", [](NormalizedApi& a) { a.active = false; }},
      {"internal", [](NormalizedApi& a) { a.internal = true; }},
      {"oas_document", [](NormalizedApi& a) { a.oas_document["info"]["title"] = "x"; }},
      {"oas_document null", [](NormalizedApi& a) { a.oas_document = nullptr; }},
      {"definition", [](NormalizedApi& a) { a.definition["use_keyless"] = true; }},
      {"extra", [](NormalizedApi& a) { a.extra["org_id"] = "org2"; }},
  };
  const std::string base = ContentHash(SampleApi());
  std::set<std::string> seen = {base};
  for (const auto& [field, edit] : edits) {
    NormalizedApi api = SampleApi();
    edit(api);
    const std::string changed = ContentHash(api);
    EXPECT_NE(changed, base) << "changing " << field << " did not change the hash";
    EXPECT_TRUE(seen.insert(changed).second) << field << " collided with another edit";
  }
}

TEST(ContentHash, IgnoresError) {
  NormalizedApi api = SampleApi();
  const std::string base = ContentHash(api);
  api.error = "OAS document could not be downloaded";
  EXPECT_EQ(ContentHash(api), base);
}

TEST(ContentHash, DistinguishesNullFromEmptyDocument) {
  NormalizedApi a;
  NormalizedApi b;
  b.oas_document = nlohmann::json::object();
  EXPECT_NE(ContentHash(a), ContentHash(b));
}

TEST(ContentHash, InvalidUtf8DoesNotThrow) {
  NormalizedApi api = SampleApi();
  api.name = std::string("bad\xff", 4);
  EXPECT_EQ(ContentHash(api).size(), 64u);
}

}  // namespace
}  // namespace gov::agent
