#include "gpubill/transport/pacing_transport.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "gpubill/util/log.hpp"

namespace gpubill::transport {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<long long> number(std::string_view s) {
  s = trim(s);
  if (s.empty() || s.size() > 12) return std::nullopt;
  long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// `"minute";r=0;t=12, "hour";r=2800;t=1812` -> name -> {param -> value}.
std::map<std::string, std::map<std::string, long long>> items(std::string_view text) {
  std::map<std::string, std::map<std::string, long long>> out;
  while (!text.empty()) {
    std::size_t comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    std::size_t semi = item.find(';');
    std::string name(trim(item.substr(0, semi)));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    std::map<std::string, long long>& params = out[name];
    while (semi != std::string_view::npos) {
      item = item.substr(semi + 1);
      semi = item.find(';');
      std::string_view param = trim(item.substr(0, semi));
      std::size_t eq = param.find('=');
      if (eq == std::string_view::npos) continue;
      if (std::optional<long long> v = number(param.substr(eq + 1))) {
        params[std::string(trim(param.substr(0, eq)))] = *v;
      }
    }
  }
  return out;
}

}  // namespace

std::vector<RateWindow> parse_rate_limit(const HttpResponse& response) {
  std::vector<RateWindow> out;
  std::map<std::string, std::map<std::string, long long>> policy;
  if (std::optional<std::string> p = response.header("RateLimit-Policy")) policy = items(*p);
  if (std::optional<std::string> live = response.header("RateLimit")) {
    for (const auto& [name, params] : items(*live)) {
      auto r = params.find("r");
      auto t = params.find("t");
      if (r == params.end() || t == params.end()) continue;
      RateWindow w{name, r->second, std::chrono::seconds{t->second}, std::nullopt};
      auto q = policy.find(name);
      if (q != policy.end() && q->second.count("q") > 0) w.quota = q->second.at("q");
      out.push_back(w);
    }
    return out;
  }
  // The older draft: RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset (seconds).
  std::optional<std::string> remaining = response.header("RateLimit-Remaining");
  std::optional<std::string> reset = response.header("RateLimit-Reset");
  if (remaining && reset) {
    std::optional<long long> r = number(*remaining);
    std::optional<long long> t = number(*reset);
    if (r && t) {
      RateWindow w{"", *r, std::chrono::seconds{*t}, std::nullopt};
      if (std::optional<std::string> limit = response.header("RateLimit-Limit")) {
        w.quota = number(limit->substr(0, limit->find_first_of(",;")));
      }
      out.push_back(w);
    }
  }
  return out;
}

namespace {

// The wait `w` asks for on its own: none while more than a tenth of its quota is left.
std::chrono::milliseconds window_delay(const RateWindow& w) {
  long long low = w.quota ? std::max<long long>(1, *w.quota / 10) : 5;
  if (w.remaining > low) return std::chrono::milliseconds{0};
  std::chrono::milliseconds reset = std::chrono::duration_cast<std::chrono::milliseconds>(w.reset);
  return w.remaining <= 0 ? reset : std::chrono::milliseconds{reset.count() / (w.remaining + 1)};
}

}  // namespace

std::chrono::milliseconds pacing_delay(const std::vector<RateWindow>& windows,
                                       std::chrono::milliseconds cap) {
  std::chrono::milliseconds delay{0};
  for (const RateWindow& w : windows) delay = std::max(delay, window_delay(w));
  return std::min(delay, cap);
}

std::string pacing_reason(const std::vector<RateWindow>& windows, std::chrono::milliseconds cap) {
  const RateWindow* longest = nullptr;
  std::chrono::milliseconds delay{0};
  for (const RateWindow& w : windows) {
    std::chrono::milliseconds d = window_delay(w);
    if (d > delay) {
      delay = d;
      longest = &w;
    }
  }
  if (longest == nullptr) return "";
  std::string out = longest->name.empty() ? "the server's rate limit"
                                          : "the server's rate limit \"" + longest->name + "\"";
  out += ": " + std::to_string(longest->remaining) + " request" +
         (longest->remaining == 1 ? "" : "s") + " left";
  if (longest->quota) out += " of " + std::to_string(*longest->quota);
  out += ", resets in " + std::to_string(longest->reset.count()) + " s";
  if (delay > cap) out += " (each request waits at most " + std::to_string(cap.count() / 1000) + " s)";
  return out;
}

PacingTransport::PacingTransport(Transport& inner, std::string provider, Sleeper sleep,
                                 Clock clock, std::chrono::milliseconds cap, WaitCheck check)
    : m_inner(inner),
      m_provider(std::move(provider)),
      m_sleep(std::move(sleep)),
      m_clock(std::move(clock)),
      m_cap(cap),
      m_check(std::move(check)) {}

HttpResponse PacingTransport::send(const HttpRequest& request) {
  std::chrono::milliseconds wait{0};
  std::string reason;
  bool first_long = false;
  {
    // Each sender takes the next free moment, so parallel requests are spaced too.
    std::lock_guard<std::mutex> lock(m_mutex);
    std::chrono::steady_clock::time_point now = m_clock();
    if (m_next_allowed > now) {
      wait = std::chrono::duration_cast<std::chrono::milliseconds>(m_next_allowed - now);
      reason = m_reason;
      if (wait >= k_long_pacing_wait && !m_said_long) first_long = m_said_long = true;
    }
  }
  if (wait.count() > 0) {
    // The run's deadline first: a wait that would pass --max-time is an error now, not later.
    if (m_check) m_check(wait, reason);
    if (first_long) {
      util::log().warn("{}: {}: waiting {:.0f} s before the next request (more such waits at -v)",
                       m_provider, reason, static_cast<double>(wait.count()) / 1000.0);
    } else {
      util::log().debug("{}: near the rate limit: waiting {} ms ({})", m_provider, wait.count(),
                        reason);
    }
    m_sleep(wait);
  }
  HttpResponse response = m_inner.send(request);
  std::vector<RateWindow> windows = parse_rate_limit(response);
  std::chrono::milliseconds delay = pacing_delay(windows, m_cap);
  std::lock_guard<std::mutex> lock(m_mutex);
  std::chrono::steady_clock::time_point now = m_clock();
  m_next_allowed = std::max(m_next_allowed, now) + delay;
  if (delay.count() > 0) m_reason = pacing_reason(windows, m_cap);
  return response;
}

}  // namespace gpubill::transport
