#pragma once
// Typed errors carry their exit code. They are caught in one place, cli::run, which prints
// "gpubill: <message>" on one line of stderr and exits with code(). gpubill::Error itself is
// never thrown directly.

#include <stdexcept>
#include <string>

namespace gpubill {

enum class ExitCode : int {
  success = 0,
  provider = 1,     ///< provider or network error, malformed response, local I/O failure
  usage = 2,        ///< bad flags or arguments
  credentials = 3,  ///< missing or rejected credentials
  partial = 4,      ///< `report` printed what it could; failures named on stderr
};

class Error : public std::runtime_error {
 public:
  ExitCode code() const { return m_code; }

 protected:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), m_code(code) {}

 private:
  ExitCode m_code;
};

/// Bad command line: exit 2.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(ExitCode::usage, message) {}
};

/// Provider, network or local I/O failure: exit 1. The message names the provider and
/// endpoint and says what to do.
class ProviderError : public Error {
 public:
  explicit ProviderError(const std::string& message) : Error(ExitCode::provider, message) {}
};

/// A local file or output stream could not be written: exit 1.
class IoError : public Error {
 public:
  explicit IoError(const std::string& message) : Error(ExitCode::provider, message) {}
};

/// Missing or rejected credentials: exit 3.
class AuthError : public Error {
 public:
  explicit AuthError(const std::string& message) : Error(ExitCode::credentials, message) {}
};

}  // namespace gpubill
