#include "gpubill/cli/fx_option.hpp"

#include "gpubill/model/decimal.hpp"

namespace gpubill::cli {

std::optional<aggregate::FxRates> parse_fx_option(const std::vector<std::string>& values,
                                                  std::string& problem) {
  problem.clear();
  if (values.empty()) return std::nullopt;
  aggregate::FxRates fx;
  std::optional<std::string> target = aggregate::currency_code(values[0]);
  if (!target) {
    problem = "--fx: the first --fx names the currency to convert into (e.g. --fx USD), not '" +
              values[0] + "'";
    return std::nullopt;
  }
  fx.target = *target;
  for (std::size_t i = 1; i < values.size(); ++i) {
    const std::string& v = values[i];
    std::size_t eq = v.find('=');
    std::optional<std::string> from = eq == std::string::npos ? std::nullopt : aggregate::currency_code(v.substr(0, eq));
    std::optional<model::Decimal> rate =
        eq == std::string::npos ? std::nullopt : model::Decimal::parse(v.substr(eq + 1));
    if (!from || !rate || rate->is_negative() || rate->is_zero()) {
      problem = "--fx '" + v + "': use CUR=RATE with a positive rate, e.g. --fx EUR=1.08 (1 EUR = 1.08 " +
                fx.target + ")";
      return std::nullopt;
    }
    if (*from == fx.target) {
      problem = "--fx '" + v + "': " + fx.target + " is the currency converted into";
      return std::nullopt;
    }
    fx.rates[*from] = *rate;
  }
  if (fx.rates.empty()) {
    problem = "--fx " + fx.target + ": also give at least one rate, e.g. --fx EUR=1.08";
    return std::nullopt;
  }
  return fx;
}

}  // namespace gpubill::cli
