#pragma once
// Reading gpubill's CSV back in tests: an RFC 4180 reader and exact column sums.
#include <string>
#include <vector>

namespace gpubill::test {

/// RFC 4180 rows (quoted fields, doubled quotes, CRLF line ends). Fails the test on a
/// malformed document (an unterminated quote or a last line without CRLF).
std::vector<std::vector<std::string>> parse_csv(const std::string& text);

/// The exact decimal sum of a column, found by its header name; every cell must be a number.
std::string sum_csv_column(const std::vector<std::vector<std::string>>& rows,
                           const std::string& column);

}  // namespace gpubill::test
