// Vast.ai end to end against the fake cloud (tests/support/fake_cloud/routes_vast.cpp): exact
// sums, paging, the GPU join, the documented errors (issue 19).
#include <catch2/catch.hpp>

#include <set>

#include "gpubill/model/decimal.hpp"
#include "gpubill/model/period.hpp"
#include "support/csv.hpp"
#include "support/env.hpp"
#include "support/fake_cloud/fake_cloud.hpp"
#include "support/run_cli.hpp"

using namespace gpubill;
using test::CliResult;
using test::FakeCloud;
using test::run_cli;

namespace {

long long unix_at(const char* t) { return model::to_unix(*model::parse_provider_time(t)); }

// The exact sum of a CSV's amount column (all USD) and the contracts it names.
std::pair<std::string, std::size_t> sum_and_contracts(const std::string& csv) {
  std::vector<std::vector<std::string>> rows = test::parse_csv(csv);
  model::Decimal sum;
  std::set<std::string> contracts;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    REQUIRE(rows[i][10] == "USD");
    sum += *model::Decimal::parse(rows[i][9]);
    contracts.insert(rows[i][1] + "-" + rows[i][2]);
  }
  return {sum.to_string(), contracts.size()};
}

}  // namespace

TEST_CASE("e2e vast: October's charges sum exactly to the fake's, every contract once",
          "[e2e][vast]") {
  FakeCloud cloud;
  cloud.start();
  CliResult r = run_cli({"vast", "charges", "--start", "2026-10", "-o", "csv"},
                        test::env_for(cloud, "vast"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  test::LastAnswer truth = test::vast_charges_truth(unix_at("2026-10-01"), unix_at("2026-11-01"));
  REQUIRE(truth.rows == 5);
  auto [sum, contracts] = sum_and_contracts(r.out);
  CHECK(sum == truth.total);
  CHECK(contracts == truth.rows);
  // The GPU from the listing where the instance still exists; the destroyed 8x H100 has none.
  std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
  std::set<std::string> gpus_of_destroyed;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i][2] == "12345678") CHECK(rows[i][4] == "2 x RTX 4090");
    if (rows[i][2] == "34567890") CHECK(rows[i][5] == "RTX A6000");
    if (rows[i][2] == "23456789") gpus_of_destroyed.insert(rows[i][4]);
  }
  CHECK(gpus_of_destroyed == std::set<std::string>{""});

  // Three months: each contract's money in the month it belongs to, the whole exactly.
  CliResult months = run_cli({"vast", "charges", "--start", "2026-08", "--end", "2026-11", "-o", "csv"},
                             test::env_for(cloud, "vast"));
  REQUIRE(months.exit_code == 0);
  model::Decimal three;
  for (const char* m : {"2026-08-01", "2026-09-01", "2026-10-01"}) {
    model::Timestamp start = *model::parse_provider_time(m);
    three += *model::Decimal::parse(
        test::vast_charges_truth(model::to_unix(start), model::to_unix(model::add_months(start, 1))).total);
  }
  CHECK(sum_and_contracts(months.out).first == three.to_string());
  for (const auto& row : test::parse_csv(months.out)) {
    if (row[0] != "vast") continue;
    model::Timestamp s = *model::parse_provider_time(row[7]);
    model::Timestamp e = *model::parse_provider_time(row[8]);
    CHECK(e <= model::add_months(model::start_of_month(s), 1));  // inside one month
  }
}

TEST_CASE("e2e vast: small pages are followed along next_token to the same bytes", "[e2e][vast]") {
  FakeCloud cloud;
  cloud.start();
  std::vector<std::string> args = {"vast", "charges", "--start", "2026-10", "-o", "csv"};
  CliResult whole = run_cli(args, test::env_for(cloud, "vast"));
  REQUIRE(whole.exit_code == 0);
  FakeCloud paged_cloud;
  paged_cloud.start();
  CliResult paged = run_cli(args, test::env_for(paged_cloud, "vast", "page-size-2"));
  INFO(paged.err);
  REQUIRE(paged.exit_code == 0);
  CHECK(paged.out == whole.out);
  std::size_t with_token = 0;
  for (const test::RecordedRequest& req : paged_cloud.requests()) {
    if (req.path.find("/charges") != std::string::npos && req.params.count("after_token") == 1) ++with_token;
  }
  CHECK(with_token == 2);  // five contracts, two a page: three pages
}

TEST_CASE("e2e vast: the documented errors, each one line with its exit code", "[e2e][vast][errors]") {
  struct Case {
    std::string fault;
    std::map<std::string, std::string> changes;
    int exit_code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"", {{"VAST_API_KEY", "vast_WRONG_KEY_000000"}}, 3,
       "vast: GET /api/v1/instances/: 404 Invalid user key: the key matches no user: check VAST_API_KEY"},
      {"success-false", {}, 1,
       "vast: GET /api/v0/charges/: the answer says success: false: Internal error, please try again"},
      {"429-plain", {}, 1, "429"},
      {"429-detail", {}, 1, "API requests too frequent endpoint threshold=1.0"},
      {"repeat-cursor", {}, 1, "gives a next_token already followed"},
      {"listing-500", {}, 1, "vast: GET /api/v1/instances/: 500"},
  };
  for (const Case& c : cases) {
    INFO(c.fault);
    FakeCloud cloud;
    cloud.start();
    auto env = test::env_for(cloud, "vast", c.fault);
    for (const auto& [k, v] : c.changes) env[k] = v;
    CliResult r = run_cli({"vast", "charges", "--start", "2026-10", "--retries", "0"}, env);
    INFO(r.err);
    CHECK(r.exit_code == c.exit_code);
    CHECK(r.out.empty());
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_THAT(r.err, Catch::StartsWith("gpubill: vast: ") && Catch::Contains(c.says));
    CHECK(r.err.find("vast_FAKE_TEST_KEY") == std::string::npos);
  }
}

TEST_CASE("e2e vast: in the report, its share equal to its charges", "[e2e][vast][report]") {
  FakeCloud cloud;
  cloud.start();
  CliResult r = run_cli({"report", "--providers", "vast", "--start", "2026-10", "-o", "csv"},
                        test::env_for(cloud, "vast"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(sum_and_contracts(r.out).first ==
        test::vast_charges_truth(unix_at("2026-10-01"), unix_at("2026-11-01")).total);
  CliResult balance = run_cli({"vast", "balance", "-o", "csv"}, test::env_for(cloud, "vast"));
  REQUIRE(balance.exit_code == 0);
  CHECK_THAT(balance.out, Catch::Contains("credit") && Catch::Contains("1234.56"));
  CHECK(balance.out.find("fake-session-id") == std::string::npos);
  CHECK(balance.out.find("ssh-ed25519") == std::string::npos);
}
