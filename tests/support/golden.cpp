#include "support/golden.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "support/fixtures.hpp"

namespace gpubill::test {

void check_golden(const std::string& name, const std::string& actual) {
  std::string path = fixture_path("golden/" + name);
  const char* update = std::getenv("GPUBILL_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << actual;
    REQUIRE(out.good());
    WARN("rewrote golden file " << path);
    return;
  }
  std::string expected;
  try {
    expected = read_file(path);
  } catch (const std::exception&) {
    FAIL("golden file " << path << " is missing: run with GPUBILL_UPDATE_GOLDEN=1 to create it");
  }
  if (expected == actual) {
    SUCCEED();
    return;
  }
  std::istringstream e(expected);
  std::istringstream a(actual);
  std::string el;
  std::string al;
  int line = 1;
  while (true) {
    bool he = static_cast<bool>(std::getline(e, el));
    bool ha = static_cast<bool>(std::getline(a, al));
    if (!he && !ha) break;
    if (!he || !ha || el != al) {
      FAIL("output differs from " << path << " at line " << line << "\n  expected: "
                                  << (he ? el : "<end>") << "\n  actual:   "
                                  << (ha ? al : "<end>")
                                  << "\n(GPUBILL_UPDATE_GOLDEN=1 rewrites it)");
    }
    ++line;
  }
  FAIL("output differs from " << path << " in line endings or a trailing newline");
}

}  // namespace gpubill::test
