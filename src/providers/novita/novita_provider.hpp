#pragma once
#include <memory>

#include "gpubill/providers/provider.hpp"

namespace gpubill::providers::novita {

/// Novita: fixed-term bills and usage bills, 31-day windows fetched in parallel.
std::unique_ptr<Provider> make_provider();
/// How its records read as FOCUS rows (novita_focus.cpp; docs/focus.md).
model::FocusMapping focus_mapping();

}  // namespace gpubill::providers::novita
