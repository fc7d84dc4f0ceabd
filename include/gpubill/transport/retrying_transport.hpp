#pragma once
// Retries with exponential backoff and full jitter on 429, 500, 502, 503, 504, timeouts and
// connection failures, honouring Retry-After (seconds or an HTTP date) up to a cap.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string_view>

#include "gpubill/transport/transport.hpp"

namespace gpubill::transport {

struct RetryPolicy {
  int max_retries = 3;                                 ///< --retries; 0 = one attempt
  std::chrono::milliseconds base_delay{500};           ///< first backoff ceiling
  std::chrono::milliseconds max_backoff{8'000};        ///< backoff ceiling
  std::chrono::milliseconds max_retry_after{60'000};   ///< cap on a server's Retry-After
  /// > 0: a 429 without Retry-After waits this long, a whole rate-limit window (Hyperstack
  /// counts requests per minute, and a 429 holds for the rest of it: backoff would retry
  /// into the same window and fail).
  std::chrono::milliseconds rate_window{0};
};

/// At -vv (trace): the answer's timing and headers, one per line, credentials not shown.
void trace_response(const HttpResponse& response);

/// True for the statuses and failures worth another attempt.
bool is_retryable(const HttpResponse& response);

/// Seconds ("120") or an HTTP date ("Wed, 21 Oct 2026 07:28:00 GMT") relative to `now`;
/// nullopt when unreadable. A date in the past is zero.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

/// Thread-safe when the inner transport is: windows may be fetched in parallel through one.
class RetryingTransport final : public Transport {
 public:
  using Sleeper = std::function<void(std::chrono::milliseconds)>;
  /// `sleep` waits (tests pass a recorder); `seed` drives the jitter.
  RetryingTransport(Transport& inner, RetryPolicy policy, Sleeper sleep, std::uint64_t seed);
  HttpResponse send(const HttpRequest& request) override;

 private:
  std::chrono::milliseconds delay_for(const HttpResponse& response, int retry);

  Transport& m_inner;
  RetryPolicy m_policy;
  Sleeper m_sleep;
  std::mutex m_rng_mutex;
  std::mt19937_64 m_rng;
};

}  // namespace gpubill::transport
