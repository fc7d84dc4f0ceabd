// Every seed of every fuzz target, and every input a fuzzer ever failed on
// (fixtures/fuzz/regressions/<target>/), through the same entries the fuzz targets use
// (fuzz/fuzz_entries.cpp). An entry aborts on a finding, so a regression fails this test.
#include <catch2/catch.hpp>

#include <filesystem>

#include "fuzz_entries.hpp"
#include "support/fixtures.hpp"

using namespace gpubill;

TEST_CASE("fuzz: seeds and past findings run clean through every fuzzed entry", "[fuzz]") {
  std::size_t inputs = 0;
  for (const fuzz::Target& t : fuzz::targets()) {
    std::vector<std::string> dirs = t.seed_dirs;
    dirs.push_back(std::string("fuzz/regressions/") + t.name);
    for (const std::string& dir : dirs) {
      std::filesystem::path path = test::fixture_path(dir);
      if (!std::filesystem::is_directory(path)) continue;
      for (const auto& entry : std::filesystem::directory_iterator(path)) {
        if (!entry.is_regular_file()) continue;
        INFO(t.name << " <- " << entry.path().string());
        std::string data = test::read_fixture(dir + "/" + entry.path().filename().string());
        t.entry(data);
        ++inputs;
      }
    }
  }
  CHECK(inputs > 100);  // the provider fixtures alone are well over a hundred
}
