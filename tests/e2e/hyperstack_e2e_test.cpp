// gpubill hyperstack ... against the fake cloud, which pages 5 items a page at most.
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
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

const std::string k_key = "hs_FAKE_TEST_KEY_1234567890";

// The shared environment (test::env_for) with this file's key, or another one.
std::map<std::string, std::string> hyperstack_env(const FakeCloud& cloud, const std::string& fault = "",
                                           const std::string& key = k_key) {
  std::map<std::string, std::string> env = test::env_for(cloud, "hyperstack", fault);
  env["HYPERSTACK_API_KEY"] = key;
  return env;
}

}  // namespace

TEST_CASE("e2e hyperstack: every VM once, exact, at 5 a page", "[e2e][hyperstack]") {
  FakeCloud cloud;
  cloud.start();
  CliResult r = run_cli({"hyperstack", "vms", "--start", "2026-10", "-o", "json"}, hyperstack_env(cloud));
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
    // Contracts: the docs' guess of a body (their spec documents none; see below).
    CliResult r = run_cli({"hyperstack", command, "--start", "2026-10", "-o", "csv", "-q"},
                          hyperstack_env(cloud, std::string(command) == "contracts" ? "contract-json" : ""));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
    test::LastAnswer truth = test::hyperstack_list_truth(path, 31);
    CHECK(rows.size() == truth.rows + 1);
    CHECK(test::sum_csv_column(rows, "amount") == truth.total);
  }
  // As documented, the contracts list answers 200 with no body: nothing is known, which is
  // not "no contracts". One row without a price says so; never an error, never a silent 0.
  CliResult contracts = run_cli({"hyperstack", "contracts", "--start", "2026-10", "-o", "csv"},
                                hyperstack_env(cloud));
  REQUIRE(contracts.exit_code == 0);
  std::vector<std::vector<std::string>> contract_rows = test::parse_csv(contracts.out);
  REQUIRE(contract_rows.size() == 2);
  CHECK(contract_rows[1][9].empty());
  CHECK_THAT(contracts.err, Catch::Contains("contracts list answered with no body: its costs are not known"));

  CliResult history = run_cli({"hyperstack", "history", "--start", "2026-10", "-o", "csv"},
                              hyperstack_env(cloud));
  REQUIRE(history.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(history.out);
  REQUIRE(rows.size() == 6);  // vm, volume, snapshot, contract, and what incurred_bill adds
  CHECK(rows[1][1] == "vm");
  CHECK(rows[1][9] == test::hyperstack_list_truth("virtual-machine", 31).total);
  CHECK(rows[5][1] == "other");
  // The history's total is Hyperstack's incurred_bill: every list's money.
  model::Decimal all;
  for (const char* path : {"virtual-machine", "volume", "snapshot", "bucket", "cluster", "contract",
                           "serverless_inference", "fine_tuning", "model_evaluation",
                           "data_synthesis", "image_generation"}) {
    all += *model::Decimal::parse(test::hyperstack_list_truth(path, 31).total);
  }
  CHECK(test::sum_csv_column(rows, "amount") == all.to_string());
  // The other reading (incurred_bill is the four components): no "other" row.
  CliResult components = run_cli({"hyperstack", "history", "--start", "2026-10", "-o", "csv"},
                                 hyperstack_env(cloud, "components-only"));
  CHECK(test::parse_csv(components.out).size() == 5);
}

TEST_CASE("e2e hyperstack: shape variants, guards and errors", "[e2e][hyperstack][errors]") {
  FakeCloud cloud;
  cloud.start();
  CliResult live = run_cli({"hyperstack", "snapshots", "-o", "csv"}, hyperstack_env(cloud, "live-keys"));
  CHECK(live.exit_code == 0);  // billing_history_snapshot instead of the spec's key
  CliResult nopages = run_cli({"hyperstack", "vms", "--start", "2026-10", "-o", "csv"},
                              hyperstack_env(cloud, "no-pages"));
  CHECK(nopages.exit_code == 0);  // pages 0: total_count decides
  CHECK(test::parse_csv(nopages.out).size() == 13);
  CliResult retried = run_cli({"hyperstack", "vms", "-o", "csv"}, hyperstack_env(cloud, "500-once"));
  CHECK(retried.exit_code == 0);
  CliResult down = run_cli({"hyperstack", "vms"}, hyperstack_env(cloud, "status-false"));
  CHECK(down.exit_code == 1);
  CHECK_THAT(down.err, Catch::Contains("answered status false: server_error: region is under maintenance"));
  CliResult wrong = run_cli({"hyperstack", "vms"}, hyperstack_env(cloud, "", "hs_WRONG_000000000"));
  CHECK(wrong.exit_code == 3);
  CHECK_THAT(wrong.err, Catch::Contains("check HYPERSTACK_API_KEY"));
  CliResult search = run_cli({"hyperstack", "vms", "--search", "machine-1", "-o", "csv"},
                             hyperstack_env(cloud));
  CHECK(search.exit_code == 0);
  CHECK(test::parse_csv(search.out).size() == 4);  // machine-1, -10, -11
  CHECK(cloud.requests().back().params.find("search")->second == "machine-1");
}

