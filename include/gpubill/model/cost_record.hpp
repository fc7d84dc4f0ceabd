#pragma once
// The one row every provider's answer becomes. Column order is a stable interface
// (docs/output-formats.md): scripts depend on it.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpubill/model/attributes.hpp"
#include "gpubill/model/decimal.hpp"
#include "gpubill/model/period.hpp"
#include "gpubill/model/text.hpp"

namespace gpubill::model {

struct CostRecord {
  // Texts first, then 8-byte members: 112 bytes, no padding (a year of hourly rows is 500,000
  // records; docs/performance.md). Column order is column_values()'s, not this one.
  Text provider;       ///< runpod, novita, gcore, hyperstack
  Text service;        ///< what was billed: pods, endpoints, network-volumes, ...
  Text resource_id;    ///< empty when the API groups otherwise
  Text resource_name;
  Text gpu_type;       ///< the provider's own GPU name
  Text gpu_model;      ///< canonical GPU name across providers
  Text region;
  Text currency;       ///< ISO 4217
  Text usage_unit;     ///< hour, GB, GB-month, ...
  Text description;    ///< the provider's own line-item label
  Period period;       ///< [start, end) UTC
  std::optional<Decimal> amount;  ///< nullopt: the provider gave no price (never shown as 0)
  std::optional<Decimal> usage_quantity;
  /// Provider fields with no column, as sent (nothing the provider said is thrown away).
  Attributes attributes;
};

/// The attribute of a record with no amount that says why (the field missing, the provider
/// not billing it): shown in the warning that such rows are left out of the totals.
inline constexpr const char* k_no_price_reason_attribute = "gpubill_no_price_reason";

/// The service of the record `report` adds when a provider's own total differs from what its
/// parts add up to (docs/report.md): the difference, named as such.
inline constexpr const char* k_difference_service = "other";

/// The attribute of a record whose bucket or window ends after now: its amount is still
/// growing (the table shows "(so far)" after its END).
inline constexpr const char* k_incomplete_attribute = "gpubill_incomplete_bucket";

/// Marks every record of `records` whose period ends after `now` with k_incomplete_attribute,
/// for providers whose windows are metered (not prepaid): the money for time to come is not in.
void mark_incomplete(std::vector<CostRecord>& records, Timestamp now);

enum class ColumnKind { text, decimal, time };

/// One cell of a record: its column name, its kind, and its value as text, or nullopt when
/// the provider did not say (empty text, missing amount or usage).
struct ColumnValue {
  const char* name;
  ColumnKind kind;
  std::optional<std::string> value;
};

inline constexpr std::size_t k_column_count = 14;

/// The record's cells in the stable column order: the single definition of that order,
/// used by every formatter. Decimals in full precision, times as RFC 3339 UTC.
std::array<ColumnValue, k_column_count> column_values(const CostRecord& record);

/// Orders records by period start, keeping the order of equal starts (stable). Each record
/// moves once (an index sort), and an already ordered list is left alone: a 500,000-row answer
/// was spending a tenth of its parse time in a record-moving merge sort.
void sort_by_period_start(std::vector<CostRecord>& records);

/// An amount with its currency. Amounts in different currencies are never added.
struct Money {
  std::string currency;
  Decimal amount;
  bool operator==(const Money&) const = default;
};

}  // namespace gpubill::model
