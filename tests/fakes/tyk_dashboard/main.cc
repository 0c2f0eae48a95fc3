// fake-tyk-dashboard: serves a directory of Tyk API definitions the way a Tyk Dashboard's
// API does, for end-to-end and load tests of the governance agent.
//
//   fake-tyk-dashboard --dir DIR --key KEY [--listen 127.0.0.1:0] [--page-size 10]
//
// Prints exactly one line, "listening on HOST:PORT", to stdout once it accepts
// connections; logs go to stderr. Exits 0 on SIGTERM or SIGINT; 2 on bad flags, an
// unreadable directory or a file that is not valid JSON.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "src/common/logging.h"
#include "tests/fakes/tyk_dashboard/catalog.h"
#include "tests/fakes/tyk_dashboard/fake_dashboard.h"

namespace {

int Fail(const std::string& message) {
  std::cerr << "fake-tyk-dashboard: " << message << std::endl;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  std::string listen = "127.0.0.1:0";
  std::string log_level = "info";
  std::vector<std::string> fail_pages;
  std::vector<std::string> drops;
  gov::fake::FakeDashboardOptions options;

  CLI::App app{"Fake Tyk Dashboard API serving a directory of Tyk API definitions"};
  app.add_option("--dir", dir, "directory of *.json Tyk API definitions")->required();
  app.add_option("--key", options.key, "the Dashboard API key clients must send")->required();
  app.add_option("--listen", listen, "HOST:PORT to listen on; port 0 picks a free port")
      ->capture_default_str();
  app.add_option("--page-size", options.page_size, "APIs per page of GET /api/apis")
      ->capture_default_str();
  app.add_option("--forbidden-key", options.forbidden_key,
                 "a key answered 403 (a user without API permissions)");
  app.add_flag("--embed-oas", options.embed_oas_in_list,
               "add the OAS document as \"oas\" to list entries of OAS APIs");
  app.add_option("--not-found-status", options.not_found_status,
                 "HTTP status for unknown API ids (404; the Dashboard docs say 400)")
      ->capture_default_str();
  app.add_option("--fail-page", fail_pages,
                 "PAGE:MODE, e.g. 2:500, any:hang, unpaged:garbage (repeatable)");
  app.add_option("--drop", drops, "api_id to hide from every endpoint (repeatable)");
  app.add_option("--log-level", log_level, "debug, info, warn or error")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; every usage error exits 2, like the other start-up refusals.
    return app.exit(e) == 0 ? 0 : 2;
  }

  absl::StatusOr<spdlog::level::level_enum> level = gov::ParseLogLevel(log_level);
  if (!level.ok()) return Fail(std::string(level.status().message()));
  gov::InitLogging(*level, gov::LogFormat::kText);
  auto log = gov::GetLogger("fake.tyk");

  std::vector<std::string> host_port = absl::StrSplit(listen, absl::MaxSplits(':', 1));
  int port = -1;
  if (host_port.size() != 2 || host_port[0].empty() || !absl::SimpleAtoi(host_port[1], &port) ||
      port < 0 || port > 65535) {
    return Fail(absl::StrCat("--listen \"", listen, "\" is not HOST:PORT"));
  }

  absl::StatusOr<gov::fake::Catalog> catalog = gov::fake::LoadCatalogFromDir(dir);
  if (!catalog.ok()) return Fail(std::string(catalog.status().message()));
  for (const gov::fake::SkippedFile& skipped : catalog->skipped) {
    log->info("skipping {}: {}", skipped.file, skipped.reason);
  }
  for (const std::string& note : catalog->notes) log->warn("{}", note);
  const size_t api_count = catalog->apis.size();
  size_t oas_count = 0;
  for (const gov::fake::FakeApi& api : catalog->apis) oas_count += api.is_oas() ? 1 : 0;

  gov::fake::FakeTykDashboard dashboard(*std::move(catalog), options);
  for (const std::string& spec : fail_pages) {
    std::vector<std::string> parts = absl::StrSplit(spec, absl::MaxSplits(':', 1));
    int page = 0;
    if (parts.size() != 2) return Fail(absl::StrCat("--fail-page \"", spec, "\" is not PAGE:MODE"));
    if (parts[0] == "any") {
      page = gov::fake::kEveryListPage;
    } else if (parts[0] == "unpaged") {
      page = gov::fake::kUnpagedList;
    } else if (!absl::SimpleAtoi(parts[0], &page) || page < 1) {
      return Fail(absl::StrCat("--fail-page \"", spec, "\": page must be >= 1, any or unpaged"));
    }
    absl::StatusOr<gov::fake::Fault> fault = gov::fake::ParseFault(parts[1], 0);
    if (!fault.ok())
      return Fail(absl::StrCat("--fail-page \"", spec, "\": ", fault.status().message()));
    dashboard.FailListPage(page, *fault);
  }
  if (!drops.empty()) dashboard.Drop(drops);

  // Signals are taken by sigwait below; block them before any server thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<int> bound = dashboard.Start(host_port[0], port);
  if (!bound.ok()) return Fail(std::string(bound.status().message()));
  log->info("serving {} APIs ({} OAS) from {}, page size {}", api_count, oas_count, dir,
            options.page_size);
  std::cout << "listening on " << host_port[0] << ":" << *bound << std::endl;

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  log->info("signal {}: shutting down", signal_number);
  dashboard.Stop();
  return 0;
}
