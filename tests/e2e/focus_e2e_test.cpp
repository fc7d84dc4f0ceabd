// `gpubill export focus` end to end against the fake cloud (docs/focus.md): three months of
// every provider, each file through the FOCUS checker, the manifest's totals against the
// report's for the same month, the same files summed by sqlite3 after `.import --csv`, a
// rerun replacing a month whole, a failing provider leaving its months as they were.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "gpubill/model/decimal.hpp"
#include "gpubill/util/gzip_file.hpp"
#include "support/csv.hpp"
#include "support/env.hpp"
#include "support/fake_cloud/fake_cloud.hpp"
#include "support/focus_check.hpp"
#include "support/providers.hpp"
#include "support/run_cli.hpp"

using namespace gpubill;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// currency -> exact sum of a CSV column `amount` beside `currency` (FOCUS or gpubill's CSV).
std::map<std::string, std::string> sums_by_currency(const std::string& csv, const std::string& amount,
                                                    const std::string& currency) {
  std::vector<std::vector<std::string>> rows = test::parse_csv(csv);
  std::size_t a = 0, c = 0;
  for (std::size_t i = 0; i < rows[0].size(); ++i) {
    if (rows[0][i] == amount) a = i;
    if (rows[0][i] == currency) c = i;
  }
  REQUIRE(rows[0][a] == amount);
  REQUIRE(rows[0][c] == currency);
  std::map<std::string, model::Decimal> sums;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i][a].empty()) continue;  // gpubill's CSV: no price, in no total
    sums[rows[i][c]] += *model::Decimal::parse(rows[i][a]);
  }
  std::map<std::string, std::string> out;
  for (const auto& [cur, sum] : sums) out[cur] = sum.to_string();
  return out;
}

std::string shell(const std::string& command) {
  FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  REQUIRE(::pclose(p) == 0);
  return out;
}

}  // namespace

TEST_CASE("e2e export focus: 3 months x every provider, checked, exact against the report "
          "and against sqlite3", "[e2e][focus]") {
  test::FakeCloud cloud;
  cloud.start();
  test::TempDir dir;
  const auto env = test::all_providers_env(cloud);
  test::CliResult r = test::run_cli({"export", "focus", "--start", "2026-08", "--end", "2026-11",
                                     "--dir", dir.path()}, env, 120);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(dir.list() == std::vector<std::string>{"billing_period=2026-08", "billing_period=2026-09",
                                               "billing_period=2026-10"});
  for (const char* month : {"2026-08", "2026-09", "2026-10"}) {
    INFO(month);
    const fs::path period = fs::path(dir.path()) / (std::string("billing_period=") + month);
    json manifest = json::parse(read_file(period / "manifest.json"));
    CHECK(manifest["focus_version"] == "1.2");
    CHECK(manifest["billing_period"] == month);
    REQUIRE(manifest["files"].size() == test::all_providers().size());
    for (const json& f : manifest["files"]) {
      const std::string provider = f["provider"];
      INFO(provider);
      CHECK(f["path"] == provider + ".csv.gz");
      std::string csv = util::read_gzip_file((period / f["path"].get<std::string>()).string());
      for (const std::string& problem : test::focus_problems(csv, "1.2")) FAIL_CHECK(problem);
      CHECK(test::parse_csv(csv).size() == f["rows"].get<std::size_t>() + 1);
      CHECK(f["rows"].get<std::size_t>() > 0);  // the fake bills every provider every month
      // The account the answer names (Novita's userId, Hyperstack's wrapper org_id), else
      // `default` (docs/focus.md, BillingAccountId), on every row.
      const std::map<std::string, std::string> accounts = {{"novita", "u-fake"}, {"hyperstack", "6190"}};
      const std::string account = accounts.count(provider) ? accounts.at(provider) : "default";
      std::vector<std::vector<std::string>> table = test::parse_csv(csv);
      std::size_t account_column = 0;
      while (account_column < table[0].size() && table[0][account_column] != "BillingAccountId") ++account_column;
      REQUIRE(account_column < table[0].size());
      for (std::size_t i = 1; i < table.size(); ++i) CHECK(table[i][account_column] == account);
      std::map<std::string, std::string> in_manifest;
      for (const json& t : f["billed_cost"]) in_manifest[t["currency"]] = t["amount"];
      CHECK(sums_by_currency(csv, "BilledCost", "BillingCurrency") == in_manifest);
      // The per-provider report of the same month gives the same totals, exactly.
      const std::string next = std::string(month) == "2026-10" ? "2026-11" : std::string(month) == "2026-09" ? "2026-10" : "2026-09";
      test::CliResult report = test::run_cli({"report", "--providers", provider, "--start", month,
                                              "--end", next, "-o", "csv"}, env, 120);
      REQUIRE(report.exit_code == 0);
      CHECK(sums_by_currency(report.out, "amount", "currency") == in_manifest);
      // A warehouse's view: sqlite3 loads the file as it is and sums it to the same figures.
      const std::string plain = (fs::path(dir.path()) / "plain.csv").string();
      { std::ofstream(plain, std::ios::binary) << csv; }
      const std::string db = (fs::path(dir.path()) / "focus.db").string();
      fs::remove(db);
      std::string sql = shell("sqlite3 '" + db + "' '.import --csv " + plain +
                              " focus' 'SELECT BillingCurrency, decimal_sum(BilledCost) FROM focus "
                              "GROUP BY BillingCurrency ORDER BY 1'");
      std::map<std::string, std::string> from_sqlite;
      std::istringstream lines(sql);
      std::string line;
      while (std::getline(lines, line)) {
        std::size_t bar = line.find('|');
        REQUIRE(bar != std::string::npos);
        from_sqlite[line.substr(0, bar)] = model::Decimal::parse(line.substr(bar + 1))->to_string();
      }
      CHECK(from_sqlite == in_manifest);
    }
  }
  // Nothing half-made is left beside the months.
  for (const auto& e : fs::directory_iterator(dir.path())) {
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
  }
}

