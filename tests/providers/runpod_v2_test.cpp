// Runpod REST v2 billing parser on the docs' shapes and on bad input.
#include <catch2/catch.hpp>

#include <algorithm>

#include "gpubill/util/error.hpp"
#include "providers/runpod/runpod_v2_api.hpp"
#include "support/errors.hpp"
#include "support/records_text.hpp"
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

// A year of hourly v2 rows is one unpaged answer: its records array is read element by element
// on several threads (providers::records_from_member_array); anything unusual is read whole.
namespace {

// Row i of a generated v2 answer: totalAmount = gpuAmount + cpuAmount (0.001), in thousandths.
std::string v2_row(int i) {
  const int gpu = (i % 7) * 1000 + (i * 37) % 1000;
  const int total = gpu + 1;
  char text[320];
  std::snprintf(text, sizeof text,
                R"({"startTime":"2026-01-01T%02d:00:00Z","endTime":"2026-01-01T%02d:00:00Z",)"
                R"("podId":"pod-%d","totalAmount":%d.%03d,"gpuAmount":%d.%03d,"cpuAmount":0.001})",
                i % 23, i % 23 + 1, i % 97, total / 1000, total % 1000, gpu / 1000, gpu % 1000);
  return text;
}

std::string v2_body(int n, const std::string& before = "", const std::string& after = R"(,"metadata":{"recordCount":0})") {
  std::string body = "{" + before + R"("records":[)";
  for (int i = 0; i < n; ++i) body += (i ? ",\n" : "") + v2_row(i);
  return body + "]" + after + "}";
}

std::string v2_outcome(std::string_view body, providers::ParseThreads how, bool split = false) {
  V2ParseContext ctx = context("pods", split);
  ctx.threads = how;
  try {
    return test::records_text(parse_v2_billing(body, ctx));
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  }
}

}  // namespace

TEST_CASE("runpod v2: a big answer read on threads equals the whole read", "[runpod][v2][parse][threads]") {
  const std::string body = v2_body(3000);
  // "records" given twice (an empty one first) is never streamed: the whole read, last wins.
  const std::string whole = v2_body(3000, R"("records":[],)");
  for (bool split : {false, true}) {
    INFO("split " << split);
    std::string expected = v2_outcome(whole, {1, 1}, split);
    REQUIRE(std::count(expected.begin(), expected.end(), '\n') >= 3000);
    CHECK(v2_outcome(body, {1, 1}, split) == expected);
    CHECK(v2_outcome(body, {4, 1, 5}, split) == expected);
    CHECK(v2_outcome(body, {2, 7, 1}, split) == expected);
    CHECK(v2_outcome(body, {0, 20'000}, split) == expected);
  }
  // Other members before and after, "records" inside them and inside strings: only the root's
  // own "records" is the array.
  const std::string decoys = v2_body(
      50, R"("note":"\"records\":[1,2]","metadata":{"records":[{"x":1}]},)",
      R"(,"more":{"records":"no"},"list":[{"records":[]}])");
  CHECK(v2_outcome(decoys, {4, 1, 3}) == v2_outcome(v2_body(50), {1, 1}));

  // The streamed read is the one used: it keeps a long amount's text (a double would not).
  const std::string row = R"({"startTime":"2026-01-01T00:00:00Z","endTime":"2026-01-01T01:00:00Z","totalAmount":98765432.109876543210})";
  for (providers::ParseThreads how : {providers::ParseThreads{1, 1}, providers::ParseThreads{2, 1, 1}}) {
    auto rs = parse_v2_billing(R"({"records":[)" + row + "," + row + R"(],"metadata":{}})",
                               [&] { V2ParseContext c = context("pods"); c.threads = how; return c; }());
    REQUIRE(rs.size() == 2);
    CHECK(rs[1].amount->to_string() == "98765432.10987654321");
  }
  auto whole_read = parse_v2_billing(R"({"records":[],"records":[)" + row + R"(]})", context("pods"));
  REQUIRE(whole_read.size() == 1);
  CHECK(whole_read[0].amount->to_string() == "98765432.10987654");  // through a double
}

TEST_CASE("runpod v2: errors in a big answer are the whole read's, positions and all",
          "[runpod][v2][parse][threads][errors]") {
  const std::string rows = v2_body(40);
  const std::string records_only = rows.substr(0, rows.find("],\"metadata\""));
  const std::pair<const char*, std::string> cases[] = {
      {"cut in half", rows.substr(0, rows.size() / 2)},
      {"cut inside the metadata", rows.substr(0, rows.size() - 5)},
      {"malformed metadata after sound records", records_only + R"(],"metadata":{"a":tru}})"},
      {"a bad record in the middle",
       R"({"records":[)" + v2_row(0) + "," +
           R"({"startTime":"2026-01-01T00:00:00Z","endTime":"2026-01-01T01:00:00Z","totalAmount":{}},)" +
           v2_row(2) + R"(],"metadata":{}})"},
      {"a scalar element", records_only + R"(,17],"metadata":{}})"},
      {"a trailing comma", records_only + R"(,],"metadata":{}})"},
      {"text after the document", rows + " x"},
      {"a number too large", records_only + R"(,{"startTime":"2026-01-01T00:00:00Z","endTime":"2026-01-01T01:00:00Z","totalAmount":4E444444}],"metadata":{}})"},
      {"records is an object", R"({"records":{"a":1},"metadata":{}})"},
      {"NUL bytes after the last record (found by fuzzing)",
       records_only + std::string("\n\0\0\x7f", 4) + R"(],"metadata":{}})"},
  };
  for (const auto& [name, body] : cases) {
    INFO(name);
    std::string seq = v2_outcome(body, {1, 1});
    CHECK_THAT(seq, Catch::StartsWith("error: runpod: GET /v2/billing/pods: "));
    CHECK(v2_outcome(body, {4, 1, 5}) == seq);
    CHECK(v2_outcome(body, {2, 3, 1}) == seq);
  }
  // The position counts from the start of the whole answer, not of the records array.
  std::string cut = rows.substr(0, rows.size() / 2);
  CHECK_THAT(v2_outcome(cut, {4, 1, 5}), Catch::Contains("of " + std::to_string(cut.size()) + " "));
  CHECK_THAT(v2_outcome(cases[3].second, {4, 1, 1}), Catch::Contains("record 2: field 'totalAmount'"));
}
