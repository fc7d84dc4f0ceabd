#include <catch2/catch.hpp>

#include "gpubill/model/period.hpp"

using namespace gpubill::model;

namespace {
std::string norm(const char* text) {
  std::optional<Timestamp> t = parse_provider_time(text);
  REQUIRE(t.has_value());
  return format_rfc3339(*t);
}
}  // namespace

TEST_CASE("time: every provider time form becomes UTC", "[model][time]") {
  CHECK(norm("2026-06-01T00:00:00Z") == "2026-06-01T00:00:00Z");
  CHECK(norm("2026-06-01T00:00:00z") == "2026-06-01T00:00:00Z");
  CHECK(norm("2026-06-01t10:20:30Z") == "2026-06-01T10:20:30Z");
  CHECK(norm("2026-06-01T02:00:00+02:00") == "2026-06-01T00:00:00Z");
  CHECK(norm("2026-06-01T00:00:00-05:30") == "2026-06-01T05:30:00Z");
  CHECK(norm("2026-06-01T00:00:00+0200") == "2026-05-31T22:00:00Z");
  CHECK(norm("2026-06-01T00:00:00+02") == "2026-05-31T22:00:00Z");
  CHECK(norm("2026-06-01T00:00:00.123Z") == "2026-06-01T00:00:00Z");
  CHECK(norm("2026-06-01T00:00:59.999999+00:00") == "2026-06-01T00:00:59Z");
  CHECK(norm("2026-04-06 15:00:00") == "2026-04-06T15:00:00Z");  // Runpod, no zone = UTC
  CHECK(norm("2026-04-06T15:00") == "2026-04-06T15:00:00Z");
  CHECK(norm("2026-04-06") == "2026-04-06T00:00:00Z");
  CHECK(norm("2024-02-29T12:00:00Z") == "2024-02-29T12:00:00Z");
  CHECK(norm("2026-12-31T23:59:59-01:00") == "2027-01-01T00:59:59Z");
}

TEST_CASE("time: impossible or foreign forms are rejected", "[model][time]") {
  for (const char* bad : {"", "2026", "2026-6-1", "2026-02-30", "2025-02-29", "2026-13-01",
                          "2026-06-01T24:00:00Z", "2026-06-01T10:60:00Z", "2026-06-01X10:00:00",
                          "2026-06-01T10:00:00 Z", "2026-06-01T10:00:00+2", "1969-12-31",
                          "2026-06-01T10:00:00.Z", "1717200000", "June 1 2026",
                          "2026-06-01T10:00:00Zjunk", "2026-06-01T10:00:00+25:00"}) {
    INFO("input: '" << bad << "'");
    CHECK_FALSE(parse_provider_time(bad).has_value());
  }
}

TEST_CASE("time: calendar helpers", "[model][time]") {
  Timestamp t = *parse_provider_time("2026-01-31T10:00:00Z");
  CHECK(format_rfc3339(start_of_day(t)) == "2026-01-31T00:00:00Z");
  CHECK(format_rfc3339(start_of_month(t)) == "2026-01-01T00:00:00Z");
  CHECK(format_rfc3339(add_months(t, 1)) == "2026-02-28T10:00:00Z");
  CHECK(format_rfc3339(add_months(t, -2)) == "2025-11-30T10:00:00Z");
  CHECK(format_date(t) == "2026-01-31");
}

TEST_CASE("period: half-open", "[model][time]") {
  Period p{*parse_provider_time("2026-10-01"), *parse_provider_time("2026-11-01")};
  CHECK(p.contains(p.start));
  CHECK_FALSE(p.contains(p.end));
  CHECK(p.contains(p.end - std::chrono::seconds{1}));
  CHECK_FALSE(p.empty());
  CHECK(Period{p.end, p.end}.empty());
}
