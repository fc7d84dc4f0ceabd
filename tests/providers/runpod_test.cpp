#include <catch2/catch.hpp>

#include "gpubill/util/error.hpp"
#include "providers/runpod/runpod_api.hpp"
#include "support/errors.hpp"
#include "support/fake_cloud/fake_cloud.hpp"
#include "support/fixtures.hpp"
#include "support/records_text.hpp"

using namespace gpubill;
using namespace gpubill::providers::runpod;
using model::Decimal;
using providers::ParseThreads;

namespace {

model::Timestamp at(const char* t) { return *model::parse_provider_time(t); }

ParseContext context(Resource resource, Bucket bucket, const char* start = "2026-01-01",
                     const char* end = "2027-01-01", const char* now = "2026-11-23T12:00:00Z") {
  return {resource, bucket, {at(start), at(end)}, at(now),
          {"runpod", "RUNPOD_API_KEY", "GET /billing/pods"}};
}

std::vector<model::CostRecord> parse_fixture(const char* name, const ParseContext& ctx) {
  return parse_billing(test::read_fixture(std::string("runpod/") + name), ctx);
}

}  // namespace

TEST_CASE("runpod: pods day buckets become one record per GPU type per day", "[runpod][parse]") {
  auto rs = parse_fixture("pods_gpu_day.json", context(Resource::pods, Bucket::day));
  REQUIRE(rs.size() == 3);
  const model::CostRecord& r = rs[0];
  CHECK(r.provider == "runpod");
  CHECK(r.service == "pods");
  CHECK(r.gpu_type == "NVIDIA H100 80GB HBM3");
  CHECK(r.gpu_model == "H100 80GB");
  CHECK_FALSE(r.attributes.contains("gpubill_gpu_hours"));  // pod time, GPU count unknown
  CHECK(r.resource_id.empty());
  CHECK(model::format_rfc3339(r.period.start) == "2026-06-01T00:00:00Z");
  CHECK(model::format_rfc3339(r.period.end) == "2026-06-02T00:00:00Z");
  CHECK(r.amount == Decimal::parse("64.532916"));
  CHECK(r.currency == "USD");
  CHECK(r.usage_quantity == Decimal::parse("24"));
  CHECK(r.usage_unit == "hour");
  CHECK(r.attributes["diskSpaceBilledGb"] == 200);
  CHECK(r.attributes["timeBilledMs"] == 86400000);
  CHECK_FALSE(r.attributes.contains("amount"));
  CHECK(rs[1].usage_quantity == Decimal::parse("2.5"));
  CHECK(rs[2].amount->to_string() == "0.006994259194");
  CHECK(rs[2].usage_quantity->to_string() == "0.001");
}

TEST_CASE("runpod: legacy spellings and string numbers are accepted", "[runpod][parse]") {
  auto rs = parse_fixture("pods_by_pod_legacy.json", context(Resource::pods, Bucket::hour));
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].resource_id == "xedezhzb9la3ye");
  CHECK(model::format_rfc3339(rs[0].period.start) == "2026-04-06T15:00:00Z");
  CHECK(model::format_rfc3339(rs[0].period.end) == "2026-04-06T16:00:00Z");
  CHECK(rs[0].usage_quantity == Decimal::parse("0.5"));
  CHECK(rs[0].attributes["diskSpaceBilledGB"] == 20);
  CHECK(rs[1].amount == Decimal::parse("2.5"));
  CHECK(rs[1].usage_quantity == Decimal::parse("1"));
}

TEST_CASE("runpod: endpoints carry the endpoint id", "[runpod][parse]") {
  auto rs = parse_fixture("endpoints_by_endpoint.json", context(Resource::endpoints, Bucket::day));
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].service == "endpoints");
  CHECK(rs[0].resource_id == "jpnw0v75y3qoql");
  CHECK(rs[0].usage_quantity == Decimal::parse("12.75"));
  CHECK(rs[1].amount == Decimal::parse("0"));  // a real zero stays a zero
}