TEST_CASE("e2e hyperstack: last-day and usage", "[e2e][hyperstack]") {
  FakeCloud cloud;
  cloud.start();
  CliResult last = run_cli({"hyperstack", "last-day", "-o", "json"}, hyperstack_env(cloud));
  INFO(last.err);
  REQUIRE(last.exit_code == 0);
  nlohmann::json doc = nlohmann::json::parse(last.out);
  REQUIRE(doc["records"].size() == 4);  // instances, volumes, clusters, other
  CHECK(doc["records"][0]["period_start"] == "2026-11-22T00:00:00Z");
  CHECK(doc["records"][0]["period_end"] == "2026-11-23T00:00:00Z");
  CHECK_THAT(last.out, Catch::Contains("\"totals\": [{\"currency\": \"USD\", \"amount\": 60}]"));

  CliResult usage = run_cli({"hyperstack", "usage", "-o", "csv"}, hyperstack_env(cloud));
  REQUIRE(usage.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(usage.out);
  REQUIRE(rows.size() == 4);
  CHECK(rows[1][7] == "2026-11-01T09:12:44Z");
  CHECK(rows[1][8] == "2026-11-23T12:00:00Z");  // running: to now
  CHECK(rows[2][7] == "2026-11-06T16:04:09Z");  // space, no zone: UTC
  // exclude_billing: Hyperstack does not bill it, so its total_bill is no charge.
  CHECK(rows[3][3] == "credit-trial");
  CHECK(rows[3][9].empty());
  CHECK_THAT(usage.err, Catch::Contains("exclude_billing: Hyperstack does not bill it (1)"));
  rows.pop_back();
  CHECK(test::sum_csv_column(rows, "amount") == "305.20037");
  CHECK(cloud.requests().back().params.find("deleted")->second == "false");

  CliResult deleted = run_cli({"hyperstack", "usage", "--deleted", "--environment", "CANADA-1",
                               "-o", "csv"},
                              hyperstack_env(cloud));
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
                           hyperstack_env(cloud));
  REQUIRE(list.exit_code == 0);
  std::string amount = test::parse_csv(list.out).at(1).at(9);
  CliResult detail = run_cli({"hyperstack", "vms", "--id", "1003", "--start", "2026-10", "-o", "csv"},
                             hyperstack_env(cloud));
  INFO(detail.err);
  REQUIRE(detail.exit_code == 0);
  CHECK(test::parse_csv(detail.out).at(1).at(9) == amount);
  CHECK(cloud.requests().back().path == "/hyperstack/v1/billing/billing/history/virtual-machine/1003");
  CliResult graph = run_cli({"hyperstack", "vms", "--id", "1003", "--graph", "--start", "2026-10",
                             "-o", "csv"},
                            hyperstack_env(cloud));
  REQUIRE(graph.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(graph.out);
  CHECK(rows.size() == 32);  // one point a day in October
  CHECK(rows[1][7] == "2026-10-01T00:00:00Z");
  CHECK(rows[1][8] == "2026-10-02T00:00:00Z");
  CHECK(test::sum_csv_column(rows, "amount") == amount);
  CliResult missing = run_cli({"hyperstack", "vms", "--id", "999999"}, hyperstack_env(cloud));
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("404 Not Found: Resource not found"));
}

