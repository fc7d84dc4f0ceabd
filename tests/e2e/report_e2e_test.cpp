// gpubill report across all four fake providers.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <regex>
#include <map>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "gpubill/model/decimal.hpp"
#include "support/csv.hpp"
#include "support/env.hpp"
#include "support/fixtures.hpp"
#include "support/fake_cloud/fake_cloud.hpp"
#include "support/providers.hpp"
#include "support/run_cli.hpp"

using namespace gpubill;
using test::CliResult;
using test::FakeCloud;
using test::run_cli;
using test::run_cli_stderr_on_terminal;

namespace {

std::map<std::string, std::string> env_all(const FakeCloud& cloud) {
  return test::all_providers_env(cloud);
}

// The exact sum of the amount column of `args`' CSV, per currency.
std::map<std::string, model::Decimal> sums(const std::vector<std::string>& args,
                                           const std::map<std::string, std::string>& env) {
  CliResult r = run_cli(args, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::map<std::string, model::Decimal> out;
  std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (!rows[i][9].empty()) out[rows[i][10]] += *model::Decimal::parse(rows[i][9]);
  }
  return out;
}

}  // namespace

TEST_CASE("e2e report: every provider, totals equal the per-provider commands", "[e2e][report]") {
  // ... and each provider's share with its own total equals that total: Runpod's aggregate
  // (/v2/billing totalAmount) and Hyperstack's history (incurred_bill).
  FakeCloud cloud;
  cloud.start();
  auto env = env_all(cloud);
  std::map<std::string, model::Decimal> report =
      sums({"report", "--start", "2026-10", "-o", "csv", "-q"}, env);

  // The same period through the individual commands the report plans use.
  std::map<std::string, model::Decimal> expected;
  std::vector<std::vector<std::string>> commands = {
      {"runpod", "pods", "--grouping", "gpuTypeId"},
      {"runpod", "endpoints", "--grouping", "gpuTypeId"},
      {"runpod", "network-volumes"},
      {"runpod", "clusters"},
      {"runpod", "public-endpoints"},
      {"gcore", "totals"}};
  for (const char* c : {"gpu", "serverless", "cloud_storage", "local_storage", "image", "bare_metal"}) {
    commands.push_back({"novita", "bills", "--category", c});
  }
  for (const char* c : {"gpu", "llm", "serverless", "cloud_storage", "gen_api", "cloud_sandbox",
                        "llm_dedicated_endpoint", "web_search", "bare_metal"}) {
    commands.push_back({"novita", "usage", "--category", c});
  }
  // Hyperstack's lists, whose contracts list answers with no body as documented, fall short of
  // its incurred_bill by the contracts: the report shows the difference as "other".
  commands.push_back({"hyperstack", "history"});
  commands.push_back({"vast", "charges"});
  for (std::vector<std::string> args : commands) {
    args.insert(args.end(), {"--start", "2026-10", "-o", "csv", "-q"});
    for (const auto& [currency, amount] : sums(args, env)) expected[currency] += amount;
  }
  std::map<std::string, model::Decimal> runpod_share =
      sums({"report", "--providers", "runpod", "--start", "2026-10", "-o", "csv", "-q"}, env);
  std::map<std::string, model::Decimal> aggregate =
      sums({"runpod", "all", "--start", "2026-10", "-o", "csv", "-q"}, env);
  CHECK(runpod_share == aggregate);
  CHECK(aggregate.at("USD") == *model::Decimal::parse(cloud.last_answer().total));
  CliResult hyperstack = run_cli({"report", "--providers", "hyperstack", "--start", "2026-10",
                                  "--group-by", "provider,service", "-o", "csv"},
                                 env);
  CHECK(hyperstack.exit_code == 0);
  CHECK_THAT(hyperstack.err, Catch::Contains("report: hyperstack: its own total differs from what "
                                             "its parts add up to by " +
                                             test::hyperstack_list_truth("contract", 31).total +
                                             " USD over 1 period(s): shown as service 'other'"));
  std::map<std::string, model::Decimal> history =
      sums({"hyperstack", "history", "--start", "2026-10", "-o", "csv", "-q"}, env);
  std::map<std::string, model::Decimal> lists;
  std::string other;
  for (const auto& row : test::parse_csv(hyperstack.out)) {
    if (row[1] == "other") other = row[9];
    if (row[0] == "hyperstack" && !row[9].empty()) lists[row[10]] += *model::Decimal::parse(row[9]);
  }
  CHECK(lists == history);
  CHECK(other == test::hyperstack_list_truth("contract", 31).total);  // exactly the contracts

  // The other reading of the docs (incurred_bill = the four components): the lists bill more
  // than that total. Nothing real is taken away: no 'other' row, the lists as they are, said.
  auto narrow = env;
  narrow["GPUBILL_HYPERSTACK_URL"] = cloud.hyperstack_url("components-only");
  CliResult more = run_cli({"report", "--providers", "hyperstack", "--start", "2026-10",
                            "--group-by", "provider,service", "-o", "csv"},
                           narrow);
  CHECK(more.exit_code == 0);
  CHECK_THAT(more.err, Catch::Contains("more than its own total"));
  CHECK_THAT(more.err, Catch::Contains("kept as they are (nothing is subtracted)"));
  for (const auto& row : test::parse_csv(more.out)) CHECK(row[1] != "other");
  REQUIRE(report.size() == 2);
  CHECK(report["EUR"] == expected["EUR"]);
  CHECK(report["USD"] == expected["USD"]);

  CliResult json = run_cli({"report", "--start", "2026-10", "-o", "json", "-q"}, env);
  REQUIRE(json.exit_code == 0);
  nlohmann::json doc = nlohmann::json::parse(json.out);
  CHECK(doc["query"]["providers"].size() == test::all_providers().size());
  CHECK(doc["query"]["failed_providers"].empty());
  CHECK(doc["query"]["group_by"] == nlohmann::json::array({"provider", "service"}));
  REQUIRE(doc["totals"].size() == 2);
  std::smatch m;
  REQUIRE(std::regex_search(json.out, m, std::regex(R"("totals": \[\{"currency": "EUR", "amount": ([0-9.]+)\}, \{"currency": "USD", "amount": ([0-9.]+)\}\])")));
  CHECK(m[1].str() == report["EUR"].to_string());
  CHECK(m[2].str() == report["USD"].to_string());
}

