#include <catch2/catch.hpp>

#include "gpubill/cli/run.hpp"
#include "gpubill/providers/registry.hpp"
#include "gpubill/util/error.hpp"
#include "support/providers.hpp"

using namespace gpubill;

namespace {
cli::Invocation parse(std::vector<std::string> args) {
  static std::vector<std::unique_ptr<providers::Provider>> all = providers::make_all_providers();
  return cli::parse(args, all);
}
}  // namespace

TEST_CASE("cli: a resource with its filters and global options in any position", "[cli]") {
  cli::Invocation inv = parse({"-o", "csv", "runpod", "endpoints", "--datacenter", "EU-RO-1",
                               "--start", "2026-10", "--datacenter", "US-TX-3", "--bucket",
                               "week", "--out-file", "x.csv", "-v"});
  CHECK(inv.kind == cli::Invocation::Kind::resource);
  CHECK(inv.provider == "runpod");
  CHECK(inv.resource == "endpoints");
  CHECK(inv.global.output == "csv");
  CHECK(inv.global.start == "2026-10");
  CHECK(inv.global.out_file == "x.csv");
  CHECK(inv.global.verbose == 1);
  CHECK(inv.options["datacenter"] == std::vector<std::string>{"EU-RO-1", "US-TX-3"});
  CHECK(inv.options["bucket"] == std::vector<std::string>{"week"});
  CHECK_FALSE(inv.options.count("grouping"));
}

TEST_CASE("cli: help and version are messages for stdout", "[cli]") {
  CHECK_THAT(parse({"--version"}).message, Catch::StartsWith("gpubill 0."));
  CHECK_THAT(parse({"--help"}).message, Catch::Contains("Exit codes"));
  CHECK_THAT(parse({"runpod", "pods", "--help"}).message, Catch::Contains("Example:"));
  CHECK_THAT(parse({"runpod", "--help"}).message, Catch::Contains("network-volumes"));
  CHECK(parse({"providers"}).kind == cli::Invocation::Kind::providers);
}

TEST_CASE("cli: bad command lines are usage errors", "[cli]") {
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"runpod"},
      {"azure"},
      {"runpod", "pods", "--bucket", "fortnight"},
      {"runpod", "pods", "--bucket", "day", "--bucket", "hour"},
      {"runpod", "pods", "--grouping", "endpointId"},
      {"runpod", "pods", "--datacenter", "EU-RO-1"},
      {"runpod", "pods", "-o", "xml"},
      {"runpod", "pods", "--retries", "-1"},
      {"runpod", "pods", "--timeout", "0"},
      {"runpod", "pods", "-q", "-v"},
      {"runpod", "pods", "extra"},
  };
  for (const auto& args : bad) {
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    INFO("args: " << joined);
    CHECK_THROWS_AS(parse(args), UsageError);
  }
}

