#pragma once
// The user's WHEN syntax for --start and --end, and how a pair of them becomes a period.

#include <optional>
#include <string_view>

#include "gpubill/model/period.hpp"

namespace gpubill::cli {

/// What a WHEN names: an instant, or a calendar span (a day or a month) given as a whole.
struct When {
  model::Timestamp begin{};
  /// Set when WHEN names a whole span of its own (`2026-11`, today, yesterday, this-month,
  /// last-month): where that span ends. Used when --start is given without --end.
  std::optional<model::Timestamp> span_end;
};

/// Parses `2026-11-01`, `2026-11-01T06:00:00Z` (any form parse_provider_time accepts),
/// `2026-11`, `today`, `yesterday`, `this-month`, `last-month`, `Nd` (midnight UTC N days
/// before today). Throws UsageError naming `flag` on anything else.
When parse_when(std::string_view text, model::Timestamp now, std::string_view flag);

/// The half-open period for --start/--end (either may be empty):
/// - neither: start of the current month to now;
/// - only --start: to the end of its span when it names one (`--start last-month` is last
///   month), else to now; a span that runs past now stops at now;
/// - only --end: from the start of the month holding the last second before --end, so
///   `--end 2026-11-01` alone is October;
/// - both: [start, end).
/// Throws UsageError when the period is empty or reversed.
model::Period resolve_period(std::string_view start, std::string_view end, model::Timestamp now);

}  // namespace gpubill::cli
