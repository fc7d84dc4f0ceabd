// Vast.ai's parsers on the docs' shapes (fixtures/vast/, from ../shared/docs/providers/vast.md
// section 10) and bad input, and the exact requests through FakeTransport.
#include <catch2/catch.hpp>

#include "gpubill/model/decimal.hpp"
#include "gpubill/model/gpu_catalog.hpp"
#include "gpubill/model/period.hpp"
#include "gpubill/util/error.hpp"
#include "providers/vast/vast_api.hpp"
#include "support/fake_transport.hpp"
#include "support/fixtures.hpp"
#include "support/providers.hpp"

using namespace gpubill;
using model::Decimal;
using providers::vast::ChargesContext;
using providers::vast::InstanceGpu;

namespace {

const providers::Endpoint k_ep{"vast", "VAST_API_KEY", "GET /api/v0/charges/"};

model::Timestamp at(const char* t) { return *model::parse_provider_time(t); }

const model::Period k_january{at("2026-01-01"), at("2026-02-01")};

providers::vast::Page charges(const std::string& fixture,
                              const std::map<long long, InstanceGpu>* gpus = nullptr) {
  return providers::vast::parse_charges(test::read_fixture("vast/" + fixture),
                                        ChargesContext{k_ep, k_january, gpus});
}

providers::FetchRequest request(const std::string& resource, const char* start, const char* end,
                                providers::OptionValues options = {}) {
  providers::FetchRequest req;
  req.resource = resource;
  req.query.period = {at(start), at(end)};
  req.query.now = at("2026-11-23T12:00:00Z");
  req.options = std::move(options);
  req.api_key = "vast_TEST_KEY_123456";
  req.base_url = "http://127.0.0.1:9";
  return req;
}

const char* k_empty_page = R"({"success": true, "count": 0, "total": 0, "next_token": null, "results": []})";
const char* k_no_instances = R"({"success": true, "next_token": null, "instances": []})";

}  // namespace

TEST_CASE("vast: a contract's items are its records and add up to its amount", "[vast][parse]") {
  std::map<long long, InstanceGpu> gpus = {{12345678, {"RTX 4090", 2}}};
  providers::vast::Page page = charges("charges_docs_example.json", &gpus);
  CHECK(page.next_token == "eyJ2YWx1ZXMiOiB7ImlkIjogMTIzNDU2Nzh9fQ==");
  CHECK(page.total == 3);
  CHECK(page.identities == std::vector<std::string>{"instance-12345678", "volume-555"});
  REQUIRE(page.records.size() == 4);  // three items, and the volume (no items) whole
  const model::CostRecord& gpu = page.records[0];
  CHECK(gpu.provider == "vast");
  CHECK(gpu.service == "instance");
  CHECK(gpu.resource_id == "12345678");
  CHECK(gpu.resource_name == "llm-train");
  CHECK(gpu.gpu_type == "2 x RTX 4090");
  CHECK(gpu.gpu_model == "RTX 4090");
  CHECK(gpu.amount == Decimal::parse("37.344"));
  CHECK(gpu.usage_quantity == Decimal::parse("96"));
  CHECK(gpu.usage_unit == "hour");
  CHECK(gpu.currency == "USD");
  CHECK(gpu.period == model::Period{at("2026-01-01"), at("2026-01-05")});
  CHECK(gpu.attributes["item"] == "gpu");
  CHECK(gpu.attributes["template_id"] == 101);
  // num_gpus from the listing on every record of the contract; GPU hours only on the gpu
  // item: 96 h of a 2-GPU instance are 192 GPU hours (docs/gpu-models.md).
  CHECK(gpu.attributes[model::k_gpu_count_attribute] == 2);
  CHECK(gpu.attributes[model::k_gpu_hours_attribute] == "192");
  CHECK(page.records[1].description == "Storage 50 GB");
  CHECK_FALSE(page.records[1].usage_quantity);
  CHECK(page.records[1].attributes[model::k_gpu_count_attribute] == 2);
  CHECK_FALSE(page.records[1].attributes.contains(model::k_gpu_hours_attribute));
  Decimal sum = *page.records[0].amount + *page.records[1].amount + *page.records[2].amount;
  CHECK(sum == *Decimal::parse("38.421"));
  const model::CostRecord& volume = page.records[3];
  CHECK(volume.service == "volume");
  CHECK(volume.resource_id == "555");
  CHECK(volume.amount == Decimal::parse("2.1"));
  CHECK(volume.attributes["item"] == "contract");
  // Its end 1769903999 is Jan 31 23:59:59, inclusive: the period ends at Feb 1.
  CHECK(volume.period == model::Period{at("2026-01-02"), at("2026-02-01")});
  CHECK(volume.gpu_type.str().empty());
  CHECK_FALSE(volume.attributes.contains(model::k_gpu_count_attribute));
  // One GPU: a count of 1, which the name alone would not say.
  std::map<long long, InstanceGpu> one = {{12345678, {"RTX 4090", 1}}};
  providers::vast::Page single = charges("charges_docs_example.json", &one);
  CHECK(single.records[0].gpu_type == "RTX 4090");
  CHECK(single.records[0].attributes[model::k_gpu_count_attribute] == 1);
  CHECK(single.records[0].attributes[model::k_gpu_hours_attribute] == "96");
}

