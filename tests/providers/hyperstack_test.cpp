#include <catch2/catch.hpp>

#include "gpubill/providers/registry.hpp"
#include "support/providers.hpp"
#include "gpubill/util/error.hpp"
#include "providers/hyperstack/hyperstack_api.hpp"
#include "support/fake_transport.hpp"
#include "support/fixtures.hpp"

using namespace gpubill;
using namespace gpubill::providers::hyperstack;
using model::Decimal;

namespace {

model::Timestamp at(const char* t) { return *model::parse_provider_time(t); }
const model::Period k_period{at("2026-10-01"), at("2026-11-01")};
const providers::Endpoint k_ep{"hyperstack", "HYPERSTACK_API_KEY",
                               "GET /billing/billing/history/virtual-machine"};

ListPage list(const char* fixture, const char* wrapper, const char* service = "vms") {
  return parse_list(test::read_fixture(std::string("hyperstack/") + fixture), wrapper, service,
                    k_period, k_ep);
}

const providers::Provider& hyperstack() { return test::provider("hyperstack"); }

providers::FetchRequest request(const char* resource, providers::OptionValues options = {}) {
  return {resource, {k_period, at("2026-11-23T12:00:00Z")}, std::move(options),
          "hs_TEST_KEY_123456", "http://127.0.0.1:9/v1", 4};
}

}  // namespace

TEST_CASE("hyperstack: VM list, one record per VM", "[hyperstack][parse]") {
  ListPage page = list("vms_page.json", "billing_history_vm");
  CHECK(page.pages == 1);
  CHECK(page.total_count == 2);
  REQUIRE(page.records.size() == 2);
  const model::CostRecord& r = page.records[0];
  CHECK(r.provider == "hyperstack");
  CHECK(r.service == "vms");
  CHECK(r.resource_id == "8429");
  CHECK(r.resource_name == "train-h100-01");
  CHECK(r.amount == Decimal::parse("305.2"));
  CHECK(r.currency == "USD");
  CHECK(r.usage_quantity == Decimal::parse("127.1667"));
  CHECK(r.usage_unit == "hour");
  CHECK(r.period == k_period);
  CHECK(r.attributes["status"] == "ACTIVE");
  CHECK(r.attributes["price_per_hour"] == 2.4);
  CHECK(r.attributes["contract_id"].is_null());
  CHECK(page.records[1].attributes["contract_id"] == 312);
  // The wrapper's org_id (hyperstack.md, "Shared shapes") on every record: FOCUS's BillingAccountId.
  CHECK(r.attributes["org_id"] == 6190);
  CHECK(page.records[1].attributes["org_id"] == 6190);
}

TEST_CASE("hyperstack: org_id read from the wrapper, absent or wrongly typed", "[hyperstack][parse]") {
  // No org_id in the wrapper: no attribute, not a made-up one.
  ListPage bare = list("vms_missing_and_negative.json", "billing_history_vm");
  REQUIRE_FALSE(bare.records.empty());
  CHECK_FALSE(bare.records[0].attributes.contains("org_id"));
  // An integral string is the same number; an object is an error naming the field.
  const std::string body = R"({"status": true, "message": "ok", "billing_history_vm": {"org_id": "6190",
      "total_count": 1, "billing_history": [{"attributes": {"infrahub_id": 1, "resource_name": "a"},
      "metrics": {"incurred_bill": 1.5}}]}})";
  ListPage text = parse_list(body, "billing_history_vm", "vms", k_period, k_ep);
  REQUIRE(text.records.size() == 1);
  CHECK(text.records[0].attributes["org_id"] == 6190);
  std::string wrong = body;
  wrong.replace(wrong.find("\"6190\""), 6, "{\"id\": 1}");
  CHECK_THROWS_WITH(parse_list(wrong, "billing_history_vm", "vms", k_period, k_ep), Catch::Contains("org_id"));
}