// contract_id on a VM (hyperstack.md 2) and the contracts list: the docs do not say whether a
// VM under a contract is billed in both. gpubill counts each list as it answers; under the
// reading where they overlap (`contract-overlap`: two VMs under contract 1000, which the
// history counts once, inside the contract) the report's parts exceed incurred_bill by
// exactly those VMs, and stderr says so (docs/providers/hyperstack.md).
TEST_CASE("e2e report: Hyperstack VMs under a contract billed twice are said, never hidden", "[e2e][report]") {
  FakeCloud cloud;
  cloud.start();
  auto env = env_all(cloud);
  env["GPUBILL_HYPERSTACK_URL"] = cloud.hyperstack_url("contract-overlap");
  CliResult vms = run_cli({"hyperstack", "vms", "--start", "2026-10", "-o", "json", "-q"}, env);
  REQUIRE(vms.exit_code == 0);
  nlohmann::json doc = nlohmann::json::parse(vms.out);
  model::Decimal under_contract;
  std::size_t n = 0;
  for (const nlohmann::json& rec : doc["records"]) {
    if (rec["attributes"]["contract_id"] == 1000) {
      ++n;
      under_contract += *model::Decimal::parse(rec["amount"].dump());
    }
  }
  CHECK(n == 2);
  std::map<std::string, model::Decimal> history =
      sums({"hyperstack", "history", "--start", "2026-10", "-o", "csv", "-q"}, env);
  CliResult r = run_cli({"report", "--providers", "hyperstack", "--start", "2026-10", "--group-by",
                         "provider,service", "-o", "csv"},
                        env);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  model::Decimal parts;
  for (const auto& row : test::parse_csv(r.out)) {
    CHECK(row[1] != "other");
    if (row[0] == "hyperstack" && !row[9].empty()) parts += *model::Decimal::parse(row[9]);
  }
  CHECK(parts - history.at("USD") == under_contract);
  CHECK_THAT(r.err, Catch::Contains("report: hyperstack: its parts add up to " + parts.to_string() +
                                    " USD for 2026-10-01T00:00:00Z .. 2026-11-01T00:00:00Z, more than its own "
                                    "total " + history.at("USD").to_string()));
}