TEST_CASE("vast: items that do not add up leave the rest as one more record", "[vast][parse]") {
  providers::vast::Page page = charges("charges_last_page.json");
  CHECK(page.next_token.empty());
  REQUIRE(page.records.size() == 2);
  CHECK(page.records[0].amount == Decimal::parse("1"));
  CHECK(page.records[1].amount == Decimal::parse("0.001"));
  CHECK(page.records[1].attributes["item"] == "unitemised");
  CHECK(page.records[0].resource_name == "训练 – ünïcode");
  CHECK(page.records[0].gpu_type.str().empty());  // no listing to join: no GPU, no guess
  CHECK_FALSE(page.records[0].attributes.contains(model::k_gpu_count_attribute));
  CHECK_FALSE(page.records[0].attributes.contains(model::k_gpu_hours_attribute));
}

TEST_CASE("vast: bad answers are one-line errors naming vast and the endpoint", "[vast][parse][errors]") {
  auto fails_with = [](const std::string& fixture, const std::string& text) {
    INFO(fixture);
    CHECK_THROWS_WITH(charges(fixture),
                      Catch::StartsWith("vast: GET /api/v0/charges/") && Catch::Contains(text));
  };
  fails_with("empty.json", "empty");
  fails_with("html_error.html", "HTML");
  fails_with("charges_truncated.json", "JSON");
  fails_with("charges_missing_range.json", "success: false: Must provide both 'day' gte and lte");
  fails_with("charges_wrong_types.json", "amount");
  fails_with("charges_missing_amount.json", "amount");
  fails_with("charges_huge.json", "amount");
  CHECK_THROWS_AS(charges("empty.json"), ProviderError);
  CHECK_THROWS_WITH(providers::vast::parse_invoices(test::read_fixture("vast/invoices_bad_range.json"), k_ep),
                    Catch::Contains("success: false: Invalid date range"));
  CHECK_THROWS_WITH(providers::vast::parse_invoices(test::read_fixture("vast/rate_limited.txt"), k_ep),
                    Catch::StartsWith("vast: GET"));
}

TEST_CASE("vast: payments are money paid in, credit purchases turned positive", "[vast][parse]") {
  providers::vast::Page page =
      providers::vast::parse_invoices(test::read_fixture("vast/invoices_docs_example.json"), k_ep);
  REQUIRE(page.records.size() == 1);
  const model::CostRecord& r = page.records[0];
  CHECK(r.service == "payment");
  CHECK(r.amount == Decimal::parse("25"));
  CHECK(r.attributes["amount_as_sent"] == "-25");
  CHECK(r.attributes["type"] == "credit");
  CHECK(r.resource_id == "2185418");
  CHECK(r.period == model::Period{model::from_unix(1767300000), model::from_unix(1767300250)});
}

TEST_CASE("vast: the balance is credit, balance and threshold, never the session or SSH key",
          "[vast][parse][secrets]") {
  model::Balance b =
      providers::vast::parse_user(test::read_fixture("vast/users_current_docs_example.json"), k_ep);
  CHECK(b.currency == "USD");
  REQUIRE(b.figures.size() == 3);
  CHECK(b.figures[0] == std::pair<std::string, std::optional<Decimal>>{"credit", Decimal::parse("25")});
  std::string attrs = b.attributes.dump();
  CHECK(attrs.find("sid") == std::string::npos);
  CHECK(attrs.find("ssh") == std::string::npos);
  CHECK(attrs.find("key_id") == std::string::npos);
  CHECK(b.attributes["has_billing"] == true);
  std::string next = "x";
  auto gpus = providers::vast::parse_instances(test::read_fixture("vast/instances_docs_example.json"),
                                               k_ep, next);
  CHECK(next.empty());
  REQUIRE(gpus.count(12345678) == 1);
  CHECK(gpus[12345678].gpu_name == "RTX 4090");
  CHECK(gpus[12345678].num_gpus == 2);
}

