#pragma once
#include <memory>

#include "gpubill/providers/provider.hpp"

namespace gpubill::providers::gcore {

/// Gcore Cloud cost reports: totals per feature and region, in 31-day windows.
std::unique_ptr<Provider> make_provider();
/// How its records read as FOCUS rows (gcore_focus.cpp; docs/focus.md).
model::FocusMapping focus_mapping();

}  // namespace gpubill::providers::gcore
