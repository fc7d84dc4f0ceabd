#pragma once
#include <memory>

#include "gpubill/providers/provider.hpp"

namespace gpubill::providers::gcore {

/// Gcore Cloud cost reports: totals per feature and region, in 31-day windows.
std::unique_ptr<Provider> make_provider();

}  // namespace gpubill::providers::gcore
