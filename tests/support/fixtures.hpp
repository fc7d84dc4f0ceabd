#pragma once
// Committed fixture files under fixtures/, found through GPUBILL_FIXTURES_DIR.
#include <string>

namespace gpubill::test {

/// Full path of fixtures/<relative>.
std::string fixture_path(const std::string& relative);
/// Contents of fixtures/<relative>; fails the test (throws) with the path when missing.
std::string read_fixture(const std::string& relative);
/// Reads any file; throws std::runtime_error naming it when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace gpubill::test
