#pragma once
// A bare TCP server on an ephemeral 127.0.0.1 port for the network faults an HTTP library
// will not produce on purpose: a connection reset mid-answer, an answer trickled a byte at a
// time, a TLS handshake with a certificate nobody trusts. Each connection runs `handler` on
// its own thread; the destructor stops accepting, tells handlers to stop and joins them.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gpubill::test {

class RawConnection;

class RawServer {
 public:
  using Handler = std::function<void(RawConnection&)>;

  /// Plain TCP.
  explicit RawServer(Handler handler);
  /// TLS with a freshly generated self-signed certificate for 127.0.0.1 (subject and IP
  /// subjectAltName both right, so only the issuer is untrusted). `handler` runs only after a
  /// completed handshake.
  static std::unique_ptr<RawServer> tls_self_signed(Handler handler);
  ~RawServer();
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  int port() const { return m_port; }
  std::string url(const std::string& scheme = "http") const;
  /// Connections accepted (TCP) so far.
  int connections() const { return m_connections.load(); }
  /// TLS only: handshakes that completed (a client that verifies the certificate never
  /// completes one, so it never sends its request, or its key).
  int handshakes() const { return m_handshakes.load(); }
  bool stopping() const { return m_stop.load(); }

 private:
  struct Tls;
  RawServer(Handler handler, std::unique_ptr<Tls> tls);
  void accept_loop();
  void serve(int fd);

  Handler m_handler;
  std::unique_ptr<Tls> m_tls;
  int m_listen_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_connections{0};
  std::atomic<int> m_handshakes{0};
  std::mutex m_mutex;
  std::vector<std::thread> m_workers;
  std::thread m_acceptor;
};

/// One accepted connection, as the handler sees it.
class RawConnection {
 public:
  /// Reads up to the end of the request headers (and a Content-Length body). Returns the
  /// request line and headers, or "" if the client went away.
  std::string read_request();
  /// Sends all of `bytes`; false once the peer is gone or the server is stopping.
  bool send(const std::string& bytes);
  /// Closes with an RST instead of a FIN (SO_LINGER 0): what a crashed proxy does.
  void reset();
  bool stopping() const;

 private:
  friend class RawServer;
  RawConnection(int fd, void* ssl, const RawServer* server) : m_fd(fd), m_ssl(ssl), m_server(server) {}
  int m_fd;
  void* m_ssl;  // SSL*, null for plain TCP
  const RawServer* m_server;
  bool m_reset = false;
};

}  // namespace gpubill::test
