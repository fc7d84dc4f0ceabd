#pragma once
// Query windows for APIs that answer a limited span at a time (Novita: 31 days; Gcore: 31
// days; Vast and Hyperstack: a calendar month, so amounts land in their month).

#include <vector>

#include "gpubill/model/period.hpp"
#include "gpubill/util/parallel.hpp"

namespace gpubill::providers {

/// `period` cut at UTC calendar-month boundaries, in time order. Every window lies inside one
/// calendar month, so none is longer than 31 days; together they cover the period exactly,
/// with no gap and no overlap. An empty period gives no window.
std::vector<model::Period> month_windows(const model::Period& period);

/// Windows are fetched with util::parallel_map (gpubill/util/parallel.hpp).
using util::parallel_map;

}  // namespace gpubill::providers
