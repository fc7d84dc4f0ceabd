#pragma once
// The environment that points gpubill at every provider of a running fake cloud, with its keys
// and the clock the fake's data is written for; `changes` replaces or adds variables.
#include <map>
#include <string>

#include "support/fake_cloud/fake_cloud.hpp"

namespace gpubill::test {

inline std::map<std::string, std::string> all_providers_env(
    const FakeCloud& cloud, const std::map<std::string, std::string>& changes = {}) {
  std::map<std::string, std::string> env = {
      {"RUNPOD_API_KEY", "rpa_FAKE_TEST_KEY_1234567890"},
      {"GPUBILL_RUNPOD_URL", cloud.runpod_url()},
      {"GPUBILL_RUNPOD_V2_URL", cloud.runpod_v2_url()},
      {"NOVITA_API_KEY", "nv_FAKE_TEST_KEY_1234567890"},
      {"GPUBILL_NOVITA_URL", cloud.novita_url()},
      {"GCORE_API_KEY", "gc_FAKE$TEST_KEY_1234567890"},
      {"GPUBILL_GCORE_URL", cloud.gcore_url()},
      {"HYPERSTACK_API_KEY", "hs_FAKE_TEST_KEY_1234567890"},
      {"GPUBILL_HYPERSTACK_URL", cloud.hyperstack_url()},
      {"GPUBILL_NOW", "2026-11-23T12:00:00Z"}};
  for (const auto& [name, value] : changes) env[name] = value;
  return env;
}

}  // namespace gpubill::test
