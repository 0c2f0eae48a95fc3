#include "src/common/random.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace gov {
namespace {

TEST(Random, Uuid4HasCanonicalFormAndVersionBits) {
  StdRandom r(7);
  std::regex re("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string id = r.Uuid4();
    EXPECT_TRUE(std::regex_match(id, re)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(Random, SecureRandomHexLengthAndVariety) {
  std::string a = SecureRandomHex(16);
  std::string b = SecureRandomHex(16);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace gov
