// Runpod REST v2 end to end against the fake cloud, which serves v1 and v2 from one dataset.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "gpubill/model/decimal.hpp"
#include "support/csv.hpp"
#include "support/env.hpp"
#include "support/fake_cloud/fake_cloud.hpp"
#include "support/run_cli.hpp"

using namespace gpubill;
using test::CliResult;
using test::FakeCloud;
using test::run_cli;

namespace {

// The shared environment (test::env_for), each REST version behind its own fault.
std::map<std::string, std::string> runpod_env(const FakeCloud& cloud, const std::string& v1_fault = "",
                                              const std::string& v2_fault = "") {
  std::map<std::string, std::string> env = test::env_for(cloud, "runpod");
  env["GPUBILL_RUNPOD_URL"] = cloud.runpod_url(v1_fault);
  env["GPUBILL_RUNPOD_V2_URL"] = cloud.runpod_v2_url(v2_fault);
  return env;
}

// The exact total of a CSV's amount column (one currency: USD).
std::string csv_total(const CliResult& r) {
  model::Decimal total;
  std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
  for (std::size_t i = 1; i < rows.size(); ++i) total += *model::Decimal::parse(rows[i][9]);
  return total.to_string();
}

// The last request to `path`: the v2 listings are asked concurrently with the billing, so the
// billing request need not be the last one.
std::optional<test::RecordedRequest> last_request(const FakeCloud& cloud, const std::string& path) {
  std::optional<test::RecordedRequest> found;
  for (const test::RecordedRequest& r : cloud.requests()) {
    if (r.path == path) found = r;
  }
  return found;
}

}  // namespace