TEST_CASE("vast: charges asked a month at a time, lte inclusive, followed along next_token",
          "[vast][request]") {
  const providers::Provider& vast = test::provider("vast");
  test::FakeTransport fake;
  fake.push(200, test::read_fixture("vast/instances_docs_example.json"));
  fake.push(200, test::read_fixture("vast/charges_docs_example.json"));  // September, page 1
  fake.push(200, test::read_fixture("vast/charges_last_page.json"));     // September, page 2
  fake.push(200, k_empty_page);                                           // October
  std::vector<model::CostRecord> rs =
      vast.fetch(request("charges", "2026-09-01", "2026-11-01", {{"type", {"instance", "volume"}}}), fake);
  CHECK(rs.size() == 6);
  std::vector<transport::HttpRequest> reqs = fake.requests();
  REQUIRE(reqs.size() == 4);
  CHECK(reqs[0].url == "http://127.0.0.1:9/api/v1/instances/?limit=25");
  // {"day": {"gte": 1788220800, "lte": 1790812799}, "type": {"in": ["instance", "volume"]}}
  const std::string september =
      "select_filters=%7B%22day%22%3A%20%7B%22gte%22%3A%201788220800%2C%20%22lte%22%3A%20"
      "1790812799%7D%2C%20%22type%22%3A%20%7B%22in%22%3A%20%5B%22instance%22%2C%20%22volume"
      "%22%5D%7D%7D";
  CHECK(reqs[1].url == "http://127.0.0.1:9/api/v0/charges/?" + september +
                           "&format=table&latest_first=false&limit=100");
  CHECK(reqs[2].url == "http://127.0.0.1:9/api/v0/charges/?" + september +
                           "&format=table&latest_first=false&limit=100&after_token="
                           "eyJ2YWx1ZXMiOiB7ImlkIjogMTIzNDU2Nzh9fQ%3D%3D");
  CHECK_THAT(reqs[3].url, Catch::Contains("1790812800") && Catch::Contains("1793491199"));
  CHECK(reqs[1].headers.at(0) ==
        std::pair<std::string, std::string>{"Authorization", "Bearer vast_TEST_KEY_123456"});
  // The records of September lie in September, whatever the contracts' own times (January).
  for (const model::CostRecord& r : rs) CHECK(r.period.start >= at("2026-09-01"));
}

TEST_CASE("vast: a cursor that repeats, a count not met, a key matching no user",
          "[vast][request][errors]") {
  const providers::Provider& vast = test::provider("vast");
  SECTION("the same next_token twice is an error, not an endless walk") {
    test::FakeTransport fake;
    fake.push(200, k_no_instances);
    std::string page1 = test::read_fixture("vast/charges_docs_example.json");
    fake.push(200, page1);
    std::string page2 = page1;
    page2.replace(page2.find("instance-12345678"), 17, "instance-12345679");
    page2.replace(page2.find("volume-555"), 10, "volume-556");
    fake.push(200, page2);
    CHECK_THROWS_WITH(vast.fetch(request("charges", "2026-01-01", "2026-02-01"), fake),
                      Catch::Contains("vast: GET /api/v0/charges/: page 2 gives a next_token "
                                      "already followed"));
  }
  SECTION("a list that ends short of its total") {
    test::FakeTransport fake;
    fake.push(200, k_no_instances);
    fake.push(200, test::read_fixture("vast/charges_last_page.json"));  // total 3, one contract
    CHECK_THROWS_WITH(vast.fetch(request("charges", "2026-01-01", "2026-02-01"), fake),
                      Catch::Contains("announced 3"));
  }
  SECTION("404 auth_error is a rejected key: exit 3") {
    test::FakeTransport fake;
    fake.push(404, R"({"success": false, "error": "auth_error", "msg": "Invalid user key"})");
    try {
      vast.fetch(request("charges", "2026-01-01", "2026-02-01"), fake);
      FAIL("no error");
    } catch (const AuthError& e) {
      CHECK(std::string(e.what()) == "vast: GET /api/v1/instances/: 404 Invalid user key: the key "
                                     "matches no user: check VAST_API_KEY");
    }
  }
  SECTION("another 404 stays a provider error") {
    test::FakeTransport fake;
    fake.push(404, R"({"detail": "Not Found"})");
    CHECK_THROWS_AS(vast.fetch(request("charges", "2026-01-01", "2026-02-01"), fake), ProviderError);
  }
}