// (The name on one line: docs/reliability.md names it, and its test looks for it whole.)
TEST_CASE("e2e export focus: a rerun replaces a month whole, an empty month gets header-only files, and 1.3 on request",
          "[e2e][focus]") {
  test::FakeCloud cloud;
  cloud.start();
  test::TempDir dir;
  const auto env = test::all_providers_env(cloud);
  const fs::path month = fs::path(dir.path()) / "billing_period=2026-10";
  fs::create_directories(month);
  { std::ofstream(month / "stale.csv.gz") << "from an older run"; }
  // What a killed export left (its PID above any pid_max: no process has it), and the folder
  // of one still running (this test's PID): the first goes, the second stays.
  const fs::path dead = fs::path(dir.path()) / ".billing_period=2026-10.tmp-999999999";
  const fs::path dead_aside = fs::path(dir.path()) / ".billing_period=2026-09.tmp-999999999.old";
  const fs::path running = fs::path(dir.path()) / (".billing_period=2026-10.tmp-" + std::to_string(::getpid()));
  for (const fs::path& p : {dead, dead_aside, running}) {
    fs::create_directories(p);
    std::ofstream(p / "gcore.csv.gz") << "half written";
  }
  test::CliResult r = test::run_cli({"export", "focus", "--start", "2026-10", "--end", "2026-11",
                                     "--dir", dir.path(), "--focus-version", "1.3", "--providers",
                                     "gcore,vast"}, env, 120);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(month)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"gcore.csv.gz", "manifest.json", "vast.csv.gz"});
  CHECK_FALSE(fs::exists(dead));
  CHECK_FALSE(fs::exists(dead_aside));
  CHECK(fs::exists(running / "gcore.csv.gz"));
  std::string csv = util::read_gzip_file((month / "gcore.csv.gz").string());
  CHECK(test::focus_problems(csv, "1.3").empty());
  CHECK(json::parse(read_file(month / "manifest.json"))["focus_version"] == "1.3");

  // A month with no charges at Vast: the file is there, with its header and no row.
  test::CliResult empty = test::run_cli({"export", "focus", "--start", "2026-01", "--end", "2026-02",
                                         "--dir", dir.path(), "--providers", "vast"}, env, 120);
  INFO(empty.err);
  REQUIRE(empty.exit_code == 0);
  std::string header_only = util::read_gzip_file(
      (fs::path(dir.path()) / "billing_period=2026-01" / "vast.csv.gz").string());
  REQUIRE(test::parse_csv(header_only).size() == 1);
  CHECK(test::parse_csv(header_only)[0][0] == "BilledCost");
  CHECK(test::focus_problems(header_only, "1.2").empty());
}

