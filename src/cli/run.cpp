// main() -> run(): parse, dispatch, and the one catch of gpubill::Error. Every failure
// becomes one line on stderr ("gpubill: <provider>: <what failed>: <what to do>") and a
// documented exit code.
#include "gpubill/cli/run.hpp"

#include <cstdio>

#include "cli/command_support.hpp"
#include "gpubill/cli/command_tree.hpp"
#include "gpubill/providers/registry.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/log.hpp"
#include "gpubill/util/redact.hpp"
#include "gpubill/util/text.hpp"

namespace gpubill::cli {

namespace {

// The one place errors are printed: one line, no secrets, no raw control characters.
void print_error(const std::string& message) {
  std::string line = "gpubill: " + util::escape_for_terminal(util::scrub(message)) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

int run(int argc, char** argv) {
  try {
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    Invocation inv = parse(args, providers::registry());
    if (inv.kind == Invocation::Kind::message) {
      util::write_stdout(inv.message);
      return 0;
    }
    if (inv.kind == Invocation::Kind::completion) {
      util::write_stdout(completion_script(command_tree(providers::registry()), inv.config_action));
      return 0;
    }
    util::init_logging(inv.global.quiet          ? util::Verbosity::quiet
                       : inv.global.verbose >= 2 ? util::Verbosity::trace
                       : inv.global.verbose == 1 ? util::Verbosity::verbose
                                                 : util::Verbosity::normal);
    config::Environment env = config::process_environment();
    if (inv.kind == Invocation::Kind::providers) return run_providers(inv, env);
    if (inv.kind == Invocation::Kind::report) return run_report(inv, env);
    if (inv.kind == Invocation::Kind::config) return run_config(inv, env);
    if (inv.kind == Invocation::Kind::sync) return run_sync(inv, env);
    if (inv.kind == Invocation::Kind::ledger) return run_ledger(inv, env);
    if (inv.kind == Invocation::Kind::export_focus) return run_export_focus(inv, env);
    return run_resource(inv, env);
  } catch (const Error& e) {
    print_error(e.what());
    return static_cast<int>(e.code());
  } catch (const std::overflow_error& e) {
    // A sum or product of amounts beyond exact decimal's range (a quintillion): a bad
    // answer or a bad --fx, never a wrong number.
    print_error(std::string("an amount is out of range (") + e.what() + "): nothing was printed");
    return static_cast<int>(ExitCode::provider);
  } catch (const std::exception& e) {
    print_error(std::string("internal error: ") + e.what() + ": please report this");
    return static_cast<int>(ExitCode::provider);
  }
}

}  // namespace gpubill::cli
