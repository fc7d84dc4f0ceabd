#include <catch2/catch.hpp>

#include "gpubill/aggregate/aggregate.hpp"

using namespace gpubill;
using model::CostRecord;
using model::Decimal;

namespace {

model::Timestamp at(const char* t) { return *model::parse_provider_time(t); }

CostRecord rec(const char* provider, const char* service, const char* gpu, const char* start,
               const char* amount, const char* currency, const char* usage = nullptr,
               const char* unit = "hour") {
  CostRecord r;
  r.provider = provider;
  r.service = service;
  r.gpu_type = gpu;
  r.resource_id = std::string(provider) + "-" + gpu;
  r.period = {at(start), at(start) + std::chrono::days{1}};
  if (amount) r.amount = Decimal::parse(amount);
  r.currency = currency;
  if (usage) {
    r.usage_quantity = Decimal::parse(usage);
    r.usage_unit = unit;
  }
  return r;
}

}  // namespace

TEST_CASE("group: by provider and service, exact, currencies apart", "[aggregate][group]") {
  std::vector<CostRecord> rs = {
      rec("runpod", "pods", "H100", "2026-10-01", "0.1", "USD", "1"),
      rec("runpod", "pods", "A40", "2026-10-02", "0.2", "USD", "2"),
      rec("gcore", "ai_cluster", "H100", "2026-10-01", "100", "EUR", "60", "minutes"),
      rec("gcore", "ai_cluster", "H100", "2026-10-01", "50.5", "USD", "1"),
      rec("runpod", "pods", "L4", "2026-10-03", nullptr, "USD", "1"),
  };
  auto g = aggregate::group_records(rs, {"provider", "service"});
  REQUIRE(g.size() == 3);
  CHECK(g[0].provider == "gcore");
  CHECK(g[0].currency == "EUR");
  CHECK(g[0].amount == Decimal::parse("100"));
  CHECK(g[1].currency == "USD");
  CHECK(g[1].amount == Decimal::parse("50.5"));
  CHECK(g[2].provider == "runpod");
  CHECK(g[2].amount == Decimal::parse("0.3"));  // never 0.30000000000000004
  CHECK(g[2].usage_quantity == Decimal::parse("4"));
  CHECK(g[2].resource_id.empty());  // not a key: emptied
  CHECK(g[2].gpu_type.empty());
  CHECK(g[2].attributes["records"] == 3);
  CHECK(g[2].attributes["records_without_amount"] == 1);
  CHECK(model::format_rfc3339(g[2].period.start) == "2026-10-01T00:00:00Z");
  CHECK(model::format_rfc3339(g[2].period.end) == "2026-10-04T00:00:00Z");
}

TEST_CASE("group: by gpu and week; mixed usage units are not added", "[aggregate][group]") {
  std::vector<CostRecord> rs = {
      rec("runpod", "pods", "H100", "2026-10-05", "1", "USD", "1", "hour"),      // Monday
      rec("novita", "gpu", "H100", "2026-10-11", "2", "USD", "3", "input-token"),  // Sunday
      rec("runpod", "pods", "H100", "2026-10-12", "4", "USD", "1", "hour"),      // next Monday
  };
  auto g = aggregate::group_records(rs, {"gpu", "week"});
  REQUIRE(g.size() == 2);
  CHECK(g[0].gpu_type == "H100");
  CHECK(model::format_rfc3339(g[0].period.start) == "2026-10-05T00:00:00Z");
  CHECK(model::format_rfc3339(g[0].period.end) == "2026-10-12T00:00:00Z");
  CHECK(g[0].amount == Decimal::parse("3"));
  CHECK_FALSE(g[0].usage_quantity.has_value());  // hours + tokens: not a sum
  CHECK(g[1].amount == Decimal::parse("4"));
  CHECK(g[1].usage_quantity == Decimal::parse("1"));
  auto months = aggregate::group_records(rs, {"month"});
  REQUIRE(months.size() == 1);
  CHECK(model::format_rfc3339(months[0].period.end) == "2026-11-01T00:00:00Z");
}

TEST_CASE("group: a group with no priced record has no amount", "[aggregate][group]") {
  std::vector<CostRecord> rs = {rec("gcore", "image", "", "2026-10-01", nullptr, "EUR")};
  auto g = aggregate::group_records(rs, {"service"});
  REQUIRE(g.size() == 1);
  CHECK_FALSE(g[0].amount.has_value());
}

TEST_CASE("group: bad keys", "[aggregate][group]") {
  CHECK(aggregate::check_group_keys({"provider", "gpu", "day"}).empty());
  CHECK_THAT(aggregate::check_group_keys({"colour"}), Catch::Contains("unknown key 'colour'"));
  CHECK_THAT(aggregate::check_group_keys({"day", "month"}), Catch::Contains("only one of"));
  CHECK_THROWS_AS(aggregate::group_records({}, {"colour"}), std::invalid_argument);
}
