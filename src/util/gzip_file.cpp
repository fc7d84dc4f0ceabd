#include "gpubill/util/gzip_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <zlib.h>

#include "gpubill/util/error.hpp"

namespace gpubill::util {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what, int err) {
  throw IoError(path + ": " + what + (err != 0 ? std::string(": ") + std::strerror(err) : std::string()));
}

z_stream* as_stream(void* p) { return static_cast<z_stream*>(p); }

}  // namespace

GzipFile::GzipFile(std::string path) : m_path(std::move(path)) {
  m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (m_fd < 0) fail(m_path, "cannot create", errno);
  auto* z = new z_stream{};
  // 15 + 16: a gzip wrapper (RFC 1952) with zlib's default header: no name, mtime 0.
  if (deflateInit2(z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    delete z;
    ::close(m_fd);
    m_fd = -1;
    fail(m_path, "cannot start gzip", 0);
  }
  m_stream = z;
  m_out.resize(256 * 1024);
}

GzipFile::~GzipFile() {
  if (m_stream != nullptr) {
    deflateEnd(as_stream(m_stream));
    delete as_stream(m_stream);
  }
  if (m_fd >= 0) ::close(m_fd);
}

void GzipFile::pump(int flush) {
  z_stream* z = as_stream(m_stream);
  int rc = Z_OK;
  do {
    z->next_out = reinterpret_cast<Bytef*>(m_out.data());
    z->avail_out = static_cast<uInt>(m_out.size());
    rc = deflate(z, flush);
    if (rc == Z_STREAM_ERROR) fail(m_path, "gzip failed", 0);
    std::size_t have = m_out.size() - z->avail_out;
    const char* p = m_out.data();
    while (have > 0) {
      ssize_t n = ::write(m_fd, p, have);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail(m_path, "cannot write", errno);
      p += n;
      have -= static_cast<std::size_t>(n);
    }
  } while (z->avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
}

void GzipFile::write(std::string_view data) {
  if (m_finished) fail(m_path, "written after finish", 0);
  z_stream* z = as_stream(m_stream);
  while (!data.empty()) {
    // zlib counts in uInt: hand it at most 1 GiB at once.
    std::size_t piece = std::min<std::size_t>(data.size(), std::size_t{1} << 30);
    z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z->avail_in = static_cast<uInt>(piece);
    pump(Z_NO_FLUSH);
    data.remove_prefix(piece);
  }
}

void GzipFile::finish() {
  if (m_finished) return;
  pump(Z_FINISH);
  m_finished = true;
  if (::fsync(m_fd) != 0) fail(m_path, "cannot sync", errno);
  int fd = m_fd;
  m_fd = -1;
  if (::close(fd) != 0) fail(m_path, "cannot close", errno);
}

std::string read_gzip_file(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) fail(path, "cannot open", errno);
  std::string text;
  char buf[65536];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  int err = 0;
  const char* message = gzerror(f, &err);
  std::string what = err != Z_OK && err != Z_STREAM_END ? std::string(message) : std::string();
  gzclose(f);
  if (n < 0 || !what.empty()) fail(path, "not a whole gzip file: " + what, 0);
  return text;
}

}  // namespace gpubill::util
