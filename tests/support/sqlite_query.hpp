#pragma once
// Reads a ledger file the way a person would with sqlite3: the tests' view of what gpubill
// stored, independent of gpubill's own reading code.
#include <string>

namespace gpubill::test {

/// Every row `sql` gives on the SQLite file at `path`, one line each ("\n"-ended), columns
/// joined with ","; NULL as "NULL". Opens read-write (an UPDATE is allowed), fails the test
/// when the file cannot be opened or the SQL is wrong.
std::string sqlite_query(const std::string& path, const std::string& sql);

}  // namespace gpubill::test
