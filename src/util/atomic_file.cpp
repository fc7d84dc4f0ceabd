#include "gpubill/util/atomic_file.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gpubill/util/error.hpp"

namespace gpubill::util {

namespace {

std::string errno_text(int err) { return std::strerror(err); }

void write_all(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError("cannot write " + what + ": " + errno_text(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : m_path(std::move(path)) {
  if (m_path.empty()) {
    throw IoError("--out-file: empty path");
  }
  struct stat st {};
  bool exists = ::stat(m_path.c_str(), &st) == 0;  // follows links
  if (exists && S_ISDIR(st.st_mode)) {
    throw IoError("--out-file " + m_path + " is a directory");
  }
  if (exists && !S_ISREG(st.st_mode)) {
    // A device or a FIFO (/dev/stdout, a named pipe): it cannot be replaced by a rename,
    // and must not be. Write to it directly.
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_CLOEXEC);
    if (m_fd < 0) {
      throw IoError("cannot open " + m_path + ": " + errno_text(errno));
    }
    m_direct = true;
    return;
  }
  struct stat lst {};
  if (::lstat(m_path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
    // Follow the link, so the link stays a link and its target file is replaced.
    char* real = exists ? ::realpath(m_path.c_str(), nullptr) : nullptr;
    if (real == nullptr) {
      throw IoError("--out-file " + m_path + " is a symlink to a missing file");
    }
    m_path = real;
    std::free(real);
  }
  std::string tmpl = m_path + ".tmp-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  m_fd = ::mkstemp(buf.data());
  if (m_fd < 0) {
    throw IoError("cannot create a file next to " + m_path + ": " + errno_text(errno));
  }
  m_tmp_path = buf.data();
}

AtomicFile::~AtomicFile() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
  if (!m_committed && !m_tmp_path.empty()) {
    ::unlink(m_tmp_path.c_str());
  }
}

void AtomicFile::write(std::string_view data) { write_all(m_fd, data, m_path); }

void AtomicFile::commit() {
  if (m_direct) {
    int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) {
      throw IoError("cannot write " + m_path + ": " + errno_text(errno));
    }
    m_committed = true;
    return;
  }
  // Keep an existing target's permissions; a new file gets 0666 less the umask, like any
  // file the shell would create (mkstemp made it 0600).
  struct stat st {};
  mode_t mode = 0;
  if (::stat(m_path.c_str(), &st) == 0) {
    mode = st.st_mode & 07777;
  } else {
    mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  if (::fchmod(m_fd, mode) != 0 || ::fsync(m_fd) != 0) {
    throw IoError("cannot write " + m_path + ": " + errno_text(errno));
  }
  if (::close(m_fd) != 0) {
    m_fd = -1;
    throw IoError("cannot write " + m_path + ": " + errno_text(errno));
  }
  m_fd = -1;
  if (::rename(m_tmp_path.c_str(), m_path.c_str()) != 0) {
    throw IoError("cannot replace " + m_path + ": " + errno_text(errno));
  }
  m_committed = true;
}

bool write_stdout(std::string_view data) {
  // SIGPIPE would kill us silently mid-write; ignore it and treat EPIPE as "reader is done".
  std::signal(SIGPIPE, SIG_IGN);
  std::fflush(stdout);
  while (!data.empty()) {
    ssize_t n = ::write(STDOUT_FILENO, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) return false;
      throw IoError("cannot write to stdout: " + errno_text(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace gpubill::util
