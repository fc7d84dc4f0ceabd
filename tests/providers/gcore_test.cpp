#include <catch2/catch.hpp>

#include <tuple>

#include <set>

#include "gpubill/aggregate/aggregate.hpp"
#include "gpubill/format/formatter.hpp"
#include "gpubill/providers/registry.hpp"
#include "support/providers.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/model/gpu_catalog.hpp"
#include "providers/gcore/gcore_api.hpp"
#include "support/fake_transport.hpp"
#include "support/errors.hpp"
#include "support/fixtures.hpp"

using namespace gpubill;
using namespace gpubill::providers::gcore;
using model::Decimal;

namespace {

model::Timestamp at(const char* t) { return *model::parse_provider_time(t); }
const model::Period k_window{at("2026-09-01"), at("2026-10-01")};
const providers::Endpoint k_ep{"gcore", "GCORE_API_KEY", "POST /cloud/v1/cost_report/totals"};

ReportPage parse(const char* fixture) {
  return parse_report(test::read_fixture(std::string("gcore/") + fixture), k_window, k_ep);
}

const providers::Provider& gcore() { return test::provider("gcore"); }

providers::FetchRequest request(const char* start, const char* end,
                                providers::OptionValues options = {}) {
  return {"totals", {{at(start), at(end)}, at("2026-11-23T12:00:00Z")}, std::move(options),
          "gc_TEST$KEY_123456", "http://127.0.0.1:9", 1};
}

transport::HttpResponse empty_totals(const transport::HttpRequest&) {
  transport::HttpResponse r;
  r.status = 200;
  r.body = R"({"count": 0, "price_status": "show", "results": []})";
  return r;
}

}  // namespace

TEST_CASE("gcore: the docs' example, exact EUR, readable units", "[gcore][parse]") {
  ReportPage page = parse("totals_doc_example.json");
  REQUIRE(page.records.size() == 3);
  CHECK(page.price_status == "show");
  const model::CostRecord& r = page.records[0];
  CHECK(r.provider == "gcore");
  CHECK(r.service == "ai_cluster");
  CHECK(r.description == "AI Infrastructure: bm3-ai-1xlarge-h100-80-8 Luxembourg-2 - PAYG");
  CHECK(r.region == "76");
  CHECK(r.currency == "EUR");
  CHECK(r.amount == Decimal::parse("3763.2"));
  CHECK(r.usage_quantity == Decimal::parse("168"));  // 10080 minutes
  CHECK(r.usage_unit == "hour");
  CHECK(r.gpu_type == "8 x H100 80GB");
  CHECK(r.gpu_model == "H100 80GB");
  CHECK(r.attributes["gpubill_gpu_count"] == 8);
  CHECK(r.attributes["gpubill_gpu_hours"] == "1344");  // 168 server hours x 8 GPUs
  CHECK(r.period == k_window);
  CHECK(r.attributes["billing_value"] == 10080.0);
  CHECK(r.attributes["billing_value_unit"] == "minutes");
  CHECK(r.attributes["billing_metric_name"] == "bm3-ai-1xlarge-h100-80-8_min");
  CHECK(page.records[1].usage_quantity == Decimal::parse("720000"));  // GB-minutes / 60
  CHECK(page.records[1].usage_unit == "GB-hour");
  CHECK(page.records[1].attributes["volume_type"] == "ssd_hiiops");
  CHECK(page.records[2].usage_quantity == Decimal::parse("52.613349376"));
  CHECK(page.records[2].usage_unit == "GB");
  CHECK(page.records[2].amount == Decimal::parse("0"));  // a real zero
}

