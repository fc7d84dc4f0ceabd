#pragma once
// Instants and half-open periods, always UTC, at one-second resolution.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gpubill::model {

using Timestamp = std::chrono::sys_seconds;

/// A half-open interval [start, end) in UTC.
struct Period {
  Timestamp start{};
  Timestamp end{};
  bool contains(Timestamp t) const { return start <= t && t < end; }
  bool empty() const { return end <= start; }
  bool operator==(const Period&) const = default;
};

/// Parses the time forms providers send: RFC 3339 with `Z`, a numeric offset (`+02:00`,
/// `+0200`, `+02`) or no zone (taken as UTC); `T`, `t` or one space between date and time;
/// optional fractional seconds (truncated toward the earlier second); a bare date
/// `YYYY-MM-DD` (midnight UTC). Returns nullopt for anything else, including impossible
/// dates such as 2026-02-30 and years outside 1970..9999.
std::optional<Timestamp> parse_provider_time(std::string_view text);

/// RFC 3339 in UTC with a `Z`: "2026-11-01T06:00:00Z".
std::string format_rfc3339(Timestamp t);
/// "2026-11-01".
std::string format_date(Timestamp t);

/// Seconds since 1970-01-01T00:00:00Z, and back.
inline long long to_unix(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp from_unix(long long seconds) { return Timestamp{std::chrono::seconds{seconds}}; }

/// Midnight UTC of the day holding t, and of the first day of its month.
Timestamp start_of_day(Timestamp t);
Timestamp start_of_month(Timestamp t);
/// The same instant `months` calendar months later (day clamped to the month's length).
Timestamp add_months(Timestamp t, int months);

}  // namespace gpubill::model