TEST_CASE("runpod: network volumes bill GB with high-performance storage kept",
          "[runpod][parse]") {
  auto rs = parse_fixture("networkvolumes_month.json",
                          context(Resource::network_volumes, Bucket::month));
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].service == "network-volumes");
  CHECK(model::format_rfc3339(rs[0].period.end) == "2026-06-01T00:00:00Z");
  CHECK(model::format_rfc3339(rs[1].period.end) == "2026-07-01T00:00:00Z");
  CHECK(rs[0].usage_quantity == Decimal::parse("100"));
  CHECK(rs[0].usage_unit == "GB");
  CHECK(rs[0].attributes["highPerformanceStorageAmount"] == 3.5);
  CHECK(rs[1].amount->to_string() == "7.233333333333");
}

TEST_CASE("runpod: buckets of every size end where the next begins", "[runpod][parse]") {
  model::Timestamp t = at("2026-01-31T00:00:00Z");
  CHECK(model::format_rfc3339(bucket_end(t, Bucket::hour)) == "2026-01-31T01:00:00Z");
  CHECK(model::format_rfc3339(bucket_end(t, Bucket::day)) == "2026-02-01T00:00:00Z");
  CHECK(model::format_rfc3339(bucket_end(t, Bucket::week)) == "2026-02-07T00:00:00Z");
  CHECK(model::format_rfc3339(bucket_end(at("2026-01-01"), Bucket::month)) ==
        "2026-02-01T00:00:00Z");
  CHECK(model::format_rfc3339(bucket_end(at("2026-01-01"), Bucket::year)) ==
        "2027-01-01T00:00:00Z");
  CHECK_THROWS_AS(parse_bucket("fortnight"), UsageError);
}

TEST_CASE("runpod: rows outside the half-open period are dropped", "[runpod][parse]") {
  auto rs = parse_fixture("edge_of_period.json",
                          context(Resource::pods, Bucket::day, "2026-06-01", "2026-07-01"));
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].amount == Decimal::parse("2"));
  CHECK(rs[1].amount == Decimal::parse("3"));
}

TEST_CASE("runpod: the current bucket is marked incomplete", "[runpod][parse]") {
  auto rs = parse_fixture("pods_gpu_day.json", context(Resource::pods, Bucket::day, "2026-01-01",
                                                       "2027-01-01", "2026-06-01T12:00:00Z"));
  CHECK(rs[0].attributes["gpubill_incomplete_bucket"] == true);
  CHECK(rs[2].attributes["gpubill_incomplete_bucket"] == true);
  auto later = parse_fixture("pods_gpu_day.json", context(Resource::pods, Bucket::day));
  CHECK_FALSE(later[0].attributes.contains("gpubill_incomplete_bucket"));
}

TEST_CASE("runpod: a missing amount stays missing, never 0", "[runpod][parse]") {
  auto rs = parse_fixture("amount_missing.json", context(Resource::pods, Bucket::day));
  REQUIRE(rs.size() == 3);
  CHECK_FALSE(rs[0].amount.has_value());
  CHECK_FALSE(rs[1].amount.has_value());
  CHECK(rs[2].amount == Decimal::parse("0.44"));
}

TEST_CASE("runpod: unknown fields and unicode are kept as sent", "[runpod][parse]") {
  auto rs = parse_fixture("unicode_and_extra_fields.json", context(Resource::pods, Bucket::day));
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].resource_id == "pod-训练-🚀");
  CHECK(rs[0].attributes["futureField"]["nested"][1] == 2.5);
  CHECK(rs[0].attributes["note"] == "Zürich\x1b[31m");
}

TEST_CASE("runpod: an empty array is an empty answer, not an error", "[runpod][parse]") {
  CHECK(parse_fixture("empty_array.json", context(Resource::pods, Bucket::day)).empty());
}

