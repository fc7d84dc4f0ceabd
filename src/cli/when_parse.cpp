#include "gpubill/cli/when_parse.hpp"

#include <charconv>
#include <string>

#include "gpubill/util/error.hpp"
#include "gpubill/util/text.hpp"

namespace gpubill::cli {

namespace {

using model::Timestamp;

[[noreturn]] void bad_when(std::string_view text, std::string_view flag) {
  std::string near = util::nearest(text, {"today", "yesterday", "this-month", "last-month"});
  throw UsageError(std::string(flag) + ": cannot read '" + std::string(text) + "'" +
                   (near.empty() ? "" : ": did you mean '" + near + "'?") +
                   " Use 2026-11-01, 2026-11-01T06:00:00Z, 2026-11, today, yesterday, "
                   "this-month, last-month or Nd (N days ago)");
}

}  // namespace

When parse_when(std::string_view text, Timestamp now, std::string_view flag) {
  Timestamp today = model::start_of_day(now);
  Timestamp this_month = model::start_of_month(now);
  if (text == "today") {
    return {today, today + std::chrono::days{1}};
  }
  if (text == "yesterday") {
    return {today - std::chrono::days{1}, today};
  }
  if (text == "this-month") {
    return {this_month, model::add_months(this_month, 1)};
  }
  if (text == "last-month") {
    return {model::add_months(this_month, -1), this_month};
  }
  if (text.size() >= 2 && text.back() == 'd') {
    std::string_view digits = text.substr(0, text.size() - 1);
    int n = 0;
    std::from_chars_result res = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (res.ec == std::errc{} && res.ptr == digits.data() + digits.size() && n >= 0 &&
        n <= 36500) {
      return {today - std::chrono::days{n}, std::nullopt};
    }
    bad_when(text, flag);
  }
  if (text.size() == 7 && text[4] == '-') {  // YYYY-MM
    std::optional<Timestamp> first = model::parse_provider_time(std::string(text) + "-01");
    if (!first) {
      bad_when(text, flag);
    }
    return {*first, model::add_months(*first, 1)};
  }
  std::optional<Timestamp> t = model::parse_provider_time(text);
  if (!t) {
    bad_when(text, flag);
  }
  return {*t, std::nullopt};
}

model::Period resolve_period(std::string_view start, std::string_view end, Timestamp now) {
  model::Period p;
  if (start.empty() && end.empty()) {
    p = {model::start_of_month(now), now};
  } else if (end.empty()) {
    When s = parse_when(start, now, "--start");
    Timestamp e = s.span_end.value_or(now);
    p = {s.begin, e > now ? now : e};
  } else if (start.empty()) {
    When e = parse_when(end, now, "--end");
    p = {model::start_of_month(e.begin - std::chrono::seconds{1}), e.begin};
  } else {
    p = {parse_when(start, now, "--start").begin, parse_when(end, now, "--end").begin};
  }
  if (p.empty()) {
    throw UsageError("the period " + model::format_rfc3339(p.start) + " .. " +
                     model::format_rfc3339(p.end) +
                     " is empty: --end is exclusive and must come after --start");
  }
  return p;
}

}  // namespace gpubill::cli
