#include <catch2/catch.hpp>

#include "gpubill/cli/run.hpp"
#include "gpubill/providers/registry.hpp"
#include "gpubill/util/error.hpp"

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