TEST_CASE("runpod: bad bodies are one-line errors naming provider and endpoint",
          "[runpod][parse][errors]") {
  struct Case {
    const char* fixture;
    const char* expected;
  };
  const Case cases[] = {
      {"empty_body.json", "empty response"},
      {"html_page.json", "HTML page: 502 Bad Gateway"},
      {"malformed_truncated.json", "malformed JSON at byte"},
      {"malformed_amount_object.json", "record 1: field 'amount' is an object, expected a number"},
      {"malformed_amount_text.json", "field 'amount' is not a number: \"twelve\""},
      {"malformed_time_number.json", "field 'time' is a number"},
      {"malformed_time_text.json", "field 'time' is not a date-time"},
      {"malformed_time_missing.json", "field 'time' is missing"},
      {"malformed_item_string.json", "record 2 is a string, expected an object"},
      {"malformed_object_body.json", "expected a JSON array of billing records, got an object"},
      {"malformed_huge_amount.json", "field 'amount' is out of range"},
      {"malformed_negative_ms.json", "field 'timeBilledMs' is negative"},
      {"error_in_200.json", "answered with an error: internal: billing database unavailable"},
  };
  for (const Case& c : cases) {
    INFO("fixture: " << c.fixture);
    test::check_provider_error(
        [&] { parse_fixture(c.fixture, context(Resource::pods, Bucket::day)); },
        "runpod: GET /billing/pods: ", c.expected);
  }
}

// A big answer is read on several threads (providers::records_from_root_array); whatever the
// text, the records or the error must be exactly the sequential read's.
namespace {

std::string outcome(std::string_view body, ParseThreads how) {
  ParseContext ctx = context(Resource::pods, Bucket::hour, "2025-11-01", "2026-11-01");
  ctx.threads = how;
  try {
    std::vector<model::CostRecord> rs = parse_billing(body, ctx);
    return std::to_string(rs.size()) + " records\n" + test::records_text(rs);
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  }
}

const ParseThreads k_sequential{1, 1};
const ParseThreads k_threaded{4, 1, 5};  // chunks of 5 elements: many chunk edges

}  // namespace

