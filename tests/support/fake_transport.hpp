#pragma once
// A Transport for unit tests: answers from a queue (or a handler) and records every request,
// so tests can check the exact URL, headers and sequence an adapter sent.
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "gpubill/transport/transport.hpp"

namespace gpubill::test {

class FakeTransport final : public transport::Transport {
 public:
  using Handler = std::function<transport::HttpResponse(const transport::HttpRequest&)>;

  /// Queues one response; responses are used in order. With the queue empty, send() answers
  /// from the handler if set, else fails the test with a 599 "no response queued".
  void push(long status, std::string body, transport::Headers headers = {});
  void push_failure(transport::TransportFailure failure, std::string detail);
  void set_handler(Handler handler) { m_handler = std::move(handler); }

  transport::HttpResponse send(const transport::HttpRequest& request) override;
  /// A copy: requests may arrive from several threads.
  std::vector<transport::HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_requests;
  }

 private:
  mutable std::mutex m_mutex;
  std::deque<transport::HttpResponse> m_queue;
  Handler m_handler;
  std::vector<transport::HttpRequest> m_requests;
};

}  // namespace gpubill::test