TEST_CASE("hyperstack: every wrapper variant the doc lists", "[hyperstack][parse]") {
  // Snapshots under the spec's reused key, and under the key a live server may use.
  CHECK(list("snapshots_spec_key.json", "billing_history_volume", "snapshots").records.size() == 1);
  ListPage live = list("snapshots_live_key.json", "billing_history_volume", "snapshots");
  REQUIRE(live.records.size() == 1);
  CHECK(live.records[0].amount == Decimal::parse("1.25"));
  CHECK_FALSE(live.pages.has_value());  // no pagination object
  // success instead of status; token metrics kept.
  ListPage tokens = list("serverless_success.json", "billing_history_serverless_inference", "serverless");
  REQUIRE(tokens.records.size() == 1);
  CHECK(tokens.records[0].attributes["input_tokens"] == 5200000);
  CHECK(tokens.records[0].attributes["output_tokens_incurred_bill"] == 1.31);
  CHECK(tokens.records[0].attributes["base_model"] == "meta-llama/Llama-3.1-8B-Instruct");
  CHECK_FALSE(tokens.records[0].usage_quantity.has_value());
  // A single object instead of an array.
  ListPage single = list("cluster_single_object.json", "billing_history_cluster", "clusters");
  REQUIRE(single.records.size() == 1);
  CHECK(single.records[0].resource_id == "93");
  // The contracts guess: description as the name, gpu_type kept.
  ListPage contracts = list("contracts_guess.json", "billing_history_contract", "contracts");
  REQUIRE(contracts.records.size() == 1);
  CHECK(contracts.records[0].resource_name == "8x H100 reservation 6m");
  CHECK(contracts.records[0].gpu_type == "H100-80G-SXM5");
  CHECK(contracts.records[0].gpu_model == "H100 80GB");
}

TEST_CASE("hyperstack: exponent floats, missing fields, negatives", "[hyperstack][parse]") {
  ListPage bucket = list("buckets_exponent.json", "billing_history_bucket", "buckets");
  REQUIRE(bucket.records.size() == 1);
  CHECK(bucket.records[0].amount == Decimal::parse("0.000000000015"));  // 1.4799e-11 at 1e-12
  ListPage odd = list("vms_missing_and_negative.json", "billing_history_vm");
  REQUIRE(odd.records.size() == 4);
  CHECK_FALSE(odd.records[0].amount.has_value());
  CHECK(odd.records[0].attributes["gpubill_no_price_reason"] == "incurred_bill missing");
  CHECK_FALSE(odd.records[1].amount.has_value());
  CHECK_FALSE(odd.records[1].usage_quantity.has_value());
  CHECK(odd.records[2].amount == Decimal::parse("-12.5"));  // a credit stays negative
  CHECK(odd.records[3].amount == Decimal::parse("250"));
  CHECK(odd.records[3].resource_id.empty());
}

TEST_CASE("hyperstack: organisation history, one record per component", "[hyperstack][parse]") {
  auto rs = parse_history(test::read_fixture("hyperstack/history.json"), k_period, k_ep);
  REQUIRE(rs.size() == 4);
  CHECK(rs[0].service == "vm");
  CHECK(rs[0].amount == Decimal::parse("398.2219"));
  CHECK(rs[1].service == "volume");
  CHECK(rs[3].service == "contract");
  CHECK(rs[3].amount == Decimal::parse("0"));
  CHECK(rs[0].attributes["non_discounted_bill"] == 455.1204);
  CHECK(rs[0].resource_id == "f3a91c44-7b2e-49d7-a16d-5c3e8d9a0b21");
  CHECK(rs[3].attributes["org_id"] == 6190);

  // Components missing from the answer are skipped, the others kept; a numeric id is read.
  auto partial = parse_history(test::read_fixture("hyperstack/history_partial.json"), k_period, k_ep);
  REQUIRE(partial.size() == 2);
  CHECK(partial[0].service == "vm");
  CHECK(partial[1].service == "snapshot");  // after a missing volume_cost
  CHECK(partial[1].amount == Decimal::parse("12.3"));
  CHECK(partial[0].resource_id == "42");
}