TEST_CASE("gcore: every one of the 25 types parses with its extra fields", "[gcore][parse]") {
  ReportPage page = parse("totals_all_types.json");
  REQUIRE(page.records.size() == 25);
  std::set<std::string> seen;
  for (const model::CostRecord& r : page.records) {
    seen.insert(r.service);
    CHECK(r.amount.has_value());
    CHECK(r.usage_quantity.has_value());
  }
  CHECK(seen == std::set<std::string>(resource_types().begin(), resource_types().end()));
  auto find = [&](const char* type) {
    for (const model::CostRecord& r : page.records) {
      if (r.service == type) return r;
    }
    FAIL("missing " << type);
    return model::CostRecord{};
  };
  CHECK(find("ai_virtual_cluster").gpu_type == "1 x L40S");
  CHECK(find("ai_virtual_cluster").gpu_model == "L40S");
  CHECK(find("instance").gpu_type.empty());
  CHECK(find("instance").gpu_model.empty());
  CHECK_FALSE(find("instance").attributes.contains("gpubill_gpu_hours"));
  CHECK(find("backup").attributes["last_size"] == 107374182400LL);
  CHECK(find("egress_traffic").attributes["instance_type"] == "vm");
  CHECK(find("inference").usage_unit == "inference_gpu_l40s_48_sec");  // free string kept
  CHECK(find("functions_calls").usage_unit == "MLS");
  CHECK(find("containers").usage_quantity == Decimal::parse("3600.5"));
}

TEST_CASE("gcore: null cost and missing currency keep the row without a price, err keeps its cost",
          "[gcore][parse]") {
  ReportPage page = parse("totals_no_price.json");
  REQUIRE(page.records.size() == 4);
  CHECK(page.price_status == "hide");
  CHECK_FALSE(page.records[0].amount.has_value());
  CHECK(page.records[0].attributes["gpubill_no_price_reason"] == "cost null (price_status hide)");
  // err set with a cost: the docs call err the row's error message and never say it cancels
  // the cost, so the cost counts, and the error stays as sent.
  CHECK(page.records[1].amount == Decimal::parse("1.5"));
  CHECK(page.records[1].attributes["err"] == "tariff not found");
  CHECK_FALSE(page.records[1].attributes.contains("gpubill_no_price_reason"));
  CHECK_FALSE(page.records[2].amount.has_value());
  CHECK(page.records[2].attributes["gpubill_no_price_reason"] == "cost without a currency");
  CHECK(page.records[3].amount == Decimal::parse("0.5"));
  aggregate::Totals t = aggregate::totals_by_currency(page.records);
  CHECK(t.records_without_amount == 2);
  REQUIRE(t.by_currency.size() == 1);
  CHECK(t.by_currency[0] == model::Money{"EUR", *Decimal::parse("2")});

  // Prices hidden: a 0 is not a price (and is never counted as a real 0); other costs stand.
  ReportPage hidden = parse("totals_hidden_zero.json");
  REQUIRE(hidden.records.size() == 2);
  CHECK_FALSE(hidden.records[0].amount.has_value());
  CHECK(hidden.records[0].attributes["gpubill_no_price_reason"] == "cost 0 with price_status hide");
  CHECK(hidden.records[1].amount == Decimal::parse("0.5"));
}

TEST_CASE("gcore: EUR and USD rows stay apart in every format", "[gcore][parse]") {
  ReportPage page = parse("totals_mixed_currency.json");
  aggregate::Totals t = aggregate::totals_by_currency(page.records);
  REQUIRE(t.by_currency.size() == 2);
  CHECK(t.by_currency[0] == model::Money{"EUR", *Decimal::parse("100.000000002")});
  CHECK(t.by_currency[1] == model::Money{"USD", *Decimal::parse("50.5")});
  format::RenderInput in(page.records);
  in.totals = t.by_currency;
  in.title = "gcore totals";
  in.period = k_window;
  std::string table = format::render_table(in);
  CHECK_THAT(table, Catch::Contains("100.00  EUR"));
  CHECK_THAT(table, Catch::Contains("50.50  USD"));
  CHECK_THAT(table, !Catch::Contains("150.50"));
  std::string json = format::render_json(in);
  CHECK_THAT(json, Catch::Contains(R"({"currency": "EUR", "amount": 100.000000002}, {"currency": "USD", "amount": 50.5})"));
  CHECK_THAT(format::render_csv(in), Catch::Contains(",100.000000001,EUR,"));
}

