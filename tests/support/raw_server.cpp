#include "support/raw_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace gpubill::test {

struct RawServer::Tls {
  SSL_CTX* ctx = nullptr;
  ~Tls() {
    if (ctx != nullptr) SSL_CTX_free(ctx);
  }
};

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("raw server: " + what + ": " + std::strerror(errno));
}

/// A P-256 key and a certificate it signs itself: CN and IP SAN 127.0.0.1, valid from an
/// hour ago for a day, so nothing but the issuer is wrong.
SSL_CTX* self_signed_context() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) throw std::runtime_error("raw server: EC key generation failed");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "IP:127.0.0.1");
  X509_add_ext(cert, san, -1);
  X509_EXTENSION_free(san);
  X509_sign(cert, key, EVP_sha256());

  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  bool ok = ctx != nullptr && SSL_CTX_use_certificate(ctx, cert) == 1 &&
            SSL_CTX_use_PrivateKey(ctx, key) == 1;
  X509_free(cert);
  EVP_PKEY_free(key);
  if (!ok) {
    if (ctx != nullptr) SSL_CTX_free(ctx);
    throw std::runtime_error("raw server: TLS context setup failed");
  }
  return ctx;
}

}  // namespace

RawServer::RawServer(Handler handler) : RawServer(std::move(handler), nullptr) {}

std::unique_ptr<RawServer> RawServer::tls_self_signed(Handler handler) {
  auto tls = std::make_unique<Tls>();
  tls->ctx = self_signed_context();
  return std::unique_ptr<RawServer>(new RawServer(std::move(handler), std::move(tls)));
}

RawServer::RawServer(Handler handler, std::unique_ptr<Tls> tls)
    : m_handler(std::move(handler)), m_tls(std::move(tls)) {
  m_listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (m_listen_fd < 0) fail("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("bind");
  if (::listen(m_listen_fd, 16) != 0) fail("listen");
  socklen_t len = sizeof addr;
  if (::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    fail("getsockname");
  m_port = ntohs(addr.sin_port);
  m_acceptor = std::thread([this] { accept_loop(); });
}

RawServer::~RawServer() {
  m_stop = true;
  if (m_acceptor.joinable()) m_acceptor.join();
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    workers.swap(m_workers);
  }
  for (auto& w : workers) w.join();
  ::close(m_listen_fd);
}

std::string RawServer::url(const std::string& scheme) const {
  return scheme + "://127.0.0.1:" + std::to_string(m_port);
}

void RawServer::accept_loop() {
  while (!m_stop) {
    pollfd p{m_listen_fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++m_connections;
    std::lock_guard<std::mutex> lock(m_mutex);
    m_workers.emplace_back([this, fd] { serve(fd); });
  }
}

void RawServer::serve(int fd) {
  timeval tv{0, 200 * 1000};  // reads wake up to notice a stop
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  SSL* ssl = nullptr;
  if (m_tls) {
    ssl = SSL_new(m_tls->ctx);
    SSL_set_fd(ssl, fd);
    int rc = 0;
    while (!m_stop) {
      rc = SSL_accept(ssl);
      if (rc == 1) break;
      int e = SSL_get_error(ssl, rc);
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE &&
          !(e == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK)))
        break;
    }
    ERR_clear_error();
    if (rc != 1) {
      SSL_free(ssl);
      ::close(fd);
      return;
    }
    ++m_handshakes;
  }
  RawConnection conn(fd, ssl, this);
  m_handler(conn);
  if (ssl != nullptr) {
    if (!conn.m_reset) SSL_shutdown(ssl);
    SSL_free(ssl);
  }
  ::close(fd);
}

std::string RawConnection::read_request() {
  std::string got;
  std::size_t body_wanted = std::string::npos;
  std::size_t header_end = std::string::npos;
  char buf[4096];
  while (!stopping()) {
    if (header_end != std::string::npos && got.size() >= header_end + 4 + body_wanted)
      return got.substr(0, header_end);
    ssize_t n = m_ssl != nullptr ? SSL_read(static_cast<SSL*>(m_ssl), buf, sizeof buf)
                                 : ::recv(m_fd, buf, sizeof buf, 0);
    if (n == 0) return "";
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
      return "";
    }
    got.append(buf, static_cast<std::size_t>(n));
    if (header_end == std::string::npos) {
      header_end = got.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        body_wanted = 0;
        std::string lower = got.substr(0, header_end);
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::size_t cl = lower.find("content-length:");
        if (cl != std::string::npos) body_wanted = std::stoul(lower.substr(cl + 15));
      }
    }
  }
  return "";
}

bool RawConnection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    if (stopping()) return false;
    ssize_t n = m_ssl != nullptr
                    ? SSL_write(static_cast<SSL*>(m_ssl), bytes.data() + sent,
                                static_cast<int>(bytes.size() - sent))
                    : ::send(m_fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

void RawConnection::reset() {
  linger l{1, 0};
  ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  m_reset = true;
}

bool RawConnection::stopping() const { return m_server->stopping(); }

}  // namespace gpubill::test
