#include "support/csv.hpp"

#include <algorithm>

#include <catch2/catch.hpp>

#include "gpubill/format/formatter.hpp"
#include "gpubill/model/decimal.hpp"

namespace gpubill::test {

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::optional<std::vector<std::vector<std::string>>> rows = format::read_csv(text);
  REQUIRE(rows.has_value());  // the output ends with a complete row
  return *rows;
}

std::string sum_csv_column(const std::vector<std::vector<std::string>>& rows,
                           const std::string& column) {
  REQUIRE(!rows.empty());
  auto it = std::find(rows[0].begin(), rows[0].end(), column);
  REQUIRE(it != rows[0].end());
  std::size_t index = static_cast<std::size_t>(it - rows[0].begin());
  model::Decimal sum;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    std::optional<model::Decimal> d = model::Decimal::parse(rows[r].at(index));
    REQUIRE(d.has_value());
    sum += *d;
  }
  return sum.to_string();
}

}  // namespace gpubill::test
