#include "gpubill/model/period.hpp"

#include <date/date.h>

#include <cstdio>

namespace gpubill::model {

namespace {

bool read_digits(std::string_view s, std::size_t& i, int count, int& out) {
  if (i + static_cast<std::size_t>(count) > s.size()) {
    return false;
  }
  int v = 0;
  for (int k = 0; k < count; ++k) {
    char c = s[i + static_cast<std::size_t>(k)];
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + (c - '0');
  }
  i += static_cast<std::size_t>(count);
  out = v;
  return true;
}

bool expect(std::string_view s, std::size_t& i, char c) {
  if (i < s.size() && s[i] == c) {
    ++i;
    return true;
  }
  return false;
}

}  // namespace

std::optional<Timestamp> parse_provider_time(std::string_view s) {
  std::size_t i = 0;
  int y = 0;
  int mo = 0;
  int d = 0;
  if (!read_digits(s, i, 4, y) || !expect(s, i, '-') || !read_digits(s, i, 2, mo) ||
      !expect(s, i, '-') || !read_digits(s, i, 2, d)) {
    return std::nullopt;
  }
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || y < 1970) {
    return std::nullopt;
  }
  Timestamp t = date::sys_days{ymd};
  if (i == s.size()) {
    return t;
  }
  if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') {
    return std::nullopt;
  }
  ++i;
  int hh = 0;
  int mm = 0;
  int ss = 0;
  if (!read_digits(s, i, 2, hh) || !expect(s, i, ':') || !read_digits(s, i, 2, mm)) {
    return std::nullopt;
  }
  if (expect(s, i, ':')) {
    if (!read_digits(s, i, 2, ss)) {
      return std::nullopt;
    }
  }
  if (hh > 23 || mm > 59 || ss > 60) {  // 60: a leap second, folded into the next second
    return std::nullopt;
  }
  if (expect(s, i, '.') || expect(s, i, ',')) {
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      ++i;
    }
    if (i == start) {
      return std::nullopt;
    }
  }
  t += std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss};
  if (i == s.size()) {
    return t;  // no zone: UTC
  }
  if (s[i] == 'Z' || s[i] == 'z') {
    ++i;
  } else if (s[i] == '+' || s[i] == '-') {
    int sign = s[i] == '-' ? -1 : 1;
    ++i;
    int oh = 0;
    int om = 0;
    if (!read_digits(s, i, 2, oh)) {
      return std::nullopt;
    }
    if (expect(s, i, ':')) {
      if (!read_digits(s, i, 2, om)) {
        return std::nullopt;
      }
    } else if (i < s.size()) {
      if (!read_digits(s, i, 2, om)) {
        return std::nullopt;
      }
    }
    if (oh > 23 || om > 59) {
      return std::nullopt;
    }
    // local = UTC + offset, so UTC = local - offset.
    t -= sign * (std::chrono::hours{oh} + std::chrono::minutes{om});
  } else {
    return std::nullopt;
  }
  if (i != s.size()) {
    return std::nullopt;
  }
  return t;
}

std::string format_rfc3339(Timestamp t) {
  date::sys_days day = date::floor<date::days>(t);
  date::year_month_day ymd{day};
  date::hh_mm_ss<std::chrono::seconds> hms{t - day};
  int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", year,
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buf;
  }
  // Written by hand: this runs twice per record per output row, and snprintf was a tenth of
  // a 500,000-row CSV export (docs/performance.md).
  std::string out = "0000-00-00T00:00:00Z";
  auto put = [&out](std::size_t at, int value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
  };
  put(0, year, 4);
  put(5, static_cast<int>(static_cast<unsigned>(ymd.month())), 2);
  put(8, static_cast<int>(static_cast<unsigned>(ymd.day())), 2);
  put(11, static_cast<int>(hms.hours().count()), 2);
  put(14, static_cast<int>(hms.minutes().count()), 2);
  put(17, static_cast<int>(hms.seconds().count()), 2);
  return out;
}

std::string format_date(Timestamp t) { return format_rfc3339(t).substr(0, 10); }

Timestamp start_of_day(Timestamp t) { return date::floor<date::days>(t); }

Timestamp start_of_month(Timestamp t) {
  date::year_month_day ymd{date::floor<date::days>(t)};
  return date::sys_days{ymd.year() / ymd.month() / date::day{1}};
}

Timestamp add_months(Timestamp t, int months) {
  date::sys_days day = date::floor<date::days>(t);
  std::chrono::seconds time_of_day = t - day;
  date::year_month_day ymd{day};
  date::year_month ym = date::year_month{ymd.year(), ymd.month()} + date::months{months};
  date::day last = (ym / date::last).day();
  date::day d = ymd.day() > last ? last : ymd.day();
  return date::sys_days{ym / d} + time_of_day;
}

}  // namespace gpubill::model
