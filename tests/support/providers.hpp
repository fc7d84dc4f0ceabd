#pragma once
// The registered provider named `name`, for tests that call an adapter directly.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "gpubill/providers/registry.hpp"

namespace gpubill::test {

inline const providers::Provider& provider(const std::string& name) {
  static const std::vector<std::unique_ptr<providers::Provider>> all =
      providers::make_all_providers();
  for (const auto& p : all) {
    if (p->info().name == name) return *p;
  }
  throw std::runtime_error(name + " is not registered");
}

}  // namespace gpubill::test
