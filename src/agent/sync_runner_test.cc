// SyncRunner: what the agent streams to the hub for one sync - batches, one completion
// per provider (count or error), the end marker - and what the status board records.
#include "src/agent/sync_runner.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gov::agent {
namespace {

namespace pb = governance::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

NormalizedApi MakeApi(const std::string& id, const std::string& name = "") {
  NormalizedApi api;
  api.external_id = id;
  api.name = name.empty() ? "API " + id : name;
  api.listen_path = "/" + id + "/";
  api.upstream_url = "http://upstream/" + id;
  api.protocol = "http";
  api.versions = {"Default"};
  api.definition = {{"api_id", id}, {"name", api.name}};
  return api;
}

// A provider that emits a fixed list of APIs, then answers `result`. With `fail_after`,
// it answers `result` after emitting that many APIs instead.
class FakeProvider : public Provider {
 public:
  FakeProvider(std::string name, std::string type, std::vector<NormalizedApi> apis,
               absl::Status result = absl::OkStatus(), size_t fail_after = SIZE_MAX)
      : name_(std::move(name)),
        type_(std::move(type)),
        apis_(std::move(apis)),
        result_(std::move(result)),
        fail_after_(fail_after) {}

  const std::string& name() const override { return name_; }
  const std::string& type() const override { return type_; }
  std::map<std::string, std::string> Details() const override {
    return {{"host", "http://" + name_ + ":3000"}};
  }
  absl::Status ListApis(const ApiEmitter& emit, std::stop_token stop) override {
    ++list_calls;
    for (size_t i = 0; i < apis_.size(); ++i) {
      if (i == fail_after_) return result_;
      if (stop.stop_requested()) return absl::CancelledError("sync cancelled");
      ++emitted;
      absl::Status st = emit(apis_[i]);
      if (!st.ok()) return st;
    }
    return result_;
  }

  int list_calls = 0;
  size_t emitted = 0;

 private:
  std::string name_;
  std::string type_;
  std::vector<NormalizedApi> apis_;
  absl::Status result_;
  size_t fail_after_;
};

std::vector<NormalizedApi> ManyApis(int n, const std::string& prefix = "api-") {
  std::vector<NormalizedApi> out;
  for (int i = 0; i < n; ++i) out.push_back(MakeApi(absl::StrCat(prefix, i)));
  return out;
}

// Records what the runner writes; `fail_at` (0-based message index) makes that write fail.
struct Recorder {
  std::vector<pb::SyncUpstream> messages;
  int fail_at = -1;
  int writes = 0;
  SyncWriter Writer() {
    return [this](const pb::SyncUpstream& m) {
      if (writes++ == fail_at) return false;
      messages.push_back(m);
      return true;
    };
  }
  // "batch:p:3", "done:p:ok:3", "done:p:error:<msg>", "end".
  std::vector<std::string> Outline() const {
    std::vector<std::string> out;
    for (const auto& m : messages) {
      if (m.has_batch()) {
        out.push_back(absl::StrCat("batch:", m.batch().provider(), ":", m.batch().apis_size()));
      } else if (m.has_provider_complete()) {
        const auto& c = m.provider_complete();
        out.push_back(c.ok() ? absl::StrCat("done:", c.provider(), ":ok:", c.count())
                             : absl::StrCat("done:", c.provider(), ":error:", c.error()));
      } else if (m.has_end()) {
        out.push_back("end");
      } else {
        out.push_back("other");
      }
    }
    return out;
  }
};

class SyncRunnerTest : public ::testing::Test {
 protected:
  SyncRunner MakeRunner(std::vector<FakeProvider*> providers, size_t batch_max_apis = 50,
                        size_t batch_max_bytes = 2 * 1024 * 1024) {
    std::vector<Provider*> raw;
    for (FakeProvider* p : providers) {
      board_.Register(*p);
      raw.push_back(p);
    }
    SyncRunnerOptions opts;
    opts.batch_max_apis = batch_max_apis;
    opts.batch_max_bytes = batch_max_bytes;
    return SyncRunner(raw, &board_, opts);
  }

