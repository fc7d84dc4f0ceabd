#pragma once
// An account balance: not a cost record, a handful of named figures in one currency.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpubill/model/decimal.hpp"

namespace gpubill::model {

struct Balance {
  std::string provider;
  std::string currency;  ///< ISO 4217
  /// Named figures in a stable order (snake_case names); nullopt when the provider omitted one.
  std::vector<std::pair<std::string, std::optional<Decimal>>> figures;
  nlohmann::ordered_json attributes = nlohmann::ordered_json::object();  ///< as sent
};

}  // namespace gpubill::model
