#include <catch2/catch.hpp>

#include "gpubill/aggregate/aggregate.hpp"
#include "gpubill/providers/gpu.hpp"

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

TEST_CASE("group: by gpu and week, mixed usage units are not added", "[aggregate][group]") {
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

TEST_CASE("group: by gpu, one row per canonical model and currency, GPU hours where known",
          "[aggregate][group][gpu]") {
  auto gpu = [](CostRecord r, const char* name, const char* hours) {
    providers::set_gpu(r, name);
    if (hours) providers::set_gpu_hours(r, *Decimal::parse(hours));
    return r;
  };
  std::vector<CostRecord> rs = {
      gpu(rec("gcore", "ai_cluster", "", "2026-10-01", "100", "USD", "10"), "8 x H100 80GB", "80"),
      gpu(rec("novita", "gpu", "", "2026-10-02", "60", "USD", "20"), "NVIDIA H100 80GB x8", "20"),
      gpu(rec("gcore", "ai_cluster", "", "2026-10-01", "50", "EUR", "1"), "8 x H100 80GB", "8"),
      gpu(rec("runpod", "pods", "", "2026-10-01", "7", "USD", "3"), "NVIDIA L40S", nullptr),
      gpu(rec("gcore", "ai_virtual_cluster", "", "2026-10-01", "2", "USD", "1"), "1 x L40S", "1"),
      gpu(rec("runpod", "pods", "", "2026-10-01", "3", "USD", "1"), "Quantum 9000", nullptr),
      gpu(rec("novita", "gpu", "", "2026-10-03", nullptr, "USD", "5"), "NVIDIA H100 80GB x8", "5"),
  };
  std::vector<CostRecord> g = aggregate::group_records(rs, {"gpu"});
  REQUIRE(g.size() == 4);
  // Sorted by gpu_type, gpu_model, ...: the unknown GPU keeps its own name and no model.
  CHECK(g[0].gpu_model == "H100 80GB");
  CHECK(g[0].currency == "EUR");
  CHECK(g[0].gpu_type == "8 x H100 80GB");  // every record of the group has that name
  CHECK(g[0].attributes["gpubill_cost_per_gpu_hour"] == "6.25");
  CHECK(g[1].gpu_model == "H100 80GB");
  CHECK(g[1].currency == "USD");
  CHECK(g[1].gpu_type.empty());  // two providers' names for it
  CHECK(g[1].amount == Decimal::parse("160"));
  CHECK(g[1].attributes["gpubill_gpu_hours"] == "100");  // the unpriced record's 5 left out
  CHECK(g[1].attributes["gpubill_cost_per_gpu_hour"] == "1.6");
  CHECK(g[2].gpu_model == "L40S");
  CHECK(g[2].amount == Decimal::parse("9"));
  // Runpod's L40S hours are not GPU hours: no price per GPU hour for the group.
  CHECK_FALSE(g[2].attributes.contains("gpubill_gpu_hours"));
  CHECK_FALSE(g[2].attributes.contains("gpubill_cost_per_gpu_hour"));
  CHECK(g[3].gpu_type == "Quantum 9000");
  CHECK(g[3].gpu_model.empty());
}

TEST_CASE("group: a record longer than its bucket is a row of its own with its true period",
          "[aggregate][group][period]") {
  CostRecord quarter = rec("hyperstack", "vms", "", "2026-08-01", "300", "USD", "2208");
  quarter.period.end = at("2026-11-01");
  CostRecord subscription = rec("novita", "gpu", "", "2026-09-15", "252", "USD");
  subscription.period.end = at("2026-10-15");
  std::vector<CostRecord> rs = {
      quarter, subscription,
      rec("novita", "gpu", "", "2026-09-20", "1", "USD"),  // a day inside September
      rec("novita", "gpu", "", "2026-10-03", "2", "USD"),
  };
  auto g = aggregate::group_records(rs, {"provider", "month"});
  REQUIRE(g.size() == 4);
  CHECK(aggregate::spanning_rows(g) == 2);
  // hyperstack: never filed under August; START and END are the record's own.
  CHECK(g[0].provider == "hyperstack");
  CHECK(model::format_rfc3339(g[0].period.start) == "2026-08-01T00:00:00Z");
  CHECK(model::format_rfc3339(g[0].period.end) == "2026-11-01T00:00:00Z");
  CHECK(g[0].attributes[aggregate::k_spans_buckets_attribute] == true);
  // novita September: the day in its month; the subscription alone, Sep 15 to Oct 15.
  CHECK(model::format_rfc3339(g[1].period.start) == "2026-09-01T00:00:00Z");
  CHECK(model::format_rfc3339(g[1].period.end) == "2026-10-01T00:00:00Z");
  CHECK(g[1].amount == Decimal::parse("1"));
  CHECK_FALSE(g[1].attributes.contains(aggregate::k_spans_buckets_attribute));
  CHECK(model::format_rfc3339(g[2].period.start) == "2026-09-15T00:00:00Z");
  CHECK(model::format_rfc3339(g[2].period.end) == "2026-10-15T00:00:00Z");
  CHECK(g[2].amount == Decimal::parse("252"));
  CHECK(g[3].amount == Decimal::parse("2"));

  // A whole month under month is not spanning; under day it is.
  CostRecord october = rec("gcore", "instance", "", "2026-10-01", "9", "EUR");
  october.period.end = at("2026-11-01");
  CHECK(aggregate::spanning_rows(aggregate::group_records({october}, {"month"})) == 0);
  CHECK(aggregate::spanning_rows(aggregate::group_records({october}, {"day"})) == 1);
  CHECK(aggregate::spanning_rows(aggregate::group_records({october}, {"provider"})) == 0);
}

TEST_CASE("group: usage adds only within one unit of one provider's service",
          "[aggregate][group]") {
  std::vector<CostRecord> rs = {
      rec("hyperstack", "vms", "", "2026-10-01", "10", "USD", "744", "hour"),
      rec("hyperstack", "volumes", "", "2026-10-01", "1", "USD", "744", "hour"),
      rec("hyperstack", "vms", "", "2026-10-02", "10", "USD", "24", "hour"),
  };
  auto by_provider = aggregate::group_records(rs, {"provider"});
  REQUIRE(by_provider.size() == 1);
  CHECK(by_provider[0].amount == Decimal::parse("21"));
  CHECK_FALSE(by_provider[0].usage_quantity.has_value());  // VM hours + volume hours
  CHECK(by_provider[0].usage_unit.empty());
  auto by_service = aggregate::group_records(rs, {"provider", "service"});
  REQUIRE(by_service.size() == 2);
  CHECK(by_service[0].usage_quantity == Decimal::parse("768"));
  CHECK(by_service[1].usage_quantity == Decimal::parse("744"));
}
