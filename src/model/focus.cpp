#include "gpubill/model/focus.hpp"


namespace gpubill::model {

namespace {

// FOCUS 1.2, chargecategory.md: "Adjustment: charges the provider applies that do not fall
// into other category values"; the difference from a provider's own total is that.
const FocusRule k_difference_rule{k_difference_service, "Other", "Other (Other)",
                                  "Difference from the provider's own total", "",
                                  "Adjustment", "One-Time"};
const FocusRule k_other_rule{"*", "Other", "Other (Other)", "Other", "", "Usage", "Usage-Based"};

}  // namespace

std::optional<std::string> attribute_text(const CostRecord& record, std::string_view key) {
  auto it = record.attributes.find(key);
  if (it == record.attributes.end()) return std::nullopt;
  if (it->is_string()) {
    std::string text = it->get<std::string>();
    if (text.empty()) return std::nullopt;
    return text;
  }
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  if (it->is_number_unsigned()) return std::to_string(it->get<unsigned long long>());
  if (it->is_number_float()) {
    std::optional<Decimal> d = Decimal::from_double(it->get<double>());
    if (d) return d->to_string();
  }
  return std::nullopt;
}

FocusRule focus_rule(const FocusMapping& mapping, const CostRecord& record) {
  const std::string& service = record.service.str();
  std::string_view family = std::string_view(service).substr(0, service.find(':'));
  const FocusRule* found = nullptr;
  for (std::string_view name : {std::string_view(service), family}) {
    for (const FocusRule& rule : mapping.rules) {
      if (rule.service == "*" || rule.service == name) {
        found = &rule;
        break;
      }
    }
    if (found != nullptr) break;
  }
  if (found == nullptr) found = service == k_difference_service ? &k_difference_rule : &k_other_rule;
  FocusRule rule = *found;
  if (!mapping.subscription_attribute.empty() &&
      attribute_text(record, mapping.subscription_attribute) == mapping.subscription_value) {
    rule.charge_category = "Purchase";
    rule.charge_frequency = "Recurring";
  }
  return rule;
}

std::optional<std::string> focus_unit(std::string_view unit) {
  // FOCUS 1.2, attributes/unit_format.md: plural units ("GB", "Hours"), and
  // <singular unit>-<plural time units> ("GB-Hours").
  if (unit.empty()) return std::nullopt;
  if (unit == "hour" || unit == "hours") return std::string("Hours");
  if (unit == "second" || unit == "seconds") return std::string("Seconds");
  if (unit == "minute" || unit == "minutes") return std::string("Minutes");
  if (unit == "day" || unit == "days") return std::string("Days");
  if (unit == "month" || unit == "months") return std::string("Months");
  if (unit == "input-token") return std::string("Input Tokens");
  std::size_t dash = unit.find('-');
  if (dash != std::string_view::npos) {
    std::optional<std::string> time = focus_unit(unit.substr(dash + 1));
    if (time) return std::string(unit.substr(0, dash)) + "-" + *time;
  }
  return std::string(unit);
}

}  // namespace gpubill::model
