#pragma once
// --fx as the command line gives it: `--fx USD --fx EUR=1.08` or `--fx USD,EUR=1.08` (split
// before this), into aggregate::FxRates.
#include <optional>
#include <string>
#include <vector>

#include "gpubill/aggregate/fx.hpp"

namespace gpubill::cli {

/// The first value is the target currency, the others CUR=RATE with a positive rate. Currency
/// codes are three letters (upper-cased). Returns nullopt and sets `problem` to a one-line
/// message naming --fx on bad input; an empty list is no conversion (nullopt, problem empty).
std::optional<aggregate::FxRates> parse_fx_option(const std::vector<std::string>& values,
                                                  std::string& problem);

}  // namespace gpubill::cli
