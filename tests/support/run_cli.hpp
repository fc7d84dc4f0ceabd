#pragma once
// Runs the real gpubill binary (GPUBILL_BINARY) with a clean, chosen environment and
// captures stdout, stderr and the exit code.
#include <map>
#include <string>
#include <vector>

namespace gpubill::test {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  double seconds = 0;
};

/// Starts gpubill with `args` and only PATH, HOME and XDG_CONFIG_HOME (an empty temporary
/// directory, so no user config leaks in) plus `env`. Kills it after `timeout_seconds`.
CliResult run_cli(const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env = {}, int timeout_seconds = 60);

/// The same, with stderr on a pseudo-terminal (isatty(2) is true in gpubill); `err` is what
/// the terminal received, escape sequences included, with the pty's CR LF line ends.
CliResult run_cli_stderr_on_terminal(const std::vector<std::string>& args,
                                     const std::map<std::string, std::string>& env = {},
                                     int timeout_seconds = 60);

/// The same, with stdout on a pseudo-terminal `columns` wide (isatty(1) is true in gpubill,
/// TIOCGWINSZ says `columns`); `out` is what the terminal received, CR LF read as LF.
CliResult run_cli_stdout_on_terminal(const std::vector<std::string>& args,
                                     const std::map<std::string, std::string>& env,
                                     unsigned short columns);

/// The same, sending `signal` to gpubill `after_ms` after it started (once); a run killed by
/// it has exit_code 128 + the signal.
CliResult run_cli_signalled(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                            int signal, int after_ms);

/// A fresh empty temporary directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return m_path; }
  /// Names of the entries in the directory, sorted.
  std::vector<std::string> list() const;

 private:
  std::string m_path;
};

}  // namespace gpubill::test