// Novita's monthly statements are its own total: each issued month's totalAmount less its
// voucherPayAmount is what the bill lines' payAmount add up to, matched by billing month (a
// subscription from the 15th is in the statement of the month it starts, though its period
// runs into the next). The fake's statements are made from its bills; `statement-extra`
// puts $1.2345 a month in them that no bill line shows.
TEST_CASE("e2e report: Novita's share equals its issued statements, the rest shown as other", "[e2e][report]") {
  FakeCloud cloud;
  cloud.start();
  auto env = env_all(cloud);
  std::vector<std::string> args = {"report", "--providers", "novita", "--start", "2026-06", "--end", "2026-12",
                                   "--group-by", "provider,service", "-o", "csv"};
  CliResult exact = run_cli(args, env);
  INFO(exact.err);
  REQUIRE(exact.exit_code == 0);
  CHECK(exact.err.find("own total") == std::string::npos);
  for (const auto& row : test::parse_csv(exact.out)) CHECK(row[1] != "other");
  // October alone, against the statement read on its own.
  CliResult statements = run_cli({"novita", "statements", "--start", "2026-10", "-o", "json", "-q"}, env);
  REQUIRE(statements.exit_code == 0);
  nlohmann::json october = nlohmann::json::parse(statements.out)["records"][0];
  REQUIRE(october["attributes"]["billingMonth"] == "2026-10");
  model::Decimal own = *model::Decimal::parse(october["attributes"]["totalAmount"].get<std::string>()) -
                       *model::Decimal::parse(october["attributes"]["voucherPayAmount"].get<std::string>());
  CHECK(sums({"report", "--providers", "novita", "--start", "2026-10", "-o", "csv", "-q"}, env).at("USD") ==
        own.divided_by(10'000));

  env["GPUBILL_NOVITA_URL"] = cloud.novita_url("statement-extra");
  CliResult extra = run_cli(args, env);
  REQUIRE(extra.exit_code == 0);
  // June to October are issued; November's statement is pending (still running): not compared.
  CHECK_THAT(extra.err, Catch::Contains("report: novita: its own total differs from what its parts add up "
                                        "to by 6.1725 USD over 5 period(s): shown as service 'other'"));
  std::vector<std::string> others;
  for (const auto& row : test::parse_csv(extra.out)) {
    if (row[1] == "other") others.push_back(row[7] + " " + row[8] + " " + row[9]);
  }
  CHECK(others == std::vector<std::string>{"2026-06-01T00:00:00Z 2026-11-01T00:00:00Z 6.1725"});
  // A report from the middle of a month is not compared with that month's statement: what
  // the statement holds beyond the parts may be money of the days not asked for.
  CliResult middle = run_cli({"report", "--providers", "novita", "--start", "2026-10-15", "--end", "2026-11-01",
                              "--group-by", "provider,service", "-o", "csv"},
                             env);
  REQUIRE(middle.exit_code == 0);
  CHECK(middle.err.find("own total") == std::string::npos);
  for (const auto& row : test::parse_csv(middle.out)) CHECK(row[1] != "other");
}

TEST_CASE("e2e report: one provider down, the rest printed, exit 4", "[e2e][report]") {
  FakeCloud cloud;
  cloud.start();
  auto env = env_all(cloud);
  env["GPUBILL_NOVITA_URL"] = cloud.novita_url("500");
  CliResult r = run_cli({"report", "--start", "2026-10", "--retries", "0", "--group-by",
                         "provider", "-o", "csv", "-q"},
                        env);
  CHECK(r.exit_code == 4);
  std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
  std::set<std::string> providers;
  for (std::size_t i = 1; i < rows.size(); ++i) providers.insert(rows[i][0]);
  CHECK(providers == std::set<std::string>{"gcore", "hyperstack", "runpod", "vast"});
  CHECK_THAT(r.err, Catch::StartsWith("gpubill: report: novita: GET /openapi/v1/billing/bill/monthly/list: 500"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("e2e report: keys, --providers and grouping", "[e2e][report]") {
  FakeCloud cloud;
  cloud.start();
  CliResult none = run_cli({"report"}, {});
  CHECK(none.exit_code == 3);
  CHECK_THAT(none.err, Catch::Contains("RUNPOD_API_KEY, NOVITA_API_KEY, GCORE_API_KEY, HYPERSTACK_API_KEY"));

  auto env = env_all(cloud);
  CliResult gcore_only = run_cli({"report", "--providers", "gcore", "--start", "2026-10",
                                  "--group-by", "provider,gpu", "-o", "json", "-q"},
                                 env);
  REQUIRE(gcore_only.exit_code == 0);
  nlohmann::json doc = nlohmann::json::parse(gcore_only.out);
  CHECK(doc["query"]["providers"] == nlohmann::json::array({"gcore"}));
  bool h100 = false;
  for (const auto& rec : doc["records"]) {
    CHECK(rec["provider"] == "gcore");
    CHECK(rec["service"].is_null());  // not a grouping key
    h100 = h100 || rec["gpu_type"] == "8 x H100 80GB";
  }
  CHECK(h100);

  auto only_bad_key = env;
  only_bad_key["GCORE_API_KEY"] = "gc_WRONG_0000000000";
  CliResult all_failed = run_cli({"report", "--providers", "gcore"}, only_bad_key);
  CHECK(all_failed.exit_code == 3);  // every provider failed on credentials

  CliResult bad = run_cli({"report", "--providers", "azure"}, env);
  CHECK(bad.exit_code == 2);
  CliResult bad_key = run_cli({"report", "--group-by", "colour"}, env);
  CHECK(bad_key.exit_code == 2);
  CliResult by_day = run_cli({"report", "--start", "2026-10-01", "--end", "2026-10-03",
                              "--providers", "runpod", "--group-by", "provider,day", "-o", "csv",
                              "-q"},
                             env);
  REQUIRE(by_day.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(by_day.out);
  REQUIRE(rows.size() == 3);  // Oct 1, Oct 2
  CHECK(rows[1][7] == "2026-10-01T00:00:00Z");
  CHECK(rows[2][8] == "2026-10-03T00:00:00Z");
}

TEST_CASE("e2e report: --fx converts into one currency, says so, and never guesses a rate",
          "[e2e][report][fx]") {
  FakeCloud cloud;
  cloud.start();
  auto env = env_all(cloud);
  std::map<std::string, model::Decimal> before =
      sums({"report", "--start", "2026-10", "-o", "csv", "-q"}, env);
  REQUIRE(before.count("EUR") == 1);
  // Each EUR record (Gcore's) is converted on its own, before grouping: the expected total is the
  // USD total plus each EUR record times the rate.
  CliResult gcore = run_cli({"gcore", "totals", "--start", "2026-10", "-o", "csv", "-q"}, env);
  REQUIRE(gcore.exit_code == 0);
  model::Decimal expected = before["USD"];
  model::Decimal rate = *model::Decimal::parse("1.08");
  std::vector<std::vector<std::string>> gcore_rows = test::parse_csv(gcore.out);
  for (std::size_t i = 1; i < gcore_rows.size(); ++i) {
    if (gcore_rows[i][10] == "EUR" && !gcore_rows[i][9].empty()) {
      expected += *model::Decimal::parse(gcore_rows[i][9]) * rate;
    }
  }

  CliResult json = run_cli({"report", "--start", "2026-10", "--fx", "USD", "--fx", "EUR=1.08",
                            "-o", "json"},
                           env);
  INFO(json.err);
  REQUIRE(json.exit_code == 0);
  CHECK_THAT(json.err, !Catch::Contains("--fx"));  // every currency had a rate
  nlohmann::json doc = nlohmann::json::parse(json.out);
  CHECK(doc["query"]["fx"] == nlohmann::json::parse(R"({"target": "USD", "rates": {"EUR": "1.08"}})"));
  REQUIRE(doc["totals"].size() == 1);
  CHECK(doc["totals"][0]["currency"] == "USD");
  std::smatch m;
  REQUIRE(std::regex_search(json.out, m, std::regex(R"("totals": \[\{"currency": "USD", "amount": ([0-9.]+)\}\])")));
  CHECK(m[1].str() == expected.to_string());
  bool marked = false;
  for (const auto& rec : doc["records"]) {
    if (rec["amount"].is_null()) continue;  // Gcore's unpriced rows: no amount, no currency
    CHECK(rec["currency"] == "USD");
    if (rec["attributes"].contains("gpubill_fx")) {
      CHECK(rec["provider"] == "gcore");
      CHECK(rec["attributes"]["gpubill_fx"]["EUR"]["rate"] == "1.08");
      marked = true;
    }
  }
  CHECK(marked);

  // The same in one line: comma-separated, lower case.
  CliResult csv = run_cli({"report", "--start", "2026-10", "--fx", "usd,eur=1.08", "--group-by",
                           "provider", "-o", "csv", "-q"},
                          env);
  REQUIRE(csv.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(csv.out);
  REQUIRE(rows.size() == 7);  // five providers, and Gcore's unpriced image (no currency)
  CHECK(rows[0].size() == 17);
  CHECK(rows[0][14] == "fx_from");
  CHECK(rows[0][15] == "fx_rate");
  CHECK(rows[0][16] == "fx_original_amount");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    INFO(rows[i][0]);
    if (rows[i][9].empty()) continue;
    CHECK(rows[i][10] == "USD");
    if (rows[i][0] == "gcore") {
      CHECK(rows[i][14] == "EUR");
      CHECK(rows[i][15] == "1.08");
      CHECK(rows[i][16] == before["EUR"].to_string());
    } else {
      CHECK(rows[i][14].empty());
    }
  }

  CliResult table = run_cli({"report", "--start", "2026-10", "--fx", "USD", "--fx", "EUR=1.08",
                             "--group-by", "provider", "-q"},
                            env);
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Matches(R"([\s\S]*\ngcore [ 0-9:.-]+[0-9,]+\.[0-9]{2}\*  USD\n[\s\S]*)"));
  CHECK_THAT(table.out, Catch::Contains("* converted to USD at the rates given with --fx: 1 EUR = 1.08 USD"));
  CHECK_THAT(table.out, !Catch::Contains("EUR  "));

  // A currency without a rate stays as it is, and stderr says so.
  CliResult partial = run_cli({"report", "--start", "2026-10", "--fx", "EUR", "--fx", "GBP=1.17",
                               "-o", "json"},
                              env);
  REQUIRE(partial.exit_code == 0);
  CHECK_THAT(partial.err, Catch::Contains("no --fx rate for USD"));
  CHECK(nlohmann::json::parse(partial.out)["totals"].size() == 2);

  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"--fx", "EUR=1.08"}, {"--fx", "USD"},
                                             {"--fx", "USD", "--fx", "EUR=-1"},
                                             {"--fx", "USD", "--fx", "EUR=one"}}) {
    std::vector<std::string> args = {"report"};
    args.insert(args.end(), bad.begin(), bad.end());
    CliResult r = run_cli(args, env);
    INFO(args[1] + " " + args[2]);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("gpubill: --fx"));
    CHECK(r.out.empty());
  }
}

TEST_CASE("e2e report: --group-by gpu compares one GPU model across providers",
          "[e2e][report][gpu]") {
  FakeCloud cloud;
  cloud.start();
  auto env = env_all(cloud);
  CliResult json = run_cli({"report", "--start", "2026-10", "--group-by", "provider,gpu", "-o",
                            "json", "-q"},
                           env);
  REQUIRE(json.exit_code == 0);
  std::set<std::string> h100_from;
  nlohmann::json doc = nlohmann::json::parse(json.out);
  for (const auto& rec : doc["records"]) {
    if (rec["gpu_model"] == "H100 80GB") h100_from.insert(rec["provider"].get<std::string>());
  }
  // Runpod's "NVIDIA H100 80GB HBM3", Novita's "NVIDIA H100 80GB x8" and Gcore's
  // bm3-ai-1xlarge-h100-80-8 are one GPU.
  CHECK(h100_from == std::set<std::string>{"gcore", "novita", "runpod"});

  CliResult csv = run_cli({"report", "--start", "2026-10", "--group-by", "gpu", "-o", "csv", "-q"},
                          env);
  REQUIRE(csv.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(csv.out);
  REQUIRE(rows.size() > 2);
  REQUIRE(rows[0].size() == 16);
  CHECK(rows[0][14] == "gpu_hours");
  CHECK(rows[0][15] == "cost_per_gpu_hour");
  bool gcore_h100 = false;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const std::vector<std::string>& row = rows[i];
    if (row[14].empty()) {
      CHECK(row[15].empty());
      continue;
    }
    // Price per GPU hour is the amount over the GPU hours, to 12 places.
    model::Decimal amount = *model::Decimal::parse(row[9]);
    model::Decimal hours = *model::Decimal::parse(row[14]);
    CHECK(row[15] == amount.divided_by(hours).to_string());
    if (row[5] == "H100 80GB" && row[10] == "EUR") {
      gcore_h100 = true;
      CHECK(row[14] == "5952");  // 744 server hours x 8 GPUs
      CHECK(row[4] == "8 x H100 80GB");
    }
  }
  CHECK(gcore_h100);

  CliResult table = run_cli({"report", "--start", "2026-10", "--group-by", "gpu", "-q"}, env);
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("GPU_HOURS  COST_PER_GPU_HOUR"));
  CHECK_THAT(table.out, Catch::Matches(R"([\s\S]*H100 80GB .* EUR +5952\.00 +2\.8000\n[\s\S]*)"));
}

