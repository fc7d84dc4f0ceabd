#pragma once
#include <memory>

#include "gpubill/providers/provider.hpp"

namespace gpubill::providers::runpod {

/// Runpod REST v1 billing: pods, endpoints (serverless), network-volumes.
std::unique_ptr<Provider> make_provider();
/// How its records read as FOCUS rows (runpod_focus.cpp; docs/focus.md).
model::FocusMapping focus_mapping();

}  // namespace gpubill::providers::runpod