  std::string BoardStatus(const std::string& name) {
    for (const auto& s : board_.Snapshot()) {
      if (s.name() == name) return s.error().empty() ? s.status() : s.status() + ": " + s.error();
    }
    return "absent";
  }

  ProviderStatusBoard board_;
  Recorder rec_;
  std::stop_source stop_;
};

TEST_F(SyncRunnerTest, StreamsBatchesOfAtMostNThenCompletionAndEnd) {
  FakeProvider tyk("tyk-a", "tyk", ManyApis(7));
  SyncRunner runner = MakeRunner({&tyk}, /*batch_max_apis=*/3);
  ASSERT_TRUE(runner.Run("sync-1", "", rec_.Writer(), stop_.get_token()).ok());

  EXPECT_THAT(rec_.Outline(), ElementsAre("batch:tyk-a:3", "batch:tyk-a:3", "batch:tyk-a:1",
                                          "done:tyk-a:ok:7", "end"));
  std::vector<std::string> ids;
  for (size_t i = 0; i < 3; ++i) {
    const pb::ApiBatch& b = rec_.messages[i].batch();
    EXPECT_EQ(b.sync_id(), "sync-1");
    EXPECT_EQ(b.provider(), "tyk-a");
    EXPECT_EQ(b.provider_type(), "tyk");
    for (const auto& d : b.apis()) ids.push_back(d.external_id());
  }
  EXPECT_THAT(ids, ElementsAre("api-0", "api-1", "api-2", "api-3", "api-4", "api-5", "api-6"));
  const pb::ProviderComplete& done = rec_.messages[3].provider_complete();
  EXPECT_EQ(done.sync_id(), "sync-1");
  EXPECT_EQ(done.provider_type(), "tyk");
  EXPECT_EQ(done.error(), "");
  EXPECT_EQ(rec_.messages[4].end().sync_id(), "sync-1");
  EXPECT_EQ(BoardStatus("tyk-a"), "OK");
}

TEST_F(SyncRunnerTest, EmptyProviderCompletesWithZero) {
  FakeProvider empty("tyk-a", "tyk", {});
  SyncRunner runner = MakeRunner({&empty});
  ASSERT_TRUE(runner.Run("s", "", rec_.Writer(), stop_.get_token()).ok());
  EXPECT_THAT(rec_.Outline(), ElementsAre("done:tyk-a:ok:0", "end"));
}

TEST_F(SyncRunnerTest, BatchesStayUnderTheByteLimit) {
  std::vector<NormalizedApi> apis = ManyApis(6);
  for (auto& a : apis) a.definition["padding"] = std::string(1000, 'x');
  const size_t one = ToProto(apis[0]).ByteSizeLong();
  FakeProvider tyk("tyk-a", "tyk", apis);
  SyncRunner runner = MakeRunner({&tyk}, 50, /*batch_max_bytes=*/2 * one + one / 2);
  ASSERT_TRUE(runner.Run("s", "", rec_.Writer(), stop_.get_token()).ok());
  EXPECT_THAT(rec_.Outline(), ElementsAre("batch:tyk-a:2", "batch:tyk-a:2", "batch:tyk-a:2",
                                          "done:tyk-a:ok:6", "end"));
}

TEST_F(SyncRunnerTest, FailingProviderReportsItsErrorAndTheNextStillRuns) {
  FakeProvider bad("tyk-a", "tyk", ManyApis(5, "a-"),
                   absl::UnavailableError("dashboard answered 500 on page 2"), /*fail_after=*/2);
  FakeProvider good("aws-b", "aws", ManyApis(1, "b-"));
  SyncRunner runner = MakeRunner({&bad, &good});
  ASSERT_TRUE(runner.Run("s", "", rec_.Writer(), stop_.get_token()).ok());

  EXPECT_THAT(rec_.Outline(),
              ElementsAre("batch:tyk-a:2", "done:tyk-a:error:dashboard answered 500 on page 2",
                          "batch:aws-b:1", "done:aws-b:ok:1", "end"));
  const pb::ProviderComplete& failed = rec_.messages[1].provider_complete();
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.count(), 2);
  EXPECT_EQ(BoardStatus("tyk-a"), "ERROR: dashboard answered 500 on page 2");
  EXPECT_EQ(BoardStatus("aws-b"), "OK");