TEST_CASE("e2e report: live status lines on a terminal, none otherwise", "[e2e][report][progress]") {
  FakeCloud cloud;
  cloud.start();
  auto env = env_all(cloud);
  env["GPUBILL_NOVITA_URL"] = cloud.novita_url("500");
  CliResult tty = run_cli_stderr_on_terminal(
      {"report", "--start", "2026-10", "--retries", "0", "-o", "csv"}, env);
  CHECK(tty.exit_code == 4);
  INFO(tty.err);
  // One line per provider, redrawn in place (cursor up, clear line), ending in its final state.
  CHECK_THAT(tty.err, Catch::Contains("\x1b[1A\r\x1b[2K"));
  CHECK_THAT(tty.err, Catch::Contains("running"));
  CHECK_THAT(tty.err, Catch::Matches(R"([\s\S]*runpod +done +[0-9]+ record\(s\) in [0-9.]+ s[\s\S]*)"));
  CHECK_THAT(tty.err, Catch::Matches(R"([\s\S]*gcore +done +9 record\(s\) in [0-9.]+ s[\s\S]*)"));
  CHECK_THAT(tty.err, Catch::Matches(R"([\s\S]*novita +failed +after [0-9.]+ s \(see below\)[\s\S]*)"));
  // The failure itself is still one plain line, after the status lines.
  std::size_t last_status = tty.err.rfind("(see below)");
  std::size_t failure = tty.err.find("gpubill: report: novita:");
  CHECK(failure != std::string::npos);
  CHECK(failure > last_status);
  CHECK(test::parse_csv(tty.out).size() > 1);  // stdout is the CSV alone

  CliResult quiet = run_cli_stderr_on_terminal({"report", "--start", "2026-10", "-q"}, env_all(cloud));
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.err.empty());
  CliResult dumb = [&] {
    auto e = env_all(cloud);
    e["TERM"] = "dumb";
    return run_cli_stderr_on_terminal({"report", "--start", "2026-10"}, e);
  }();
  CHECK_THAT(dumb.err, !Catch::Contains("running"));
  CliResult piped = run_cli({"report", "--start", "2026-10"}, env_all(cloud));
  CHECK_THAT(piped.err, !Catch::Contains("running"));
  CHECK_THAT(piped.err, !Catch::Contains("\x1b"));
}

