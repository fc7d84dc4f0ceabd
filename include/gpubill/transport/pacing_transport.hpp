#pragma once
// Slows down before a server's rate limit instead of after it. Reads the RateLimit header of
// every answer (IETF httpapi-ratelimit-headers: `"minute";r=0;t=12, "hour";r=2800;t=1812`,
// with quotas from RateLimit-Policy `"minute";q=60;w=60`; also the older RateLimit-Remaining /
// RateLimit-Reset pair) and, when a window is nearly used up, spaces the next requests so that
// what remains lasts until the window resets. Servers that send no such header are not slowed.

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpubill/transport/transport.hpp"

namespace gpubill::transport {

struct RateWindow {
  std::string name;                 ///< "minute", or empty
  long long remaining = 0;          ///< r
  std::chrono::seconds reset{0};    ///< t: until the window resets
  std::optional<long long> quota;   ///< q from RateLimit-Policy, when given
};

/// The windows a response announces; empty when it announces none (or unreadably).
std::vector<RateWindow> parse_rate_limit(const HttpResponse& response);

/// How long to wait before the next request given `windows`: none while every window has
/// more than a tenth of its quota left (or more than 5 requests, quota unknown); else the
/// window's reset time shared among what remains (all of it when nothing remains), the
/// longest over the windows, capped at `cap` (a 429 with Retry-After takes over beyond).
std::chrono::milliseconds pacing_delay(const std::vector<RateWindow>& windows,
                                       std::chrono::milliseconds cap);

/// The window that sets pacing_delay's answer, in words (`window "day": 0 left, resets in
/// 45012 s`); empty when there is no delay.
std::string pacing_reason(const std::vector<RateWindow>& windows, std::chrono::milliseconds cap);

/// A wait of this length or more is said (a warning the first time, then at -v): a listing
/// paced at a minute a page must not look like a hang.
inline constexpr std::chrono::milliseconds k_long_pacing_wait{5000};

class PacingTransport final : public Transport {
 public:
  using Sleeper = std::function<void(std::chrono::milliseconds)>;
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  /// Asked before every wait with its length and why; throws to refuse it (the run's
  /// deadline: see DeadlineTransport::check_wait). May be empty.
  using WaitCheck = std::function<void(std::chrono::milliseconds, const std::string& why)>;
  PacingTransport(Transport& inner, std::string provider, Sleeper sleep, Clock clock,
                  std::chrono::milliseconds cap = std::chrono::seconds{60},
                  WaitCheck check = {});
  HttpResponse send(const HttpRequest& request) override;

 private:
  Transport& m_inner;
  std::string m_provider;
  Sleeper m_sleep;
  Clock m_clock;
  std::chrono::milliseconds m_cap;
  WaitCheck m_check;
  std::mutex m_mutex;
  std::chrono::steady_clock::time_point m_next_allowed{};
  std::string m_reason;      ///< why m_next_allowed is where it is
  bool m_said_long = false;  ///< a long wait has been warned of

};

}  // namespace gpubill::transport
