#include "support/csv.hpp"

#include <algorithm>

#include <catch2/catch.hpp>

#include "gpubill/model/decimal.hpp"

namespace gpubill::test {

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
      ++i;
    } else {
      field += c;
    }
  }
  REQUIRE(field.empty());
  REQUIRE(row.empty());
  return rows;
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