TEST_CASE("runpod: a big answer read on threads equals the sequential read", "[runpod][parse][threads]") {
  std::string body = test::runpod_bulk_body(3000);
  std::string seq = outcome(body, k_sequential);
  REQUIRE_THAT(seq, Catch::StartsWith("3000 records\n"));
  CHECK(outcome(body, k_threaded) == seq);
  CHECK(outcome(body, {3, 7, 11}) == seq);   // uneven chunks
  CHECK(outcome(body, {2, 7, 1}) == seq);    // one element a chunk
  CHECK(outcome(body, {0, 20'000}) == seq);  // the default: too small to split

  // Handing over the text (freed before the sort) gives the same records.
  ParseContext ctx = context(Resource::pods, Bucket::hour, "2025-11-01", "2026-11-01");
  ctx.threads = k_threaded;
  std::string moved = body;
  std::vector<model::CostRecord> taken = parse_billing(std::move(moved), ctx);
  std::vector<model::CostRecord> viewed = parse_billing(std::string_view(body), ctx);
  REQUIRE(taken.size() == 3000);
  REQUIRE(taken.size() == viewed.size());
  for (std::size_t i = 0; i < taken.size(); ++i) {
    CHECK(model::column_values(taken[i])[7].value == model::column_values(viewed[i])[7].value);
    CHECK(taken[i].amount == viewed[i].amount);
    CHECK(taken[i].resource_id == viewed[i].resource_id);
  }
  CHECK(moved.empty());  // NOLINT(bugprone-use-after-move): parse_billing frees what it takes

  // Rows outside the period are dropped the same way on every thread.
  ParseContext narrow = context(Resource::pods, Bucket::hour, "2025-11-01", "2025-11-02");
  narrow.threads = k_threaded;
  CHECK(parse_billing(body, narrow).size() == 24);
}

TEST_CASE("runpod: text that only looks split-able gives the sequential answer or error",
          "[runpod][parse][threads]") {
  const std::string row = R"({"time":"2025-11-01T00:00:00Z","podId":"p1","amount":1.5,"timeBilledMs":3600000})";
  std::string rows;
  for (int i = 0; i < 40; ++i) rows += (i ? ",\n" : "") + row;
  const std::string tricky_strings =
      R"({"time":"2025-11-01T01:00:00Z","podId":"a,b]}[{\"x\\","amount":2,"note":"\\\"],"})";
  const std::pair<const char*, std::string> cases[] = {
      {"plain", "[" + rows + "]"},
      {"strings holding , ] } and escaped quotes", "[" + rows + "," + tricky_strings + "]"},
      {"nested arrays and objects", "[" + rows + R"(,{"time":"2025-11-01T02:00:00Z","amount":1,"x":[[1,{"a":[2]}],3]}])"},
      {"whitespace everywhere", "  [ \n" + rows + " ,\t" + row + " \r\n ]  \n"},
      {"a bad field in the middle", "[" + rows + R"(,{"time":"2025-11-01T00:00:00Z","amount":{"x":1}},)" + rows + "]"},
      {"a scalar element", "[" + rows + ",17," + rows + "]"},
      {"two commas", "[" + rows + ",," + row + "]"},
      {"trailing comma", "[" + rows + ",]"},
      {"two values without a comma", "[" + rows + " 1 2]"},
      {"text after the array", "[" + rows + "] x"},
      {"a second array after it", "[" + rows + "][1]"},
      {"cut in half", "[" + rows},
      {"cut inside a string", "[" + rows + R"(,{"time":"2025-)"},
      {"a stray closing brace", "[" + rows + "}]"},
      {"a number too large", "[" + rows + R"(,{"time":"2025-11-01T00:00:00Z","amount":4E444444}])"},
      {"NUL bytes after an element (found by fuzzing)", "[" + rows + std::string("\n\0\0\x7f", 4) + "]"},
      {"a NUL after a number", "[" + rows + "," + std::string("1\0x", 3) + "]"},
      {"empty array", "[]"},
      {"empty array with spaces", "[ \n ]"},
  };
  for (const auto& [name, body] : cases) {
    INFO(name);
    std::string seq = outcome(body, k_sequential);
    CHECK(outcome(body, k_threaded) == seq);
    CHECK(outcome(body, {2, 3, 2}) == seq);
    CHECK(outcome(body, {2, 3, 4096}) == seq);
  }
  // The cases do reach both answers: records and errors.
  CHECK_THAT(outcome(cases[1].second, k_sequential), Catch::StartsWith("41 records"));
  CHECK_THAT(outcome(cases[4].second, k_sequential), Catch::Contains("record 41: field 'amount'"));
}

TEST_CASE("runpod: amounts with more than 15 significant digits are read from their text, exactly",
          "[runpod][parse][exact]") {
  // A double holds about 15.9 significant digits: 98765432.109876543210 would come back as
  // 98765432.10987654. The element's own text is used instead, on every read path.
  auto row = [](int hour, const std::string& amount_fields) {
    char time[32];
    std::snprintf(time, sizeof time, "2025-11-01T%02d:00:00Z", hour);
    return std::string(R"({"time":")") + time + R"(","podId":"p1",)" + amount_fields +
           R"(,"timeBilledMs":3600000})";
  };
  std::string body = "[" + row(0, R"("amount":98765432.109876543210)") + "," +
                     row(1, R"("amount":1234567.123456789012)") + "," +
                     row(2, R"("amount":98765432.109876543210,"amount":2.5)") + "," +   // the last wins
                     row(3, R"("amount":2.5,"amount":1234567.123456789012)") + "," +
                     row(4, R"("amount":0.006994259194)") + "," +
                     row(5, R"("amount":1.2345678901234567e3)") + "]";
  ParseContext ctx = context(Resource::pods, Bucket::hour, "2025-11-01", "2025-11-02");
  for (ParseThreads how : {k_sequential, ParseThreads{2, 1, 1}, ParseThreads{3, 2, 2}}) {
    INFO("threads " << how.threads << ", chunk " << how.elements_per_chunk);
    ctx.threads = how;
    std::vector<model::CostRecord> rs = parse_billing(std::string_view(body), ctx);
    REQUIRE(rs.size() == 6);
    CHECK(rs[0].amount->to_string() == "98765432.10987654321");
    CHECK(rs[1].amount->to_string() == "1234567.123456789012");
    CHECK(rs[2].amount->to_string() == "2.5");
    CHECK(rs[3].amount->to_string() == "1234567.123456789012");
    CHECK(rs[4].amount->to_string() == "0.006994259194");
    CHECK(rs[5].amount->to_string() == "1234.567890123457");  // 12 places, half to even
    model::Decimal sum;
    for (const model::CostRecord& r : rs) sum += *r.amount;
    CHECK(sum.to_string() == "101235803.431674503885");
  }
}
