#include "support/run_cli.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/fixtures.hpp"

namespace gpubill::test {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "gpubill-test-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  m_path = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

std::vector<std::string> TempDir::list() const {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(m_path)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

CliResult run(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
              int timeout_seconds, bool stderr_tty, int signal = 0, int signal_after_ms = 0,
              unsigned short stdout_tty_columns = 0) {
  TempDir home;
  std::string out_path = home.path() + "/.stdout";
  std::string err_path = home.path() + "/.stderr";

  std::map<std::string, std::string> vars = {{"PATH", "/usr/bin:/bin"},
                                             {"HOME", home.path()},
                                             {"XDG_CONFIG_HOME", home.path() + "/config"}};
  for (const auto& [k, v] : env) vars[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : vars) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::string binary = GPUBILL_BINARY;
  std::vector<std::string> argv_strings = {binary};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  int pty = -1;
  int slave = -1;
  if (stderr_tty || stdout_tty_columns > 0) {
    pty = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (pty < 0 || ::grantpt(pty) != 0 || ::unlockpt(pty) != 0) {
      throw std::runtime_error("cannot open a pseudo-terminal");
    }
    ::fcntl(pty, F_SETFL, ::fcntl(pty, F_GETFL) | O_NONBLOCK);
    // Held open here too, so the master keeps what the child wrote after the child is gone.
    slave = ::open(::ptsname(pty), O_RDWR | O_NOCTTY);
    if (stdout_tty_columns > 0) {
      struct winsize ws {};
      ws.ws_col = stdout_tty_columns;
      ws.ws_row = 50;
      ::ioctl(slave, TIOCSWINSZ, &ws);
    }
  }
  if (stdout_tty_columns > 0) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, ::ptsname(pty), O_RDWR | O_NOCTTY, 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
  }
  if (stderr_tty) {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, ::ptsname(pty), O_RDWR | O_NOCTTY, 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
  }
  std::string terminal;  // what the pty received
  auto drain = [&] {
    char buf[4096];
    ssize_t n = 0;
    while (pty >= 0 && (n = ::read(pty, buf, sizeof buf)) > 0) terminal.append(buf, static_cast<std::size_t>(n));
  };
  pid_t pid = 0;
  auto started = std::chrono::steady_clock::now();
  int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + binary);

  CliResult result;
  int status = 0;
  while (true) {
    drain();  // a full pty would block the child
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (signal != 0 && std::chrono::steady_clock::now() - started > std::chrono::milliseconds(signal_after_ms)) {
      ::kill(pid, signal);
      signal = 0;  // once
    }
    if (std::chrono::steady_clock::now() - started > std::chrono::seconds(timeout_seconds)) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      if (pty >= 0) ::close(pty);
      if (slave >= 0) ::close(slave);
      throw std::runtime_error("gpubill did not finish within " +
                               std::to_string(timeout_seconds) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (pty >= 0) {
    drain();
    ::close(slave);
    ::close(pty);
  }
  if (stdout_tty_columns > 0) {
    // The terminal's CR LF line ends, as LF.
    std::string out;
    for (std::size_t i = 0; i < terminal.size(); ++i) {
      if (terminal[i] == '\r' && i + 1 < terminal.size() && terminal[i + 1] == '\n') continue;
      out += terminal[i];
    }
    result.out = out;
  } else {
    result.out = read_file(out_path);
  }
  result.err = stderr_tty ? terminal : read_file(err_path);
  return result;
}

}  // namespace

CliResult run_cli(const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env, int timeout_seconds) {
  return run(args, env, timeout_seconds, false);
}

CliResult run_cli_stderr_on_terminal(const std::vector<std::string>& args,
                                     const std::map<std::string, std::string>& env,
                                     int timeout_seconds) {
  return run(args, env, timeout_seconds, true);
}

CliResult run_cli_stdout_on_terminal(const std::vector<std::string>& args,
                                     const std::map<std::string, std::string>& env,
                                     unsigned short columns) {
  return run(args, env, 60, false, 0, 0, columns);
}

CliResult run_cli_signalled(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                            int signal, int after_ms) {
  return run(args, env, 60, false, signal, after_ms);
}

}  // namespace gpubill::test
