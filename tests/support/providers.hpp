#pragma once
// The registered providers, built once, for tests that call an adapter directly or loop over
// the registry (the conformance suite, env_for).
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "gpubill/providers/registry.hpp"

namespace gpubill::test {

/// Every registered provider, in the registry's order.
inline std::vector<const providers::Provider*> all_providers() {
  static const std::vector<std::unique_ptr<providers::Provider>> all =
      providers::make_all_providers();
  std::vector<const providers::Provider*> out;
  for (const auto& p : all) out.push_back(p.get());
  return out;
}

/// "runpod, novita, gcore, hyperstack, vast": the registered names as messages list them.
inline std::string provider_names() {
  std::string out;
  for (const providers::Provider* p : all_providers()) out += (out.empty() ? "" : ", ") + p->info().name;
  return out;
}

inline const providers::Provider& provider(const std::string& name) {
  for (const providers::Provider* p : all_providers()) {
    if (p->info().name == name) return *p;
  }
  throw std::runtime_error(name + " is not registered");
}

}  // namespace gpubill::test
