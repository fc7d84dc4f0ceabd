// What a person reads above and below a table says the truth about periods and failures:
// golden files of the real binary against the fake cloud (fixtures/golden/captions/).
#include <catch2/catch.hpp>

#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/env.hpp"
#include "support/fake_cloud/fake_cloud.hpp"
#include "support/golden.hpp"
#include "support/run_cli.hpp"
#include "gpubill/util/text.hpp"

using namespace gpubill;
using test::CliResult;
using test::FakeCloud;
using test::run_cli;

namespace {

std::map<std::string, std::string> env_all(const FakeCloud& cloud, const std::string& gcore_fault = "") {
  return test::all_providers_env(cloud, {{"GPUBILL_GCORE_URL", cloud.gcore_url(gcore_fault)}});
}

}  // namespace

TEST_CASE("e2e captions: the period asked and the period the rows cover, when they differ",
          "[e2e][captions][golden]") {
  FakeCloud cloud;
  cloud.start();
  auto env = env_all(cloud);
  struct Case {
    const char* golden;
    std::vector<std::string> args;
  };
  const Case cases[] = {
      // --last N: no --start/--end was asked; the rows are the last N buckets (today so far).
      {"captions/runpod_last.table.txt", {"runpod", "pods", "--last", "2", "--bucket", "day"}},
      // Week buckets start on Monday: from a Wednesday, the first week is asked in days and
      // shown from the Wednesday (v2 would otherwise answer the whole week).
      {"captions/runpod_week.table.txt",
       {"runpod", "pods", "--bucket", "week", "--start", "2026-10-07", "--end", "2026-10-19"}},
      // The current month, still growing.
      {"captions/runpod_month_so_far.table.txt", {"runpod", "endpoints", "--bucket", "month"}},
      {"captions/hyperstack_last_day.table.txt", {"hyperstack", "last-day"}},
      {"captions/gcore_reservations.table.txt",
       {"gcore", "reservations", "--month", "2026-09", "--start", "2026-11"}},
      // Nothing to say: the rows are the period asked.
      {"captions/hyperstack_history.table.txt", {"hyperstack", "history", "--start", "2026-10"}},
      // Months that a subscription crosses keep it whole, and say so.
      {"captions/report_spanning.table.txt",
       {"report", "--providers", "novita", "--start", "2026-08", "--end", "2026-11", "--group-by",
        "provider,month"}},
  };
  for (const Case& c : cases) {
    INFO(c.golden);
    CliResult r = run_cli(c.args, env);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    test::check_golden(c.golden, r.out);
  }

  // JSON says the same in its query block.
  CliResult last = run_cli({"runpod", "pods", "--last", "2", "--bucket", "day", "-o", "json"}, env);
  REQUIRE(last.exit_code == 0);
  nlohmann::json doc = nlohmann::json::parse(last.out);
  CHECK(doc["query"]["asked"] == "--last 2");
  CHECK(doc["query"]["rows_cover"] == nlohmann::json({{"start", "2026-11-22T00:00:00Z"},
                                                      {"end", "2026-11-24T00:00:00Z"}}));
  CliResult plain = run_cli({"hyperstack", "history", "--start", "2026-10", "-o", "json"}, env);
  nlohmann::json plain_doc = nlohmann::json::parse(plain.out);
  CHECK_FALSE(plain_doc["query"].contains("rows_cover"));
  CHECK_FALSE(plain_doc["query"].contains("asked"));
}

TEST_CASE("e2e captions: a failed provider is named under the numbers it is missing from",
          "[e2e][captions][golden][report]") {
  FakeCloud cloud;
  cloud.start();
  CliResult r = run_cli({"report", "--start", "2026-10", "--group-by", "provider", "--retries", "0"},
                        env_all(cloud, "500"));
  CHECK(r.exit_code == 4);
  test::check_golden("captions/report_failed.table.txt", r.out);
  CHECK_THAT(r.err, Catch::Contains("gpubill: report: gcore: POST /cloud/v1/cost_report/totals: 500"));
  CliResult json = run_cli({"report", "--start", "2026-10", "--retries", "0", "-o", "json"},
                           env_all(cloud, "500"));
  CHECK(json.exit_code == 4);
  nlohmann::json doc = nlohmann::json::parse(json.out);
  CHECK(doc["query"]["failed_providers"] == nlohmann::json::array({"gcore"}));
}

