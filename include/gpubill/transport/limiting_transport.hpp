#pragma once
// At most N requests in flight through one transport, whoever sends them: the windows of one
// command and the several commands of a provider's report share one provider's limit.

#include <condition_variable>
#include <mutex>

#include "gpubill/transport/transport.hpp"

namespace gpubill::transport {

class LimitingTransport final : public Transport {
 public:
  /// `limit` >= 1 requests through `inner` at once; further senders wait their turn.
  LimitingTransport(Transport& inner, int limit);
  HttpResponse send(const HttpRequest& request) override;

 private:
  Transport& m_inner;
  int m_free;
  std::mutex m_mutex;
  std::condition_variable m_freed;
};

}  // namespace gpubill::transport