TEST_CASE("e2e report: providers answering slowly are asked concurrently",
          "[e2e][report][latency]") {
  // 400 ms per answer (bench/report_latency.sh measures at the issue's 200 ms): on a loaded
  // 2-core CI machine a provider's thread can take longer than 200 ms to send its first
  // request, and then Gcore's single request may already be answered; 400 ms keeps "all four
  // at once" a statement about gpubill, not about the scheduler.
  constexpr int k_latency_ms = 400;
  FakeCloud::Options slow_options;
  slow_options.latency_ms = k_latency_ms;
  FakeCloud slow(slow_options);
  slow.start();
  CliResult r = run_cli({"report", "--start", "2026-10", "-o", "json", "-q"}, env_all(slow));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  std::vector<test::LatencyInterval> waits = slow.latency_intervals();
  std::set<std::string> providers;
  for (const test::LatencyInterval& w : waits) providers.insert(w.provider);
  REQUIRE(providers == std::set<std::string>{"gcore", "hyperstack", "novita", "runpod", "vast"});
  // Run one after another, the requests would take at least the sum of their latencies.
  double sum_of_latencies = k_latency_ms / 1000.0 * static_cast<double>(waits.size());
  INFO(waits.size() << " requests, " << sum_of_latencies << " s of latency, report took "
                    << r.seconds << " s");
  // (At 200 ms, one run here: 32 requests, 6.4 s of latency, 1.0 s of wall time. The margin
  // is for a loaded CI machine; bench/report_latency.sh measures.)
  CHECK(r.seconds < sum_of_latencies * 0.75);
  // At some moment every provider was being waited on at once.
  auto t0 = waits.front().start;
  for (const test::LatencyInterval& w : waits) t0 = std::min(t0, w.start);
  std::string timeline;
  for (const test::LatencyInterval& w : waits) {
    timeline += w.provider + " " +
                std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(w.start - t0).count()) + ".." +
                std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(w.end - t0).count()) + " ms; ";
  }
  INFO("requests (start..end after the first): " << timeline);
  std::size_t most = 0;
  for (const test::LatencyInterval& at : waits) {
    std::set<std::string> busy;
    for (const test::LatencyInterval& w : waits) {
      if (w.start <= at.start && at.start < w.end) busy.insert(w.provider);
    }
    most = std::max(most, busy.size());
  }
  CHECK(most == providers.size());
  // ... and never more than 4 requests to one provider (Novita's and Gcore's limit, and
  // gpubill's default for the others), although a report sends several commands to each.
  for (const std::string& provider : providers) {
    std::size_t peak = 0;
    for (const test::LatencyInterval& at : waits) {
      if (at.provider != provider) continue;
      std::size_t busy = 0;
      for (const test::LatencyInterval& w : waits) {
        busy += w.provider == provider && w.start <= at.start && at.start < w.end ? 1 : 0;
      }
      peak = std::max(peak, busy);
    }
    INFO(provider);
    CHECK(peak <= 4);
  }

  // Latency changes nothing in the answer.
  FakeCloud fast;
  fast.start();
  CliResult same = run_cli({"report", "--start", "2026-10", "-o", "json", "-q"}, env_all(fast));
  REQUIRE(same.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["totals"] == nlohmann::json::parse(same.out)["totals"]);
  CHECK(nlohmann::json::parse(r.out)["records"] == nlohmann::json::parse(same.out)["records"]);
}

