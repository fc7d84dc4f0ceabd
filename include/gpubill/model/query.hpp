#pragma once
#include "gpubill/model/period.hpp"

namespace gpubill::model {

/// The provider-neutral part of what the user asked for.
struct Query {
  Period period;  ///< [start, end) UTC
  Timestamp now;  ///< the run's clock, so adapters never read the clock themselves
};

}  // namespace gpubill::model
