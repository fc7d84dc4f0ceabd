#include "gpubill/util/atomic_file.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <atomic>
#include <mutex>
#include <vector>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
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

// The temporaries being written, for a signal handler to remove: fixed slots of plain
// characters and lock-free flags, the only things a handler may touch (no allocation, no
// locks). A run has one --out-file; eight slots leave room.
constexpr std::size_t k_slots = 8;
constexpr std::size_t k_path_max = 4096;
char g_tmp_paths[k_slots][k_path_max];
std::atomic<bool> g_tmp_used[k_slots];
std::once_flag g_handlers_once;
constexpr int k_cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void remove_temporaries_and_reraise(int sig) {
  for (std::size_t i = 0; i < k_slots; ++i) {
    if (g_tmp_used[i].load(std::memory_order_acquire)) ::unlink(g_tmp_paths[i]);
  }
  // Then die of the signal, as if never caught (the shell sees 128 + sig).
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigemptyset(&dfl.sa_mask);
  ::sigaction(sig, &dfl, nullptr);
  ::raise(sig);
}

void install_cleanup_handlers() {
  for (int sig : k_cleanup_signals) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler == SIG_IGN) continue;  // nohup's SIGHUP stays ignored
    struct sigaction act {};
    act.sa_handler = remove_temporaries_and_reraise;
    ::sigemptyset(&act.sa_mask);
    for (int other : k_cleanup_signals) ::sigaddset(&act.sa_mask, other);
    ::sigaction(sig, &act, nullptr);
  }
}

// A slot for `path`, or -1 when the path is too long or all are taken (the file is still
// removed on every normal exit; only a signal could leave it).
int register_temporary(const std::string& path) {
  std::call_once(g_handlers_once, install_cleanup_handlers);
  if (path.size() >= k_path_max) return -1;
  static std::mutex m;
  std::lock_guard<std::mutex> lock(m);
  for (std::size_t i = 0; i < k_slots; ++i) {
    if (g_tmp_used[i].load(std::memory_order_relaxed)) continue;
    std::memcpy(g_tmp_paths[i], path.c_str(), path.size() + 1);
    g_tmp_used[i].store(true, std::memory_order_release);
    return static_cast<int>(i);
  }
  return -1;
}

void unregister_temporary(int slot) {
  if (slot >= 0) g_tmp_used[static_cast<std::size_t>(slot)].store(false, std::memory_order_release);
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : m_path(std::move(path)) {
  if (m_path.empty()) {
    throw UnusablePath("an empty file name: give one");
  }
  struct stat st {};
  bool exists = ::stat(m_path.c_str(), &st) == 0;  // follows links
  if (exists && S_ISDIR(st.st_mode)) {
    throw UnusablePath(m_path + " is a directory");
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
      throw UnusablePath(m_path + " is a symlink to a missing file");
    }
    m_path = real;
    std::free(real);
  }
  std::string tmpl = m_path + ".tmp-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  // Signals that would end the run are held while the temporary is created and registered,
  // so none can leave it behind unnamed.
  sigset_t block;
  sigset_t previous;
  ::sigemptyset(&block);
  for (int sig : k_cleanup_signals) ::sigaddset(&block, sig);
  std::call_once(g_handlers_once, install_cleanup_handlers);
  ::pthread_sigmask(SIG_BLOCK, &block, &previous);
  m_fd = ::mkstemp(buf.data());
  if (m_fd >= 0) m_slot = register_temporary(buf.data());
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
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
  unregister_temporary(m_slot);
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
  unregister_temporary(m_slot);  // the name is the output's now: a signal must not remove it
  m_slot = -1;
}

bool AtomicFile::divert(std::string_view suffix) {
  if (m_direct || m_committed) return false;
  m_path += suffix;  // the temporary is in the same directory: the rename stays within it
  return true;
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
