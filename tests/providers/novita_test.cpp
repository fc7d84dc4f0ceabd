#include <catch2/catch.hpp>

#include "gpubill/providers/registry.hpp"
#include "support/providers.hpp"
#include "gpubill/providers/windows.hpp"
#include "gpubill/util/error.hpp"
#include "providers/novita/novita_api.hpp"
#include "support/fake_transport.hpp"
#include "support/errors.hpp"
#include "support/fixtures.hpp"

using namespace gpubill;
using namespace gpubill::providers::novita;
using model::Decimal;

namespace {

model::Timestamp at(const char* t) { return *model::parse_provider_time(t); }

const providers::Endpoint k_fixed_ep{"novita", "NOVITA_API_KEY",
                                     "GET /openapi/v1/billing/bill/monthly/list"};

std::vector<model::CostRecord> parse(const char* fixture, BillList list = BillList::fixed_term) {
  return parse_bills(test::read_fixture(std::string("novita/") + fixture), {list, k_fixed_ep});
}

const providers::Provider& novita() { return test::provider("novita"); }

providers::FetchRequest request(const char* resource, const char* start, const char* end,
                                providers::OptionValues options = {}, int parallel = 4) {
  return {resource, {{at(start), at(end)}, at("2026-11-23T00:00:00Z")}, std::move(options),
          "nv_TEST_KEY_123456", "http://127.0.0.1:9", parallel};
}

std::string param(const std::string& url, const std::string& key) {
  std::size_t pos = url.find(key + "=");
  REQUIRE(pos != std::string::npos);
  std::size_t end = url.find('&', pos);
  return url.substr(pos + key.size() + 1, end == std::string::npos ? std::string::npos
                                                                    : end - pos - key.size() - 1);
}

}  // namespace

TEST_CASE("novita: fixed-term bills in 1/10000 USD, exact", "[novita][parse]") {
  auto rs = parse("bills_fixed_term.json");
  REQUIRE(rs.size() == 2);
  const model::CostRecord& r = rs[0];
  CHECK(r.provider == "novita");
  CHECK(r.service == "gpu");
  CHECK(r.resource_id == "inst-9b2c");
  CHECK(r.description == "NVIDIA H100 80GB x8");
  CHECK(r.gpu_type == "NVIDIA H100 80GB x8");
  CHECK(r.gpu_model == "H100 80GB");
  CHECK(r.attributes["gpubill_gpu_count"] == 8);
  CHECK_FALSE(r.attributes.contains("gpubill_gpu_hours"));  // a monthly bill: no hours
  CHECK(r.amount == Decimal::parse("13000"));
  CHECK(r.currency == "USD");
  CHECK(model::format_rfc3339(r.period.start) == "2025-12-01T00:00:00Z");
  CHECK(model::format_rfc3339(r.period.end) == "2026-01-01T00:00:00Z");  // inclusive end + 1 s
  CHECK(r.attributes["gpubill_amount_before_vouchers"] == "13500");
  CHECK(r.attributes["gpubill_voucher_amount"] == "500");
  CHECK(r.attributes["gpubill_billing_method"] == "subscription");
  CHECK(r.attributes["gpubill_base_price"] == "13500");
  CHECK(r.attributes["tradeType"] == "monthly_re_buy");
  CHECK(r.attributes["cycle"] == "2025-12");
  CHECK(r.attributes["billNum"] == "1");
  CHECK(rs[1].amount == Decimal::parse("100"));
}

TEST_CASE("novita: numbers as strings or JSON numbers, old and new doc shapes",
          "[novita][parse]") {
  auto rs = parse("bills_older_string_types.json");
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].amount == Decimal::parse("0.1234"));
  CHECK(rs[0].attributes["gpubill_base_price"] == "1.234");  // 1234000 / 100 / 10000
  CHECK(rs[0].attributes["gpubill_billing_method"] == "9");  // unknown: kept as its number
  CHECK(rs[0].gpu_type.empty());                              // not a GPU product
  CHECK(rs[1].amount == Decimal::parse("0.0007"));
  CHECK(rs[1].attributes["gpubill_billing_method"] == "spot");
  CHECK(model::format_rfc3339(rs[1].period.end) == "2025-12-01T00:00:00Z");
}

