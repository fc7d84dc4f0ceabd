#pragma once
#include <memory>

#include "gpubill/providers/provider.hpp"

namespace gpubill::providers::hyperstack {

/// Hyperstack: organisation billing history and per-resource billing lists.
std::unique_ptr<Provider> make_provider();
/// How its records read as FOCUS rows (hyperstack_focus.cpp; docs/focus.md).
model::FocusMapping focus_mapping();

}  // namespace gpubill::providers::hyperstack
