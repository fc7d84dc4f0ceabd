#pragma once
#include "gpubill/model/period.hpp"

namespace gpubill::model {

/// The provider-neutral part of what the user asked for.
struct Query {
  Period period;  ///< [start, end) UTC
  Timestamp now;  ///< the run's clock, so adapters never read the clock themselves
  bool period_given = false;  ///< --start or --end was given (else the default period)
};

}  // namespace gpubill::model
