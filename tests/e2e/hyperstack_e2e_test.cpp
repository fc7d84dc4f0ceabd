// gpubill hyperstack ... against the fake cloud, which pages 5 items a page at most.
#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "support/csv.hpp"
#include "support/fake_cloud/fake_cloud.hpp"
#include "support/run_cli.hpp"

using namespace gpubill;
using test::CliResult;
using test::FakeCloud;
using test::run_cli;

namespace {

const std::string k_key = "hs_FAKE_TEST_KEY_1234567890";

std::map<std::string, std::string> env_for(const FakeCloud& cloud, const std::string& fault = "",
                                           const std::string& key = k_key) {
  return {{"HYPERSTACK_API_KEY", key}, {"GPUBILL_HYPERSTACK_URL", cloud.hyperstack_url(fault)},
          {"GPUBILL_NOW", "2026-11-23T12:00:00Z"}};
}

}  // namespace

TEST_CASE("e2e hyperstack: every VM once, exact, at 5 a page", "[e2e][hyperstack]") {
  FakeCloud cloud;
  cloud.start();
  CliResult r = run_cli({"hyperstack", "vms", "--start", "2026-10", "-o", "json"}, env_for(cloud));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  test::LastAnswer truth = test::hyperstack_list_truth("virtual-machine", 31);
  nlohmann::json doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["records"].size() == truth.rows);
  std::set<std::string> ids;
  for (const auto& rec : doc["records"]) ids.insert(rec["resource_id"].get<std::string>());
  CHECK(ids.size() == truth.rows);
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex(R"("totals": \[\{"currency": "USD", "amount": ([0-9.]+)\}\])")));
  CHECK(m[1].str() == truth.total);
  std::vector<test::RecordedRequest> reqs = cloud.requests();
  REQUIRE(reqs.size() == 3);  // 12 VMs: 5 + 5 + 2
  CHECK(reqs[0].headers.at("api_key") == k_key);
  CHECK(reqs[0].params.find("start_date")->second == "2026-10-01T00:00:00");
  CHECK(reqs[0].params.find("end_date")->second == "2026-11-01T00:00:00");
  CHECK(reqs[2].params.find("page")->second == "3");
}

