// gpubill gcore ... against the fake cloud, which checks the APIKey scheme, rejects unknown
// body keys and windows over 31 days, and rounds costs unless asked not to.
#include <catch2/catch.hpp>

#include <set>

#include <httplib.h>
#include <nlohmann/json.hpp>

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

const std::string k_key = "gc_FAKE$TEST_KEY_1234567890";

// The shared environment (test::env_for) with this file's key, or another one.
std::map<std::string, std::string> gcore_env(const FakeCloud& cloud, const std::string& fault = "",
                                           const std::string& key = k_key) {
  std::map<std::string, std::string> env = test::env_for(cloud, "gcore", fault);
  env["GCORE_API_KEY"] = key;
  return env;
}

long long unix_at(const char* t) { return model::to_unix(*model::parse_provider_time(t)); }

// Sum of the amount column for one currency.
std::string sum_for(const std::vector<std::vector<std::string>>& rows, const std::string& currency) {
  std::vector<std::vector<std::string>> only = {rows.at(0)};
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i][10] == currency && !rows[i][9].empty()) only.push_back(rows[i]);
  }
  return test::sum_csv_column(only, "amount");
}

}  // namespace

TEST_CASE("e2e gcore: the fake cloud is as strict as the docs", "[e2e][gcore]") {
  FakeCloud cloud;
  cloud.start();
  httplib::Client client("127.0.0.1", cloud.port());
  auto post = [&](const std::string& auth, const nlohmann::json& body) {
    return client.Post("/gcore/cloud/v1/cost_report/totals", {{"Authorization", auth}},
                       body.dump(), "application/json");
  };
  nlohmann::json ok = {{"time_from", "2026-09-01T00:00:00Z"}, {"time_to", "2026-10-01T00:00:00Z"},
                       {"rounding", false}};
  CHECK(post("APIKey " + k_key, ok)->status == 200);
  CHECK(post("Bearer " + k_key, ok)->status == 401);
  nlohmann::json extra = ok;
  extra["colour"] = "red";
  auto r = post("APIKey " + k_key, extra);
  CHECK(r->status == 400);
  CHECK_THAT(r->body, Catch::Contains("Extra inputs are not permitted"));
  nlohmann::json too_long = ok;
  too_long["time_to"] = "2026-10-03T00:00:00Z";
  CHECK(post("APIKey " + k_key, too_long)->status == 400);
  nlohmann::json rounded = ok;
  rounded.erase("rounding");
  CHECK(post("APIKey " + k_key, rounded)->body != post("APIKey " + k_key, ok)->body);
}

TEST_CASE("e2e gcore: two months of totals, exact per currency, never EUR plus USD",
          "[e2e][gcore]") {
  FakeCloud cloud;
  cloud.start();
  CliResult r = run_cli({"gcore", "totals", "--start", "2026-09-01", "--end", "2026-11-01", "-o",
                         "csv"},
                        gcore_env(cloud));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
  std::map<std::string, std::string> truth =
      test::gcore_totals_truth(unix_at("2026-09-01"), unix_at("2026-11-01"));
  REQUIRE(truth.size() == 2);
  CHECK(sum_for(rows, "EUR") == truth["EUR"]);
  CHECK(sum_for(rows, "USD") == truth["USD"]);
  CHECK(rows.size() == 1 + 2 * 9);  // nine lines a window, two windows
  std::vector<test::RecordedRequest> reqs = cloud.requests();
  REQUIRE(reqs.size() == 2);
  // Rows without a price are kept, empty, and stderr says why.
  std::size_t empty = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) empty += rows[i][9].empty() ? 1 : 0;
  CHECK(empty == 2);
  CHECK_THAT(r.err, Catch::Contains("2 row(s) have no price and are left out of the totals: "
                                    "cost null (2)"));
  // The snapshot carries an err and a cost: counted, and said once.
  CHECK_THAT(r.err, Catch::Contains("gcore totals: 2 row(s) carry an error from Gcore ('err') "
                                    "with a cost: the cost is counted as Gcore gave it"));

  CliResult json_run = run_cli({"gcore", "totals", "--start", "2026-09-01", "--end", "2026-11-01",
                                "-o", "json", "-q"},
                               gcore_env(cloud));
  REQUIRE(json_run.exit_code == 0);
  CHECK_THAT(json_run.out, Catch::Contains("\"totals\": [{\"currency\": \"EUR\", \"amount\": " +
                                           truth["EUR"] + "}, {\"currency\": \"USD\", \"amount\": " +
                                           truth["USD"] + "}]"));
  CHECK(json_run.err.empty());

  CliResult table = run_cli({"gcore", "totals", "--start", "2026-09-01", "--end", "2026-11-01",
                             "-q"},
                            gcore_env(cloud));
  CHECK_THAT(table.out, Catch::Contains("TOTAL"));
  CHECK_THAT(table.out, Catch::Contains("8 x H100 80GB"));
  std::size_t totals = 0;
  for (std::size_t pos = table.out.find("TOTAL"); pos != std::string::npos;
       pos = table.out.find("TOTAL", pos + 1)) {
    ++totals;
  }
  CHECK(totals == 2);  // one line per currency
}