// Each detail endpoint in its documented shape (hyperstack.md 2-7, which the fake serves):
// D-VM, D-VOL (volumes, snapshots, fine-tuning), the bucket's single object, the cluster's
// single object with its nodes, Shape T for the token workloads. The detail's amount is the
// list's, once (a cluster's nodes are part of it, not added to it); a graph adds up to it,
// and where the spec gives no time series (the bucket graph's bare body, the token graphs'
// Shape T) gpubill says so instead of printing nothing.
TEST_CASE("e2e hyperstack: every detail and graph endpoint in its documented shape", "[e2e][hyperstack]") {
  struct Case {
    const char* command;
    const char* id;
    bool series;  // the graph endpoint has incurred_bill_graph
  };
  const Case cases[] = {{"vms", "1002", true},          {"volumes", "1001", true},
                        {"snapshots", "1002", true},    {"buckets", "1001", false},
                        {"clusters", "1001", true},     {"fine-tuning", "1000", true},
                        {"serverless", "1002", false},  {"model-evaluation", "1000", false},
                        {"data-synthesis", "1000", false}, {"image-generation", "1000", false}};
  FakeCloud cloud;
  cloud.start();
  for (const Case& c : cases) {
    INFO(c.command);
    CliResult list = run_cli({"hyperstack", c.command, "--start", "2026-10", "-o", "csv"}, hyperstack_env(cloud));
    INFO(list.err);
    REQUIRE(list.exit_code == 0);
    std::string amount;  // columns: resource_id 2, amount 9
    for (const std::vector<std::string>& row : test::parse_csv(list.out)) {
      if (row.at(2) == c.id) amount = row.at(9);
    }
    REQUIRE(!amount.empty());
    CliResult detail = run_cli({"hyperstack", c.command, "--id", c.id, "--start", "2026-10", "-o", "csv"},
                               hyperstack_env(cloud));
    INFO(detail.err);
    REQUIRE(detail.exit_code == 0);
    std::vector<std::vector<std::string>> records = test::parse_csv(detail.out);
    REQUIRE(records.size() == 2);
    CHECK(records[1].at(9) == amount);
    CHECK(records[1].at(2) == c.id);
    CliResult graph = run_cli({"hyperstack", c.command, "--id", c.id, "--graph", "--start", "2026-10", "-o", "csv"},
                              hyperstack_env(cloud));
    INFO(graph.err);
    if (c.series) {
      REQUIRE(graph.exit_code == 0);
      std::vector<std::vector<std::string>> rows = test::parse_csv(graph.out);
      CHECK(rows.size() == 32);
      CHECK(test::sum_csv_column(rows, "amount") == amount);
    } else {
      CHECK(graph.exit_code == 1);
      CHECK(graph.out.empty());
      CHECK_THAT(graph.err, Catch::Contains("has no cost time series; drop --graph"));
    }
  }
  // Shape T carries tokens, not hours: no usage is invented for a token workload.
  CliResult tokens = run_cli({"hyperstack", "serverless", "--id", "1000", "--start", "2026-10", "-o", "json"},
                             hyperstack_env(cloud));
  REQUIRE(tokens.exit_code == 0);
  nlohmann::json rec = nlohmann::json::parse(tokens.out)["records"][0];
  CHECK(rec["usage_quantity"].is_null());
  CHECK(rec["attributes"]["input_tokens"] == 62'000'000);
  CHECK(rec["attributes"]["base_model"] == "meta-llama/Llama-3.1-8B-Instruct");
}

// end_date's inclusiveness is not documented; gpubill sends the exclusive end and the fake
// reads it so. Under the other reading (`end-inclusive`: the day end_date names is billed
// too) every VM is billed for more hours than the month has, which gpubill says once per
// month, keeping Hyperstack's amounts (docs/providers/hyperstack.md).
TEST_CASE("e2e hyperstack: an end_date read inclusively is noticed once a month", "[e2e][hyperstack]") {
  FakeCloud cloud;
  cloud.start();
  std::vector<std::string> args = {"hyperstack", "vms", "--start", "2026-09", "--end", "2026-11", "-o", "csv"};
  CliResult exclusive = run_cli(args, hyperstack_env(cloud));
  REQUIRE(exclusive.exit_code == 0);
  CHECK(exclusive.err.empty());
  CliResult inclusive = run_cli(args, hyperstack_env(cloud, "end-inclusive"));
  REQUIRE(inclusive.exit_code == 0);
  CHECK(test::parse_csv(inclusive.out).size() == test::parse_csv(exclusive.out).size());
  CHECK_THAT(inclusive.err, Catch::Contains("hyperstack vms: 12 VM(s) billed for more hours than "
                                            "2026-09-01T00:00:00Z to 2026-10-01T00:00:00Z has (up to "
                                            "744 h of 720 h)"));
  CHECK_THAT(inclusive.err, Catch::Contains("2026-10-01T00:00:00Z to 2026-11-01T00:00:00Z has (up to 768 h of 744 h)"));
  CHECK(std::count(inclusive.err.begin(), inclusive.err.end(), '\n') == 2);
}

// A server that ignores `page`, or pages that end short of total_count, gave exit 0 with part
// of the bill (issue 17). One rule for every paged list (providers::PagedItems): a page of
// nothing new, or a count not reached, is exit 1 naming the list.
TEST_CASE("e2e hyperstack: a repeated page or a short total_count is an error, never a partial bill",
          "[e2e][hyperstack]") {
  FakeCloud cloud;
  cloud.start();
  CliResult repeat = run_cli({"hyperstack", "vms", "--start", "2026-10"}, hyperstack_env(cloud, "ignore-page"));
  CHECK(repeat.exit_code == 1);
  CHECK(repeat.out.empty());
  CHECK_THAT(repeat.err, Catch::Contains("GET /billing/billing/history/virtual-machine: page 2 repeats resources "
                                         "already read (the server ignores the page asked for?): after 5"));
  CliResult shortfall = run_cli({"hyperstack", "vms", "--start", "2026-10"}, hyperstack_env(cloud, "short-total"));
  CHECK(shortfall.exit_code == 1);
  CHECK(shortfall.out.empty());
  CHECK_THAT(shortfall.err, Catch::Contains("announced 15 resources and 5 came: the bill would be short"));
}