TEST_CASE("gcore: GPU names from flavors", "[gcore][parse]") {
  CHECK(gpu_from_flavor("bm3-ai-1xlarge-h100-80-8") == "8 x H100 80GB");
  CHECK(gpu_from_flavor("g3-ai-32-192-1500-l40s-48-1") == "1 x L40S");
  CHECK(gpu_from_flavor("bm3-ai-1xlarge-a100-80-8") == "8 x A100 80GB");
  CHECK(gpu_from_flavor("bm3-ai-ndp-1xlarge-h200-141-8") == "8 x H200");
  CHECK(gpu_from_flavor("g1-standard-1-2").empty());
  CHECK(gpu_from_flavor("").empty());
  CHECK(gpu_from_flavor("h100").empty());
  // And the catalog's model and count from what it gives (model/ knows no flavours).
  for (const auto& [flavor, model, count] :
       std::vector<std::tuple<const char*, const char*, int>>{
           {"bm3-ai-1xlarge-h100-80-8", "H100 80GB", 8}, {"g3-ai-32-192-1500-l40s-48-1", "L40S", 1},
           {"bm3-ai-1xlarge-a100-80-8", "A100 80GB", 8}, {"bm3-ai-1xlarge-h200-141-8", "H200", 8},
           {"bm3-ai-ndp-1xlarge-b200-180-8", "B200", 8}, {"g3-ai-24-232-1100-a40-48-2", "A40", 2},
           {"bm3-ai-1xlarge-mi300x-192-8", "MI300X", 8}}) {
    INFO(flavor);
    model::GpuIdentity id = model::identify_gpu(gpu_from_flavor(flavor));
    CHECK(id.model == model);
    CHECK(id.count == count);
  }
}

TEST_CASE("gcore: bad bodies are one-line errors", "[gcore][parse][errors]") {
  const std::pair<const char*, const char*> cases[] = {
      {"bad_cost_text.json", "row 1: field 'cost' is not a number: \"lots\""},
      {"bad_results_object.json", "field 'results' is not an array"},
      {"bad_huge_cost.json", "field 'cost' is out of range"},
      {"bad_value_type.json", "field 'billing_value' is an array, expected a number"},
      {"error_validation.json", "Validation Error: {'time_to': ['Field required']} [time_to: "
                                "Field required] (request_id af999e5f3b091aad111442fff86b3658)"},
  };
  for (const auto& [fixture, expected] : cases) {
    INFO("fixture: " << fixture);
    test::check_provider_error([&] { parse(fixture); },
                               "gcore: POST /cloud/v1/cost_report/totals: ", expected);
  }
}

TEST_CASE("gcore: request body, APIKey header, whole-day windows of at most 31 days",
          "[gcore][request]") {
  test::FakeTransport fake;
  fake.set_handler(empty_totals);
  gcore().fetch(request("2026-09-01", "2026-11-01T06:00:00Z",
                        {{"project", {"16", "17"}},
                         {"region", {"76"}},
                         {"type", {"ai_cluster", "instance"}},
                         {"tag", {"team=mlops", "env=prod"}},
                         {"tag-match", {"all"}},
                         {"tag-strict", {"true"}},
                         {"filter", {"instance:flavor=g1-standard-1-2,g1-standard-2-4"}}}),
                fake);
  std::vector<transport::HttpRequest> reqs = fake.requests();
  REQUIRE(reqs.size() == 3);  // September, October, and Nov 1 (widened to the whole day)
  for (const transport::HttpRequest& r : reqs) {
    CHECK(r.method == "POST");
    CHECK(r.url == "http://127.0.0.1:9/cloud/v1/cost_report/totals");
    CHECK(r.headers.at(0) == std::pair<std::string, std::string>{"Authorization",
                                                                 "APIKey gc_TEST$KEY_123456"});
    nlohmann::json body = nlohmann::json::parse(r.body);
    model::Timestamp from = *model::parse_provider_time(body["time_from"].get<std::string>());
    model::Timestamp to = *model::parse_provider_time(body["time_to"].get<std::string>());
    CHECK(to - from <= std::chrono::days{31});
    CHECK(model::start_of_day(from) == from);
    CHECK(model::start_of_day(to) == to);
    CHECK(body["enable_last_day"] == false);
    CHECK(body["rounding"] == false);
    CHECK(body["projects"] == nlohmann::json::array({16, 17}));
    CHECK(body["regions"] == nlohmann::json::array({76}));
    CHECK(body["types"] == nlohmann::json::array({"ai_cluster", "instance"}));
    CHECK(body["tags"]["condition_type"] == "AND");
    CHECK(body["tags"]["conditions"][1] ==
          nlohmann::json({{"key", "env"}, {"value", "prod"}, {"strict", true}}));
    CHECK(body["schema_filter"] ==
          nlohmann::json({{"type", "instance"}, {"field", "flavor"},
                          {"values", {"g1-standard-1-2", "g1-standard-2-4"}}}));
  }
  CHECK(nlohmann::json::parse(reqs[2].body)["time_to"] == "2026-11-02T00:00:00Z");
}