TEST_CASE("hyperstack: errors and unknown shapes", "[hyperstack][parse][errors]") {
  const std::pair<const char*, const char*> cases[] = {
      {"status_false.json", "answered status false: unauthorized: Invalid API key"},
      {"success_false.json", "answered success false: Something went wrong"},
      {"no_wrapper.json", "no 'billing_history_vm' in the answer"},
      {"two_wrappers.json", "more than one billing_history* member"},
      {"bad_amount_type.json", "field 'incurred_bill' is not a number: \"a lot\""},
  };
  for (const auto& [fixture, expected] : cases) {
    INFO("fixture: " << fixture);
    CHECK_THROWS_WITH(list(fixture, "billing_history_vm"), Catch::Contains(expected));
  }
  CHECK(request_date(at("2026-05-01T06:07:08Z")) == "2026-05-01T06:07:08");
}

TEST_CASE("hyperstack: pages one after another until pages, with dedupe and guards",
          "[hyperstack][request]") {
  auto page_of = [](int page, int pages, std::vector<int> ids) {
    nlohmann::json items = nlohmann::json::array();
    for (int id : ids) {
      items.push_back({{"attributes", {{"infrahub_id", id}, {"resource_name", "vm" + std::to_string(id)}}},
                       {"metrics", {{"incurred_bill", 1.5}}}});
    }
    nlohmann::json wrapper = {{"total_count", 7}, {"billing_history", items}};
    if (pages >= 0) wrapper["pagination"] = {{"page", page}, {"per_page", 3}, {"pages", pages}};
    return nlohmann::json({{"status", true}, {"billing_history_vm", wrapper}}).dump();
  };
  SECTION("three pages, an id repeated across pages") {
    test::FakeTransport fake;
    fake.push(200, page_of(1, 3, {1, 2, 3}));
    fake.push(200, page_of(2, 3, {3, 4, 5}));
    fake.push(200, page_of(3, 3, {6, 7}));
    auto rs = hyperstack().fetch(request("vms", {{"search", {"train"}}}), fake);
    CHECK(rs.size() == 7);
    std::vector<transport::HttpRequest> reqs = fake.requests();
    REQUIRE(reqs.size() == 3);
    CHECK(reqs[0].url == "http://127.0.0.1:9/v1/billing/billing/history/virtual-machine?start_date="
                         "2026-10-01T00%3A00%3A00&end_date=2026-11-01T00%3A00%3A00&search=train"
                         "&per_page=100&page=1");
    CHECK(reqs[0].headers.at(0) == std::pair<std::string, std::string>{"api_key", "hs_TEST_KEY_123456"});
    CHECK_THAT(reqs[2].url, Catch::EndsWith("&page=3"));
  }
  SECTION("pages 0: go by total_count") {
    test::FakeTransport fake;
    fake.push(200, page_of(1, 0, {1, 2, 3}));
    fake.push(200, page_of(2, 0, {4, 5, 6}));
    fake.push(200, page_of(3, 0, {7}));
    CHECK(hyperstack().fetch(request("vms"), fake).size() == 7);
    CHECK(fake.requests().size() == 3);
  }
  SECTION("no pagination: until an empty page") {
    test::FakeTransport fake;
    nlohmann::json none = nlohmann::json::parse(page_of(1, -1, {1, 2}));
    none["billing_history_vm"].erase("total_count");
    fake.push(200, none.dump());
    nlohmann::json empty = nlohmann::json::parse(page_of(2, -1, {}));
    empty["billing_history_vm"].erase("total_count");
    fake.push(200, empty.dump());
    CHECK(hyperstack().fetch(request("vms"), fake).size() == 2);
    CHECK(fake.requests().size() == 2);
  }
  SECTION("contracts are not paged") {
    test::FakeTransport fake;
    fake.push(200, test::read_fixture("hyperstack/contracts_guess.json"));
    CHECK(hyperstack().fetch(request("contracts"), fake).size() == 1);
    CHECK_THAT(fake.requests().at(0).url, !Catch::Contains("page="));
  }
}

