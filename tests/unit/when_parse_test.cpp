#include <catch2/catch.hpp>

#include "gpubill/cli/when_parse.hpp"
#include "gpubill/util/error.hpp"

using namespace gpubill;
using model::format_rfc3339;

namespace {
const model::Timestamp k_now = *model::parse_provider_time("2026-11-23T15:30:00Z");

std::string period(const char* start, const char* end) {
  model::Period p = cli::resolve_period(start, end, k_now);
  return format_rfc3339(p.start) + " " + format_rfc3339(p.end);
}
}  // namespace

TEST_CASE("when: every documented form", "[cli][when]") {
  auto begin = [](const char* text) {
    return format_rfc3339(cli::parse_when(text, k_now, "--start").begin);
  };
  CHECK(begin("2026-11-01") == "2026-11-01T00:00:00Z");
  CHECK(begin("2026-11-01T06:00:00Z") == "2026-11-01T06:00:00Z");
  CHECK(begin("2026-11-01T06:00:00+01:00") == "2026-11-01T05:00:00Z");
  CHECK(begin("2026-11") == "2026-11-01T00:00:00Z");
  CHECK(begin("today") == "2026-11-23T00:00:00Z");
  CHECK(begin("yesterday") == "2026-11-22T00:00:00Z");
  CHECK(begin("this-month") == "2026-11-01T00:00:00Z");
  CHECK(begin("last-month") == "2026-10-01T00:00:00Z");
  CHECK(begin("7d") == "2026-11-16T00:00:00Z");
  CHECK(begin("0d") == "2026-11-23T00:00:00Z");
  CHECK(begin("30d") == "2026-10-24T00:00:00Z");
}

TEST_CASE("when: bad input is a usage error naming the flag", "[cli][when]") {
  for (const char* bad : {"", "tomorrow", "d", "-3d", "3 d", "3days", "2026-13", "2026-1",
                          "11/01/2026", "2026-11-31", "99999999999d"}) {
    INFO("input: '" << bad << "'");
    CHECK_THROWS_WITH(cli::parse_when(bad, k_now, "--end"), Catch::Contains("--end"));
    CHECK_THROWS_AS(cli::parse_when(bad, k_now, "--end"), UsageError);
  }
}

TEST_CASE("period: defaults and spans", "[cli][when]") {
  CHECK(period("", "") == "2026-11-01T00:00:00Z 2026-11-23T15:30:00Z");
  CHECK(period("last-month", "") == "2026-10-01T00:00:00Z 2026-11-01T00:00:00Z");
  CHECK(period("2026-10", "") == "2026-10-01T00:00:00Z 2026-11-01T00:00:00Z");
  CHECK(period("yesterday", "") == "2026-11-22T00:00:00Z 2026-11-23T00:00:00Z");
  CHECK(period("today", "") == "2026-11-23T00:00:00Z 2026-11-23T15:30:00Z");
  CHECK(period("this-month", "") == "2026-11-01T00:00:00Z 2026-11-23T15:30:00Z");
  CHECK(period("2026-10-01", "") == "2026-10-01T00:00:00Z 2026-11-23T15:30:00Z");
  CHECK(period("7d", "") == "2026-11-16T00:00:00Z 2026-11-23T15:30:00Z");
  CHECK(period("2026-10-01", "2026-11-01") == "2026-10-01T00:00:00Z 2026-11-01T00:00:00Z");
  CHECK(period("2026-10", "2026-11") == "2026-10-01T00:00:00Z 2026-11-01T00:00:00Z");
  CHECK(period("", "2026-11-01") == "2026-10-01T00:00:00Z 2026-11-01T00:00:00Z");
  CHECK(period("", "2026-10-15T12:00:00Z") == "2026-10-01T00:00:00Z 2026-10-15T12:00:00Z");
  CHECK(period("last-month", "this-month") == "2026-10-01T00:00:00Z 2026-11-01T00:00:00Z");
}

TEST_CASE("period: empty or reversed is a usage error", "[cli][when]") {
  CHECK_THROWS_AS(cli::resolve_period("2026-11-01", "2026-11-01", k_now), UsageError);
  CHECK_THROWS_AS(cli::resolve_period("2026-11-02", "2026-11-01", k_now), UsageError);
  CHECK_THROWS_AS(cli::resolve_period("2027-01", "", k_now), UsageError);  // all in the future
  CHECK_THROWS_WITH(cli::resolve_period("2026-11-02", "2026-11-01", k_now),
                    Catch::Contains("exclusive"));
}
