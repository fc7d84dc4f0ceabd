#pragma once
// Pieces the command files share. Internal to cli/.

#include <memory>
#include <string>

#include "gpubill/cli/run.hpp"
#include "gpubill/config/config.hpp"
#include "gpubill/format/formatter.hpp"
#include "gpubill/ledger/ledger.hpp"
#include "gpubill/providers/provider.hpp"
#include "gpubill/model/period.hpp"
#include "gpubill/transport/deadline_transport.hpp"
#include "gpubill/transport/transport.hpp"
#include "gpubill/util/atomic_file.hpp"
#include "gpubill/util/redact.hpp"

namespace gpubill::cli {

/// The config settings names of a provider.
config::ProviderSettingsSpec settings_spec(const providers::ProviderInfo& info);

/// --config if given (must exist), else the default path (may be absent).
config::ConfigFile load_config(const GlobalOptions& g, const config::Environment& env);

/// Where the rendered text goes: stdout, or --out-file written atomically. Created before any
/// request, so an unwritable path fails fast; written whole at the end or not at all. Every
/// byte passes a StreamScrubber: an API key a provider echoes inside a data field (a name, a
/// description) is written as [REDACTED], with a warning.
class Output {
 public:
  explicit Output(const std::string& out_file);
  /// Appends a piece of the output: to --out-file's temporary file, or to stdout.
  void write(std::string_view piece);
  /// --out-file: puts the finished file in place (nothing is there before).
  void finish();
  void deliver(std::string_view text) {
    write(text);
    finish();
  }
  /// Renders straight into write(): big outputs are never held whole.
  void deliver(const format::RenderInput& in, format::Format fmt);
  /// --out-file only, before delivery: the file goes to PATH + `suffix` instead, PATH is left
  /// as it was. Returns where it will be; empty when there is no --out-file, or it is a
  /// device or FIFO (written as it comes).
  std::string divert(std::string_view suffix);
  /// --out-file only: PATH + `suffix`, if it is a regular file (a stale partial report).
  void remove_beside(std::string_view suffix);

