#pragma once
// Converting amounts into one currency at rates the user gives (--fx, parsed by
// cli/fx_option.hpp). Depends only on model/ and util/error.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gpubill/model/cost_record.hpp"
#include "gpubill/util/error.hpp"

namespace gpubill::aggregate {

struct FxRates {
  std::string target;                            ///< the first currency named
  std::map<std::string, model::Decimal> rates;   ///< 1 <currency> = rate <target>
};

/// A currency code: three letters, upper-cased ("eur" -> "EUR"); nullopt for anything else.
std::optional<std::string> currency_code(std::string text);

/// A converted amount beyond what a Decimal holds (a quintillion): a bad rate. The message
/// names the rate and the amount ("EUR=1e17: 100 EUR at that rate is ..."), not the flag
/// it came from; the CLI adds that.
class ConversionOverflow : public UsageError {
 public:
  using UsageError::UsageError;
};

/// The attribute a converted record carries: {"EUR": {"rate": "1.08", "original_amount":
/// "100.5", "records": 1}}, one member per currency converted into it (several once grouped).
inline constexpr const char* k_fx_attribute = "gpubill_fx";

/// Converts each record with an amount, not already in fx.target, whose currency has a rate: amount (exact,
/// rounded half to even at 12 places) and currency change, and attributes gain k_fx_attribute.
/// Records in a currency with no rate are left as they are; their currencies are returned
/// (sorted, once each), for a warning.
std::vector<std::string> convert(std::vector<model::CostRecord>& records, const FxRates& fx);

/// Adds one record's k_fx_attribute into a group's: original amounts and record counts add
/// per currency. Used by group_records.
void merge_fx(nlohmann::ordered_json& into, const nlohmann::ordered_json& from);

/// The CSV columns fx_from, fx_rate, fx_original_amount for a record: empty when it was not
/// converted; ';'-joined, in the same order, when a group holds amounts from several currencies.
struct FxColumns {
  std::string from;
  std::string rate;
  std::string original_amount;
};
FxColumns fx_columns(const model::CostRecord& r);

/// Whether any of the record's amount was converted.
bool is_converted(const model::CostRecord& r);

/// "1 EUR = 1.08 USD, 1 GBP = 1.27 USD", for the note under the table and the log.
std::string describe(const FxRates& fx);

}  // namespace gpubill::aggregate
