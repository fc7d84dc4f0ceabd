#pragma once
#include <memory>
#include <vector>

#include "gpubill/providers/provider.hpp"

namespace gpubill::providers {

/// Every provider gpubill knows, in display order. The one list: providers/registry.cpp.
std::vector<std::unique_ptr<Provider>> make_all_providers();

}  // namespace gpubill::providers