 private:
  void write_scrubbed(std::string_view piece);
  std::unique_ptr<util::AtomicFile> m_file;
  util::StreamScrubber m_scrub;
  bool m_reader_gone = false;  ///< stdout's reader left (`| head`): the rest is dropped
};

/// `gpubill providers`.
int run_providers(const Invocation& inv, const config::Environment& env);
/// `gpubill <provider> <resource>`.
int run_resource(const Invocation& inv, const config::Environment& env);
/// `gpubill report`.
int run_report(const Invocation& inv, const config::Environment& env);
/// `gpubill export focus`: each month of the period fetched as `report` fetches it, and written
/// whole as DIR/billing_period=YYYY-MM/<provider>.csv.gz plus manifest.json (docs/focus.md).
int run_export_focus(const Invocation& inv, const config::Environment& env);
/// `gpubill config path|show|init|check`.
int run_config(const Invocation& inv, const config::Environment& env);

/// The width a table on stdout must fit: the terminal's (COLUMNS, else the ioctl, else 80)
/// when stdout is a terminal and neither --wide nor --out-file is given; else 0 (no limit).
std::size_t table_width_for(const GlobalOptions& g, const config::Environment& env);

/// Whether `fd` is a terminal that understands escape sequences (not TERM=dumb).
bool is_capable_terminal(int fd, const config::Environment& env);

/// The run's clock: GPUBILL_NOW if set (tests, reproducible runs), else now.
model::Timestamp current_time(const config::Environment& env);
/// The machine's clock, whatever GPUBILL_NOW says: when the ledger saw a record.
model::Timestamp wall_clock();

/// The account a provider's records are stored under when its answers name none
/// (docs/ledger.md, "account").
inline constexpr const char* k_ledger_account = "default";
/// The ledger's location: --ledger, else GPUBILL_LEDGER, else [ledger] url, else the default.
std::string ledger_location(const GlobalOptions& g, const config::ConfigFile& file,
                            const config::Environment& env);
/// The same, with where it came from, for `config show`: "--ledger", "env GPUBILL_LEDGER",
/// "config" or "default".
struct LedgerLocation {
  std::string location;
  std::string source;
};
LedgerLocation ledger_location_with_source(const GlobalOptions& g, const config::ConfigFile& file,
                                           const config::Environment& env);
/// --as-of as a time, or nullopt.
std::optional<model::Timestamp> ledger_as_of(const GlobalOptions& g, model::Timestamp now);
/// `resource` with `options` of provider `p` from the ledger over `period`, as fetch() would
/// answer it: ProviderError when the ledger never stored that part or no sync covers the
/// period; warns about months not synced and records left out at non-aligned edges.
std::vector<model::CostRecord> read_from_ledger(const ledger::Ledger& l,
                                                const providers::Provider& p,
                                                const std::string& resource,
                                                const providers::OptionValues& options,
                                                const model::Period& period,
                                                std::optional<model::Timestamp> as_of);
/// The providers `report` or `sync` (`command`) runs: `named` (--providers) if given, else
/// every provider with a key, or, reading `store`, every provider it holds. Throws AuthError
/// (ProviderError for an empty ledger) naming the command when that leaves none.
std::vector<const providers::Provider*> choose_providers(const std::string& command,
                                                         const std::vector<std::string>& named,
                                                         const config::ConfigFile& file,
                                                         const config::Environment& env,
                                                         const ledger::Ledger* store);
/// `gpubill sync`.
int run_sync(const Invocation& inv, const config::Environment& env);
/// `gpubill ledger status|export`.
int run_ledger(const Invocation& inv, const config::Environment& env);
/// When the whole run must end (--max-time), counted from the process start; every wait
/// consults it: HTTP, pacing and api_key_command alike.
std::optional<std::chrono::steady_clock::time_point> run_deadline(const GlobalOptions& g);

/// The retrying libcurl transport for one provider, from the global options.
/// Every request, retries included, holds one of min(--parallel, info.max_in_flight) slots.
struct ProviderTransport {
  std::unique_ptr<transport::Transport> curl;
  std::unique_ptr<transport::DeadlineTransport> deadline;  ///< with --max-time
  std::unique_ptr<transport::Transport> pacing;    ///< RateLimit headers: slow down early
  std::unique_ptr<transport::Transport> limiting;
  std::unique_ptr<transport::Transport> retrying;
  int parallel = 1;  ///< the slots: also how many independent requests to start at once
};
ProviderTransport make_transport(const GlobalOptions& g, const providers::ProviderInfo& info);
/// Warns when a key would travel over plain http to a host that is not this machine.
/// Also for a provider's own URL settings (Runpod's v2_base_url).
void warn_if_cleartext(const config::ProviderSettings& settings,
                       const providers::ProviderInfo& info);

/// --fx, before grouping and totals: converts what has a rate and warns, naming them, about
/// currencies left as they were for want of one. Nothing when fx is nullopt.
void convert_currencies(std::vector<model::CostRecord>& records,
                        const std::optional<aggregate::FxRates>& fx, const std::string& title);
/// --fx, for the output: the rates in the JSON query block ("fx": {"target", "rates"}), '*'
/// on converted amounts and a note under the table, and the CSV columns fx_from, fx_rate,
/// fx_original_amount. Nothing when fx is nullopt.
void describe_fx(format::RenderInput& in, const std::optional<aggregate::FxRates>& fx);

/// The caption tells the truth about periods: `asked` (non-empty when the resource or an
/// option chose the period, not --start/--end) replaces the period in the caption, and
/// in.rows_cover is set to the rows' span when they reach outside what the caption names
/// (always, with `asked`). Both go into the JSON query block too ("asked", "rows_cover").
void describe_period(format::RenderInput& in, const std::string& asked);

/// Lines that qualify the figures, once each, under the table and in the JSON query block
/// ("caveats"): the providers' own (Provider::caveats) and, when a row is still growing, what
/// "(so far)" means.
void describe_caveats(format::RenderInput& in, std::vector<std::string> caveats);

/// -o focus: in.focus from --focus-version and the registry (each provider's mapping and
/// billing month), and a warning naming the records no FOCUS row can hold (no amount or no
/// currency): they are left out, as they are of the totals. `what` names the command.
void describe_focus(format::RenderInput& in, const GlobalOptions& g, const std::string& what);

}  // namespace gpubill::cli
