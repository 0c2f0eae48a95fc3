#include "src/agent/config/config_values.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gov::agent {
namespace {

using ::testing::HasSubstr;

TEST(ParseBoolText, AcceptsTheDocumentedSpellings) {
  for (const char* t : {"true", "TRUE", "True", "yes", "YES", "1"})
    EXPECT_EQ(ParseBoolText(t), true) << t;
  for (const char* f : {"false", "False", "no", "No", "0"}) EXPECT_EQ(ParseBoolText(f), false) << f;
  for (const char* bad : {"", "on", "y", "yes please", "2", " true"}) {
    EXPECT_EQ(ParseBoolText(bad), std::nullopt) << bad;
  }
}

TEST(ParseIntText, WholeNumbersOnly) {
  EXPECT_EQ(ParseIntText("42"), 42);
  EXPECT_EQ(ParseIntText("-3"), -3);
  EXPECT_EQ(ParseIntText("+7"), 7);
  for (const char* bad : {"", "abc", "1.5", "1e3", "0x10", "12 ", "-", "99999999999999999999"}) {
    EXPECT_EQ(ParseIntText(bad), std::nullopt) << bad;
  }
}

TEST(CheckServerAddress, HostAndPort) {
  EXPECT_EQ(CheckServerAddress("hub.example.com:50051"), "");
  EXPECT_EQ(CheckServerAddress("10.0.0.1:443"), "");
  EXPECT_EQ(CheckServerAddress("[::1]:50051"), "");
  EXPECT_THAT(CheckServerAddress("https://hub:443/x"),
              HasSubstr("must be host:port without a scheme: write \"hub:443\""));
  EXPECT_THAT(CheckServerAddress("hub"), HasSubstr("the port is missing"));
  EXPECT_THAT(CheckServerAddress("hub:0"), HasSubstr("port from 1 to 65535"));
  EXPECT_THAT(CheckServerAddress("hub:70000"), HasSubstr("port from 1 to 65535"));
  EXPECT_THAT(CheckServerAddress(":50051"), HasSubstr("the host is missing"));
  EXPECT_THAT(CheckServerAddress("::1:50051"), HasSubstr("IPv6 host in brackets"));
  EXPECT_THAT(CheckServerAddress("hub:50051/api"), HasSubstr("no path"));
}

TEST(CheckHttpUrl, SchemeAndHost) {
  EXPECT_EQ(CheckHttpUrl("http://dashboard:3000", "e"), "");
  EXPECT_EQ(CheckHttpUrl("HTTPS://dashboard/", "e"), "");
  EXPECT_THAT(CheckHttpUrl("dashboard:3000", "http://x"),
              HasSubstr("must start with http:// or https:// (e.g. \"http://x\")"));
  EXPECT_THAT(CheckHttpUrl("ftp://x", "e"), HasSubstr("must start with"));
  EXPECT_THAT(CheckHttpUrl("http://", "e"), HasSubstr("has no host"));
  EXPECT_THAT(CheckHttpUrl("http://a b", "e"), HasSubstr("spaces"));
}

TEST(CheckAwsRegion, RegionShapes) {
  for (const char* ok : {"us-east-1", "eu-west-2", "ap-southeast-1", "us-gov-west-1", "cn-north-1",
                         "il-central-1"}) {
    EXPECT_EQ(CheckAwsRegion(ok), "") << ok;
  }
  for (const char* bad :
       {"", "Frankfurt", "us-east", "US-EAST-1", "useast1", "us-east-x", "usa-east-1", "us--1"}) {
    EXPECT_THAT(CheckAwsRegion(bad), HasSubstr("is not an AWS region name")) << bad;
  }
}

TEST(CheckKubernetesNames, Dns1123) {
  EXPECT_EQ(CheckKubernetesName("governance-agent-lock"), "");
  EXPECT_EQ(CheckKubernetesName("a.b-c"), "");
  EXPECT_NE(CheckKubernetesName("My_Lock"), "");
  EXPECT_NE(CheckKubernetesName("-x"), "");
  EXPECT_NE(CheckKubernetesName(""), "");
  EXPECT_EQ(CheckKubernetesNamespace("governance"), "");
  EXPECT_NE(CheckKubernetesNamespace("a.b"), "");
  EXPECT_NE(CheckKubernetesNamespace(std::string(64, 'a')), "");
}

}  // namespace
}  // namespace gov::agent
