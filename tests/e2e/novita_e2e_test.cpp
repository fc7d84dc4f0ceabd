// gpubill novita ... against the fake cloud, which rejects any window over 31 days.
#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "gpubill/model/decimal.hpp"
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

const std::string k_key = "nv_FAKE_TEST_KEY_1234567890";

// The shared environment (test::env_for) with this file's key, or another one.
std::map<std::string, std::string> novita_env(const FakeCloud& cloud, const std::string& fault = "",
                                           const std::string& key = k_key) {
  std::map<std::string, std::string> env = test::env_for(cloud, "novita", fault);
  env["NOVITA_API_KEY"] = key;
  return env;
}

long long unix_at(const char* t) { return model::to_unix(*model::parse_provider_time(t)); }

}  // namespace

TEST_CASE("e2e novita: the fake cloud rejects windows over 31 days", "[e2e][novita]") {
  FakeCloud cloud;
  cloud.start();
  httplib::Client client("127.0.0.1", cloud.port());
  httplib::Headers auth = {{"Authorization", "Bearer " + k_key}};
  auto get = [&](long long s, long long e) {
    return client.Get(("/novita/openapi/v1/billing/bill/monthly/list?category=gpu&startTime=" +
                       std::to_string(s) + "&endTime=" + std::to_string(e)).c_str(),
                      auth);
  };
  long long aug1 = unix_at("2026-08-01");
  auto ok = get(aug1, aug1 + 31 * 86400);
  REQUIRE(ok);
  CHECK(ok->status == 200);
  auto too_long = get(aug1, aug1 + 31 * 86400 + 1);
  REQUIRE(too_long);
  CHECK(too_long->status == 400);
  CHECK_THAT(too_long->body, Catch::Contains("within 31 days"));
}

TEST_CASE("e2e novita: a quarter of bills, every bill once, totals exact", "[e2e][novita]") {
  // The server returns every bill overlapping a window, so bills spanning two windows (or the
  // period's start) come back more than once; each must be counted once, in its start month.
  FakeCloud cloud;
  cloud.start();
  CliResult r = run_cli({"novita", "bills", "--start", "2026-08-01", "--end", "2026-11-01",
                         "--category", "gpu", "-o", "json"},
                        novita_env(cloud));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  test::LastAnswer truth =
      test::novita_fixed_term_truth("gpu", unix_at("2026-08-01"), unix_at("2026-11-01"));
  nlohmann::json doc = nlohmann::json::parse(r.out);
  CHECK(doc["records"].size() == truth.rows);
  // Counted by hand, bills starting Aug 1 .. Oct 31: 3 H100 months, 3 RTX 4090 bills from the
  // 15th (Aug 15, Sep 15, Oct 15; the Jul 15 one is July's although it overlaps August), 3
  // first-day and 3 last-day edge bills.
  CHECK(truth.rows == 12);
  std::set<std::string> identities;
  for (const auto& rec : doc["records"]) {
    identities.insert(rec["resource_id"].get<std::string>() + rec["period_start"].get<std::string>());
  }
  CHECK(identities.size() == truth.rows);  // none repeated
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex(R"("totals": \[\{"currency": "USD", "amount": ([0-9.]+)\}\])")));
  CHECK(m[1].str() == truth.total);

  std::vector<test::RecordedRequest> reqs = cloud.requests();
  CHECK(reqs.size() == 3);  // August, September, October
  for (const test::RecordedRequest& req : reqs) {
    long long s = std::stoll(req.params.find("startTime")->second);
    long long e = std::stoll(req.params.find("endTime")->second);
    CHECK(e - s + 1 <= 31 * 86400);
    CHECK(req.headers.at("content-type") == "application/json");
  }

  CliResult csv = run_cli({"novita", "bills", "--start", "2026-08-01", "--end", "2026-11-01",
                           "--category", "gpu", "-o", "csv", "--parallel", "1"},
                          novita_env(cloud));
  REQUIRE(csv.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(csv.out);
  CHECK(rows.size() == truth.rows + 1);
  CHECK(test::sum_csv_column(rows, "amount") == truth.total);
}