TEST_CASE("e2e export focus: a provider failing leaves its months as they were, exit 4",
          "[e2e][focus]") {
  test::FakeCloud cloud;
  cloud.start();
  test::TempDir dir;
  auto env = test::all_providers_env(cloud);
  REQUIRE(test::run_cli({"export", "focus", "--start", "2026-10", "--end", "2026-11", "--dir",
                         dir.path(), "--providers", "gcore,vast"}, env, 120).exit_code == 0);
  const fs::path month = fs::path(dir.path()) / "billing_period=2026-10";
  const std::string before = read_file(month / "manifest.json") + util::read_gzip_file((month / "vast.csv.gz").string());
  const providers::ProviderInfo& vast = test::provider("vast").info();
  env[vast.url_env] = cloud.url_for(vast.url_env, "", "500");
  test::CliResult r = test::run_cli({"export", "focus", "--start", "2026-09", "--end", "2026-11",
                                     "--dir", dir.path(), "--providers", "gcore,vast",
                                     "--retries", "0"}, env, 120);
  INFO(r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("billing_period=2026-10 not written (vast failed); it keeps what it had") != std::string::npos);
  CHECK(r.err.find("billing_period=2026-09 not written (vast failed); it has no folder") != std::string::npos);
  CHECK(read_file(month / "manifest.json") + util::read_gzip_file((month / "vast.csv.gz").string()) == before);
  CHECK(dir.list() == std::vector<std::string>{"billing_period=2026-10"});
}

TEST_CASE("e2e export focus: bad arguments are one line and exit 2", "[e2e][focus]") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"export", "focus", "--dir", "x"}, "export focus: give --start, a month"},
      {{"export", "focus", "--dir", "x", "--start", "2026-08-15"}, "is not the start of a month"},
      {{"export", "focus", "--dir", "x", "--start", "2026-08", "--end", "2026-09-02"}, "is not the start of a month"},
      {{"export", "focus", "--start", "2026-08"}, "--dir is required"},
      {{"export", "focus", "--dir", "x", "--start", "2026-08", "-o", "csv"}, "export focus always writes FOCUS"},
      {{"export", "focus", "--dir", "x", "--start", "2026-08", "--out-file", "f"}, "leave --out-file out"},
      {{"export", "focus", "--dir", "x", "--start", "2026-08", "--fx", "USD"}, "leave --fx out"},
      {{"report", "-o", "focus", "--group-by", "provider"}, "leave --group-by out"},
      {{"runpod", "pods", "--focus-version", "1.3"}, "--focus-version applies to -o focus"},
      {{"providers", "-o", "focus"}, "-o focus applies to cost records"},
      {{"sync", "-o", "focus"}, "-o focus applies to cost records"},
      {{"novita", "balance", "-o", "focus"}, "-o focus applies to cost records"},
      {{"runpod", "pods", "-o", "focus", "--focus-version", "1.4"}, "1.4"},
  };
  for (const auto& [args, message] : cases) {
    test::CliResult r = test::run_cli(args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.out.empty());
  }
}

TEST_CASE("e2e focus: Gcore's tags are FOCUS Tags, and Novita's subscriptions are recurring "
          "purchases in their cycle", "[e2e][focus]") {
  test::FakeCloud cloud;
  cloud.start();
  auto column = [](const std::vector<std::vector<std::string>>& rows, const std::string& name) {
    for (std::size_t i = 0; i < rows[0].size(); ++i) {
      if (rows[0][i] == name) return i;
    }
    FAIL("no column " << name);
    return std::size_t{0};
  };
  // gcore.md 1.6: rows of the resources report carry "tags": [{"team": "ml"}].
  test::CliResult g = test::run_cli({"gcore", "resources", "--start", "2026-10", "--end", "2026-11",
                                     "-o", "focus"}, test::env_for(cloud, "gcore"));
  INFO(g.err);
  REQUIRE(g.exit_code == 0);
  std::vector<std::vector<std::string>> rows = test::parse_csv(g.out);
  REQUIRE(rows.size() > 1);
  for (std::size_t i = 1; i < rows.size(); ++i) CHECK(rows[i][column(rows, "Tags")] == "{\"team\":\"ml\"}");

  test::CliResult n = test::run_cli({"report", "--providers", "novita", "--start", "2026-10",
                                     "--end", "2026-11", "-o", "focus"}, test::env_for(cloud, "novita"));
  INFO(n.err);
  REQUIRE(n.exit_code == 0);
  rows = test::parse_csv(n.out);
  std::size_t purchases = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i][column(rows, "ChargeCategory")] != "Purchase") continue;
    ++purchases;
    CHECK(rows[i][column(rows, "ChargeFrequency")] == "Recurring");
    CHECK(rows[i][column(rows, "BillingPeriodStart")] == "2026-10-01T00:00:00Z");
    CHECK(rows[i][column(rows, "ChargePeriodEnd")] <= "2026-11-01T00:00:00Z");
    CHECK(rows[i][column(rows, "BillingAccountId")] == "u-fake");  // novita.md: userId
  }
  CHECK(purchases > 0);
  bool runs_past = false;  // the subscription bought on 15 October, still paid for in November
  for (std::size_t i = 1; i < rows.size(); ++i) {
    runs_past = runs_past || rows[i][column(rows, "x_ServicePeriodEnd")] == "2026-11-15T00:00:00Z";
  }
  CHECK(runs_past);
}
