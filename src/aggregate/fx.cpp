#include "gpubill/aggregate/fx.hpp"

#include <stdexcept>

#include "gpubill/util/error.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace gpubill::aggregate {

std::optional<std::string> currency_code(std::string text) {
  if (text.size() != 3) return std::nullopt;
  for (char& c : text) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return std::nullopt;
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return text;
}

std::vector<std::string> convert(std::vector<model::CostRecord>& records, const FxRates& fx) {
  std::set<std::string> unconverted;
  for (model::CostRecord& r : records) {
    // No amount, nothing to convert: the row keeps what the provider said.
    if (!r.amount || r.currency == fx.target || r.currency.empty()) continue;
    auto it = fx.rates.find(r.currency);
    if (it == fx.rates.end()) {
      unconverted.insert(r.currency);
      continue;
    }
    nlohmann::ordered_json part = {{"rate", it->second.to_string()},
                                   {"original_amount", r.amount->to_string()},
                                   {"records", 1}};
    try {
      r.amount = *r.amount * it->second;
    } catch (const std::overflow_error&) {
      throw ConversionOverflow(r.currency + "=" + it->second.to_string() + ": " + r.amount->to_string() + " " +
                       r.currency + " at that rate is more than gpubill can hold (a quintillion): check the rate");
    }
    r.attributes[k_fx_attribute] = nlohmann::ordered_json{{r.currency, part}};
    r.currency = fx.target;
  }
  return {unconverted.begin(), unconverted.end()};
}

void merge_fx(nlohmann::ordered_json& into, const nlohmann::ordered_json& from) {
  if (!from.is_object()) return;
  for (const auto& [currency, part] : from.items()) {
    if (!into.contains(currency)) {
      into[currency] = part;
      continue;
    }
    nlohmann::ordered_json& have = into[currency];
    have["records"] = have.value("records", 0) + part.value("records", 0);
    const nlohmann::ordered_json& add = part["original_amount"];
    nlohmann::ordered_json& sum = have["original_amount"];
    if (add.is_string()) {
      std::optional<model::Decimal> a = model::Decimal::parse(add.get<std::string>());
      std::optional<model::Decimal> b =
          sum.is_string() ? model::Decimal::parse(sum.get<std::string>()) : model::Decimal{};
      if (a && b) sum = (*a + *b).to_string();
    }
  }
}

FxColumns fx_columns(const model::CostRecord& r) {
  FxColumns out;
  auto it = r.attributes.find(k_fx_attribute);
  if (it == r.attributes.end() || !it->is_object()) return out;
  for (const auto& [currency, part] : it->items()) {
    auto join = [](std::string& to, const std::string& value) { to += (to.empty() ? "" : ";") + value; };
    join(out.from, currency);
    join(out.rate, part.value("rate", ""));
    const nlohmann::ordered_json& original = part["original_amount"];
    join(out.original_amount, original.is_string() ? original.get<std::string>() : "");
  }
  return out;
}

bool is_converted(const model::CostRecord& r) { return r.attributes.contains(k_fx_attribute); }

std::string describe(const FxRates& fx) {
  std::string out;
  for (const auto& [currency, rate] : fx.rates) {
    out += (out.empty() ? "" : ", ") + std::string("1 ") + currency + " = " + rate.to_string() +
           " " + fx.target;
  }
  return out;
}

}  // namespace gpubill::aggregate