TEST_CASE("hyperstack: unauthorized exits 3 naming HYPERSTACK_API_KEY", "[hyperstack][request][errors]") {
  test::FakeTransport fake;
  fake.push(401, test::read_fixture("hyperstack/status_false.json"));
  CHECK_THROWS_WITH(hyperstack().fetch(request("vms"), fake),
                    Catch::Contains("401 Unauthorized: Invalid API key: check HYPERSTACK_API_KEY"));
  fake.push(500, test::read_fixture("hyperstack/legacy_500.json"));
  CHECK_THROWS_WITH(hyperstack().fetch(request("history"), fake),
                    Catch::Contains("500 Internal Server Error: the provider is failing"));
}

TEST_CASE("hyperstack: last-day cost per component, total kept whole", "[hyperstack][parse]") {
  model::Period yesterday{at("2026-11-22"), at("2026-11-23")};
  auto rs = parse_last_day(test::read_fixture("hyperstack/last_day.json"), yesterday, k_ep);
  REQUIRE(rs.size() == 3);
  CHECK(rs[0].service == "instances");
  CHECK(rs[0].amount == Decimal::parse("57.6"));
  CHECK(rs[0].period == yesterday);
  CHECK(rs[2].amount == Decimal::parse("0"));
  auto other = parse_last_day(test::read_fixture("hyperstack/last_day_other.json"), yesterday, k_ep);
  REQUIRE(other.size() == 4);
  CHECK(other[3].service == "other");
  CHECK(other[3].amount == Decimal::parse("0.72"));  // 60 - 59.28: the total stays Hyperstack's
}

TEST_CASE("hyperstack: usage per resource over its lifetime, every date form", "[hyperstack][parse]") {
  model::Timestamp now = at("2026-11-23T12:00:00Z");
  auto rs = parse_usage(test::read_fixture("hyperstack/usage.json"), now, k_period, k_ep);
  REQUIRE(rs.size() == 4);
  CHECK(rs[0].service == "vm");
  CHECK(rs[0].resource_id == "8429");
  CHECK(rs[0].amount == Decimal::parse("305.2"));
  CHECK(rs[0].usage_quantity->to_string() == "127.166666666667");  // 7630 minutes
  CHECK(model::format_rfc3339(rs[0].period.start) == "2026-05-01T09:12:44Z");
  CHECK(rs[0].period.end == now);  // still running
  CHECK(rs[1].amount->to_string() == "0.000797849516");
  CHECK(model::format_rfc3339(rs[2].period.start) == "2024-07-29T15:51:28Z");  // milliseconds
  CHECK(model::format_rfc3339(rs[2].period.end) == "2024-07-30T13:51:28Z");    // space + offset
  CHECK(model::format_rfc3339(rs[3].period.end) == "2000-01-24T04:56:07Z");    // no zone = UTC
  CHECK_THROWS_WITH(parse_usage(test::read_fixture("hyperstack/usage_bad_time.json"), now, k_period, k_ep),
                    Catch::Contains("field 'create_time' is not a date-time: \"yesterday\""));
}

TEST_CASE("hyperstack: detail answers, including a single object", "[hyperstack][parse]") {
  ListPage vm = list("vm_detail.json", "billing_history_vm_details");
  REQUIRE(vm.records.size() == 1);
  CHECK(vm.records[0].amount == Decimal::parse("305.2"));
  CHECK(vm.records[0].attributes["usage_time_SHUTOFF"] == 3);
  CHECK(vm.records[0].attributes["non_discounted_bill"] == 305.2);
  ListPage bucket = list("bucket_detail_single.json", "billing_history_bucket_details", "buckets");
  REQUIRE(bucket.records.size() == 1);
  CHECK(bucket.records[0].amount == Decimal::parse("0.000000168"));
}