TEST_CASE("e2e gcore: filters travel in the body, windows are whole days", "[e2e][gcore]") {
  FakeCloud cloud;
  cloud.start();
  CliResult r = run_cli({"gcore", "totals", "--start", "2026-10-15T12:00:00Z", "--end",
                         "2026-11-02T06:00:00Z", "--type", "ai_cluster", "--region", "76", "-o",
                         "csv"},
                        gcore_env(cloud));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<test::RecordedRequest> reqs = cloud.requests();
  REQUIRE(reqs.size() == 2);
  std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
  REQUIRE(rows.size() == 3);  // the EUR cluster in each window
  CHECK(rows[1][7] == "2026-10-15T00:00:00Z");
  CHECK(rows[1][8] == "2026-11-01T00:00:00Z");
  CHECK(rows[2][7] == "2026-11-01T00:00:00Z");
  CHECK(rows[2][8] == "2026-11-03T00:00:00Z");
  CHECK(rows[1][6] == "76");
}

TEST_CASE("e2e gcore: errors", "[e2e][gcore][errors]") {
  FakeCloud cloud;
  cloud.start();
  CliResult wrong = run_cli({"gcore", "totals"}, gcore_env(cloud, "", "gc_WRONG_KEY_00000000"));
  CHECK(wrong.exit_code == 3);
  CHECK_THAT(wrong.err, Catch::StartsWith("gpubill: gcore: POST /cloud/v1/cost_report/totals: "
                                          "401 Unauthorized: Token is invalid or expired "
                                          "(request_id fake"));
  CHECK_THAT(wrong.err, Catch::EndsWith("check GCORE_API_KEY\n"));
  CliResult failing = run_cli({"gcore", "totals", "--retries", "1"}, gcore_env(cloud, "500"));
  CHECK(failing.exit_code == 1);
  CHECK(cloud.requests().size() == 3);  // 1 + 2 attempts
  CliResult unknown = run_cli({"gcore", "totals", "--type", "spaceship"}, gcore_env(cloud));
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("ai_cluster"));  // lists the documented types
  CliResult hidden = run_cli({"gcore", "totals", "-o", "csv"}, gcore_env(cloud, "hide"));
  CHECK(hidden.exit_code == 0);
  CHECK_THAT(hidden.err, Catch::Contains("price_status 'hide'"));
  CHECK_THAT(wrong.out + wrong.err + failing.err, !Catch::Contains("FAKE$TEST"));
}