TEST_CASE("e2e: windows fetched in parallel print exactly what a serial run prints",
          "[e2e][report][parallel]") {
  FakeCloud cloud;
  cloud.start();
  auto env = env_all(cloud);
  // Four months: four Novita and Gcore windows, fetched up to 4 at a time or one by one.
  const std::vector<std::vector<std::string>> commands = {
      {"novita", "bills", "--start", "2026-08-01", "--end", "2026-12-01", "-o", "csv"},
      {"gcore", "totals", "--start", "2026-08-01", "--end", "2026-12-01", "-o", "csv"},
      {"report", "--start", "2026-08-01", "--end", "2026-12-01", "-o", "json"},
  };
  for (const std::vector<std::string>& command : commands) {
    INFO(command[0] << " " << command[1]);
    std::vector<std::string> serial = command;
    serial.insert(serial.end(), {"--parallel", "1"});
    std::vector<std::string> parallel = command;
    parallel.insert(parallel.end(), {"--parallel", "4"});
    CliResult a = run_cli(serial, env);
    CliResult b = run_cli(parallel, env);
    REQUIRE(a.exit_code == 0);
    REQUIRE(b.exit_code == 0);
    CHECK(std::count(a.out.begin(), a.out.end(), '\n') > 3);  // something to compare
    CHECK(a.out == b.out);
  }
}

