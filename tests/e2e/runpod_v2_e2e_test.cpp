// Runpod REST v2 end to end against the fake cloud, which serves v1 and v2 from one dataset.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "gpubill/model/decimal.hpp"
#include "support/csv.hpp"
#include "support/fake_cloud/fake_cloud.hpp"
#include "support/run_cli.hpp"

using namespace gpubill;
using test::CliResult;
using test::FakeCloud;
using test::run_cli;

namespace {

std::map<std::string, std::string> env_for(const FakeCloud& cloud, const std::string& v1_fault = "",
                                           const std::string& v2_fault = "") {
  return {{"RUNPOD_API_KEY", "rpa_FAKE_TEST_KEY_1234567890"},
          {"GPUBILL_RUNPOD_URL", cloud.runpod_url(v1_fault)},
          {"GPUBILL_RUNPOD_V2_URL", cloud.runpod_v2_url(v2_fault)},
          {"GPUBILL_NOW", "2026-11-23T12:00:00Z"}};
}

// The exact total of a CSV's amount column (one currency: USD).
std::string csv_total(const CliResult& r) {
  model::Decimal total;
  std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
  for (std::size_t i = 1; i < rows.size(); ++i) total += *model::Decimal::parse(rows[i][9]);
  return total.to_string();
}

}  // namespace

TEST_CASE("e2e runpod v2: the same totals as v1 over the same data", "[e2e][runpod][v2]") {
  FakeCloud cloud;
  cloud.start();
  auto env = env_for(cloud);
  for (const char* resource : {"pods", "endpoints", "network-volumes"}) {
    // Day buckets: a month's amount at 12 decimals has more digits than a JSON double holds
    // (docs/providers/runpod.md), and the real API sends doubles.
    for (const char* bucket : {"hour", "day"}) {
      INFO(resource << " by " << bucket);
      std::vector<std::string> args = {"runpod", resource, "--bucket", bucket, "--start",
                                       "2026-10-01", "--end", "2026-11-01", "-o", "csv"};
      std::vector<std::string> v2_args = args;
      v2_args.insert(v2_args.end(), {"--api", "v2"});
      CliResult v1 = run_cli(args, env);
      CliResult v2 = run_cli(v2_args, env);
      REQUIRE(v1.exit_code == 0);
      REQUIRE(v2.exit_code == 0);
      CHECK(csv_total(v2) == csv_total(v1));
      CHECK(csv_total(v2) == cloud.last_answer().total);  // digit for digit what was sent
    }
  }
  CliResult split = run_cli({"runpod", "pods", "--api", "v2", "--bucket", "day", "--start",
                             "2026-10-01", "--end", "2026-11-01", "--split-components", "-o",
                             "csv"},
                            env);
  REQUIRE(split.exit_code == 0);
  CHECK(csv_total(split) == cloud.last_answer().total);
  std::vector<std::vector<std::string>> rows = test::parse_csv(split.out);
  std::set<std::string> services;
  for (std::size_t i = 1; i < rows.size(); ++i) services.insert(rows[i][1]);
  CHECK(services == std::set<std::string>{"pods:cpu", "pods:disk", "pods:gpu"});

  // The aggregate over the same month is the sum of the three.
  CliResult all = run_cli({"runpod", "all", "--bucket", "day", "--start", "2026-10-01", "--end",
                           "2026-11-01", "-o", "csv"},
                          env);
  REQUIRE(all.exit_code == 0);
  model::Decimal three;
  for (const char* resource : {"pods", "endpoints", "network-volumes"}) {
    three += *model::Decimal::parse(csv_total(run_cli(
        {"runpod", resource, "--bucket", "day", "--start", "2026-10-01", "--end", "2026-11-01",
         "-o", "csv"},
        env)));
  }
  CHECK(csv_total(all) == three.to_string());
}

TEST_CASE("e2e runpod v2: auto moves to v2 when v1 is retired, and says so once",
          "[e2e][runpod][v2]") {
  FakeCloud cloud;
  cloud.start();
  CliResult r = run_cli({"runpod", "pods", "--start", "2026-10-01", "--end", "2026-11-01", "-o",
                         "csv"},
                        env_for(cloud, "404"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err == "gpubill: warning: runpod: REST v1 billing answered 404/410 (retired?); asked "
                 "REST v2 instead. Set api_version = \"v2\" under [runpod] in the config file to "
                 "go there directly\n");
  CHECK(csv_total(r) == cloud.last_answer().total);
  std::vector<test::RecordedRequest> requests = cloud.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].path == "/runpod/fault/404/v1/billing/pods");
  CHECK(requests[1].path == "/runpod/v2/billing/pods");

  // A flag only v1 has: no silent change of meaning, the flag is named.
  CliResult flag = run_cli({"runpod", "pods", "--grouping", "podId"}, env_for(cloud, "404"));
  CHECK(flag.exit_code == 1);
  CHECK_THAT(flag.err, Catch::Contains("--grouping only exists in v1"));
  CHECK(flag.out.empty());

  // The report keeps working too: its grouping by GPU type is only a hint.
  CliResult report = run_cli({"report", "--providers", "runpod", "--start", "2026-10", "-q",
                              "-o", "json"},
                             env_for(cloud, "404"));
  CHECK(report.exit_code == 0);
}