TEST_CASE("e2e gcore: resources page through every window, exact", "[e2e][gcore]") {
  FakeCloud cloud;
  cloud.start();
  CliResult r = run_cli({"gcore", "resources", "--start", "2026-09-01", "--end", "2026-11-01",
                         "--order-by", "billing_value.desc", "-o", "csv", "-q"},
                        gcore_env(cloud));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
  CHECK(rows.size() == 1 + 2 * 27);  // 27 resources in each of two windows
  std::map<std::string, std::string> truth =
      test::gcore_resources_truth(unix_at("2026-09-01"), unix_at("2026-11-01"));
  CHECK(sum_for(rows, "EUR") == truth["EUR"]);
  CHECK(sum_for(rows, "USD") == truth["USD"]);
  CHECK(cloud.requests().size() == 2 * 3);  // pages of 10: 10 + 10 + 7, per window
  std::set<std::string> ids;
  for (std::size_t i = 1; i < rows.size(); ++i) ids.insert(rows[i][2] + rows[i][7]);
  CHECK(ids.size() == rows.size() - 1);  // every resource once per window
  CHECK(rows[1][3].size() > 0);         // resource_name from last_name
}

TEST_CASE("e2e gcore: reservations for one month", "[e2e][gcore]") {
  FakeCloud cloud;
  cloud.start();
  CliResult r = run_cli({"gcore", "reservations", "--month", "2026-10", "-o", "csv", "-q"},
                        gcore_env(cloud));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
  std::map<std::string, std::string> truth =
      test::gcore_totals_truth(unix_at("2026-10-01"), unix_at("2026-11-01"));
  CHECK(sum_for(rows, "EUR") == truth["EUR"]);
  CHECK(rows[1][7] == "2026-10-01T00:00:00Z");
  CHECK(rows[1][8] == "2026-11-01T00:00:00Z");
  CliResult project = run_cli({"gcore", "reservations", "--project", "16"}, gcore_env(cloud));
  CHECK(project.exit_code == 2);  // this endpoint has no projects filter
}

TEST_CASE("e2e gcore: hidden prices are no price, at most 10 tags, and the figures' limits said",
          "[e2e][gcore]") {
  FakeCloud cloud;
  cloud.start();
  // price_status "hide" with every cost 0: no row is priced, none is counted as a real 0.
  CliResult hidden = run_cli({"gcore", "totals", "--start", "2026-10", "-o", "csv"},
                             gcore_env(cloud, "hide-zero"));
  REQUIRE(hidden.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(hidden.out);
  REQUIRE(rows.size() > 1);
  for (std::size_t i = 1; i < rows.size(); ++i) CHECK(rows[i][9].empty());
  CHECK_THAT(hidden.err, Catch::Contains("price_status 'hide'"));
  CHECK_THAT(hidden.err, Catch::Contains("cost 0 with price_status hide"));

  // The API takes 10 tag conditions: an 11th is a usage error before any request.
  std::vector<std::string> args = {"gcore", "totals"};
  for (int i = 0; i < 11; ++i) args.insert(args.end(), {"--tag", "team=ml" + std::to_string(i)});
  std::size_t before = cloud.requests().size();
  CliResult tags = run_cli(args, gcore_env(cloud));
  CHECK(tags.exit_code == 2);
  CHECK(tags.err == "gpubill: --tag: at most 10 (the API takes 10 tag conditions), got 11\n");
  CHECK(cloud.requests().size() == before);
  args.resize(args.size() - 2);
  CHECK(run_cli(args, gcore_env(cloud)).exit_code == 0);

  // What Gcore says its reports are not, once under the table and in JSON.
  CliResult table = run_cli({"gcore", "totals", "--start", "2026-10"}, gcore_env(cloud));
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("\ngcore: pay-as-you-go list prices before tax and "
                                        "discounts; Gcore says these reports are not accurate "
                                        "for accounts with commits or prepaid plans (see gpubill "
                                        "gcore reservations)\n"));
  CliResult json = run_cli({"gcore", "totals", "--start", "2026-10", "-o", "json"}, gcore_env(cloud));
  nlohmann::json doc = nlohmann::json::parse(json.out);
  REQUIRE(doc["query"]["caveats"].size() == 1);
  CHECK_THAT(doc["query"]["caveats"][0].get<std::string>(), Catch::StartsWith("gcore: pay-as-you-go"));
  CliResult report = run_cli({"report", "--providers", "gcore", "--start", "2026-10", "-o", "json"},
                             gcore_env(cloud));
  CHECK(nlohmann::json::parse(report.out)["query"]["caveats"] == doc["query"]["caveats"]);
}
