#include "gpubill/aggregate/aggregate.hpp"

#include <map>

namespace gpubill::aggregate {

Totals totals_by_currency(const std::vector<model::CostRecord>& records) {
  std::map<std::string, model::Decimal> sums;
  Totals totals;
  for (const model::CostRecord& r : records) {
    if (!r.amount) {
      ++totals.records_without_amount;
      continue;
    }
    sums[r.currency] += *r.amount;
  }
  for (const auto& [currency, amount] : sums) {
    totals.by_currency.push_back({currency, amount});
  }
  return totals;
}

}  // namespace gpubill::aggregate