TEST_CASE("novita: usage bills decode unit prices and GPU hours", "[novita][parse]") {
  auto rs = parse("usage_gpu_day.json", BillList::usage);
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].service == "gpu");
  CHECK(rs[0].amount == Decimal::parse("8.4"));
  CHECK(rs[0].usage_quantity == Decimal::parse("24"));
  CHECK(rs[0].usage_unit == "hour");
  CHECK(rs[0].gpu_model == "RTX 4090");
  CHECK(rs[0].attributes["gpubill_gpu_hours"] == rs[0].usage_quantity->to_string());  // cards x time
  CHECK(rs[0].attributes["gpubill_unit_price"] == "0.000097222222");  // 3500/3600/10000 per s
  CHECK(rs[0].attributes["gpubill_billing_method"] == "pay-as-you-go");
  CHECK(model::format_rfc3339(rs[0].period.end) == "2025-12-02T00:00:00Z");

  auto llm = parse("usage_llm.json", BillList::usage);
  REQUIRE(llm.size() == 1);
  CHECK(llm[0].usage_quantity == Decimal::parse("1200000"));
  CHECK(llm[0].usage_unit == "input-token");
  CHECK(llm[0].amount == Decimal::parse("0.6"));
  CHECK(llm[0].attributes["gpubill_billing_method"] == "multimodal-llm");
  CHECK(llm[0].gpu_type.empty());
}

TEST_CASE("novita: summary rows are never added to per-product rows", "[novita][parse]") {
  auto rs = parse("bills_mixed_summary.json");
  REQUIRE(rs.size() == 3);
  CHECK(drop_summary_when_mixed(rs) == 1);
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].service == "gpu");
  CHECK(rs[1].service == "cloud_storage");
  std::vector<model::CostRecord> only_summary = {parse("bills_mixed_summary.json")[0]};
  CHECK(drop_summary_when_mixed(only_summary) == 0);  // a summary-only answer stays
  CHECK(only_summary.size() == 1);
}

TEST_CASE("novita: empty and null bill lists are empty answers", "[novita][parse]") {
  CHECK(parse("bills_empty.json").empty());
  CHECK(parse("bills_null.json").empty());
}

TEST_CASE("novita: a missing payAmount is no amount, never 0, text kept as sent",
          "[novita][parse]") {
  auto rs = parse("bills_missing_pay_amount.json");
  REQUIRE(rs.size() == 1);
  CHECK_FALSE(rs[0].amount.has_value());
  CHECK(rs[0].description == "ünïcødé 训练 🚀");
  CHECK(rs[0].resource_id == "inst-\x1b[31m");
}

TEST_CASE("novita: an amount with decimals is read, a negative one is a credit, never an error",
          "[novita][parse]") {
  auto fraction = parse("amount_fraction.json");  // "12.5" units of 1/10000 USD
  REQUIRE(fraction.size() == 1);
  CHECK(fraction[0].amount == Decimal::parse("0.00125"));
  auto refund = parse("amount_negative_refund.json");  // "-100": a refund of one cent
  REQUIRE(refund.size() == 1);
  CHECK(refund[0].amount == Decimal::parse("-0.01"));
}

TEST_CASE("novita: bad bodies are one-line errors naming the bill and field",
          "[novita][parse][errors]") {
  const std::pair<const char*, const char*> cases[] = {
      {"bad_amount_25_digits.json", "field 'payAmount' is out of range"},
      {"bad_amount_text.json", "bill 1: field 'payAmount' is not a number: \"ten dollars\""},
      {"bad_time_missing.json", "field 'startTime' is missing"},
      {"bad_time_text.json", "field 'startTime' is not a whole number"},
      {"bad_time_reversed.json", "field 'endTime' is before startTime"},
      {"bad_precision_zero.json", "field 'pricePrecision' must be a positive whole number"},
      {"bad_bills_object.json", "field 'bills' is not an array"},
      {"bad_envelope.json", "expected {\"bills\": [...]}"},
      {"error_kratos.json", "answered with an error: INVALID_API_KEY: invalid api-key"},
  };
  for (const auto& [fixture, expected] : cases) {
    INFO("fixture: " << fixture);
    test::check_provider_error([&] { parse(fixture); },
                               "novita: GET /openapi/v1/billing/bill/monthly/list: ", expected);
  }
}

