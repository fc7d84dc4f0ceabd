#pragma once
// --max-time: a deadline for the whole run. Every request is cut to the time left, and once
// none is left no request starts: a clear error instead of a cron job that hangs.

#include <chrono>
#include <functional>
#include <string>

#include "gpubill/transport/transport.hpp"

namespace gpubill::transport {

class DeadlineTransport final : public Transport {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  /// `limit_text` names the limit in the error ("--max-time 600 s"); `provider` starts it.
  DeadlineTransport(Transport& inner, std::string provider,
                    std::chrono::steady_clock::time_point deadline, std::string limit_text,
                    Clock clock);
  /// Throws ProviderError when the deadline has passed; else sends with timeout = the rest.
  HttpResponse send(const HttpRequest& request) override;
  /// Throws ProviderError when waiting `wait` would pass the deadline; `why` names the wait
  /// ("waiting to retry", or the rate limit that asks for it).
  void check_wait(std::chrono::milliseconds wait, const std::string& why) const;

 private:
  Transport& m_inner;
  std::string m_provider;
  std::chrono::steady_clock::time_point m_deadline;
  std::string m_limit_text;
  Clock m_clock;
};

}  // namespace gpubill::transport
