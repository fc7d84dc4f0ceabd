// The Provider contract, proven over the registry (issue 19), as rclone's fstests prove every
// backend: each resource of each registered provider, run through the real binary against
// the fake cloud, must answer its documented data inside the asked period in ISO currencies,
// end every generic fault (generic_faults()) in its documented exit code with one line naming
// the provider, never show a key, and print the same bytes at --parallel 1 and 4. A provider
// added to the registry is in every case here; all it adds is its ConformanceFixture below.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "gpubill/model/period.hpp"
#include "gpubill/providers/provider.hpp"
#include "support/env.hpp"
#include "gpubill/model/decimal.hpp"
#include "support/csv.hpp"
#include "support/fake_cloud/fake_cloud.hpp"
#include "support/focus_check.hpp"
#include "support/providers.hpp"
#include "support/run_cli.hpp"

using namespace gpubill;
using nlohmann::json;

namespace {

/// What the suite must know of a provider that the registry does not say.
struct ConformanceFixture {
  std::string name;
  /// A period in which every cost resource has records in the fake's data.
  std::string start = "2026-10-01";
  std::string end = "2026-11-01";
  /// The provider's own fault route whose pages never end (a page or cursor that repeats
  /// forever), and the resources it applies to; empty: the provider does not page.
  std::string endless_paging_fault{};
  std::vector<std::string> paged_resources{};
  /// Resources whose records may end after the asked period: those a provider files by
  /// when they start (a subscription bought in the period runs past it).
  std::set<std::string> may_run_past_end{};
  /// Resources whose docs give a 200 answer with no body (Hyperstack's contracts list,
  /// hyperstack.md 6): there an empty body is a warning, not an error.
  std::set<std::string> empty_body_documented{};
  /// For those, the provider's own fault route under which they answer a body (the docs'
  /// guess of one), for the generic faults to spoil.
  std::map<std::string, std::string> body_fault{};
};

const std::vector<ConformanceFixture>& fixtures() {
  static const std::vector<ConformanceFixture> all = {
      {"runpod"},
      {"novita", "2026-10-01", "2026-11-01", "endless-pages", {"statements"}, {"bills"}},
      {"gcore", "2026-10-01", "2026-11-01", "", {}, {}},
      {"hyperstack", "2026-10-01", "2026-11-01", "ignore-page", {"vms"}, {}, {"contracts"},
       {{"contracts", "contract-json"}}},
      {"vast", "2026-10-01", "2026-11-01", "repeat-cursor", {"charges"}},
  };
  return all;
}

const ConformanceFixture* fixture_for(const std::string& name) {
  for (const ConformanceFixture& f : fixtures()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// The arguments that ask `r` of `p` over the fixture's period (a balance has none).
std::vector<std::string> args_for(const providers::Provider& p, const providers::ResourceSpec& r,
                                  const ConformanceFixture& f) {
  std::vector<std::string> args = {p.info().name, r.name};
  if (r.kind == providers::ResourceKind::cost_records) {
    args.insert(args.end(), {"--start", f.start, "--end", f.end});
  }
  return args;
}

struct Case {
  const providers::Provider* provider;
  const providers::ResourceSpec* resource;
  const ConformanceFixture* fixture;
};

std::vector<Case> every_resource() {
  std::vector<Case> out;
  for (const providers::Provider* p : test::all_providers()) {
    const ConformanceFixture* f = fixture_for(p->info().name);
    if (f == nullptr) continue;  // the registry case below fails for it
    for (const providers::ResourceSpec& r : p->resources()) out.push_back({p, &r, f});
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// stderr holds one error line, naming the provider; warnings before it are allowed.
void check_one_error_line(const std::string& err, const std::string& provider) {
  std::vector<std::string> errors;
  for (const std::string& line : lines_of(err)) {
    if (line.rfind("gpubill: warning", 0) != 0) errors.push_back(line);
  }
  INFO(err);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].rfind("gpubill: " + provider + ":", 0) == 0);
}

std::string name_of(const Case& c) { return c.provider->info().name + " " + c.resource->name; }

}  // namespace

TEST_CASE("conformance: every registered provider has a fixture and sound declarations",
          "[e2e][conformance]") {
  REQUIRE(!test::all_providers().empty());
  for (const providers::Provider* p : test::all_providers()) {
    const providers::ProviderInfo& info = p->info();
    INFO(info.name);
    CHECK(fixture_for(info.name) != nullptr);  // add its ConformanceFixture above
    CHECK(std::regex_match(info.key_env, std::regex("[A-Z][A-Z0-9_]*_API_KEY")));
    CHECK(!info.url_env.empty());
    CHECK(info.default_base_url.rfind("https://", 0) == 0);
    REQUIRE(!p->resources().empty());
    std::set<std::string> names;
    for (const providers::ResourceSpec& r : p->resources()) {
      CHECK(names.insert(r.name).second);
      CHECK(r.example.rfind("gpubill " + info.name + " " + r.name, 0) == 0);
    }
    // report_plan()'s and report_total()'s resources exist, and are cost resources.
    std::vector<providers::ReportPart> parts = p->report_plan();
    if (std::optional<providers::ReportPart> total = p->report_total()) parts.push_back(*total);
    CHECK(!p->report_plan().empty());
    for (const providers::ReportPart& part : parts) {
      INFO(part.resource);
      auto it = std::find_if(p->resources().begin(), p->resources().end(),
                             [&](const providers::ResourceSpec& r) { return r.name == part.resource; });
      REQUIRE(it != p->resources().end());
      CHECK(it->kind == providers::ResourceKind::cost_records);
      for (const auto& [flag, values] : part.options) {
        INFO(flag);
        CHECK(std::any_of(it->options.begin(), it->options.end(),
                          [&](const providers::OptionSpec& o) { return o.flag == flag; }));
      }
    }
    if (!info.check_resource.empty()) {
      CHECK(std::any_of(p->resources().begin(), p->resources().end(),
                        [&](const providers::ResourceSpec& r) { return r.name == info.check_resource; }));
    }
  }
}

TEST_CASE("conformance: every resource answers inside the asked period, in ISO currencies",
          "[e2e][conformance]") {
  const std::regex iso_currency("[A-Z]{3}");
  for (const Case& c : every_resource()) {
    INFO(name_of(c));
    test::FakeCloud cloud;  // a fresh one each: the fake's Runpod v2 window is 60 requests
    cloud.start();
    std::vector<std::string> args = args_for(*c.provider, *c.resource, *c.fixture);
    args.insert(args.end(), {"-o", "json"});
    test::CliResult r = test::run_cli(args, test::env_for(cloud, c.provider->info()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    json doc = json::parse(r.out);
    if (c.resource->kind == providers::ResourceKind::balance) {
      CHECK(doc.dump().find(cloud.key_for(c.provider->info().name)) == std::string::npos);
      continue;
    }
    REQUIRE(doc.contains("records"));
    REQUIRE(!doc["records"].empty());  // the fixture's period has data for every resource
    model::Timestamp start = *model::parse_provider_time(c.fixture->start);
    model::Timestamp end = *model::parse_provider_time(c.fixture->end);
    for (const json& rec : doc["records"]) {
      INFO(rec.dump());
      CHECK(rec["provider"] == c.provider->info().name);
      REQUIRE(rec["period_start"].is_string());
      REQUIRE(rec["period_end"].is_string());
      std::string s = rec["period_start"], e = rec["period_end"];
      CHECK(s.back() == 'Z');
      CHECK(e.back() == 'Z');
      std::optional<model::Timestamp> ps = model::parse_provider_time(s);
      std::optional<model::Timestamp> pe = model::parse_provider_time(e);
      REQUIRE(ps);
      REQUIRE(pe);
      CHECK(*ps < *pe);  // half-open and never empty
      if (c.resource->fixed_period.empty()) {
        CHECK(*ps >= start);
        CHECK(*ps < end);
        if (c.fixture->may_run_past_end.count(c.resource->name) == 0) CHECK(*pe <= end);
      }
      // An amount has an ISO currency; only a row with no price (amount null) may lack one.
      CHECK((rec["amount"].is_null() || rec["amount"].is_number()));
      if (!rec["amount"].is_null() || !rec["currency"].is_null()) {
        REQUIRE(rec["currency"].is_string());
        CHECK(std::regex_match(rec["currency"].get<std::string>(), iso_currency));
      }
    }
  }
}

namespace {

// `c` asked behind the generic `fault`: its documented exit code (3 for a refused key, 1 for
// everything else), nothing on stdout, one error line naming the provider, no key anywhere.
// A resource whose empty answer is documented instead prints its warning and exits 0.
void check_generic_fault(const Case& c, const std::string& fault) {
  INFO(name_of(c) << " behind generic fault " << fault);
  test::FakeCloud cloud;
  cloud.start();
  std::vector<std::string> args = args_for(*c.provider, *c.resource, *c.fixture);
  // No retries and a short timeout: the exit code is the first answer's.
  args.insert(args.end(), {"--retries", "0", "--timeout", "1", "-o", "csv"});
  auto own = c.fixture->body_fault.find(c.resource->name);
  std::string own_fault = own == c.fixture->body_fault.end() ? "" : own->second;
  test::CliResult r =
      test::run_cli(args, test::env_for(cloud, c.provider->info(), own_fault, fault), 30);
  INFO(r.err);
  std::string key = cloud.key_for(c.provider->info().name);
  CHECK(r.out.find(key) == std::string::npos);
  CHECK(r.err.find(key) == std::string::npos);
  if (fault == "empty" && c.fixture->empty_body_documented.count(c.resource->name) == 1) {
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("gpubill: warning: " + name_of(c) + ": ") == 0);
    return;
  }
  CHECK(r.exit_code == (fault == "401" || fault == "403" ? 3 : 1));
  CHECK(r.out.empty());  // never a silently empty or partial table
  check_one_error_line(r.err, c.provider->info().name);
}

}  // namespace

TEST_CASE("conformance: every generic fault ends in its exit code with one line naming the provider",
          "[e2e][conformance]") {
  std::size_t ran = 0;
  for (const Case& c : every_resource()) {
    for (const std::string& fault : test::generic_faults()) {
      if (fault == "slow") continue;  // its own case below: it waits
      check_generic_fault(c, fault);
      ++ran;
    }
  }
  CHECK(ran >= 4 * 11);
}

TEST_CASE("conformance: a slow answer ends at --timeout with one line naming the provider",
          "[e2e][conformance]") {
  for (const Case& c : every_resource()) check_generic_fault(c, "slow");
}

TEST_CASE("conformance: a page or cursor that repeats forever is an error, not a hang",
          "[e2e][conformance]") {
  std::size_t ran = 0;
  for (const Case& c : every_resource()) {
    const std::vector<std::string>& paged = c.fixture->paged_resources;
    if (std::find(paged.begin(), paged.end(), c.resource->name) == paged.end()) continue;
    INFO(name_of(c) << " behind its fault " << c.fixture->endless_paging_fault);
    test::FakeCloud cloud;
    cloud.start();
    test::CliResult r = test::run_cli(
        args_for(*c.provider, *c.resource, *c.fixture),
        test::env_for(cloud, c.provider->info(), c.fixture->endless_paging_fault), 60);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    check_one_error_line(r.err, c.provider->info().name);
    ++ran;
  }
  CHECK(ran >= 2);
}

TEST_CASE("conformance: --parallel 1 and 4 print the same bytes", "[e2e][conformance]") {
  for (const Case& c : every_resource()) {
    INFO(name_of(c));
    std::string outputs[2];
    for (int i = 0; i < 2; ++i) {
      test::FakeCloud cloud;
      cloud.start();
      std::vector<std::string> args = args_for(*c.provider, *c.resource, *c.fixture);
      args.insert(args.end(), {"--parallel", i == 0 ? "1" : "4", "-o", "csv"});
      test::CliResult r = test::run_cli(args, test::env_for(cloud, c.provider->info()));
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      outputs[i] = r.out;
    }
    CHECK(!outputs[0].empty());
    CHECK(outputs[0] == outputs[1]);
  }
}

TEST_CASE("conformance: every cost resource's -o focus passes the FOCUS checker",
          "[e2e][conformance][focus]") {
  test::FakeCloud cloud;
  cloud.start();
  for (const Case& c : every_resource()) {
    if (c.resource->kind != providers::ResourceKind::cost_records) continue;
    INFO(name_of(c));
    test::CliResult r = test::run_cli({c.provider->info().name, c.resource->name, "--start",
                                       c.fixture->start, "--end", c.fixture->end, "-o", "focus"},
                                      test::env_for(cloud, c.provider->info()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> problems = test::focus_problems(r.out, "1.2");
    for (const std::string& p : problems) FAIL_CHECK(p);
    // The fake has records in the fixture's period; some may have no amount, said on stderr.
    bool left_out = r.err.find("no FOCUS row can hold them") != std::string::npos;
    CHECK((test::parse_csv(r.out).size() > 1 || left_out));
  }
}

TEST_CASE("conformance: each provider's report as FOCUS 1.2 and 1.3: checked, mapped, and "
          "summing to the report's totals exactly", "[e2e][conformance][focus]") {
  test::FakeCloud cloud;
  cloud.start();
  for (const providers::Provider* p : test::all_providers()) {
    const std::string& name = p->info().name;
    INFO(name);
    const std::vector<std::string> period = {"--start", "2026-08", "--end", "2026-11"};
    std::vector<std::string> args = {"report", "--providers", name};
    args.insert(args.end(), period.begin(), period.end());
    std::vector<std::string> csv_args = args;
    csv_args.insert(csv_args.end(), {"-o", "csv"});
    test::CliResult report = test::run_cli(csv_args, test::env_for(cloud, p->info()));
    INFO(report.err);
    REQUIRE((report.exit_code == 0 || report.exit_code == 4));
    // The report's totals, exactly: its grouped rows' amounts added per currency.
    std::map<std::string, std::string> expected;
    {
      std::vector<std::vector<std::string>> rows = test::parse_csv(report.out);
      std::map<std::string, model::Decimal> sums;
      for (std::size_t i = 1; i < rows.size(); ++i) {
        if (rows[i][9].empty()) continue;  // no price: in no total
        sums[rows[i][10]] += *model::Decimal::parse(rows[i][9]);
      }
      for (const auto& [currency, sum] : sums) expected[currency] = sum.to_string();
    }
    REQUIRE(test::parse_csv(report.out)[0][9] == "amount");
    REQUIRE(test::parse_csv(report.out)[0][10] == "currency");
    for (const std::string version : {"1.2", "1.3"}) {
      INFO(version);
      std::vector<std::string> focus_args = args;
      focus_args.insert(focus_args.end(), {"-o", "focus", "--focus-version", version});
      test::CliResult r = test::run_cli(focus_args, test::env_for(cloud, p->info()));
      INFO(r.err);
      REQUIRE(r.exit_code == report.exit_code);
      for (const std::string& problem : test::focus_problems(r.out, version)) FAIL_CHECK(problem);
      std::vector<std::vector<std::string>> rows = test::parse_csv(r.out);
      REQUIRE(rows.size() > 1);
      std::map<std::string, std::size_t> col;
      for (std::size_t i = 0; i < rows[0].size(); ++i) col[rows[0][i]] = i;
      CHECK(col.count("ServiceProviderName") == (version == "1.3" ? 1u : 0u));
      // Exact: per currency, BilledCost adds up to the report's own totals.
      std::map<std::string, model::Decimal> sums;
      for (std::size_t i = 1; i < rows.size(); ++i) {
        std::optional<model::Decimal> cost = model::Decimal::parse(rows[i][col["BilledCost"]]);
        REQUIRE(cost);
        sums[rows[i][col["BillingCurrency"]]] += *cost;
        // Every service of the provider's report has its own mapping, not the fallback.
        if (rows[i][col["x_GpubillService"]] != "other") {
          INFO(rows[i][col["x_GpubillService"]]);
          CHECK(rows[i][col["ServiceName"]] != "Other");
        }
        CHECK(rows[i][col["ProviderName"]] == p->info().focus.provider_name);
      }
      std::map<std::string, std::string> got;
      for (const auto& [currency, sum] : sums) got[currency] = sum.to_string();
      CHECK(got == expected);
    }
  }
}
