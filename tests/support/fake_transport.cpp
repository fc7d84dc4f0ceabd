#include "support/fake_transport.hpp"

namespace gpubill::test {

void FakeTransport::push(long status, std::string body, transport::Headers headers) {
  std::lock_guard<std::mutex> lock(m_mutex);
  transport::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  m_queue.push_back(std::move(r));
}

void FakeTransport::push_failure(transport::TransportFailure failure, std::string detail) {
  std::lock_guard<std::mutex> lock(m_mutex);
  transport::HttpResponse r;
  r.failure = failure;
  r.failure_detail = std::move(detail);
  m_queue.push_back(std::move(r));
}

transport::HttpResponse FakeTransport::send(const transport::HttpRequest& request) {
  std::unique_lock<std::mutex> lock(m_mutex);
  m_requests.push_back(request);
  if (!m_queue.empty()) {
    transport::HttpResponse r = std::move(m_queue.front());
    m_queue.pop_front();
    return r;
  }
  if (m_handler) {
    Handler handler = m_handler;
    lock.unlock();
    return handler(request);
  }
  transport::HttpResponse r;
  r.status = 599;
  r.body = "{\"message\": \"FakeTransport: no response queued\"}";
  return r;
}

}  // namespace gpubill::test
