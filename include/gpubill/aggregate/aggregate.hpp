#pragma once
// Sums over cost records. Depends only on model/.

#include <cstddef>
#include <vector>

#include "gpubill/model/cost_record.hpp"

namespace gpubill::aggregate {

struct Totals {
  /// One entry per currency, sorted by currency code. Records without an amount are left out.
  std::vector<model::Money> by_currency;
  std::size_t records_without_amount = 0;
};

/// Adds amounts per currency, exactly. Never adds across currencies.
Totals totals_by_currency(const std::vector<model::CostRecord>& records);

}  // namespace gpubill::aggregate
