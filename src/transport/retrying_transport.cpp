#include "gpubill/transport/retrying_transport.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>

#include "gpubill/util/log.hpp"

namespace gpubill::transport {

using std::chrono::milliseconds;

bool is_retryable(const HttpResponse& r) {
  switch (r.failure) {
    case TransportFailure::timeout:
    case TransportFailure::connect:
    case TransportFailure::interrupted:
      return true;
    case TransportFailure::tls:
    case TransportFailure::tls_certificate:
    case TransportFailure::not_tls:
    case TransportFailure::too_large:
    case TransportFailure::other:
      return false;
    case TransportFailure::none:
      break;
  }
  return r.status == 429 || r.status == 500 || r.status == 502 || r.status == 503 ||
         r.status == 504;
}

std::optional<milliseconds> parse_retry_after(std::string_view value,
                                              std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  long long seconds = 0;
  std::from_chars_result res = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (res.ec == std::errc{} && res.ptr == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    seconds = std::min(seconds, 86'400LL * 365);
    return milliseconds{seconds * 1000};
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  char wday[4] = {};
  char mon[4] = {};
  char zone[4] = {};
  std::string text(value);
  if (std::sscanf(text.c_str(), "%3s, %d %3s %d %d:%d:%d %3s", wday, &tm.tm_mday, mon,
                  &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, zone) != 8 ||
      std::string_view(zone) != "GMT") {
    return std::nullopt;
  }
  static const char* k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int month = -1;
  for (int i = 0; i < 12; ++i) {
    if (std::string_view(mon) == k_months[i]) month = i;
  }
  if (month < 0 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_year < 1970) return std::nullopt;
  tm.tm_mon = month;
  tm.tm_year -= 1900;
  // In whole seconds, where any year fits: system_clock's nanoseconds end in 2262, and a date
  // past that wrapped into the past and was retried at once.
  long long when = static_cast<long long>(::timegm(&tm));
  long long from = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
  if (when <= from) return milliseconds{0};
  return milliseconds{std::min(when - from, 86'400LL * 365) * 1000};
}

namespace {

// Headers that can carry a credential or a session: never shown, whatever -vv asks.
bool is_secret_header(const std::string& lower_name) {
  return lower_name == "set-cookie" || lower_name == "cookie" || lower_name == "authorization" ||
         lower_name == "proxy-authorization" || lower_name == "api_key" ||
         lower_name == "apikey" || lower_name == "x-api-key" || lower_name == "x-auth-token" ||
         lower_name.find("token") != std::string::npos || lower_name.find("secret") != std::string::npos;
}

}  // namespace

void trace_response(const HttpResponse& response) {
  if (!util::log().should_log(spdlog::level::trace)) return;
  if (response.timing) {
    const HttpResponse::Timing& t = *response.timing;
    util::log().trace("  timing: dns {:.1f} ms, connected {:.1f} ms, tls {:.1f} ms, first byte {:.1f} ms, "
                      "total {:.1f} ms", t.dns, t.connect, t.tls, t.first_byte, t.total);
  }
  for (const auto& [name, value] : response.headers) {
    // Scrubbed like every line; the ones that can hold a credential are not shown at all.
    util::log().trace("  < {}: {}", name, is_secret_header(name) ? "(not shown)" : value);
  }
}

RetryingTransport::RetryingTransport(Transport& inner, RetryPolicy policy, Sleeper sleep,
                                     std::uint64_t seed)
    : m_inner(inner), m_policy(policy), m_sleep(std::move(sleep)), m_rng(seed) {}

milliseconds RetryingTransport::delay_for(const HttpResponse& response, int retry) {
  if (std::optional<std::string> ra = response.header("retry-after")) {
    if (std::optional<milliseconds> d = parse_retry_after(*ra, std::chrono::system_clock::now())) {
      return std::min(*d, m_policy.max_retry_after);
    }
  }
  if (response.status == 429 && m_policy.rate_window.count() > 0) return m_policy.rate_window;
  // Full jitter: uniform in [ceiling/2, ceiling], ceiling = base * 2^retry, capped.
  long long ceiling = m_policy.base_delay.count();
  for (int i = 0; i < retry && ceiling < m_policy.max_backoff.count(); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, static_cast<long long>(m_policy.max_backoff.count()));
  std::uniform_int_distribution<long long> dist(ceiling / 2, std::max(ceiling, 1LL));
  std::lock_guard<std::mutex> lock(m_rng_mutex);
  return milliseconds{dist(m_rng)};
}

HttpResponse RetryingTransport::send(const HttpRequest& request) {
  int attempt = 0;
  while (true) {
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    HttpResponse response = m_inner.send(request);
    long long ms = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() -
                                                            started).count();
    ++attempt;
    response.attempts = attempt;
    if (response.failure == TransportFailure::none) {
      util::log().debug("{} -> {} ({} ms, {} bytes)", describe(request), response.status, ms,
                        response.body.size());
      trace_response(response);
    } else {
      util::log().debug("{} -> {} ({} ms)", describe(request), response.failure_detail, ms);
    }
    if (!is_retryable(response) || attempt > m_policy.max_retries) {
      return response;
    }
    milliseconds wait = delay_for(response, attempt - 1);
    std::string why = response.failure == TransportFailure::none
                          ? "HTTP " + std::to_string(response.status)
                          : response.failure_detail;
    util::log().info("{}: {}; retrying in {:.1f} s (attempt {} of {})", describe(request), why,
                     static_cast<double>(wait.count()) / 1000.0, attempt + 1,
                     m_policy.max_retries + 1);
    m_sleep(wait);
  }
}

}  // namespace gpubill::transport