TEST_CASE("e2e novita: summary by default, never added to product rows", "[e2e][novita]") {
  FakeCloud cloud;
  cloud.start();
  CliResult r = run_cli({"novita", "bills", "--start", "2026-09", "-o", "csv"}, novita_env(cloud));
  REQUIRE(r.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
  REQUIRE(rows.size() == 2);
  CHECK(rows[1][1] == "summary");
  test::LastAnswer truth =
      test::novita_fixed_term_truth("summary", unix_at("2026-09-01"), unix_at("2026-10-01"));
  CHECK(rows[1][9] == truth.total);
}

TEST_CASE("e2e novita: 92 days of usage, exact", "[e2e][novita]") {
  FakeCloud cloud;
  cloud.start();
  CliResult r = run_cli({"novita", "usage", "--cycle", "week", "--start", "2026-08-01", "--end",
                         "2026-11-01", "-o", "csv"},
                        novita_env(cloud));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
  test::LastAnswer truth = test::novita_usage_truth(unix_at("2026-08-01"), unix_at("2026-11-01"));
  CHECK(test::sum_csv_column(rows, "amount") == truth.total);
  CHECK(test::sum_csv_column(rows, "usage_quantity") == std::to_string(truth.rows));  // hours
  CHECK(cloud.requests().size() == 3);
  CHECK(cloud.requests()[0].params.find("cycleType")->second == "Week");
  CHECK(cloud.requests()[0].params.find("productCategory")->second == "gpu");
}

TEST_CASE("e2e novita: LIST_BILL_TOO_FAST is retried, bad keys exit 3", "[e2e][novita][errors]") {
  FakeCloud cloud;
  cloud.start();
  CliResult retried = run_cli({"novita", "bills", "--start", "2026-10", "--category", "gpu",
                               "-o", "csv"},
                              novita_env(cloud, "too-fast-once"));
  INFO(retried.err);
  CHECK(retried.exit_code == 0);
  CHECK(cloud.requests().size() == 2);

  CliResult wrong = run_cli({"novita", "bills"}, novita_env(cloud, "", "nv_WRONG_000000000000"));
  CHECK(wrong.exit_code == 3);
  CHECK(wrong.err == "gpubill: novita: GET /openapi/v1/billing/bill/monthly/list: 401 "
                     "Unauthorized: UNAUTHORIZED: invalid api key: check NOVITA_API_KEY\n");
  CliResult readonly = run_cli({"novita", "usage"}, novita_env(cloud, "", "nv_READONLY_KEY_1234567890"));
  CHECK(readonly.exit_code == 3);
  CHECK_THAT(readonly.err, Catch::Contains("403 Forbidden: FORBIDDEN"));

  CliResult failing = run_cli({"novita", "bills", "--retries", "0", "--start", "2026-08"},
                              novita_env(cloud, "500"));
  CHECK(failing.exit_code == 1);
  CHECK_THAT(failing.err, Catch::Contains("500 Internal Server Error: LIST_BILL_ERROR"));
  CHECK_THAT(failing.out + failing.err, !Catch::Contains(k_key));
}

TEST_CASE("e2e novita: statements walk every page, one record per month", "[e2e][novita]") {
  FakeCloud cloud;
  cloud.start();
  CliResult r = run_cli({"novita", "statements", "--start", "2025-01", "--end", "2026-12", "-o",
                         "json", "--parallel", "1"},
                        novita_env(cloud));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  nlohmann::json doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["records"].size() == 14);  // 2025-10 .. 2026-11
  CHECK(doc["records"][0]["period_start"] == "2025-10-01T00:00:00Z");
  CHECK(doc["records"][13]["attributes"]["status"] == "pending");
  // Two pages of 12: the second holds the current month, after which no statement can come
  // (the docs promise no empty page at the end).
  CHECK(cloud.requests().size() == 2);
  CHECK(cloud.requests()[0].params.find("startMonth")->second == "2025-01");

  // A server that ignores `page` repeats page 1 forever: an error naming what may be missing.
  CliResult endless = run_cli({"novita", "statements", "--start", "2026-01"},
                              novita_env(cloud, "endless-pages"));
  CHECK(endless.exit_code == 1);
  CHECK_THAT(endless.err, Catch::Contains("GET /openapi/v1/billing/monthly/bill: page 2 repeats "
                                          "statements already read (the server ignores 'page'?): "
                                          "the months after 2026-01 may be missing"));
}

