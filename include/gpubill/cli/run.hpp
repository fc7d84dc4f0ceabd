#pragma once
// The command line. parse() turns argv into plain data (testable in-process, no I/O);
// run() executes it and is the one place that catches gpubill::Error and maps it to an exit
// code (docs/cli.md).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gpubill/aggregate/fx.hpp"
#include "gpubill/providers/provider.hpp"

namespace gpubill::cli {

struct GlobalOptions {
  std::string output = "table";  ///< table | csv | json | ndjson | focus
  std::string focus_version;     ///< --focus-version: 1.2 | 1.3; empty: 1.2
  std::string out_file;
  std::string start;
  std::string end;
  std::string config_path;       ///< empty: the default path, not required to exist
  double timeout_seconds = 30;
  int retries = 3;
  int parallel = 4;              ///< windows/pages in flight at once, capped per provider
  int verbose = 0;               ///< -v count
  bool quiet = false;
  bool no_color = false;
  bool wide = false;             ///< --wide: the table at full width even on a terminal
  bool raw_csv = false;          ///< --raw-csv: no formula guard on CSV text cells
  double max_time_seconds = 0;   ///< --max-time: whole-run deadline; 0 = none
  int max_response_mb = 512;     ///< --max-response-mb: largest answer accepted
  std::vector<std::string> fx;   ///< --fx values as given (target first, then CUR=RATE)
  std::string ledger;            ///< --ledger PATH: empty: [ledger] url, else the default
  bool from_ledger = false;      ///< --from-ledger: records from the ledger, not the API
  std::string as_of;             ///< --as-of WHEN: the ledger as it was then (implies --from-ledger)
};

struct Invocation {
  enum class Kind { message, providers, resource, report, config, sync, ledger, export_focus, completion };
  Kind kind = Kind::message;
  std::string message;           ///< Kind::message: help or version text for stdout
  GlobalOptions global;
  std::string provider;          ///< Kind::resource
  const providers::Provider* chosen = nullptr;  ///< Kind::resource: that provider, from parse()
  std::string resource;
  providers::OptionValues options;
  std::vector<std::string> report_providers;  ///< report, sync, ledger export: --providers
  std::vector<std::string> group_by;          ///< Kind::report: --group-by
  bool allow_partial = false;                 ///< Kind::report: --allow-partial
  std::string config_action;                  ///< Kind::config: path, show, init or check
                                              ///< Kind::ledger: status or export
                                              ///< Kind::completion: bash, zsh or fish
  std::optional<aggregate::FxRates> fx;       ///< --fx, parsed; nullopt: no conversion
  std::string export_dir;                     ///< Kind::export_focus: --dir
};

/// Parses arguments (without argv[0]). Throws UsageError with a one-line message.
Invocation parse(const std::vector<std::string>& args,
                 const std::vector<std::unique_ptr<providers::Provider>>& all);

/// main(): parse, execute, print one-line errors, return the exit code.
int run(int argc, char** argv);

}  // namespace gpubill::cli
