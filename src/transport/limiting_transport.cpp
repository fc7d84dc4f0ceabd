#include "gpubill/transport/limiting_transport.hpp"

#include <algorithm>

namespace gpubill::transport {

LimitingTransport::LimitingTransport(Transport& inner, int limit)
    : m_inner(inner), m_free(std::max(1, limit)) {}

HttpResponse LimitingTransport::send(const HttpRequest& request) {
  {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_freed.wait(lock, [this] { return m_free > 0; });
    --m_free;
  }
  struct Release {
    LimitingTransport* self;
    ~Release() {
      {
        std::lock_guard<std::mutex> lock(self->m_mutex);
        ++self->m_free;
      }
      self->m_freed.notify_one();
    }
  } release{this};
  return m_inner.send(request);
}

}  // namespace gpubill::transport