TEST_CASE("windows: calendar months, no gap, no overlap, never over 31 days", "[windows]") {
  auto windows = [](const char* s, const char* e) {
    return providers::month_windows({at(s), at(e)});
  };
  auto w = windows("2026-08-01", "2026-11-01");
  REQUIRE(w.size() == 3);
  CHECK(model::format_rfc3339(w[0].end) == "2026-09-01T00:00:00Z");
  CHECK(model::format_rfc3339(w[2].start) == "2026-10-01T00:00:00Z");

  auto leap = windows("2024-02-10T12:00:00Z", "2024-03-01T00:00:01Z");
  REQUIRE(leap.size() == 2);
  CHECK(model::format_rfc3339(leap[0].end) == "2024-03-01T00:00:00Z");  // through Feb 29
  CHECK(leap[1].end - leap[1].start == std::chrono::seconds{1});

  auto second = windows("2026-10-31T23:59:59Z", "2026-11-01T00:00:00Z");
  REQUIRE(second.size() == 1);

  CHECK(windows("2026-11-02", "2026-11-01").empty());  // start after end: nothing to ask
  CHECK(windows("2026-11-01", "2026-11-01").empty());

  auto long_period = windows("2025-01-15T06:00:00Z", "2026-02-19T18:30:00Z");  // 400 days
  REQUIRE(long_period.size() == 14);
  CHECK(long_period.front().start == at("2025-01-15T06:00:00Z"));
  CHECK(long_period.back().end == at("2026-02-19T18:30:00Z"));
  for (std::size_t i = 0; i < long_period.size(); ++i) {
    CHECK(long_period[i].end - long_period[i].start <= std::chrono::days{31});
    CHECK_FALSE(long_period[i].empty());
    if (i > 0) CHECK(long_period[i].start == long_period[i - 1].end);
  }
}

TEST_CASE("windows: parallel_map keeps order and bounds concurrency", "[windows]") {
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  std::function<int(std::size_t)> fn = [&](std::size_t i) {
    int now = ++running;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    --running;
    return static_cast<int>(i) * 10;
  };
  std::vector<int> out = providers::parallel_map<int>(12, 3, fn);
  REQUIRE(out.size() == 12);
  for (std::size_t i = 0; i < out.size(); ++i) CHECK(out[i] == static_cast<int>(i) * 10);
  CHECK(peak.load() <= 3);
  CHECK(peak.load() >= 2);

  std::function<int(std::size_t)> failing = [](std::size_t i) -> int {
    if (i == 5 || i == 7) throw ProviderError("window " + std::to_string(i));
    return 0;
  };
  CHECK_THROWS_WITH(providers::parallel_map<int>(10, 1, failing), "window 5");
}

TEST_CASE("novita: no request spans more than 31 days, windows tile the period exactly",
          "[novita][request]") {
  test::FakeTransport fake;
  fake.set_handler([](const transport::HttpRequest&) {
    transport::HttpResponse r;
    r.status = 200;
    r.body = R"({"bills": []})";
    return r;
  });
  novita().fetch(request("bills", "2025-01-15T06:00:00Z", "2026-02-19T18:30:00Z",
                         {{"category", {"gpu"}}, {"product", {"H100 80GB"}}}),
                 fake);
  std::vector<transport::HttpRequest> reqs = fake.requests();
  REQUIRE(reqs.size() == 14);
  std::vector<std::pair<long long, long long>> spans;
  for (const transport::HttpRequest& r : reqs) {
    CHECK_THAT(r.url, Catch::StartsWith("http://127.0.0.1:9/openapi/v1/billing/bill/monthly/list?"
                                        "category=gpu&productName=H100%2080GB&startTime="));
    CHECK(r.headers.at(0).second == "Bearer nv_TEST_KEY_123456");
    long long s = std::stoll(param(r.url, "startTime"));
    long long e = std::stoll(param(r.url, "endTime"));
    CHECK(e - s + 1 <= 31LL * 86400);  // inclusive end
    spans.emplace_back(s, e);
  }
  std::sort(spans.begin(), spans.end());  // requests ran in parallel
  CHECK(spans.front().first == model::to_unix(at("2025-01-15T06:00:00Z")));
  CHECK(spans.back().second + 1 == model::to_unix(at("2026-02-19T18:30:00Z")));
  for (std::size_t i = 1; i < spans.size(); ++i) CHECK(spans[i].first == spans[i - 1].second + 1);
}