// A huge granularity added to a datapoint's time wrapped the calendar: period_end before
// period_start, exit 0 (issue 17). A step longer than a year is refused.
TEST_CASE("hyperstack: a graph granularity longer than a year is an error, not a wrapped period",
          "[hyperstack][parse]") {
  auto body = [](const std::string& granularity) {
    return R"({"status": true, "message": "ok", "billing_history_vm_details": {"org_id": 1, "total_count": 1,
      "granularity": )" + granularity + R"(, "billing_history": [{"attributes": {"infrahub_id": 8429},
      "metrics": {"incurred_bill": 1.5, "incurred_bill_graph": [{"datetime": "2026-05-05T00:00:00Z", "value": 1.5}]}}]}})";
  };
  for (const char* huge : {"9000000000000000000", "31708800"}) {
    INFO(huge);
    CHECK_THROWS_WITH(parse_graph(body(huge), "billing_history_vm_details", "vms", k_period, k_ep),
                      Catch::Contains("granularity " + std::string(huge) + " s is longer than a year"));
  }
  auto year = parse_graph(body("31622400"), "billing_history_vm_details", "vms", k_period, k_ep);
  REQUIRE(year.size() == 1);
  CHECK(year[0].period.start < year[0].period.end);
  CHECK(model::format_rfc3339(year[0].period.end) == "2027-05-06T00:00:00Z");
}

TEST_CASE("hyperstack: graphs become one record per datapoint", "[hyperstack][parse]") {
  auto graph = [](const char* fixture, const char* wrapper, const char* service = "vms") {
    return parse_graph(test::read_fixture(std::string("hyperstack/") + fixture), wrapper, service,
                       k_period, k_ep);
  };
  auto vm = graph("vm_graph.json", "billing_history_vm_details");
  REQUIRE(vm.size() == 2);
  CHECK(model::format_rfc3339(vm[0].period.start) == "2026-05-05T00:00:00Z");
  CHECK(model::format_rfc3339(vm[0].period.end) == "2026-05-06T00:00:00Z");
  CHECK(vm[1].amount == Decimal::parse("57.6"));
  CHECK(vm[1].resource_id == "8429");
  CHECK(vm[1].attributes["org_id"] == 6190);

  // The volume graph under the snapshot key, no granularity (inferred: 1 h), mixed date forms.
  auto volume = graph("volume_graph_snapshot_key.json", "billing_history_snapshot_details", "volumes");
  REQUIRE(volume.size() == 3);
  CHECK(model::format_rfc3339(volume[0].period.end) == "2026-05-05T01:00:00Z");
  CHECK(model::format_rfc3339(volume[2].period.start) == "2026-05-05T03:00:00Z");
  CHECK_FALSE(volume[2].amount.has_value());

  auto bucket = graph("bucket_graph_bare.json", "billing_history", "buckets");  // no envelope
  REQUIRE(bucket.size() == 1);
  CHECK(model::format_rfc3339(bucket[0].period.end) == "2026-05-05T01:00:00Z");

  CHECK_THROWS_WITH(graph("serverless_graph_no_series.json",
                          "billing_history_serverless_inference_details", "serverless"),
                    Catch::Contains("no incurred_bill_graph in the answer"));
}

TEST_CASE("hyperstack: --id and --graph choose the detail paths", "[hyperstack][request]") {
  test::FakeTransport fake;
  fake.push(200, test::read_fixture("hyperstack/vm_detail.json"));
  fake.push(200, test::read_fixture("hyperstack/vm_graph.json"));
  CHECK(hyperstack().fetch(request("vms", {{"id", {"8429"}}}), fake).size() == 1);
  CHECK(hyperstack().fetch(request("vms", {{"id", {"8429"}}, {"graph", {"true"}}}), fake).size() == 2);
  std::vector<transport::HttpRequest> reqs = fake.requests();
  CHECK_THAT(reqs[0].url, Catch::StartsWith("http://127.0.0.1:9/v1/billing/billing/history/virtual-machine/8429?start_date="));
  CHECK_THAT(reqs[1].url, Catch::StartsWith("http://127.0.0.1:9/v1/billing/billing/history/virtual-machine/8429/graph?"));
  CHECK_THROWS_AS(hyperstack().fetch(request("vms", {{"graph", {"true"}}}), fake), UsageError);
  CHECK_THROWS_AS(hyperstack().fetch(request("vms", {{"id", {"../etc"}}}), fake), UsageError);
  CHECK(fake.requests().size() == 2);
}
