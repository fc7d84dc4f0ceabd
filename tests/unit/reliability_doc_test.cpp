// docs/reliability.md promises a test for every row: this holds it to that. Each row's last
// cell must name a TEST_CASE that exists in tests/.
#include <catch2/catch.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/fixtures.hpp"

namespace {
std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("docs: every row of docs/reliability.md names a test that exists", "[docs]") {
  // fixtures/x -> the source root
  std::filesystem::path root =
      std::filesystem::path(gpubill::test::fixture_path("x")).parent_path().parent_path();
  std::string sources;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root / "tests")) {
    if (entry.path().extension() == ".cpp") sources += slurp(entry.path());
  }
  std::istringstream doc(slurp(root / "docs" / "reliability.md"));
  std::string line;
  std::size_t rows = 0;
  while (std::getline(doc, line)) {
    // "| 12 | input | behaviour | test name |"
    if (line.size() < 4 || line[0] != '|' || line.find("| ---") != std::string::npos) continue;
    std::size_t first = line.find_first_not_of("| ");
    if (first == std::string::npos || !std::isdigit(static_cast<unsigned char>(line[first]))) continue;
    std::size_t end = line.find_last_of('|');
    std::size_t start = line.find_last_of('|', end - 1);
    std::string name = line.substr(start + 1, end - start - 1);
    name = name.substr(name.find_first_not_of(' '));
    name = name.substr(0, name.find_last_not_of(' ') + 1);
    INFO("row: " << line);
    // A ledger case is declared once for both stores (support/ledger_store.hpp).
    CHECK((sources.find("TEST_CASE(\"" + name + "\"") != std::string::npos ||
           sources.find("GPUBILL_LEDGER_CASE(\"" + name + "\"") != std::string::npos));
    ++rows;
  }
  CHECK(rows >= 30);
}

TEST_CASE("tests: no test name holds a semicolon, which ctest would split into names that run nothing",
          "[docs]") {
  // catch_discover_tests registers each TEST_CASE by name; a ';' is CMake's list separator, so
  // "a; b" became two ctest entries matching no test at all, and both "passed". It happened.
  std::filesystem::path root =
      std::filesystem::path(gpubill::test::fixture_path("x")).parent_path().parent_path();
  std::size_t names = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root / "tests")) {
    if (entry.path().extension() != ".cpp") continue;
    std::string text = slurp(entry.path());
    const std::string marker = std::string("TEST_CASE") + "(\"";
    for (std::size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
      std::size_t begin = at + marker.size();
      std::string name = text.substr(begin, text.find('"', begin) - begin);
      INFO(entry.path().filename().string() << ": " << name);
      CHECK(name.find(';') == std::string::npos);
      ++names;
    }
  }
  CHECK(names > 200);
}