TEST_CASE("e2e hyperstack: every list command and the history", "[e2e][hyperstack]") {
  FakeCloud cloud;
  cloud.start();
  const std::pair<const char*, const char*> commands[] = {
      {"volumes", "volume"}, {"snapshots", "snapshot"}, {"buckets", "bucket"},
      {"clusters", "cluster"}, {"contracts", "contract"}, {"serverless", "serverless_inference"},
      {"fine-tuning", "fine_tuning"}, {"model-evaluation", "model_evaluation"},
      {"data-synthesis", "data_synthesis"}, {"image-generation", "image_generation"}};
  for (const auto& [command, path] : commands) {
    INFO("command: " << command);
    CliResult r = run_cli({"hyperstack", command, "--start", "2026-10", "-o", "csv", "-q"},
                          env_for(cloud));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
    test::LastAnswer truth = test::hyperstack_list_truth(path, 31);
    CHECK(rows.size() == truth.rows + 1);
    CHECK(test::sum_csv_column(rows, "amount") == truth.total);
  }
  CliResult history = run_cli({"hyperstack", "history", "--start", "2026-10", "-o", "csv"},
                              env_for(cloud));
  REQUIRE(history.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(history.out);
  REQUIRE(rows.size() == 5);  // vm, volume, snapshot, contract
  CHECK(rows[1][1] == "vm");
  CHECK(rows[1][9] == test::hyperstack_list_truth("virtual-machine", 31).total);
}

TEST_CASE("e2e hyperstack: shape variants, guards and errors", "[e2e][hyperstack][errors]") {
  FakeCloud cloud;
  cloud.start();
  CliResult live = run_cli({"hyperstack", "snapshots", "-o", "csv"}, env_for(cloud, "live-keys"));
  CHECK(live.exit_code == 0);  // billing_history_snapshot instead of the spec's key
  CliResult nopages = run_cli({"hyperstack", "vms", "--start", "2026-10", "-o", "csv"},
                              env_for(cloud, "no-pages"));
  CHECK(nopages.exit_code == 0);  // pages 0: total_count decides
  CHECK(test::parse_csv(nopages.out).size() == 13);
  CliResult retried = run_cli({"hyperstack", "vms", "-o", "csv"}, env_for(cloud, "500-once"));
  CHECK(retried.exit_code == 0);
  CliResult down = run_cli({"hyperstack", "vms"}, env_for(cloud, "status-false"));
  CHECK(down.exit_code == 1);
  CHECK_THAT(down.err, Catch::Contains("answered status false: server_error: region is under maintenance"));
  CliResult wrong = run_cli({"hyperstack", "vms"}, env_for(cloud, "", "hs_WRONG_000000000"));
  CHECK(wrong.exit_code == 3);
  CHECK_THAT(wrong.err, Catch::Contains("check HYPERSTACK_API_KEY"));
  CliResult search = run_cli({"hyperstack", "vms", "--search", "machine-1", "-o", "csv"},
                             env_for(cloud));
  CHECK(search.exit_code == 0);
  CHECK(test::parse_csv(search.out).size() == 4);  // machine-1, -10, -11
  CHECK(cloud.requests().back().params.find("search")->second == "machine-1");
}

TEST_CASE("e2e hyperstack: last-day and usage", "[e2e][hyperstack]") {
  FakeCloud cloud;
  cloud.start();
  CliResult last = run_cli({"hyperstack", "last-day", "-o", "json"}, env_for(cloud));
  INFO(last.err);
  REQUIRE(last.exit_code == 0);
  nlohmann::json doc = nlohmann::json::parse(last.out);
  REQUIRE(doc["records"].size() == 4);  // instances, volumes, clusters, other
  CHECK(doc["records"][0]["period_start"] == "2026-11-22T00:00:00Z");
  CHECK(doc["records"][0]["period_end"] == "2026-11-23T00:00:00Z");
  CHECK_THAT(last.out, Catch::Contains("\"totals\": [{\"currency\": \"USD\", \"amount\": 60}]"));

  CliResult usage = run_cli({"hyperstack", "usage", "-o", "csv"}, env_for(cloud));
  REQUIRE(usage.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(usage.out);
  REQUIRE(rows.size() == 3);
  CHECK(rows[1][7] == "2026-11-01T09:12:44Z");
  CHECK(rows[1][8] == "2026-11-23T12:00:00Z");  // running: to now
  CHECK(rows[2][7] == "2026-11-06T16:04:09Z");  // space, no zone: UTC
  CHECK(test::sum_csv_column(rows, "amount") == "305.20037");
  CHECK(cloud.requests().back().params.find("deleted")->second == "false");

  CliResult deleted = run_cli({"hyperstack", "usage", "--deleted", "--environment", "CANADA-1",
                               "-o", "csv"},
                              env_for(cloud));
  REQUIRE(deleted.exit_code == 0);
  CHECK(cloud.requests().back().params.find("deleted")->second == "true");
  CHECK(cloud.requests().back().params.find("environment")->second == "CANADA-1");
  CHECK(test::parse_csv(deleted.out).at(1).at(8) == "2026-07-30T13:51:28Z");
}

TEST_CASE("e2e hyperstack: --id detail and --graph datapoints agree with the list", "[e2e][hyperstack]") {
  FakeCloud cloud;
  cloud.start();
  CliResult list = run_cli({"hyperstack", "vms", "--search", "machine-3", "--start", "2026-10",
                            "-o", "csv"},
                           env_for(cloud));
  REQUIRE(list.exit_code == 0);
  std::string amount = test::parse_csv(list.out).at(1).at(9);
  CliResult detail = run_cli({"hyperstack", "vms", "--id", "1003", "--start", "2026-10", "-o", "csv"},
                             env_for(cloud));
  INFO(detail.err);
  REQUIRE(detail.exit_code == 0);
  CHECK(test::parse_csv(detail.out).at(1).at(9) == amount);
  CHECK(cloud.requests().back().path == "/hyperstack/v1/billing/billing/history/virtual-machine/1003");
  CliResult graph = run_cli({"hyperstack", "vms", "--id", "1003", "--graph", "--start", "2026-10",
                             "-o", "csv"},
                            env_for(cloud));
  REQUIRE(graph.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(graph.out);
  CHECK(rows.size() == 32);  // one point a day in October
  CHECK(rows[1][7] == "2026-10-01T00:00:00Z");
  CHECK(rows[1][8] == "2026-10-02T00:00:00Z");
  CHECK(test::sum_csv_column(rows, "amount") == amount);
  CliResult missing = run_cli({"hyperstack", "vms", "--id", "999999"}, env_for(cloud));
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("404 Not Found: Resource not found"));
}
