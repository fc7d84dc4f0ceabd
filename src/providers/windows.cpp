#include "gpubill/providers/windows.hpp"

namespace gpubill::providers {

std::vector<model::Period> month_windows(const model::Period& period) {
  std::vector<model::Period> windows;
  model::Timestamp start = period.start;
  while (start < period.end) {
    model::Timestamp boundary = model::add_months(model::start_of_month(start), 1);
    model::Timestamp end = boundary < period.end ? boundary : period.end;
    windows.push_back({start, end});
    start = end;
  }
  return windows;
}

}  // namespace gpubill::providers