TEST_CASE("e2e report: every amount in its own month, three months equal three one-month reports",
          "[e2e][report][period]") {
  FakeCloud cloud;
  cloud.start();
  auto env = env_all(cloud);
  // (provider, currency, month of the row's START) -> exact sum
  using Key = std::tuple<std::string, std::string, std::string>;
  auto by_month = [&](const std::vector<std::string>& args) {
    CliResult r = run_cli(args, env);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::map<Key, model::Decimal> out;
    std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
    REQUIRE(rows.size() > 1);
    for (std::size_t i = 1; i < rows.size(); ++i) {
      if (rows[i][9].empty()) continue;
      out[{rows[i][0], rows[i][10], rows[i][7].substr(0, 7)}] += *model::Decimal::parse(rows[i][9]);
    }
    return out;
  };
  std::map<Key, model::Decimal> quarter = by_month(
      {"report", "--start", "2026-08", "--end", "2026-11", "--group-by", "provider,month", "-o", "csv", "-q"});
  std::map<Key, model::Decimal> months;
  for (const char* month : {"2026-08", "2026-09", "2026-10"}) {
    for (const auto& [key, amount] : by_month({"report", "--start", month, "--group-by", "provider",
                                               "-o", "csv", "-q"})) {
      months[{std::get<0>(key), std::get<1>(key), month}] += amount;
    }
  }
  CHECK(quarter == months);
  for (const char* provider : {"runpod", "novita", "gcore", "hyperstack"}) {
    for (const char* month : {"2026-08", "2026-09", "2026-10"}) {
      INFO(provider << " " << month);
      CHECK(quarter.count({provider, provider == std::string("gcore") ? "EUR" : "USD", month}) == 1);
    }
  }

  // The issue's example: Hyperstack's three months are three rows, each ending where it should.
  CliResult hs = run_cli({"report", "--providers", "hyperstack", "--start", "2026-08", "--end",
                          "2026-11", "--group-by", "provider,month", "-o", "csv"},
                         env);
  REQUIRE(hs.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(hs.out);
  REQUIRE(rows.size() == 4);
  CHECK(rows[1][7] == "2026-08-01T00:00:00Z");
  CHECK(rows[1][8] == "2026-09-01T00:00:00Z");
  CHECK(rows[3][8] == "2026-11-01T00:00:00Z");

  // What no API splits (a Novita subscription from the 15th) keeps its true period, marked,
  // and the table says so under it.
  CliResult table = run_cli({"report", "--providers", "novita", "--start", "2026-08", "--end",
                             "2026-11", "--group-by", "provider,month"},
                            env);
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("2026-09-15 00:00  2026-10-15 00:00"));
  CHECK_THAT(table.out, Catch::Contains("\n3 row(s) cover more than one month: the provider billed "
                                        "them as one amount, so they are shown with their own "
                                        "START and END, not filed under one month.\n"));
  CliResult json = run_cli({"report", "--providers", "novita", "--start", "2026-08", "--end",
                            "2026-11", "--group-by", "provider,month", "-o", "json"},
                           env);
  REQUIRE(json.exit_code == 0);
  nlohmann::json doc = nlohmann::json::parse(json.out);
  std::size_t marked = 0;
  for (const auto& r : doc["records"]) {
    if (r["attributes"].contains("gpubill_spans_buckets")) ++marked;
  }
  CHECK(marked == 3);
}