TEST_CASE("e2e novita: balance in every format", "[e2e][novita]") {
  FakeCloud cloud;
  cloud.start();
  CliResult table = run_cli({"novita", "balance"}, novita_env(cloud));
  INFO(table.err);
  REQUIRE(table.exit_code == 0);
  CHECK(table.out ==
        "novita balance (USD)\n"
        "available_balance     1234.57\n"
        "cash_balance          1000.00\n"
        "credit_limit           500.00\n"
        "outstanding_invoices   265.43\n");
  CliResult csv = run_cli({"novita", "balance", "-o", "csv"}, novita_env(cloud));
  CHECK(csv.out == "provider,currency,available_balance,cash_balance,credit_limit,"
                   "outstanding_invoices\r\nnovita,USD,1234.5678,1000,500,265.4322\r\n");
  CliResult json = run_cli({"novita", "balance", "-o", "json"}, novita_env(cloud));
  nlohmann::json doc = nlohmann::json::parse(json.out);
  CHECK(doc["query"]["as_of"] == "2026-11-23T12:00:00Z");
  CHECK(doc["balance"]["cash_balance"] == 1000);
  CHECK(cloud.requests().back().path == "/novita/openapi/v1/billing/balance/detail");
}

TEST_CASE("e2e novita: windows run in parallel, never more than 4 at once", "[e2e][novita]") {
  FakeCloud cloud;
  cloud.start();
  std::vector<std::string> args = {"novita", "bills", "--start", "2026-01-01", "--end",
                                   "2026-12-01", "--category", "gpu", "-o", "csv"};
  std::vector<std::string> many = args;
  many.insert(many.end(), {"--parallel", "16"});
  CliResult parallel = run_cli(many, novita_env(cloud, "slow"));
  REQUIRE(parallel.exit_code == 0);
  CHECK(cloud.requests().size() == 11);
  CHECK(cloud.peak_in_flight() >= 2);  // really in parallel
  CHECK(cloud.peak_in_flight() <= 4);  // Novita's cap, whatever --parallel says
  CHECK(parallel.seconds < 11 * 0.2);  // faster than one window after another

  std::vector<std::string> one = args;
  one.insert(one.end(), {"--parallel", "1"});
  CliResult serial = run_cli(one, novita_env(cloud));
  REQUIRE(serial.exit_code == 0);
  CHECK(serial.out == parallel.out);  // same records, same order
}

TEST_CASE("e2e novita: consecutive months never count a bill twice", "[e2e][novita]") {
  FakeCloud cloud;
  cloud.start();
  model::Decimal sum;
  for (const char* month : {"2026-08", "2026-09", "2026-10"}) {
    CliResult r = run_cli({"novita", "bills", "--start", month, "--category", "gpu", "-o", "csv"},
                          novita_env(cloud));
    REQUIRE(r.exit_code == 0);
    sum += *model::Decimal::parse(test::sum_csv_column(test::parse_csv(r.out), "amount"));
  }
  CliResult quarter = run_cli({"novita", "bills", "--start", "2026-08-01", "--end", "2026-11-01",
                               "--category", "gpu", "-o", "csv"},
                              novita_env(cloud));
  REQUIRE(quarter.exit_code == 0);
  CHECK(sum.to_string() == test::sum_csv_column(test::parse_csv(quarter.out), "amount"));
}

TEST_CASE("e2e novita: storage usage with fractional quantities and a refund, exact",
          "[e2e][novita]") {
  FakeCloud cloud;
  cloud.start();
  // One month is one window, so the fake's last answer is the whole truth.
  CliResult r = run_cli({"novita", "usage", "--category", "cloud_storage", "--start", "2026-10",
                         "-o", "csv"},
                        novita_env(cloud));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
  REQUIRE(rows.size() == 32);  // 31 days
  model::Decimal total;
  bool refund = false;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    total += *model::Decimal::parse(rows[i][9]);
    refund = refund || rows[i][9] == "-2";  // the 15th: a credit, kept and signed
  }
  CHECK(refund);
  CHECK(total.to_string() == cloud.last_answer().total);
  CHECK(cloud.last_answer().rows == 31);
  // The JSON keeps the fractional "size * time" as sent.
  CliResult json = run_cli({"novita", "usage", "--category", "cloud_storage", "--start",
                            "2026-10-02", "--end", "2026-10-03", "-o", "json"},
                           novita_env(cloud));
  REQUIRE(json.exit_code == 0);
  CHECK_THAT(json.out, Catch::Contains("\"billNum0\":\"12000."));
}
