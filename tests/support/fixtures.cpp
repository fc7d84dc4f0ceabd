#include "support/fixtures.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gpubill::test {

std::string fixture_path(const std::string& relative) {
  return std::string(GPUBILL_FIXTURES_DIR) + "/" + relative;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string read_fixture(const std::string& relative) {
  try {
    return read_file(fixture_path(relative));
  } catch (const std::runtime_error&) {
    throw std::runtime_error("fixture missing: " + fixture_path(relative) +
                             " (is GPUBILL_FIXTURES_DIR right?)");
  }
}

}  // namespace gpubill::test