TEST_CASE("e2e runpod v2: the same totals as v1 over the same data", "[e2e][runpod][v2]") {
  FakeCloud cloud;
  cloud.start();
  auto env = runpod_env(cloud);
  for (const char* resource : {"pods", "endpoints", "network-volumes"}) {
    // Day buckets: a month's amount at 12 decimals has more digits than a JSON double holds
    // (docs/providers/runpod.md), and the real API sends doubles.
    for (const char* bucket : {"hour", "day"}) {
      INFO(resource << " by " << bucket);
      std::vector<std::string> args = {"runpod", resource, "--bucket", bucket, "--start",
                                       "2026-10-01", "--end", "2026-11-01", "-o", "csv"};
      std::vector<std::string> v1_args = args;
      v1_args.insert(v1_args.end(), {"--api", "v1"});
      std::vector<std::string> v2_args = args;
      v2_args.insert(v2_args.end(), {"--api", "v2"});
      CliResult v1 = run_cli(v1_args, env);
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

  // The aggregate over the same month is the sum of the five: pods, serverless, storage,
  // Instant Clusters and Public Endpoints.
  CliResult all = run_cli({"runpod", "all", "--bucket", "day", "--start", "2026-10-01", "--end",
                           "2026-11-01", "-o", "csv"},
                          env);
  REQUIRE(all.exit_code == 0);
  model::Decimal five;
  for (const char* resource : {"pods", "endpoints", "network-volumes", "clusters", "public-endpoints"}) {
    five += *model::Decimal::parse(csv_total(run_cli(
        {"runpod", resource, "--bucket", "day", "--start", "2026-10-01", "--end", "2026-11-01",
         "-o", "csv"},
        env)));
  }
  CHECK(csv_total(all) == five.to_string());
}

TEST_CASE("e2e runpod v2: auto asks REST v2, v1 only when v2 answers 404 or a flag needs it",
          "[e2e][runpod][v2]") {
  FakeCloud cloud;
  cloud.start();
  // v1 is retired: auto never asks it while v2 answers.
  CliResult r = run_cli({"runpod", "pods", "--start", "2026-10-01", "--end", "2026-11-01", "-o",
                         "csv"},
                        runpod_env(cloud, "410"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(csv_total(r) == cloud.last_answer().total);
  std::set<std::string> paths;
  for (const test::RecordedRequest& q : cloud.requests()) paths.insert(q.path);
  CHECK(paths == std::set<std::string>{"/runpod/v2/billing/pods", "/runpod/v2/pods",
                                       "/runpod/v2/catalog/gpus"});

  // A gateway that only speaks v1: v2 answers 404, v1 is asked once, with one warning.
  FakeCloud old;
  old.start();
  CliResult fallback = run_cli({"runpod", "pods", "--start", "2026-10-01", "--end", "2026-11-01",
                                "-o", "csv"},
                               runpod_env(old, "", "404"));
  INFO(fallback.err);
  REQUIRE(fallback.exit_code == 0);
  CHECK(fallback.err == "gpubill: warning: runpod: REST v2 billing answered 404; asked REST v1 "
                        "instead (retired 2026-11-15, so this may not last). Check "
                        "GPUBILL_RUNPOD_V2_URL, or set api_version = \"v1\" under [runpod] to go "
                        "there directly\n");
  CHECK(csv_total(fallback) == csv_total(r));
  CHECK(old.requests().back().path == "/runpod/v1/billing/pods");

  // A flag only v1 has goes to v1 under auto; with v1 gone it is named, never dropped.
  FakeCloud dc;
  dc.start();
  CliResult v1_flag = run_cli({"runpod", "endpoints", "--datacenter", "EU-RO-1", "--start",
                               "2026-10", "-o", "csv"},
                              runpod_env(dc));
  CHECK(v1_flag.exit_code == 0);
  REQUIRE(dc.requests().size() == 1);
  CHECK(dc.requests()[0].path == "/runpod/v1/billing/endpoints");
  CliResult gone = run_cli({"runpod", "endpoints", "--datacenter", "EU-RO-1"}, runpod_env(dc, "410"));
  CHECK(gone.exit_code == 1);
  CHECK_THAT(gone.err, Catch::Contains("--datacenter only exists in v1: drop it to use REST v2"));
  CHECK(gone.out.empty());

  // The report keeps working through the fallback too, and says what v1 cannot answer:
  // Instant Clusters and Public Endpoints are billed only in v2 (exit 4, the parts named).
  CliResult report = run_cli({"report", "--providers", "runpod", "--start", "2026-10", "-q",
                              "-o", "json"},
                             runpod_env(old, "", "404"));
  CHECK(report.exit_code == 4);
  nlohmann::json doc = nlohmann::json::parse(report.out);
  CHECK(doc["query"]["failed_parts"] ==
        nlohmann::json::array({"runpod clusters", "runpod public-endpoints"}));
  CHECK(doc["query"]["providers"] == nlohmann::json::array({"runpod"}));
  CHECK(doc["records"].size() > 0);
  CHECK_THAT(report.err, Catch::Contains("gpubill: report: runpod: GET /v2/billing/clusters: 404"));
}

TEST_CASE("e2e runpod v2: flags of the other version, --last, config api_version",
          "[e2e][runpod][v2]") {
  FakeCloud cloud;
  cloud.start();
  auto env = runpod_env(cloud);
  CliResult grouping = run_cli({"runpod", "endpoints", "--api", "v2", "--grouping", "podId"}, env);
  CHECK(grouping.exit_code == 2);
  CHECK_THAT(grouping.err, Catch::Contains("--grouping podId exists only in REST v1"));
  CliResult datacenter = run_cli({"runpod", "endpoints", "--api", "v2", "--datacenter", "EU-RO-1"}, env);
  CHECK(datacenter.exit_code == 2);
  CHECK_THAT(datacenter.err, Catch::Contains("--datacenter exists only in REST v1"));
  CliResult mixed = run_cli({"runpod", "endpoints", "--last", "2", "--image", "x"}, env);
  CHECK(mixed.exit_code == 2);
  CHECK_THAT(mixed.err, Catch::Contains("--image exists only in REST v1, which this query cannot use"));
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
  std::optional<test::RecordedRequest> billing = last_request(cloud, "/runpod/v2/billing/serverless");
  REQUIRE(billing);
  CHECK(billing->params.count("lastN") == 1);
  CHECK(billing->params.count("startTime") == 0);
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
  std::ofstream(config) << "[runpod]\napi_version = \"v1\"\n";
  CliResult from_config = run_cli({"runpod", "pods", "--config", config, "--start", "2026-10", "-q"}, env);
  CHECK(from_config.exit_code == 0);
  CHECK(cloud.requests().back().path == "/runpod/v1/billing/pods");
  CliResult overridden = run_cli({"runpod", "pods", "--config", config, "--api", "v2", "-q"}, env);
  CHECK(overridden.exit_code == 0);
  CHECK(last_request(cloud, "/runpod/v2/billing/pods"));
  // GPUBILL_RUNPOD_API comes before the config file, --api before both.
  auto env_v2 = env;
  env_v2["GPUBILL_RUNPOD_API"] = "v2";
  std::size_t before = cloud.requests().size();
  CHECK(run_cli({"runpod", "pods", "--config", config, "-q"}, env_v2).exit_code == 0);
  CHECK(cloud.requests().size() == before + 3);  // billing, pod listing, catalog: v2
  CHECK(cloud.requests().back().path != "/runpod/v1/billing/pods");
  CHECK(run_cli({"runpod", "pods", "--config", config, "--api", "v1", "-q"}, env_v2).exit_code == 0);
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
  auto env = runpod_env(cloud);
  env["RUNPOD_API_KEY"] = "rpa_WRONG_KEY_000000000000";
  CliResult unauthorized = run_cli({"runpod", "pods", "--api", "v2"}, env);
  CHECK(unauthorized.exit_code == 3);
  CHECK(unauthorized.err ==
        "gpubill: runpod: GET /v2/billing/pods: 401 Unauthorized: invalid bearer token: check "
        "RUNPOD_API_KEY\n");

  CliResult limited = run_cli({"runpod", "pods", "--api", "v2", "--start", "2026-10", "-o", "csv"},
                              runpod_env(cloud, "", "429-once"));
  INFO(limited.err);
  CHECK(limited.exit_code == 0);
  CHECK(limited.seconds >= 1.0);  // Retry-After: 1 was honoured
  CHECK(csv_total(limited) == cloud.last_answer().total);

  CliResult failing = run_cli({"runpod", "pods", "--api", "v2", "--retries", "0"},
                              runpod_env(cloud, "", "500"));
  CHECK(failing.exit_code == 1);
  CHECK_THAT(failing.err, Catch::Contains("500 Internal Server Error: try again later"));

  CliResult html = run_cli({"runpod", "pods", "--api", "v2"}, runpod_env(cloud, "", "html"));
  CHECK(html.exit_code == 1);
  CHECK_THAT(html.err, Catch::Contains("HTML"));

  CliResult mcp = run_cli({"runpod", "network-volumes", "--api", "v2", "--start", "2026-10",
                           "-o", "csv"},
                          runpod_env(cloud, "", "mcp-path"));
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
  // Every answer says: 1 request left in a window that resets in 2 s. The three requests of
  // `runpod pods` (billing, the pod listing, the catalog), one at a time, are spaced 1 s apart
  // instead of running into a 429.
  CliResult r = run_cli({"runpod", "pods", "--config", config, "--parallel", "1",
                         "--start", "2026-10", "-v", "-o", "json"},
                        runpod_env(cloud, "", "ratelimit-low"));
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

// A used-up day window asked pacing for 60 s a request, and pacing slept it past --max-time
// (issue 17). The one deadline now bounds that wait too: the run stops at once, saying why.
TEST_CASE("e2e runpod v2: a used-up day window stops the run at --max-time, saying so",
          "[e2e][runpod][v2][ratelimit][limits]") {
  FakeCloud cloud;
  cloud.start();
  test::TempDir dir;
  std::string config = dir.path() + "/config.toml";
  std::ofstream(config) << "[runpod]\napi_version = \"v2\"\n";
  std::string out = dir.path() + "/pods.csv";
  CliResult r = run_cli({"runpod", "pods", "--config", config, "--parallel", "1", "--start",
                         "2026-10", "--max-time", "20", "-o", "csv", "--out-file", out},
                        runpod_env(cloud, "", "ratelimit-day"));
  CHECK(r.exit_code == 1);
  CHECK(r.seconds < 10.0);  // not 20 s of sleeping first
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_THAT(r.err, Catch::Contains("runpod: the run would pass --max-time 20 s waiting for the "
                                    "server's rate limit \"day\": 0 requests left of 50000, "
                                    "resets in 45012 s"));
  CHECK(cloud.requests().size() == 1);
  struct stat st {};
  CHECK(::stat(out.c_str(), &st) != 0);
}

namespace {

// The CSV rows of `r`, each cut to the named columns (docs/output-formats.md order).
std::vector<std::vector<std::string>> columns(const CliResult& r, const std::vector<std::size_t>& keep) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    std::vector<std::string> row;
    for (std::size_t c : keep) row.push_back(rows[i][c]);
    out.push_back(std::move(row));
  }
  return out;
}

// provider, service, resource_id, gpu_type, gpu_model, period_start, period_end, amount, currency
const std::vector<std::size_t> k_by_type = {0, 1, 2, 4, 5, 7, 8, 9, 10};
// provider, service, resource_id, period_start, period_end, amount, currency
const std::vector<std::size_t> k_by_id = {0, 1, 2, 7, 8, 9, 10};

}  // namespace

TEST_CASE("e2e runpod v2: per GPU type, the same rows and exact totals as v1",
          "[e2e][runpod][v2][join]") {
  FakeCloud cloud;
  cloud.start();
  auto env = runpod_env(cloud);
  struct Case {
    std::vector<std::string> args;
    const std::vector<std::size_t>* compared;
  };
  std::vector<Case> cases;
  for (const char* bucket : {"hour", "day", "week", "month"}) {
    cases.push_back({{"runpod", "pods", "--bucket", bucket}, &k_by_type});
    cases.push_back({{"runpod", "pods", "--bucket", bucket, "--grouping", "podId"}, &k_by_id});
    cases.push_back({{"runpod", "endpoints", "--bucket", bucket, "--grouping", "gpuTypeId"}, &k_by_type});
    cases.push_back({{"runpod", "endpoints", "--bucket", bucket}, &k_by_id});
  }
  cases.push_back({{"runpod", "pods", "--bucket", "day", "--gpu-type", "NVIDIA H100 80GB HBM3"}, &k_by_type});
  cases.push_back({{"runpod", "pods", "--grouping", "podId", "--gpu-type", "NVIDIA A40"}, &k_by_id});
  cases.push_back({{"runpod", "endpoints", "--gpu-type", "NVIDIA L4", "--gpu-type", "NVIDIA A40",
                    "--grouping", "gpuTypeId"}, &k_by_type});
  for (Case& c : cases) {
    // Periods on bucket edges (weeks start on Monday): v2 snaps an unaligned startTime down to
    // its bucket and v1 does not, a difference of the APIs that issue #10 deals with.
    bool months = std::find(c.args.begin(), c.args.end(), "month") != c.args.end();
    c.args.insert(c.args.end(), {"--start", months ? "2026-09-01" : "2026-10-05", "--end",
                                 months ? "2026-11-01" : "2026-11-02", "-o", "csv"});
    std::vector<std::string> v1_args = c.args;
    v1_args.insert(v1_args.end(), {"--api", "v1"});
    std::string shown;
    for (const std::string& a : c.args) shown += a + " ";
    INFO(shown);
    // A fake of its own per case: one fake's v2 rate window (60 requests, runpod.md 3.2) runs
    // low over 19 cases, and the pacing's warning would then fill stderr.
    FakeCloud own;
    own.start();
    CliResult v1 = run_cli(v1_args, runpod_env(own));
    CliResult v2 = run_cli(c.args, runpod_env(own));  // auto: REST v2
    INFO(v2.err);
    REQUIRE(v1.exit_code == 0);
    REQUIRE(v2.exit_code == 0);
    CHECK(v2.err.empty());  // every pod billed in October is listed
    CHECK(columns(v2, *c.compared) == columns(v1, *c.compared));
    CHECK(csv_total(v2) == csv_total(v1));
    CHECK(columns(v2, {0}).size() > 0);
  }

  // Per pod, v2 also says what v1 never did: the pod's name, data center and GPU.
  CliResult by_pod = run_cli({"runpod", "pods", "--grouping", "podId", "--bucket", "month",
                              "--start", "2026-10", "-o", "csv"},
                             env);
  REQUIRE(by_pod.exit_code == 0);
  std::vector<std::vector<std::string>> pods = columns(by_pod, {2, 3, 4, 5, 6});
  CHECK(std::find(pods.begin(), pods.end(),
                  std::vector<std::string>{"p3h100x8train1", "llm-pretrain ×8",
                                           "NVIDIA H100 80GB HBM3", "H100 80GB", "US-TX-3"}) !=
        pods.end());
}

TEST_CASE("e2e runpod v2: a terminated pod keeps its money under an explicit unknown type",
          "[e2e][runpod][v2][join]") {
  FakeCloud cloud;
  cloud.start();
  auto env = runpod_env(cloud);
  // p6gone00000001 billed until 2026-08-20 and is no longer in GET /v2/pods.
  CliResult v2 = run_cli({"runpod", "pods", "--bucket", "month", "--start", "2026-08", "-o", "csv"}, env);
  CliResult v1 = run_cli({"runpod", "pods", "--bucket", "month", "--start", "2026-08", "-o", "csv",
                          "--api", "v1"},
                         env);
  REQUIRE(v2.exit_code == 0);
  REQUIRE(v1.exit_code == 0);
  CHECK(v2.err == "gpubill: warning: runpod: 1 pod(s) billed in this period are not in GET "
                  "/v2/pods (terminated?): their 1 record(s) are kept under GPU type "
                  "\"unknown (pod not listed)\"\n");
  CHECK(csv_total(v2) == csv_total(v1));  // never dropped
  std::vector<std::vector<std::string>> rows = columns(v2, {4, 5, 9});
  std::vector<std::vector<std::string>> v1_rows = columns(v1, {4, 5, 9});
  auto amount_of = [](const std::vector<std::vector<std::string>>& rs, const std::string& type) {
    for (const auto& r : rs) {
      if (r[0] == type) return r;
    }
    return std::vector<std::string>{};
  };
  std::vector<std::string> unknown = amount_of(rows, "unknown (pod not listed)");
  REQUIRE(unknown.size() == 3);
  CHECK(unknown[1].empty());  // no guessed model
  CHECK(unknown[2] == amount_of(v1_rows, "NVIDIA RTX A6000")[2]);
  CHECK(amount_of(rows, "NVIDIA RTX A6000").empty());

  // Per pod it is still there, by id; a --gpu-type filter leaves it out and says so.
  CliResult by_pod = run_cli({"runpod", "pods", "--grouping", "podId", "--bucket", "month",
                              "--start", "2026-08", "--end", "2026-09", "-o", "csv"},
                             env);
  CHECK_THAT(by_pod.out, Catch::Contains("p6gone00000001,,unknown (pod not listed),,,"));
  CliResult filtered = run_cli({"runpod", "pods", "--gpu-type", "NVIDIA RTX A6000", "--start",
                                "2026-08", "--end", "2026-09", "-o", "csv"},
                               env);
  CHECK(filtered.exit_code == 0);
  CHECK_THAT(filtered.err, Catch::Contains("--gpu-type leaves out 20 record(s) whose single GPU "
                                           "type is not known"));
  // September on: the pod is gone from the billing too, so nothing is said.
  CliResult later = run_cli({"runpod", "pods", "--start", "2026-09", "-o", "csv"}, env);
  CHECK(later.err.empty());
}

TEST_CASE("e2e runpod v2: a failing listing is one line naming it, and no file",
          "[e2e][runpod][v2][join][errors]") {
  FakeCloud cloud;
  cloud.start();
  test::TempDir dir;
  std::string out = dir.path() + "/pods.csv";
  struct Case {
    const char* fault;
    const char* resource;
    int exit_code;
    const char* message;
  };
  const Case cases[] = {
      {"listing-500", "pods", 1, "gpubill: runpod: GET /v2/pods: 500 Internal Server Error: try again later"},
      {"listing-401", "pods", 3, "gpubill: runpod: GET /v2/pods: 401 Unauthorized: invalid bearer token: check RUNPOD_API_KEY"},
      {"listing-html", "pods", 1, "gpubill: runpod: GET /v2/pods: "},
      {"listing-truncated", "pods", 1, "gpubill: runpod: GET /v2/pods: "},
      {"listing-unwrapped", "pods", 1, "gpubill: runpod: GET /v2/pods: expected {\"pods\": [...]}, got an array"},
      {"listing-500", "endpoints", 1, "gpubill: runpod: GET /v2/serverless: 500 Internal Server Error"},
  };
  for (const Case& c : cases) {
    INFO(c.fault << " " << c.resource);
    CliResult r = run_cli({"runpod", c.resource, "--retries", "0", "--out-file", out},
                          runpod_env(cloud, "", c.fault));
    CHECK(r.exit_code == c.exit_code);
    CHECK_THAT(r.err, Catch::StartsWith(c.message));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.out.empty());
    CHECK_FALSE(std::ifstream(out).good());
  }
  // The network volumes have no listing: a broken listing does not touch them.
  CHECK(run_cli({"runpod", "network-volumes", "-q"}, runpod_env(cloud, "", "listing-500")).exit_code == 0);
}

TEST_CASE("e2e runpod v2: Done when, v1 answering 410, the first command prints v1's rows",
          "[e2e][runpod][v2][join]") {
  FakeCloud before;  // the same account before 2026-11-15, when v1 still answered
  before.start();
  std::vector<std::string> args = {"runpod", "pods", "--bucket", "day", "--start", "2026-10-01",
                                   "--end", "2026-11-01", "-o", "csv"};
  CliResult v1 = run_cli(args, runpod_env(before, "", "404"));  // v2 not there yet: auto used v1
  FakeCloud after;
  after.start();
  CliResult v2 = run_cli(args, runpod_env(after, "410"));
  REQUIRE(v1.exit_code == 0);
  REQUIRE(v2.exit_code == 0);
  CHECK(before.requests().back().path == "/runpod/v1/billing/pods");
  CHECK(columns(v2, k_by_type) == columns(v1, k_by_type));
  CHECK(columns(v2, k_by_type).size() == 31 * 4);  // 31 days x 4 GPU types
  CHECK(csv_total(v2) == csv_total(v1));
  CHECK(csv_total(v2) == after.last_answer().total);
}

TEST_CASE("e2e runpod v2: an unaligned period is never widened to whole buckets",
          "[e2e][runpod][v2][period]") {
  // v2 snaps startTime down and endTime up (runpod.md 3.2): asked for October 15 on by month,
  // it would answer all of October. The money from before the 15th must not be counted.
  struct Case {
    const char* start;
    const char* end;
    const char* bucket;
  };
  const Case cases[] = {{"2026-10-15", "2026-12-01", "month"},
                        {"2026-09-10", "2026-10-20", "month"},
                        {"2026-10-07", "2026-10-19", "week"},
                        {"2026-10-06T06:00:00Z", "2026-10-09T18:00:00Z", "day"}};
  for (const Case& c : cases) {
    INFO(c.start << " .. " << c.end << " by " << c.bucket);
    // A fresh server per case: its rate window allows 60 v2 requests a minute, and gpubill
    // slows down as the window runs out (tested on its own above).
    FakeCloud cloud;
    cloud.start();
    auto env = runpod_env(cloud);
    for (const char* resource : {"pods", "endpoints", "network-volumes", "all"}) {
      INFO(resource);
      std::vector<std::string> args = {"runpod", resource, "--bucket", c.bucket, "--start", c.start,
                                       "--end", c.end, "-o", "csv"};
      CliResult v2 = run_cli(args, env);
      // The truth: the same period in hours, every one inside it.
      CliResult hours = run_cli({"runpod", resource, "--bucket", "hour", "--start", c.start, "--end",
                                 c.end, "-o", "csv"},
                                env);
      REQUIRE(v2.exit_code == 0);
      REQUIRE(hours.exit_code == 0);
      CHECK(csv_total(v2) == csv_total(hours));
      // And no row starts before the period or ends after it (now is 2026-11-23T12:00Z: the
      // current month's row ends with its bucket, still growing).
      for (const auto& row : columns(v2, {7, 8})) {
        CHECK(row[0] >= std::string(c.start).substr(0, 10));
        if (std::string(c.end) < "2026-11-23") CHECK(row[1] <= std::string(c.end) + "T00:00:00Z");
      }
    }
  }
  // The edge is one row per GPU type, with its true period.
  FakeCloud cloud;
  cloud.start();
  CliResult r = run_cli({"runpod", "pods", "--bucket", "month", "--start", "2026-10-15", "--end",
                         "2026-12-01", "-o", "csv"},
                        runpod_env(cloud));
  std::vector<std::vector<std::string>> rows = columns(r, {4, 7, 8});
  CHECK(std::count(rows.begin(), rows.end(),
                   std::vector<std::string>{"NVIDIA A40", "2026-10-15T00:00:00Z", "2026-11-01T00:00:00Z"}) == 1);
  CHECK(std::count(rows.begin(), rows.end(),
                   std::vector<std::string>{"NVIDIA A40", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"}) == 1);
}

// runpod.md lists a v1 volume row's highPerformanceStorageAmount beside its amount without
// saying whether amount includes it. gpubill reads amount as the whole charge
// (docs/providers/runpod.md); the fake serves both readings. Under that reading v1 equals
// v2's totalAmount; under the other (`hp-on-top`: amount is the standard part only) v1 is
// short by exactly v2's highPerformanceAmount, which is what docs/providers/runpod.md says a
// v1 user would see. v2 has no such question and is what `--api auto` asks.
TEST_CASE("e2e runpod v1: network volumes under both readings of highPerformanceStorageAmount",
          "[e2e][runpod][v2]") {
  FakeCloud cloud;
  cloud.start();
  std::vector<std::string> args = {"runpod", "network-volumes", "--bucket", "day", "--start",
                                   "2026-10-01", "--end", "2026-11-01", "-o", "csv"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = args;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  CliResult included = run_cli(with({"--api", "v1"}), runpod_env(cloud));
  CliResult on_top = run_cli(with({"--api", "v1"}), runpod_env(cloud, "hp-on-top"));
  CliResult v2 = run_cli(with({"--api", "v2", "--split-components"}), runpod_env(cloud));
  REQUIRE(included.exit_code == 0);
  REQUIRE(on_top.exit_code == 0);
  REQUIRE(v2.exit_code == 0);
  model::Decimal standard;
  model::Decimal high_performance;
  std::vector<std::vector<std::string>> rows = test::parse_csv(v2.out);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    model::Decimal amount = *model::Decimal::parse(rows[i][9]);
    if (rows[i][1] == "network-volumes:high-performance") {
      high_performance += amount;
    } else {
      REQUIRE(rows[i][1] == "network-volumes:standard");
      standard += amount;
    }
  }
  REQUIRE(high_performance > model::Decimal());
  CHECK(csv_total(included) == (standard + high_performance).to_string());
  CHECK(csv_total(on_top) == standard.to_string());
}

// The report checks Runpod's parts against its aggregate, also for the month still running:
// its total reaches past the period that ends now, but past now there is no money, so it is
// compared. From mid-month, Runpod's total is asked for just those days (v2_segments), so
// it is compared too, and its other row lies inside the period.
TEST_CASE("e2e runpod v2: the report's other row covers the current month too", "[e2e][runpod][v2]") {
  FakeCloud cloud;
  cloud.start();
  auto env = runpod_env(cloud, "", "aggregate-extra");
  CliResult now = run_cli({"report", "--providers", "runpod", "--start", "2026-11", "-o", "csv"}, env);
  INFO(now.err);
  REQUIRE(now.exit_code == 0);
  CHECK_THAT(now.err, Catch::Contains("report: runpod: its own total differs from what its parts add up to by "
                                      "1.5 USD over 1 period(s): shown as service 'other'"));
  std::vector<std::string> others;
  for (const auto& row : test::parse_csv(now.out)) {
    if (row[1] == "other") others.push_back(row[7] + " " + row[9]);
  }
  CHECK(others == std::vector<std::string>{"2026-11-01T00:00:00Z 1.5"});
  CliResult middle = run_cli({"report", "--providers", "runpod", "--start", "2026-10-15", "--end", "2026-11-01",
                              "-o", "csv"},
                             env);
  REQUIRE(middle.exit_code == 0);
  for (const auto& row : test::parse_csv(middle.out)) {
    if (row[1] != "other") continue;
    CHECK(row[7] >= "2026-10-15T00:00:00Z");
    CHECK(row[8] <= "2026-11-01T00:00:00Z");
  }
}