// A rate so large that an amount times it leaves exact decimal's range ended in "internal
// error ... please report this" (issue 17): it is a usage error naming the rate.
TEST_CASE("e2e report: an --fx rate too large for any amount is a usage error", "[e2e][report]") {
  FakeCloud cloud;
  cloud.start();
  CliResult r = run_cli({"report", "--providers", "gcore", "--start", "2026-10", "--fx", "USD", "--fx",
                         "EUR=100000000000000000", "-o", "csv", "-q"},
                        env_all(cloud));
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("--fx EUR=100000000000000000: ") &&
                        Catch::Contains("EUR at that rate is more than gpubill can hold (a quintillion): check the rate"));
  CHECK_THAT(r.err, !Catch::Contains("internal error"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

// A partial report (exit 4) at --out-file replaced last night's whole file, and a CSV has no
// room to say it is partial (issue 17). JSON and the table say so inside; CSV and NDJSON go
// beside the file unless --allow-partial, and a whole report later removes that leftover.
TEST_CASE("e2e report: a partial CSV never replaces a whole --out-file unless asked",
          "[e2e][report][files]") {
  test::TempDir dir;
  for (const char* fmt : {"csv", "ndjson", "json"}) {
    INFO(fmt);
    // A fake per format: one fake's Runpod v2 window (60 requests) would run low.
    FakeCloud cloud;
    cloud.start();
    auto env = env_all(cloud);
    auto down = env;
    down["GPUBILL_NOVITA_URL"] = cloud.novita_url("500");
    if (std::string(fmt) == "json") {
      // JSON (and the table) are marked inside, so they are replaced.
      std::string file = dir.path() + "/report.json";
      CliResult partial = run_cli({"report", "--start", "2026-10", "--retries", "0", "-q", "-o",
                                   "json", "--out-file", file}, down);
      CHECK(partial.exit_code == 4);
      CHECK(partial.err.find(".partial") == std::string::npos);
      nlohmann::json doc = nlohmann::json::parse(test::read_file(file));
      CHECK(doc["query"]["complete"] == false);
      CHECK(doc["query"]["failed_providers"] == nlohmann::json::array({"novita"}));
      std::string table = dir.path() + "/report.txt";
      CHECK(run_cli({"report", "--start", "2026-10", "--retries", "0", "-q", "--out-file", table},
                    down).exit_code == 4);
      CHECK_THAT(test::read_file(table), Catch::Contains("totals exclude: novita"));
      CliResult whole = run_cli({"report", "--start", "2026-10", "-q", "-o", "json", "--out-file",
                                 file}, env);
      CHECK(whole.exit_code == 0);
      CHECK(nlohmann::json::parse(test::read_file(file))["query"]["complete"] == true);
      continue;
    }
    std::string file = dir.path() + "/gpus." + fmt;
    std::vector<std::string> args = {"report", "--start", "2026-10", "--retries", "0", "-q",
                                     "-o", fmt, "--out-file", file};
    CliResult whole = run_cli(args, env);
    REQUIRE(whole.exit_code == 0);
    std::string before = test::read_file(file);
    REQUIRE(before.find("novita") != std::string::npos);

    CliResult partial = run_cli(args, down);
    CHECK(partial.exit_code == 4);
    CHECK(test::read_file(file) == before);  // untouched
    std::string aside = test::read_file(file + ".partial");
    CHECK(aside.find("novita") == std::string::npos);
    CHECK(aside.find("runpod") != std::string::npos);
    CHECK_THAT(partial.err, Catch::Contains("gpubill: report: partial (exit 4): written to " +
                                            file + ".partial; " + file +
                                            " was left as it was (--allow-partial writes there)\n"));
    CHECK(std::count(partial.err.begin(), partial.err.end(), '\n') == 2);  // novita's line too

    std::vector<std::string> allowed = args;
    allowed.push_back("--allow-partial");
    CliResult forced = run_cli(allowed, down);
    CHECK(forced.exit_code == 4);
    CHECK(test::read_file(file) == aside);  // asked for: replaced

    CliResult again = run_cli(args, env);  // whole again: the leftover goes
    CHECK(again.exit_code == 0);
    CHECK(test::read_file(file) == before);
    struct stat st {};
    CHECK(::stat((file + ".partial").c_str(), &st) != 0);
  }
}
