#pragma once
#include <memory>
#include <string_view>
#include <vector>

#include "gpubill/providers/provider.hpp"

namespace gpubill::providers {

/// Every provider gpubill knows, in display order. The one list: providers/registry.cpp.
std::vector<std::unique_ptr<Provider>> make_all_providers();

/// The same list, built once per process: what the CLI looks at and passes down. Providers
/// hold no state of a run (FetchRequest carries it), so one set serves every command.
const std::vector<std::unique_ptr<Provider>>& registry();

/// The provider of registry() named `name`, or null.
const Provider* find_provider(std::string_view name);

}  // namespace gpubill::providers
