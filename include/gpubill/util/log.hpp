#pragma once
// Logging to stderr through spdlog. stdout carries only formatter output. Every line goes
// through util::scrub before it is written, so a key that slips into a message is still
// never printed.

#include <string>

#include <spdlog/spdlog.h>

namespace gpubill::util {

enum class Verbosity { quiet, normal, verbose, trace };

/// Installs the stderr logger: quiet = errors only, normal = warnings, verbose = debug
/// (requests, timings), trace = everything. Lines look like "gpubill: warning: ...".
void init_logging(Verbosity verbosity);

/// The logger; usable before init_logging (warnings to stderr).
spdlog::logger& log();

/// While it lives, every line logged on this thread begins with `context: ` ("sync 2026-10:
/// gcore totals: ..."), so a warning a provider gives once per month says which month.
/// Scopes nest; a thread a fetch starts has no context of its own.
class LogContext {
 public:
  explicit LogContext(std::string context);
  ~LogContext();
  LogContext(const LogContext&) = delete;
  LogContext& operator=(const LogContext&) = delete;

 private:
  std::string m_previous;
};

}  // namespace gpubill::util