  // A later good listing clears the error.
  Recorder again;
  FakeProvider fixed("tyk-a", "tyk", ManyApis(1));
  SyncRunner second = SyncRunner({&fixed}, &board_);
  ASSERT_TRUE(second.Run("s2", "", again.Writer(), stop_.get_token()).ok());
  EXPECT_EQ(BoardStatus("tyk-a"), "OK");
}

TEST_F(SyncRunnerTest, FilterRunsOnlyTheNamedProvider) {
  FakeProvider a("tyk-a", "tyk", ManyApis(2));
  FakeProvider b("aws-b", "aws", ManyApis(3));
  SyncRunner runner = MakeRunner({&a, &b});
  ASSERT_TRUE(runner.Run("s", "aws-b", rec_.Writer(), stop_.get_token()).ok());
  EXPECT_THAT(rec_.Outline(), ElementsAre("batch:aws-b:3", "done:aws-b:ok:3", "end"));
  EXPECT_EQ(a.list_calls, 0);
  EXPECT_EQ(BoardStatus("tyk-a"), "UNKNOWN");
  EXPECT_EQ(BoardStatus("aws-b"), "OK");
}

TEST_F(SyncRunnerTest, UnknownFilterCompletesWithAnError) {
  FakeProvider a("tyk-a", "tyk", ManyApis(2));
  SyncRunner runner = MakeRunner({&a});
  ASSERT_TRUE(runner.Run("s", "nope", rec_.Writer(), stop_.get_token()).ok());
  ASSERT_EQ(rec_.messages.size(), 2u);
  const pb::ProviderComplete& c = rec_.messages[0].provider_complete();
  EXPECT_EQ(c.sync_id(), "s");
  EXPECT_EQ(c.provider(), "nope");
  EXPECT_FALSE(c.ok());
  EXPECT_THAT(c.error(), HasSubstr("\"nope\" is not configured"));
  EXPECT_TRUE(rec_.messages[1].has_end());
  EXPECT_EQ(a.list_calls, 0);
}

TEST_F(SyncRunnerTest, DuplicateExternalIdsAreDroppedFirstWins) {
  FakeProvider a("tyk-a", "tyk",
                 {MakeApi("x", "First"), MakeApi("y"), MakeApi("x", "Second"), MakeApi("z")});
  SyncRunner runner = MakeRunner({&a});
  ASSERT_TRUE(runner.Run("s", "", rec_.Writer(), stop_.get_token()).ok());
  EXPECT_THAT(rec_.Outline(), ElementsAre("batch:tyk-a:3", "done:tyk-a:ok:3", "end"));
  const pb::ApiBatch& b = rec_.messages[0].batch();
  EXPECT_EQ(b.apis(0).external_id(), "x");
  EXPECT_EQ(b.apis(0).name(), "First");
  EXPECT_EQ(b.apis(1).external_id(), "y");
  EXPECT_EQ(b.apis(2).external_id(), "z");
}

TEST_F(SyncRunnerTest, BrokenStreamStopsTheSyncPromptly) {
  FakeProvider a("tyk-a", "tyk", ManyApis(100));
  FakeProvider b("aws-b", "aws", ManyApis(5));
  SyncRunner runner = MakeRunner({&a, &b}, /*batch_max_apis=*/10);
  rec_.fail_at = 1;  // the second batch cannot be written
  absl::Status st = runner.Run("s", "", rec_.Writer(), stop_.get_token());
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(rec_.writes, 2);
  EXPECT_EQ(a.emitted, 20u) << "the provider stops at the failed write";
  EXPECT_EQ(b.list_calls, 0);
  EXPECT_THAT(rec_.Outline(), ElementsAre("batch:tyk-a:10"));
  EXPECT_EQ(BoardStatus("tyk-a"), "UNKNOWN") << "a broken stream says nothing about the provider";
}