namespace {
std::string mistake(std::vector<std::string> args) {
  try {
    parse(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

// A new user's first mistakes got CLI11's raw words ("a command is required", "The following
// arguments were not expected: day --bukcet") (issue 18). Each now names the fix in one line.
TEST_CASE("cli: each mistake names its fix in one line", "[cli][mistakes]") {
  CHECK(mistake({"reprot"}) ==
        "unknown command 'reprot': did you mean 'report'? (see 'gpubill --help')");
  CHECK(mistake({"runpod", "pod"}) ==
        "unknown command 'runpod pod': did you mean 'runpod pods'? (see 'gpubill runpod --help')");
  CHECK(mistake({"azure"}) ==
        "unknown command 'azure': use one of providers, report, sync, ledger, export, config, completion, " + test::provider_names() +
            " (see 'gpubill --help')");
  CHECK(mistake({"runpod", "pods", "--bukcet", "day"}) ==
        "unknown flag --bukcet for 'gpubill runpod pods': did you mean --bucket? "
        "(see 'gpubill runpod pods --help')");
  CHECK(mistake({"runpod", "pods", "--category", "gpu"}) ==
        "--category is a flag of 'gpubill novita bills' and 'gpubill novita usage', not of "
        "'gpubill runpod pods' (see 'gpubill runpod pods --help')");
  CHECK(mistake({"runpod", "pods", "--bucket", "dya"}) ==
        "--bucket: 'dya' is not one of hour, day, week, month, year; did you mean 'day'? "
        "(see 'gpubill runpod pods --help')");
  CHECK(mistake({"runpod", "pods", "--bucket=fortnight"}) ==
        "--bucket: 'fortnight' is not one of hour, day, week, month, year "
        "(see 'gpubill runpod pods --help')");
  CHECK(mistake({"runpod", "pods", "--start"}) ==
        "--start needs WHEN (see 'gpubill runpod pods --help')");
  CHECK(mistake({"report", "-o"}) ==
        "-o needs a value: one of table, csv, json, ndjson, focus (see 'gpubill report --help')");
  CHECK(mistake({"runpod"}) ==
        "'gpubill runpod' needs a command: pods, endpoints, network-volumes, all, clusters, "
        "public-endpoints (see 'gpubill runpod --help')");
  CHECK(mistake({}) == "'gpubill' needs a command: providers, report, sync, ledger, export, config, completion, " +
                           test::provider_names() + " (see 'gpubill --help')");
  CHECK(mistake({"runpod", "pods", "extra"}) ==
        "unexpected argument 'extra' for 'gpubill runpod pods' (see 'gpubill runpod pods --help')");
  CHECK(mistake({"runpod", "pods", "-x"}) ==
        "unknown flag -x for 'gpubill runpod pods' (see 'gpubill runpod pods --help')");
  CHECK(mistake({"runpod", "--bucket", "day", "pods"}) ==
        "--bucket is a flag of 'gpubill runpod pods', 'gpubill runpod endpoints', 'gpubill "
        "runpod network-volumes' and 4 more, not of 'gpubill runpod' "
        "(see 'gpubill runpod --help')");
}

// --version said only "gpubill 0.1.0" (issue 18): which commit, which build, which libcurl?
TEST_CASE("cli: --version names the commit, the build type and libcurl", "[cli]") {
  std::string v = parse({"--version"}).message;
  CHECK_THAT(v, Catch::Matches("gpubill [0-9]+\\.[0-9]+\\.[0-9]+ \\(commit ([0-9a-f]{12}(-dirty)?|unknown), "
                               "[A-Za-z]+ build\\)\nlibcurl [0-9]+\\.[0-9]+\\.[0-9]+.*\n"));
}

TEST_CASE("cli: help, version and choices in any case", "[cli][mistakes]") {
  CHECK_THAT(parse({"help"}).message, Catch::Contains("Exit codes"));
  CHECK(parse({"help", "runpod", "pods"}).message == parse({"runpod", "pods", "--help"}).message);
  CHECK_THAT(mistake({"help", "reprot"}), Catch::StartsWith("unknown command 'reprot'"));
  CHECK(parse({"version"}).message == parse({"--version"}).message);
  CHECK(parse({"-V"}).message == parse({"--version"}).message);
  CHECK(parse({"runpod", "pods", "-o", "CSV"}).global.output == "csv");
  CHECK(parse({"runpod", "pods", "-oJSON"}).global.output == "json");
  CHECK(parse({"runpod", "pods", "--output=Table"}).global.output == "table");
  cli::Invocation inv = parse({"runpod", "pods", "--grouping", "podid", "--bucket", "DAY"});
  CHECK(inv.options["grouping"] == std::vector<std::string>{"podId"});
  CHECK(inv.options["bucket"] == std::vector<std::string>{"day"});
  // Values that are not choices are left as typed; what follows -- is not looked at.
  CHECK(parse({"runpod", "pods", "--start", "Yesterday"}).global.start == "Yesterday");
}

// The same idea had several names (--bucket, Novita's --cycle; Gcore's --type, Novita's
// --category) (issue 18). The idea's name now works on each command; the old ones still do.
TEST_CASE("cli: one name per idea, old names kept as aliases", "[cli]") {
  cli::Invocation inv = parse({"novita", "usage", "--bucket", "month", "--type", "gpu"});
  CHECK(inv.options["cycle"] == std::vector<std::string>{"month"});
  CHECK(inv.options["category"] == std::vector<std::string>{"gpu"});
  cli::Invocation old = parse({"novita", "usage", "--cycle", "month", "--category", "gpu"});
  CHECK(old.options == inv.options);
  CHECK(parse({"novita", "bills", "--type", "gpu"}).options["category"] == std::vector<std::string>{"gpu"});
  CHECK_THROWS_WITH(parse({"novita", "usage", "--bucket", "day", "--cycle", "month"}),
                    Catch::Contains("given 2 times"));
  CHECK(parse({"gcore", "totals", "--type", "ai_cluster"}).options["type"] ==
        std::vector<std::string>{"ai_cluster"});
}