namespace {
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', at)) {
    out.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}
std::vector<std::string> total_lines(const std::string& text) {
  std::vector<std::string> out;
  for (const std::string& l : lines_of(text)) {
    if (l.rfind("TOTAL", 0) == 0) {
      // the amount and currency, whatever the column widths
      std::istringstream words(l);
      std::vector<std::string> w((std::istream_iterator<std::string>(words)), std::istream_iterator<std::string>());
      out.push_back(w.size() >= 2 ? w[w.size() - 2] + " " + w.back() : l);
    }
  }
  return out;
}
}  // namespace

// No table fitted 80 columns (report 107, runpod pods 122, gcore totals 203, gcore resources
// 238), and a person's terminal wrapped every row (issue 18). On a terminal the table now fits
// its width, money never cut; a pipe and --wide get it whole, as before.
TEST_CASE("e2e: every table of the demo fits an 80-column terminal with its money intact",
          "[e2e][format][width]") {
  const std::vector<std::vector<std::string>> commands = {
      {"report", "--start", "2026-10"},
      {"report", "--start", "2026-10", "--group-by", "gpu"},
      {"report", "--start", "2026-08", "--end", "2026-11", "--group-by", "provider,month"},
      {"runpod", "pods", "--bucket", "month", "--start", "2026-08", "--end", "2026-12"},
      {"runpod", "pods", "--bucket", "week", "--grouping", "podId", "--start", "2026-10"},
      {"runpod", "endpoints", "--bucket", "month", "--start", "2026-10", "--grouping", "gpuTypeId"},
      {"novita", "bills", "--category", "gpu", "--start", "2026-08-01", "--end", "2026-11-01"},
      {"novita", "usage", "--cycle", "month", "--start", "2026-08", "--end", "2026-11"},
      {"gcore", "totals", "--start", "2026-09-01", "--end", "2026-11-01"},
      {"gcore", "resources", "--start", "2026-10"},
      {"hyperstack", "history", "--start", "2026-10"},
      {"hyperstack", "vms", "--start", "2026-10"},
  };
  for (const std::vector<std::string>& args : commands) {
    std::string shown;
    for (const std::string& a : args) shown += a + " ";
    INFO(shown);
    test::FakeCloud cloud;  // one per command: a fake's Runpod v2 window is 60 requests
    cloud.start();
    auto env = test::all_providers_env(cloud, {{"NO_COLOR", "1"}});  // widths without escapes
    auto quiet = args;
    quiet.push_back("-q");
    test::CliResult piped = test::run_cli(quiet, env);
    REQUIRE(piped.exit_code == 0);
    test::CliResult fitted = test::run_cli_stdout_on_terminal(quiet, env, 80);
    REQUIRE(fitted.exit_code == 0);
    for (const std::string& line : lines_of(fitted.out)) {
      INFO(line);
      CHECK(util::display_width(line) <= 80);
    }
    // The totals, the money, are the same to the cent as in the whole table.
    CHECK(total_lines(fitted.out) == total_lines(piped.out));
    CHECK_FALSE(total_lines(piped.out).empty());
    // --wide on the terminal is the whole table, as a pipe gets it.
    auto wide = quiet;
    wide.push_back("--wide");
    CHECK(test::run_cli_stdout_on_terminal(wide, env, 80).out == piped.out);
    // Two of them as a person sees them, reviewed as golden files.
    if (shown == "report --start 2026-10 ") test::check_golden("fitted/report_80.txt", fitted.out);
    if (shown == "gcore resources --start 2026-10 ") {
      test::check_golden("fitted/gcore_resources_80.txt", fitted.out);
    }
  }
}