TEST_F(SyncRunnerTest, BrokenStreamAtCompletionOrEndIsAnError) {
  FakeProvider a("tyk-a", "tyk", ManyApis(1));
  SyncRunner runner = MakeRunner({&a});
  Recorder at_done;
  at_done.fail_at = 1;  // batch ok, completion fails
  EXPECT_FALSE(runner.Run("s", "", at_done.Writer(), stop_.get_token()).ok());
  EXPECT_EQ(at_done.writes, 2);

  Recorder at_end;
  at_end.fail_at = 2;  // batch, completion ok, end fails
  EXPECT_FALSE(runner.Run("s", "", at_end.Writer(), stop_.get_token()).ok());
  EXPECT_EQ(at_end.writes, 3);
}

TEST_F(SyncRunnerTest, CancelledListingIsNotRecordedAsAProviderError) {
  FakeProvider a("tyk-a", "tyk", ManyApis(3));
  SyncRunner runner = MakeRunner({&a});
  stop_.request_stop();
  ASSERT_TRUE(runner.Run("s", "", rec_.Writer(), stop_.get_token()).ok());
  ASSERT_GE(rec_.messages.size(), 1u);
  ASSERT_TRUE(rec_.messages[0].has_provider_complete());
  EXPECT_FALSE(rec_.messages[0].provider_complete().ok())
      << "an interrupted listing deletes nothing";
  EXPECT_EQ(BoardStatus("tyk-a"), "UNKNOWN");
}

TEST_F(SyncRunnerTest, ProviderNamesInConfigOrder) {
  FakeProvider a("tyk-a", "tyk", {});
  FakeProvider b("aws-b", "aws", {});
  SyncRunner runner = MakeRunner({&a, &b});
  EXPECT_THAT(runner.ProviderNames(), ElementsAre("tyk-a", "aws-b"));
}

TEST(ToProtoTest, CarriesEveryFieldAndTheContentHash) {
  NormalizedApi api = MakeApi("users", "Users");
  api.description = "the users API";
  api.versions = {"v1", "v2"};
  api.auth_mechanisms = {"authToken", "jwt"};
  api.active = false;
  api.internal = true;
  api.oas_document = {{"openapi", "3.0.3"}};
  api.extra = {{"tags", {"a"}}};
  api.error = "OAS document could not be read";

  pb::ApiDefinition d = ToProto(api);
  EXPECT_EQ(d.content_hash(), ContentHash(api));
  EXPECT_EQ(d.content_hash().size(), 64u);
  EXPECT_EQ(d.external_id(), "users");
  EXPECT_EQ(d.name(), "Users");
  EXPECT_EQ(d.description(), "the users API");
  EXPECT_THAT(d.versions(), ElementsAre("v1", "v2"));
  EXPECT_EQ(d.listen_path(), "/users/");
  EXPECT_EQ(d.upstream_url(), "http://upstream/users");
  EXPECT_EQ(d.protocol(), "http");
  EXPECT_THAT(d.auth_mechanisms(), ElementsAre("authToken", "jwt"));
  EXPECT_FALSE(d.active());
  EXPECT_TRUE(d.internal());
  EXPECT_EQ(nlohmann::json::parse(d.oas_document_json()), api.oas_document);
  EXPECT_EQ(nlohmann::json::parse(d.definition_json()), api.definition);
  EXPECT_EQ(nlohmann::json::parse(d.extra_json()), api.extra);
  EXPECT_EQ(d.error(), "OAS document could not be read");

  // The error is not content: the hash is the same without it.
  NormalizedApi clean = api;
  clean.error.clear();
  EXPECT_EQ(ToProto(clean).content_hash(), d.content_hash());
  // Any content change changes the hash.
  clean.upstream_url = "http://elsewhere";
  EXPECT_NE(ToProto(clean).content_hash(), d.content_hash());
}

TEST(ToProtoTest, AbsentDocumentsAreEmptyStrings) {
  NormalizedApi api = MakeApi("x");
  api.oas_document = nullptr;
  api.extra = nlohmann::json::object();
  pb::ApiDefinition d = ToProto(api);
  EXPECT_EQ(d.oas_document_json(), "");
  EXPECT_EQ(d.extra_json(), "");
  EXPECT_EQ(d.error(), "");
}

}  // namespace
}  // namespace gov::agent