TEST_CASE("e2e runpod v2: flags of the other version, --last, config api_version",
          "[e2e][runpod][v2]") {
  FakeCloud cloud;
  cloud.start();
  auto env = env_for(cloud);
  CliResult grouping = run_cli({"runpod", "pods", "--api", "v2", "--grouping", "podId"}, env);
  CHECK(grouping.exit_code == 2);
  CHECK_THAT(grouping.err, Catch::Contains("--grouping exists only in REST v1"));
  CliResult last_v1 = run_cli({"runpod", "pods", "--api", "v1", "--last", "3"}, env);
  CHECK(last_v1.exit_code == 2);
  CHECK_THAT(last_v1.err, Catch::Contains("--last exists only in REST v2"));
  CliResult all_v1 = run_cli({"runpod", "all", "--api", "v1"}, env);
  CHECK(all_v1.exit_code == 2);
  CliResult both = run_cli({"runpod", "pods", "--last", "3", "--start", "2026-10"}, env);
  CHECK(both.exit_code == 2);
  CHECK_THAT(both.err, Catch::Contains("cannot be combined with --start or --end"));
  CliResult zero = run_cli({"runpod", "pods", "--last", "0"}, env);
  CHECK(zero.exit_code == 2);

  CliResult last = run_cli({"runpod", "endpoints", "--last", "2", "--bucket", "day", "-o", "json"}, env);
  REQUIRE(last.exit_code == 0);
  std::vector<test::RecordedRequest> requests = cloud.requests();
  REQUIRE_FALSE(requests.empty());
  CHECK(requests.back().path == "/runpod/v2/billing/serverless");
  CHECK(requests.back().params.count("lastN") == 1);
  CHECK(requests.back().params.count("startTime") == 0);
  std::set<std::string> days;
  nlohmann::json doc = nlohmann::json::parse(last.out);
  for (const auto& rec : doc["records"]) {
    days.insert(rec["period_start"].get<std::string>());
  }
  CHECK(days == std::set<std::string>{"2026-11-22T00:00:00Z", "2026-11-23T00:00:00Z"});

  // api_version in the config file; --api on the command line wins.
  test::TempDir dir;
  std::string config = dir.path() + "/config.toml";
  std::ofstream(config) << "[runpod]\napi_version = \"v2\"\n";
  CliResult from_config = run_cli({"runpod", "pods", "--config", config, "--start", "2026-10", "-q"}, env);
  CHECK(from_config.exit_code == 0);
  CHECK(cloud.requests().back().path == "/runpod/v2/billing/pods");
  CliResult overridden = run_cli({"runpod", "pods", "--config", config, "--api", "v1", "-q"}, env);
  CHECK(overridden.exit_code == 0);
  CHECK(cloud.requests().back().path == "/runpod/v1/billing/pods");
  std::ofstream(config) << "[runpod]\napi_version = \"v3\"\n";
  CliResult bad = run_cli({"runpod", "pods", "--config", config}, env);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("api_version 'v3'"));
}

TEST_CASE("e2e runpod v2: problem errors, 429 waited out, the other network-volumes path",
          "[e2e][runpod][v2][errors]") {
  FakeCloud cloud;
  cloud.start();
  auto env = env_for(cloud);
  env["RUNPOD_API_KEY"] = "rpa_WRONG_KEY_000000000000";
  CliResult unauthorized = run_cli({"runpod", "pods", "--api", "v2"}, env);
  CHECK(unauthorized.exit_code == 3);
  CHECK(unauthorized.err ==
        "gpubill: runpod: GET /v2/billing/pods: 401 Unauthorized: invalid bearer token: check "
        "RUNPOD_API_KEY\n");

  CliResult limited = run_cli({"runpod", "pods", "--api", "v2", "--start", "2026-10", "-o", "csv"},
                              env_for(cloud, "", "429-once"));
  INFO(limited.err);
  CHECK(limited.exit_code == 0);
  CHECK(limited.seconds >= 1.0);  // Retry-After: 1 was honoured
  CHECK(csv_total(limited) == cloud.last_answer().total);

  CliResult failing = run_cli({"runpod", "pods", "--api", "v2", "--retries", "0"},
                              env_for(cloud, "", "500"));
  CHECK(failing.exit_code == 1);
  CHECK_THAT(failing.err, Catch::Contains("500 Internal Server Error: try again later"));

  CliResult html = run_cli({"runpod", "pods", "--api", "v2"}, env_for(cloud, "", "html"));
  CHECK(html.exit_code == 1);
  CHECK_THAT(html.err, Catch::Contains("HTML"));

  CliResult mcp = run_cli({"runpod", "network-volumes", "--api", "v2", "--start", "2026-10",
                           "-o", "csv"},
                          env_for(cloud, "", "mcp-path"));
  CHECK(mcp.exit_code == 0);
  CHECK(cloud.requests().back().path == "/runpod/fault/mcp-path/v2/billing/networkvolumes");
}

TEST_CASE("e2e runpod v2: a nearly used-up rate window slows the next requests down",
          "[e2e][runpod][v2][ratelimit]") {
  FakeCloud cloud;
  cloud.start();
  test::TempDir dir;
  std::string config = dir.path() + "/config.toml";
  std::ofstream(config) << "[runpod]\napi_version = \"v2\"\n";
  // Every answer says: 1 request left in a window that resets in 2 s. The report's three
  // Runpod requests, one at a time, are spaced 1 s apart instead of running into a 429.
  CliResult r = run_cli({"report", "--providers", "runpod", "--config", config, "--parallel", "1",
                         "--start", "2026-10", "-v", "-o", "json"},
                        env_for(cloud, "", "ratelimit-low"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::size_t waits = 0;
  for (std::size_t at = r.err.find("near the rate limit: waiting"); at != std::string::npos;
       at = r.err.find("near the rate limit: waiting", at + 1)) {
    ++waits;
  }
  CHECK(waits == 2);
  CHECK(r.seconds >= 2.0);
  CHECK(cloud.requests().size() == 3);
}
