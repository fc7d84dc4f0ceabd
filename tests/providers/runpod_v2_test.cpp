// Runpod REST v2 billing parser on the docs' shapes and on bad input.
#include <catch2/catch.hpp>

#include <algorithm>

#include "gpubill/util/error.hpp"
#include "providers/runpod/runpod_v2_api.hpp"
#include "support/errors.hpp"
#include "support/fixtures.hpp"

using namespace gpubill;
using namespace gpubill::providers::runpod;
using model::Decimal;

namespace {

V2ParseContext context(const char* service, bool split = false,
                       const char* now = "2026-11-23T12:00:00Z") {
  return {service, *model::parse_provider_time(now), split,
          {"runpod", "RUNPOD_API_KEY", "GET /v2/billing/pods"}};
}

std::vector<model::CostRecord> parse(const char* name, const V2ParseContext& ctx) {
  return parse_v2_billing(test::read_fixture(std::string("runpod/") + name), ctx);
}

Decimal sum(const std::vector<model::CostRecord>& rs) {
  Decimal total;
  for (const model::CostRecord& r : rs) total += *r.amount;
  return total;
}

}  // namespace

TEST_CASE("runpod v2: the docs' pods example", "[runpod][v2][parse]") {
  auto rs = parse("v2_pods_doc_example.json", context("pods"));
  REQUIRE(rs.size() == 1);
  const model::CostRecord& r = rs[0];
  CHECK(r.provider == "runpod");
  CHECK(r.service == "pods");
  CHECK(r.resource_id == "xedezhzb9la3ye");
  CHECK(model::format_rfc3339(r.period.start) == "2026-06-01T00:00:00Z");
  CHECK(model::format_rfc3339(r.period.end) == "2026-06-02T00:00:00Z");  // as given
  CHECK(r.amount == Decimal::parse("12.34"));
  CHECK(r.currency == "USD");
  CHECK(r.attributes["gpuAmount"] == 11.1);
  CHECK(r.attributes["diskAmount"] == 1.24);
  CHECK(r.attributes["gpubill_api"] == "v2");
  CHECK_FALSE(r.attributes.contains("gpubill_incomplete_bucket"));
}

TEST_CASE("runpod v2: --split-components, one record per non-zero component, totals kept",
          "[runpod][v2][parse]") {
  auto whole = parse("v2_all_month.json", context("all"));
  REQUIRE(whole.size() == 2);
  CHECK(sum(whole) == Decimal::parse("1110.75"));
  CHECK(whole[1].attributes.contains("gpubill_incomplete_bucket"));  // ends after now

  auto split = parse("v2_all_month.json", context("all", true));
  CHECK(sum(split) == Decimal::parse("1110.75"));  // never more, never less
  std::vector<std::string> october;
  for (const model::CostRecord& r : split) {
    if (model::format_rfc3339(r.period.start) == "2026-10-01T00:00:00Z") october.push_back(r.service);
  }
  std::sort(october.begin(), october.end());
  // The zero cluster components are left out; the components add up to the total exactly.
  CHECK(october == std::vector<std::string>{"all:endpoint", "all:pod-cpu", "all:pod-disk",
                                            "all:pod-gpu", "all:serverless-cpu",
                                            "all:serverless-disk", "all:serverless-fee",
                                            "all:serverless-gpu", "all:storage-high-performance",
                                            "all:storage-standard"});
  // November's components (numbers sent as strings too) leave 0.25 unexplained: "other".
  bool other = false;
  for (const model::CostRecord& r : split) {
    if (r.service == "all:other") {
      other = true;
      CHECK(r.amount == Decimal::parse("0.25"));
      CHECK(model::format_rfc3339(r.period.start) == "2026-11-01T00:00:00Z");
    }
  }
  CHECK(other);
  CHECK(component_name("storageHighPerformanceAmount") == "storage-high-performance");
  CHECK(component_name("gpuAmount") == "gpu");
}

TEST_CASE("runpod v2: legacy times, unicode ids and unknown fields", "[runpod][v2][parse]") {
  auto rs = parse("v2_serverless_unicode.json", context("endpoints"));
  REQUIRE(rs.size() == 1);
  CHECK(model::format_rfc3339(rs[0].period.start) == "2026-10-05T00:00:00Z");
  CHECK(rs[0].resource_id == "\xc3\xa9p-\xe6\x97\xa5\xe6\x9c\xac-\x1b[31m");  // kept; escaped on output
  CHECK(rs[0].attributes["newField"]["nested"] == true);
  auto split = parse("v2_serverless_unicode.json", context("endpoints", true));
  CHECK(split.size() == 3);  // gpu, cpu, disk; the zero fee is left out
  CHECK(sum(split) == Decimal::parse("3.5"));
}

TEST_CASE("runpod v2: empty and null record lists are an empty answer", "[runpod][v2][parse]") {
  CHECK(parse("v2_records_null.json", context("pods")).empty());
  CHECK(parse_v2_billing(R"({"records": [], "metadata": {}})", context("pods")).empty());
}

TEST_CASE("runpod v2: a record without totalAmount keeps no amount, never 0",
          "[runpod][v2][parse]") {
  auto rs = parse("v2_total_missing.json", context("pods", true));
  REQUIRE(rs.size() == 1);  // not split: nothing to split
  CHECK_FALSE(rs[0].amount.has_value());
  CHECK(rs[0].attributes["gpubill_no_price_reason"] == "totalAmount missing");
}

TEST_CASE("runpod v2: bad input is one clear ProviderError", "[runpod][v2][parse][errors]") {
  const std::pair<const char*, const char*> cases[] = {
      {"empty_body.json", "empty response"},
      {"html_page.json", "HTML"},
      {"malformed_truncated.json", "malformed JSON"},
      {"v2_problem_401.json", "Unauthorized: missing bearer token"},
      {"v2_records_not_array.json", "field 'records' is an object, expected an array"},
      {"v2_time_number.json", "field 'startTime' is a number"},
      {"v2_end_missing.json", "field 'endTime' is missing"},
      {"v2_end_before_start.json", "field 'endTime' is not after startTime"},
      {"v2_amount_object.json", "field 'totalAmount' is an object"},
      {"v2_amount_huge.json", "field 'totalAmount' is out of range"},
      {"v2_v1_shape.json", "expected {\"records\": [...], \"metadata\": {...}}, got an array"},
  };
  for (const auto& [fixture, expected] : cases) {
    INFO(fixture);
    test::check_provider_error([&] { parse(fixture, context("pods")); },
                                        "runpod: GET /v2/billing/pods: ", expected);
  }
}