TEST_CASE("gcore: bad filters are usage errors before any request", "[gcore][request][errors]") {
  const std::vector<providers::OptionValues> bad = {
      {{"filter", {"instance:colour=red"}}},
      {{"filter", {"spaceship:flavor=x"}}},
      {{"filter", {"instance=flavor"}}},
      {{"filter", {"instance:flavor="}}},
      {{"tag", {"ab=value"}}},
      {{"tag", {"novalue"}}},
      {{"tag-match", {"all"}}},
      {{"project", {"sixteen"}}},
      {{"region", {"-1"}}},
  };
  for (const providers::OptionValues& options : bad) {
    test::FakeTransport fake;
    fake.set_handler(empty_totals);
    CHECK_THROWS_AS(gcore().fetch(request("2026-09-01", "2026-10-01", options), fake), UsageError);
    CHECK(fake.requests().empty());
  }
  test::FakeTransport fake;
  CHECK_THROWS_WITH(gcore().fetch(request("2026-09-01", "2026-10-01",
                                          {{"filter", {"volume:flavor=x"}}}),
                                  fake),
                    Catch::Contains("volume has no field 'flavor': use one of attached_to_vm"));
}

TEST_CASE("gcore: 401 with the wrong scheme says check GCORE_API_KEY", "[gcore][request][errors]") {
  test::FakeTransport fake;
  fake.push(401, test::read_fixture("gcore/error_token.json"));
  CHECK_THROWS_WITH(gcore().fetch(request("2026-09-01", "2026-09-02"), fake),
                    "gcore: POST /cloud/v1/cost_report/totals: 401 Unauthorized: Given token not "
                    "valid for any token type (request_id 0123456789abcdef0123456789abcdef): "
                    "check GCORE_API_KEY");
}

TEST_CASE("gcore: resources rows carry uuid, name, project and tags", "[gcore][parse]") {
  ReportPage page = parse("resources_page.json");
  CHECK(page.count == 3);
  REQUIRE(page.records.size() == 2);
  const model::CostRecord& r = page.records[0];
  CHECK(r.resource_id == "9f3c2a1e-0000-4000-8000-000000000001");
  CHECK(r.resource_name == "train-h100-01");
  CHECK(r.description.empty());  // billing_feature_name null
  CHECK(r.amount == Decimal::parse("16128.000000123"));
  CHECK(r.gpu_type == "8 x H100 80GB");
  CHECK(r.attributes["project_id"] == 16);
  CHECK(r.attributes["first_seen"] == "2026-09-01T00:00:00Z");
  CHECK(r.attributes["tags"][1]["训练"] == "🚀");
  CHECK(page.records[1].resource_id.empty());  // external_ip has no uuid
  CHECK(page.records[1].attributes["ip_address"] == "203.0.113.7");
}

