#pragma once
// One entry per fuzzed parser. Each feeds `data` to gpubill code the way a provider's answer
// (or a user's WHEN, or a config file) reaches it. A gpubill::Error is the expected answer to
// bad input and is swallowed; anything else (another exception, a crash, a sanitizer report,
// a round trip that changes the data) is a finding. Used by the libFuzzer targets
// (fuzz/fuzz_main.cpp) and by the regression test that replays fixtures/fuzz/.
#include <string>
#include <string_view>
#include <vector>

namespace gpubill::fuzz {

void runpod(std::string_view data);      ///< v1 and v2 billing parsers
void novita(std::string_view data);      ///< bills (both lists), statements, balance
void gcore(std::string_view data);       ///< cost report pages
void hyperstack(std::string_view data);  ///< lists, history, last day, usage, graphs
void vast(std::string_view data);        ///< charges, invoices, instances, the user
void when(std::string_view data);        ///< --start/--end WHEN and the period they make
void config_file(std::string_view data); ///< the TOML config file
void format_round_trip(std::string_view data);  ///< records -> csv/json -> back, equal

struct Target {
  const char* name;
  void (*entry)(std::string_view);
  std::vector<std::string> seed_dirs;  ///< under fixtures/
};
const std::vector<Target>& targets();

}  // namespace gpubill::fuzz
