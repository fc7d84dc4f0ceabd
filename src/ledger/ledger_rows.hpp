#pragma once
// A record as the ledger's stores keep it: the same columns, the same text, whichever store
// (internal to src/ledger/).

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "gpubill/model/cost_record.hpp"

namespace gpubill::ledger {

/// The stored columns of a record, in this order; a macro so that SQL text can be spliced.
#define GPUBILL_LEDGER_VALUE_COLUMNS                                                          \
  "service, resource_id, resource_name, gpu_type, gpu_model, region, currency, usage_unit, " \
  "description, period_start, period_end, amount, usage_quantity, attributes"
inline constexpr const char* k_value_columns_text = GPUBILL_LEDGER_VALUE_COLUMNS;
#define k_value_columns GPUBILL_LEDGER_VALUE_COLUMNS
inline constexpr std::size_t k_value_count = 14;

/// Every stored column as text (amount and usage as exact decimal text, times RFC 3339 UTC,
/// attributes as their JSON); nullopt only for a missing amount or usage.
using RowValues = std::array<std::optional<std::string>, k_value_count>;

RowValues row_values(const model::CostRecord& record);
/// The same with the attributes' JSON already made (records of one answer share theirs).
RowValues row_values(const model::CostRecord& record, std::string attributes_json);

/// The record back from its row. Throws LedgerError (naming `where`) for a row gpubill could
/// not have written (a hand edit): an amount that is not a decimal, a bad time.
model::CostRecord record_from(const std::string& provider, const RowValues& values,
                              const std::string& where);

/// Each record's natural key (docs/ledger.md): its columns but amount and usage, and the
/// provider's key attributes, joined with \x1f; the n-th repeat of one key in one answer
/// gets "#n" after it, so that nothing the API answered twice is lost or merged.
/// `values` are the records' row_values(), in the same order (their times are reused).
std::vector<std::string> natural_keys(const std::vector<model::CostRecord>& records,
                                      const std::vector<RowValues>& values,
                                      const std::vector<std::string>& key_attributes);

}  // namespace gpubill::ledger
