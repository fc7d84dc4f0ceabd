#pragma once
// Sums over cost records. Depends only on model/.

#include <cstddef>
#include <string>
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

namespace gpubill::aggregate {

/// The keys `--group-by` accepts, in the order they are documented.
const std::vector<std::string>& group_keys();

/// An empty string when `keys` are valid, else a one-line message saying what is wrong.
std::string check_group_keys(const std::vector<std::string>& keys);

/// The attribute of a grouped row holding a record longer than its day/week/month bucket:
/// such a record is never filed under the bucket it starts in; it is a row of its own with its
/// true start and end (docs/report.md, "Every amount in its own period").
inline constexpr const char* k_spans_buckets_attribute = "gpubill_spans_buckets";

/// How many of `grouped` are such rows.
std::size_t spanning_rows(const std::vector<model::CostRecord>& grouped);

/// Re-aggregates records by `keys` (any of group_keys()). Each group keeps the columns named
/// by its keys (provider, service, resource -> resource_id and resource_name, gpu ->
/// gpu_type and gpu_model, region) and empties the others; day/week/month bucket the
/// period_start in UTC (weeks start on Monday) and become the group's period, except for a
/// record that ends after its bucket, which keeps its own period in a row of its own marked
/// k_spans_buckets_attribute; otherwise the period spans the group's records. Currencies are never added: the currency is always part
/// of the group. Amounts add exactly; a group with any record lacking an amount still sums
/// the others and counts them in attributes.records_without_amount. Usage adds when every
/// record of the group has the same unit of the same provider's same service, else it is left
/// empty. attributes.records is the
/// number of records in the group. With `gpu`, records group by gpu_model where it is known
/// (so one GPU from several providers is one row per currency), else by gpu_type; gpu_type is
/// kept when every record of the group has the same. When every priced record of a group
/// gives its GPU hours (attributes.gpubill_gpu_hours), the group carries their sum and
/// gpubill_cost_per_gpu_hour = amount / GPU hours. Output is sorted by the key columns, then
/// currency.
/// Throws std::invalid_argument for keys check_group_keys() rejects.
std::vector<model::CostRecord> group_records(const std::vector<model::CostRecord>& records,
                                             const std::vector<std::string>& keys);

}  // namespace gpubill::aggregate
