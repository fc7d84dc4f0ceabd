#pragma once
// Logging to stderr through spdlog. stdout carries only formatter output. Every line goes
// through util::scrub before it is written, so a key that slips into a message is still
// never printed.

#include <spdlog/spdlog.h>

namespace gpubill::util {

enum class Verbosity { quiet, normal, verbose, trace };

/// Installs the stderr logger: quiet = errors only, normal = warnings, verbose = debug
/// (requests, timings), trace = everything. Lines look like "gpubill: warning: ...".
void init_logging(Verbosity verbosity);

/// The logger; usable before init_logging (warnings to stderr).
spdlog::logger& log();

}  // namespace gpubill::util
