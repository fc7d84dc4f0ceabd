#include "gpubill/util/log.hpp"

#include <cstdio>
#include <memory>
#include <mutex>

#include <spdlog/sinks/base_sink.h>

#include "gpubill/util/redact.hpp"
#include "gpubill/util/status_lines.hpp"
#include "gpubill/util/text.hpp"

namespace gpubill::util {

namespace {

thread_local std::string t_context;  // LogContext's, with its ": "

// Writes "gpubill: <level>: <message>" to stderr, scrubbed of every registered secret and
// with control characters escaped (a provider's text cannot drive the terminal).
class ScrubbingStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string_view level;
    switch (msg.level) {
      case spdlog::level::trace: level = "trace"; break;
      case spdlog::level::debug: level = "debug"; break;
      case spdlog::level::info: level = "info"; break;
      case spdlog::level::warn: level = "warning"; break;
      case spdlog::level::err: level = "error"; break;
      case spdlog::level::critical: level = "error"; break;
      default: level = "log"; break;
    }
    std::string line = "gpubill: " + std::string(level) + ": " + t_context +
                       escape_for_terminal(
                           scrub(std::string_view(msg.payload.data(), msg.payload.size()))) +
                       "\n";
    print_above_status(line);
  }
  void flush_() override { std::fflush(stderr); }
};

std::shared_ptr<spdlog::logger> make_logger() {
  std::shared_ptr<spdlog::logger> logger =
      std::make_shared<spdlog::logger>("gpubill", std::make_shared<ScrubbingStderrSink>());
  logger->set_level(spdlog::level::warn);
  return logger;
}

std::shared_ptr<spdlog::logger>& instance() {
  static std::shared_ptr<spdlog::logger> logger = make_logger();
  return logger;
}

}  // namespace

void init_logging(Verbosity verbosity) {
  spdlog::level::level_enum level = spdlog::level::warn;
  switch (verbosity) {
    case Verbosity::quiet: level = spdlog::level::err; break;
    case Verbosity::normal: level = spdlog::level::warn; break;
    case Verbosity::verbose: level = spdlog::level::debug; break;
    case Verbosity::trace: level = spdlog::level::trace; break;
  }
  instance()->set_level(level);
}

spdlog::logger& log() { return *instance(); }

LogContext::LogContext(std::string context) : m_previous(t_context) {
  t_context += escape_for_terminal(scrub(context)) + ": ";
}

LogContext::~LogContext() { t_context = std::move(m_previous); }

}  // namespace gpubill::util
