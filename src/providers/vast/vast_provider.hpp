#pragma once
#include <memory>

#include "gpubill/providers/provider.hpp"

namespace gpubill::providers::vast {

/// Vast.ai: per-contract charges by calendar month, payments, credit.
std::unique_ptr<Provider> make_provider();
/// How its records read as FOCUS rows (vast_focus.cpp; docs/focus.md).
model::FocusMapping focus_mapping();

}  // namespace gpubill::providers::vast
