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

class PacingTransport final : public Transport {
 public:
  using Sleeper = std::function<void(std::chrono::milliseconds)>;
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  PacingTransport(Transport& inner, std::string provider, Sleeper sleep, Clock clock,
                  std::chrono::milliseconds cap = std::chrono::seconds{60});
  HttpResponse send(const HttpRequest& request) override;

 private:
  Transport& m_inner;
  std::string m_provider;
  Sleeper m_sleep;
  Clock m_clock;
  std::chrono::milliseconds m_cap;
  std::mutex m_mutex;
  std::chrono::steady_clock::time_point m_next_allowed{};
};

}  // namespace gpubill::transport
