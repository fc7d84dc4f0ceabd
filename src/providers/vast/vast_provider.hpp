#pragma once
#include <memory>

#include "gpubill/providers/provider.hpp"

namespace gpubill::providers::vast {

/// Vast.ai: per-contract charges by calendar month, payments, credit.
std::unique_ptr<Provider> make_provider();

}  // namespace gpubill::providers::vast