TEST_CASE("novita: usage request sends cycleType and productCategory", "[novita][request]") {
  test::FakeTransport fake;
  fake.push(200, R"({"bills": []})");
  novita().fetch(request("usage", "2026-10-01", "2026-10-02", {{"cycle", {"hour"}}}), fake);
  CHECK(fake.requests().at(0).url ==
        "http://127.0.0.1:9/openapi/v1/billing/bill/list?cycleType=Hour&productCategory=gpu"
        "&startTime=1790812800&endTime=1790899199");
}

TEST_CASE("novita: a bill returned by two windows is kept once", "[novita][request]") {
  // A subscription from Oct 15 to Nov 14 overlaps both the October and November windows.
  test::FakeTransport fake;
  const std::string spanning =
      R"({"startTime": "1792022400", "endTime": "1794700799", "productCategory": "gpu",
          "productName": "H100", "ownerID": "i-1", "payAmount": "2500000"})";
  fake.set_handler([&](const transport::HttpRequest& r) {
    transport::HttpResponse resp;
    resp.status = 200;
    bool october = param(r.url, "startTime") == "1790812800";
    resp.body = std::string(R"({"bills": [)") + spanning +
                (october ? R"(, {"startTime": "1790812800", "endTime": "1790899199",
                            "productCategory": "gpu", "productName": "A40", "ownerID": "i-2",
                            "payAmount": "10000"})"
                         : "") +
                "]}";
    return resp;
  });
  auto rs = novita().fetch(request("bills", "2026-10-01", "2026-12-01", {}, 1), fake);
  REQUIRE(rs.size() == 2);
  // Asked from Nov 1, the Oct 15 bill is October's: it overlaps but is not counted.
  auto november = novita().fetch(request("bills", "2026-11-01", "2026-12-01", {}, 1), fake);
  CHECK(november.empty());
  CHECK(rs[0].description == "A40");  // merged in time order
  CHECK(rs[1].description == "H100");
  CHECK(rs[1].amount == Decimal::parse("250"));
}

TEST_CASE("novita: 401, 403 and LIST_BILL_TOO_FAST", "[novita][request][errors]") {
  test::FakeTransport fake;
  fake.push(403, R"({"code":403,"reason":"INVALID_API_KEY","message":"invalid api-key"})");
  CHECK_THROWS_WITH(novita().fetch(request("bills", "2026-10-01", "2026-10-02"), fake),
                    "novita: GET /openapi/v1/billing/bill/monthly/list: 403 Forbidden: "
                    "INVALID_API_KEY: invalid api-key: the key lacks access; check NOVITA_API_KEY "
                    "and its permissions");
  fake.push(401, R"({"message":"unauthorized"})");
  CHECK_THROWS_AS(novita().fetch(request("bills", "2026-10-01", "2026-10-02"), fake), AuthError);
  fake.push(429, R"({"code":429,"reason":"LIST_BILL_TOO_FAST","message":"too fast"})");
  CHECK_THROWS_WITH(novita().fetch(request("bills", "2026-10-01", "2026-10-02"), fake),
                    Catch::Contains("429 Too Many Requests: LIST_BILL_TOO_FAST: too fast"));
}

TEST_CASE("novita: statements are one record per month with status and invoice",
          "[novita][parse]") {
  providers::Endpoint ep{"novita", "NOVITA_API_KEY", "GET /openapi/v1/billing/monthly/bill"};
  auto rs = parse_statements(test::read_fixture("novita/statements_page.json"), ep);
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].service == "statement");
  CHECK(rs[0].resource_id == "mb-2026-09");
  CHECK(rs[0].amount == Decimal::parse("26234.5678"));
  CHECK(model::format_rfc3339(rs[0].period.start) == "2026-09-01T00:00:00Z");
  CHECK(model::format_rfc3339(rs[0].period.end) == "2026-10-01T00:00:00Z");
  CHECK(rs[0].attributes["status"] == "paid");
  CHECK(rs[0].attributes["invoiceUrl"] == "https://novita.ai/invoices/mb-2026-09.pdf");
  CHECK(rs[0].attributes["gpubill_voucher_paid"] == "765.4322");
  CHECK(rs[1].attributes["gpubill_debt"] == "0.01");
  CHECK(parse_statements(test::read_fixture("novita/statements_empty.json"), ep).empty());
  CHECK_THROWS_WITH(parse_statements(test::read_fixture("novita/statements_bad_month.json"), ep),
                    Catch::Contains("statement 1: field 'billingMonth' is not YYYY-MM"));
}