TEST_CASE("gcore: resources page by what arrived until count, capped", "[gcore][request]") {
  // A server that caps pages at 2 rows although gpubill asks for 100.
  test::FakeTransport fake;
  fake.set_handler([](const transport::HttpRequest& r) {
    nlohmann::json body = nlohmann::json::parse(r.body);
    long long offset = body["offset"];
    nlohmann::json rows = nlohmann::json::array();
    for (long long i = offset; i < std::min<long long>(offset + 2, 5); ++i) {
      rows.push_back({{"type", "instance"}, {"uuid", "u" + std::to_string(i)}, {"cost", 1},
                      {"currency", "EUR"}, {"err", nullptr}});
    }
    transport::HttpResponse resp;
    resp.status = 200;
    resp.body = nlohmann::json({{"count", 5}, {"price_status", "show"}, {"results", rows}}).dump();
    return resp;
  });
  providers::FetchRequest req = request("2026-09-01", "2026-10-01", {{"order-by", {"billing_value.desc"}}});
  req.resource = "resources";
  auto rs = gcore().fetch(req, fake);
  REQUIRE(rs.size() == 5);
  for (std::size_t i = 0; i < rs.size(); ++i) CHECK(rs[i].resource_id == "u" + std::to_string(i));
  std::vector<transport::HttpRequest> reqs = fake.requests();
  REQUIRE(reqs.size() == 3);
  std::vector<long long> offsets;
  for (const auto& r : reqs) {
    CHECK(r.url == "http://127.0.0.1:9/cloud/v1/cost_report/resources");
    nlohmann::json body = nlohmann::json::parse(r.body);
    CHECK(body["limit"] == 100);
    CHECK(body["order_by"] == nlohmann::json::array({"billing_value.desc"}));
    offsets.push_back(body["offset"]);
  }
  CHECK(offsets == std::vector<long long>{0, 2, 4});

  test::FakeTransport endless;
  endless.set_handler([](const transport::HttpRequest&) {
    transport::HttpResponse resp;
    resp.status = 200;
    resp.body = R"({"count": 999999999, "price_status": "show", "results": [{"type": "instance", "cost": 1, "currency": "EUR"}]})";
    return resp;
  });
  // The same page again and again (a server ignoring `offset`) once tripled bills; each
  // resource is read once, and a page of nothing new is an error (issue 17).
  CHECK_THROWS_WITH(gcore().fetch(req, endless),
                    Catch::Contains("POST /cloud/v1/cost_report/resources: page 2 repeats resources already "
                                    "read (the server ignores the page asked for?): after 1, the rest may be missing"));
  // A list that ends before its announced count: never a silent partial bill.
  test::FakeTransport short_list;
  short_list.set_handler([](const transport::HttpRequest& r) {
    long long offset = nlohmann::json::parse(r.body)["offset"];
    nlohmann::json rows = nlohmann::json::array();
    for (long long i = offset; i < std::min<long long>(offset + 2, 3); ++i) {
      rows.push_back({{"type", "instance"}, {"uuid", "u" + std::to_string(i)}, {"cost", 1}, {"currency", "EUR"}});
    }
    transport::HttpResponse resp;
    resp.status = 200;
    resp.body = nlohmann::json({{"count", 5}, {"price_status", "show"}, {"results", rows}}).dump();
    return resp;
  });
  CHECK_THROWS_WITH(gcore().fetch(req, short_list),
                    Catch::Contains("announced 5 resources and 3 came: the bill would be short"));

  providers::FetchRequest bad = req;
  bad.options = {{"order-by", {"colour.asc"}}};
  CHECK_THROWS_AS(gcore().fetch(bad, fake), UsageError);
}

TEST_CASE("gcore: reservations ask one month by year_month", "[gcore][request]") {
  test::FakeTransport fake;
  fake.set_handler(empty_totals);
  providers::FetchRequest req = request("2026-11-01", "2026-11-23",
                                        {{"month", {"2026-10"}}, {"type", {"ai_cluster"}}});
  req.resource = "reservations";
  gcore().fetch(req, fake);
  REQUIRE(fake.requests().size() == 1);
  CHECK(fake.requests()[0].url == "http://127.0.0.1:9/cloud/v1/reservation_cost_report/totals");
  nlohmann::json body = nlohmann::json::parse(fake.requests()[0].body);
  CHECK(body == nlohmann::json({{"year_month", "2026-10"}, {"rounding", false},
                                {"response_format", "json"}, {"types", {"ai_cluster"}}}));
  req.options = {};
  gcore().fetch(req, fake);  // default: the month --start falls in
  CHECK(nlohmann::json::parse(fake.requests()[1].body)["year_month"] == "2026-11");
  req.options = {{"month", {"October"}}};
  CHECK_THROWS_AS(gcore().fetch(req, fake), UsageError);
}
