#pragma once
#include <memory>

#include "gpubill/providers/provider.hpp"

namespace gpubill::providers::hyperstack {

/// Hyperstack: organisation billing history and per-resource billing lists.
std::unique_ptr<Provider> make_provider();

}  // namespace gpubill::providers::hyperstack