TEST_CASE("novita: statements walk pages to the current month or an empty page",
          "[novita][request]") {
  test::FakeTransport fake;
  fake.push(200, test::read_fixture("novita/statements_page.json"));
  fake.push(200, R"({"data": [{"billId": "mb-2026-11", "billingMonth": "2026-11", "totalAmount": "5"},
                              {"billId": "mb-2026-10", "billingMonth": "2026-10", "totalAmount": "100"}]})");
  auto rs = novita().fetch(request("statements", "2026-09-01", "2026-11-01"), fake);
  std::vector<transport::HttpRequest> reqs = fake.requests();
  // Page 2 holds November, the month now is in: no statement can follow, no empty page asked.
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].url ==
        "http://127.0.0.1:9/openapi/v1/billing/monthly/bill?startMonth=2026-09&page=1&pageSize=12");
  CHECK_THAT(reqs[1].url, Catch::Contains("&page=2&"));
  REQUIRE(rs.size() == 2);  // November is outside the period; October repeated once
  CHECK(rs[0].resource_id == "mb-2026-09");
  CHECK(rs[1].resource_id == "mb-2026-10");

  test::FakeTransport short_pages;  // an empty page before now also ends it
  short_pages.push(200, test::read_fixture("novita/statements_page.json"));
  short_pages.push(200, R"({"data": []})");
  CHECK(novita().fetch(request("statements", "2026-09-01", "2026-11-01"), short_pages).size() == 2);
  CHECK(short_pages.requests().size() == 2);

  test::FakeTransport endless;
  endless.set_handler([](const transport::HttpRequest&) {
    transport::HttpResponse r;
    r.status = 200;
    r.body = R"({"data": [{"billId": "x", "billingMonth": "2026-10", "totalAmount": "1"}]})";
    return r;
  });
  // A server that ignores `page`: page 2 repeats page 1, and months up to now are missing.
  CHECK_THROWS_WITH(novita().fetch(request("statements", "2026-09-01", "2026-11-01"), endless),
                    Catch::Contains("page 2 repeats statements already read (the server ignores "
                                    "'page'?): the months after 2026-10 may be missing"));
  CHECK(endless.requests().size() == 2);
}

TEST_CASE("novita: balance figures, exact, negatives allowed", "[novita][parse]") {
  providers::Endpoint ep{"novita", "NOVITA_API_KEY", "GET /openapi/v1/billing/balance/detail"};
  model::Balance b = parse_balance(test::read_fixture("novita/balance.json"), ep);
  CHECK(b.provider == "novita");
  CHECK(b.currency == "USD");
  REQUIRE(b.figures.size() == 4);
  CHECK(b.figures[0] == std::pair<std::string, std::optional<Decimal>>{"available_balance",
                                                                         Decimal::parse("1234.5678")});
  CHECK(b.figures[3].second == Decimal::parse("-265.4322"));
  model::Balance partial = parse_balance(test::read_fixture("novita/balance_partial.json"), ep);
  CHECK(partial.figures[0].second == Decimal::parse("1"));
  CHECK_FALSE(partial.figures[1].second.has_value());
  CHECK_THROWS_WITH(parse_balance(test::read_fixture("novita/balance_none.json"), ep),
                    Catch::Contains("no balance figures in the answer: UNKNOWN: balance unavailable"));
}

// What report compares with the parts: issued statements only, less what vouchers paid. A
// status of the wrong type (bad input) made report's Novita share an "internal error".
TEST_CASE("novita: own totals are issued statements less vouchers, whatever type status has",
          "[novita][report]") {
  auto statement = [](nlohmann::json status, const char* total, const char* voucher) {
    model::CostRecord r;
    r.provider = "novita";
    r.service = "statement";
    r.amount = model::Decimal::parse(total);
    r.attributes["status"] = status;
    r.attributes["gpubill_voucher_paid"] = voucher;
    return r;
  };
  std::vector<model::CostRecord> fetched = {statement("paid", "100", "2.5"), statement("outed", "7", "0"),
                                            statement("pending", "50", "0"), statement("voided", "9", "0"),
                                            statement(7, "11", "0"), statement(nullptr, "13", "0")};
  std::vector<model::CostRecord> totals = novita().own_totals(fetched);
  REQUIRE(totals.size() == 2);
  CHECK(totals[0].amount == model::Decimal::parse("97.5"));
  CHECK(totals[1].amount == model::Decimal::parse("7"));
}
