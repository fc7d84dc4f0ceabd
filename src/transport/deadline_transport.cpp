#include "gpubill/transport/deadline_transport.hpp"

#include <cstdio>

#include "gpubill/util/error.hpp"

namespace gpubill::transport {

DeadlineTransport::DeadlineTransport(Transport& inner, std::string provider,
                                     std::chrono::steady_clock::time_point deadline,
                                     std::string limit_text, Clock clock)
    : m_inner(inner), m_provider(std::move(provider)), m_deadline(deadline), m_limit_text(std::move(limit_text)), m_clock(std::move(clock)) {}

HttpResponse DeadlineTransport::send(const HttpRequest& request) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(m_deadline - m_clock());
  if (left.count() <= 0) {
    throw ProviderError(m_provider + ": " + describe(request) + ": the run reached " +
                        m_limit_text + " before this request; nothing more was asked");
  }
  HttpRequest bounded = request;
  bounded.timeout = bounded.timeout ? std::min(*bounded.timeout, left) : left;
  HttpResponse response = m_inner.send(bounded);
  // Cut to the time left, a timeout is the deadline (give or take the clock's grain).
  if (response.failure == TransportFailure::timeout &&
      m_clock() + std::chrono::milliseconds{100} >= m_deadline) {
    throw ProviderError(m_provider + ": " + describe(request) + ": the run reached " +
                        m_limit_text + " while waiting for this answer");
  }
  return response;
}

void DeadlineTransport::check_wait(std::chrono::milliseconds wait, const std::string& why) const {
  if (m_clock() + wait >= m_deadline) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(wait.count()) / 1000.0);
    throw ProviderError(m_provider + ": the run would pass " + m_limit_text + " " + why +
                        " (" + seconds + " s); stopped");
  }
}

}  // namespace gpubill::transport
