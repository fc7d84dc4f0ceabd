#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "gpubill/model/cost_record.hpp"

using namespace gpubill;

TEST_CASE("model: sort_by_period_start is a stable sort, in place", "[model][sort]") {
  std::mt19937 rng(12345);
  for (std::size_t n : {0u, 1u, 2u, 3u, 10u, 257u, 5000u}) {
    INFO("n = " << n);
    std::vector<model::CostRecord> records(n);
    for (std::size_t i = 0; i < n; ++i) {
      // Few distinct starts, so that many records tie and stability shows.
      records[i].period.start = model::Timestamp{std::chrono::hours{rng() % 7}};
      records[i].resource_id = std::to_string(i);
    }
    std::vector<model::CostRecord> expected = records;
    std::stable_sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
      return a.period.start < b.period.start;
    });
    model::sort_by_period_start(records);
    REQUIRE(records.size() == n);
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(records[i].resource_id == expected[i].resource_id);
      CHECK(records[i].period.start == expected[i].period.start);
    }
  }
  // Already ordered: untouched.
  std::vector<model::CostRecord> ordered(3);
  for (int i = 0; i < 3; ++i) ordered[static_cast<std::size_t>(i)].resource_id = std::to_string(i);
  model::sort_by_period_start(ordered);
  CHECK(ordered[0].resource_id == "0");
  CHECK(ordered[2].resource_id == "2");
}
