// `gpubill report`: every provider with a key (or those named), concurrently, each running its
// report plan (Provider::report_plan) over one period. A provider that fails does not stop the
// others: what was fetched is printed, each failure is one line on stderr, and the exit code
// is 4 (partial). With no provider configured: exit 3, listing the key variables.
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <tuple>
#include <mutex>
#include <optional>
#include <thread>

#include <csignal>

#include <fcntl.h>
#include <unistd.h>

#include "cli/command_support.hpp"
#include "gpubill/aggregate/aggregate.hpp"
#include "gpubill/cli/when_parse.hpp"
#include "gpubill/format/formatter.hpp"
#include "gpubill/model/gpu_catalog.hpp"
#include "gpubill/providers/registry.hpp"
#include "gpubill/providers/windows.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/gzip_file.hpp"
#include "gpubill/util/log.hpp"
#include "gpubill/util/parallel.hpp"
#include "gpubill/util/redact.hpp"
#include "gpubill/util/status_lines.hpp"
#include "gpubill/util/text.hpp"
#include "gpubill/version.hpp"

namespace gpubill::cli {

namespace {

using nlohmann::ordered_json;

/// One part of a provider's plan that failed while others answered.
struct PartFailure {
  std::string resource;
  std::string error;
};

struct Outcome {
  const providers::Provider* provider = nullptr;
  std::vector<model::CostRecord> records;
  std::string error;                       ///< empty: success (perhaps with part_failures)
  ExitCode code = ExitCode::success;
  std::vector<PartFailure> part_failures;  ///< parts that failed; their records are absent
  double seconds = 0;
};

/// What one part of a plan gave: its records, or its error.
struct PartResult {
  std::vector<model::CostRecord> records;
  std::string error;
  ExitCode code = ExitCode::success;
};

// One live line per provider on a terminal: running (with the time so far), done (records,
// time) or failed. Nothing at all when disabled.
class ReportProgress {
 public:
  ReportProgress(const std::vector<const providers::Provider*>& chosen, bool enabled)
      : m_lines(stderr, chosen.size(), enabled), m_done(chosen.size(), false) {
    for (const providers::Provider* p : chosen) m_names.push_back(p->info().name);
    if (!m_lines.enabled()) return;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      tick_locked();
    }
    m_ticker = std::thread([this] {
      std::unique_lock<std::mutex> lock(m_mutex);
      while (!m_stop) {
        m_wake.wait_for(lock, std::chrono::milliseconds(200));
        if (!m_stop) tick_locked();
      }
    });
  }
  ~ReportProgress() {
    if (!m_ticker.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_stop = true;
    }
    m_wake.notify_all();
    m_ticker.join();
  }
  ReportProgress(const ReportProgress&) = delete;
  ReportProgress& operator=(const ReportProgress&) = delete;

  void finished(std::size_t i, const Outcome& o) {
    if (!m_lines.enabled()) return;
    std::lock_guard<std::mutex> lock(m_mutex);
    m_done[i] = true;
    std::string line =
        o.error.empty()
            ? fmt::format("{:<11} done     {} record(s) in {:.2f} s", m_names[i], o.records.size(), o.seconds)
            : fmt::format("{:<11} failed   after {:.2f} s (see below)", m_names[i], o.seconds);
    if (o.error.empty() && !o.part_failures.empty()) {
      line += fmt::format(", {} part(s) failed (see below)", o.part_failures.size());
    }
    m_lines.set(i, line);
  }

 private:
  void tick_locked() {
    double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    for (std::size_t i = 0; i < m_names.size(); ++i) {
      if (!m_done[i]) m_lines.set(i, fmt::format("{:<11} running  {:.1f} s", m_names[i], elapsed));
    }
  }

  util::StatusLines m_lines;
  std::vector<std::string> m_names;
  std::vector<bool> m_done;
  std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  std::thread m_ticker;
};

// The provider's own totals (one or more records per currency and period, added up) against
// what the plan's parts add up to over each of those periods: money the parts miss (a
// millionth of a unit or more, beyond the rounding of doubles) becomes an "other" record, so
// the report's totals are the provider's; parts above the total are kept and said. Parts whose
// period lies in no total's period (or, where the provider files by billing month, whose month
// has no total) are not compared. A total that reaches outside the report's period is not
// compared either: what it holds beyond the parts may be money of days not asked for; past
// now there is none, so the current month's total is compared with a period ending now.
void reconcile(std::vector<model::CostRecord>& records, const std::vector<model::CostRecord>& totals,
               const providers::Provider& p, const model::Period& asked, model::Timestamp now) {
  const std::string& provider = p.info().name;
  using Key = std::tuple<std::string, model::Timestamp, model::Timestamp>;
  std::map<Key, model::Decimal> own;
  std::map<Key, std::optional<std::string>> months;
  // The totals of each key: the account they name goes onto its difference (below).
  std::map<Key, std::vector<const model::CostRecord*>> sources;
  const std::vector<model::CostRecord> own_totals = p.own_totals(totals);
  for (const model::CostRecord& t : own_totals) {
    if (!t.amount || t.period.start < asked.start || asked.end < std::min(t.period.end, now)) continue;
    Key key{t.currency, t.period.start, t.period.end};
    own[key] += *t.amount;
    months[key] = p.billing_month(t);
    sources[key].push_back(&t);
  }
  const model::Decimal tolerance = model::Decimal::from_units(model::Decimal::k_one / 1'000'000);
  std::vector<model::CostRecord> others;
  std::map<std::string, model::Decimal> differences;
  for (const auto& [key, total] : own) {
    const auto& [currency, start, end] = key;
    const std::optional<std::string>& month = months[key];
    model::Decimal parts;
    for (const model::CostRecord& r : records) {
      if (!r.amount || r.currency != currency) continue;
      std::optional<std::string> part_month = month ? p.billing_month(r) : std::nullopt;
      bool counted = part_month ? *part_month == *month : start <= r.period.start && r.period.end <= end;
      if (counted) parts += *r.amount;
    }
    model::Decimal difference = total - parts;
    if (difference < tolerance && -difference < tolerance) continue;
    if (difference < model::Decimal{}) {
      // The parts bill more than the provider's own total: that total may not cover every
      // part (Hyperstack's incurred_bill under the other reading of its docs), so real money
      // is never taken away; it is said instead.
      util::log().warn("report: {}: its parts add up to {} {} for {} .. {}, more than its own "
                       "total {}: kept as they are (nothing is subtracted)", provider,
                       parts.to_string(), currency, model::format_rfc3339(start),
                       model::format_rfc3339(end), total.to_string());
      continue;
    }
    model::CostRecord other;
    other.provider = provider;
    other.service = model::k_difference_service;
    other.currency = currency;
    other.period = {start, end};
    other.amount = difference;
    other.description = provider + "'s own total less what the report's parts add up to";
    other.attributes["gpubill_provider_total"] = total.to_string();
    other.attributes["gpubill_parts_total"] = parts.to_string();
    // The account the totals name (FocusMapping::account_attributes: Hyperstack's org_id),
    // when every total of the period names the same one: the difference is its money too.
    for (const std::string& name : p.info().focus.account_attributes) {
      auto named = [&name](const model::CostRecord* t) {
        auto it = t->attributes.find(name);
        return it == t->attributes.end() ? nlohmann::ordered_json() : *it;
      };
      const std::vector<const model::CostRecord*>& from = sources[key];
      nlohmann::ordered_json value = named(from.front());
      if (!value.is_null() && std::all_of(from.begin(), from.end(), [&](const model::CostRecord* t) {
            return named(t) == value;
          })) {
        other.attributes[name] = value;
      }
    }
    differences[currency] += difference;
    others.push_back(std::move(other));
  }
  for (const auto& [currency, difference] : differences) {
    const std::string& code = currency;  // a name a lambda can capture (clang 14)
    std::size_t periods = static_cast<std::size_t>(std::count_if(others.begin(), others.end(), [&code](const model::CostRecord& r) {
      return r.currency == code;
    }));
    util::log().warn("report: {}: its own total differs from what its parts add up to by {} {} "
                     "over {} period(s): shown as service 'other'",
                     provider, difference.to_string(), currency, periods);
  }
  std::move(others.begin(), others.end(), std::back_inserter(records));
}

bool progress_wanted(const GlobalOptions& g, const config::Environment& env) {
  if (g.quiet || g.verbose > 0) return false;  // -v logs the same, line by line
  return is_capable_terminal(STDERR_FILENO, env);
}

// Every chosen provider's report plan over `period`, at once (one thread each: the work is
// waiting on the network), from the API or from `store` when it is set. Each provider's share
// is whole or absent; a part that fails is named on its own.
std::vector<Outcome> fetch_outcomes(const GlobalOptions& g, const config::Environment& env,
                                    const config::ConfigFile& file,
                                    const std::vector<const providers::Provider*>& chosen,
                                    ledger::Ledger* store, std::optional<model::Timestamp> as_of,
                                    const model::Period& period, model::Timestamp now) {
  std::mutex store_mutex;  // one ledger connection: the providers' threads take turns
  std::vector<Outcome> outcomes(chosen.size());
  std::optional<ReportProgress> progress;
  progress.emplace(chosen, progress_wanted(g, env));
  // Every provider at once: its own thread each (the work is waiting on the network).
  util::parallel_for(chosen.size(), chosen.size(), [&](std::size_t i) {
    Outcome& o = outcomes[i];
    o.provider = chosen[i];
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    try {
      const providers::ProviderInfo& info = o.provider->info();
      config::ProviderSettingsSpec spec = settings_spec(info);
      config::ProviderSettings settings;
      std::string api_key;
      ProviderTransport transport;
      transport.parallel = 1;
      if (!store) {
        settings = config::settings_for(spec, file, env);
        api_key = config::resolve_api_key(spec, file, env, run_deadline(g));
        warn_if_cleartext(settings, info);
        transport = make_transport(g, info);
      }
      // The parts are independent: started together, merged in plan order (the output
      // does not depend on timing), all through the provider's one in-flight limit.
      std::vector<providers::ReportPart> plan = o.provider->report_plan();
      std::optional<providers::ReportPart> own_total = o.provider->report_total();
      if (own_total) plan.push_back(*own_total);  // fetched beside the parts, never added
      auto cache = std::make_shared<providers::ResponseCache>();
      // A part that fails (or does not exist on this account: a 404) is named on its own;
      // the provider's other parts are kept. Each part is whole or absent, never half.
      std::vector<PartResult> parts = util::parallel_map<PartResult>(
          plan.size(), static_cast<std::size_t>(transport.parallel), [&](std::size_t k) {
            providers::FetchRequest request{plan[k].resource, {period, now},
                                            plan[k].options,  api_key,
                                            settings.base_url, g.parallel,
                                            settings.extra, true, cache};
            PartResult part;
            try {
              if (store) {
                std::lock_guard<std::mutex> lock(store_mutex);
                part.records = read_from_ledger(*store, *o.provider, plan[k].resource,
                                                plan[k].options, period, as_of);
              } else {
                part.records = o.provider->fetch(request, *transport.retrying);
              }
            } catch (const Error& e) {
              part.error = e.what();
              part.code = e.code();
            } catch (const std::exception& e) {
              part.error = info.name + " " + plan[k].resource + ": internal error: " + e.what();
              part.code = ExitCode::provider;
            }
            return part;
          });
      std::optional<PartResult> total_part;
      if (own_total) {
        total_part = std::move(parts.back());
        parts.pop_back();
        plan.pop_back();
      }
      std::size_t failed_parts = 0;
      for (std::size_t k = 0; k < parts.size(); ++k) {
        if (parts[k].error.empty()) {
          std::move(parts[k].records.begin(), parts[k].records.end(), std::back_inserter(o.records));
        } else {
          ++failed_parts;
          o.part_failures.push_back({plan[k].resource, parts[k].error});
        }
      }
      if (failed_parts == parts.size() && !parts.empty()) {
        // Nothing answered: the provider failed, with its first part's error and code.
        o.error = parts.front().error;
        o.code = parts.front().code;
        o.part_failures.clear();
        o.records.clear();
      } else if (total_part && !total_part->error.empty()) {
        util::log().warn("report: {}: could not compare with {}'s own total: {}", info.name,
                         info.name, util::scrub(total_part->error));
      } else if (total_part) {
        reconcile(o.records, total_part->records, *o.provider, period, now);
      }
    } catch (const Error& e) {
      o.error = e.what();
      o.code = e.code();
      o.records.clear();  // a provider's share is whole or absent, never half
    } catch (const std::exception& e) {
      o.error = o.provider->info().name + ": internal error: " + e.what();
      o.code = ExitCode::provider;
      o.records.clear();
    }
    o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    progress->finished(i, o);
  });
  progress.reset();  // the lines stay as they ended; what follows prints below them
  return outcomes;
}

// Where a report's records come from: with --from-ledger the ledger answers every part, no
// key needed (docs/ledger.md), through one connection the providers' threads take turns on;
// and which providers: --providers, else those with a key (or in the ledger).
struct ReportSources {
  std::unique_ptr<ledger::Ledger> store;
  std::optional<model::Timestamp> as_of;
  std::vector<const providers::Provider*> chosen;
};

ReportSources report_sources(const std::string& command, const Invocation& inv,
                             const config::ConfigFile& file, const config::Environment& env,
                             model::Timestamp now) {
  ReportSources s;
  s.as_of = ledger_as_of(inv.global, now);
  if (inv.global.from_ledger) s.store = ledger::Ledger::open(ledger_location(inv.global, file, env), false);
  s.chosen = choose_providers(command, inv.report_providers, file, env, s.store.get());
  return s;
}

}  // namespace

int run_report(const Invocation& inv, const config::Environment& env) {
  const GlobalOptions& g = inv.global;
  model::Timestamp now = current_time(env);
  model::Period period = resolve_period(g.start, g.end, now);
  format::Format fmt = *format::parse_format(g.output);
  config::ConfigFile file = load_config(g, env);

  ReportSources sources = report_sources("report", inv, file, env, now);
  std::unique_ptr<ledger::Ledger>& store = sources.store;
  const std::optional<model::Timestamp>& as_of = sources.as_of;
  const std::vector<const providers::Provider*>& chosen = sources.chosen;
  Output output(g.out_file);

  std::vector<Outcome> outcomes = fetch_outcomes(g, env, file, chosen, store.get(), as_of, period, now);

  std::vector<model::CostRecord> records;
  ordered_json failed = ordered_json::array();
  ordered_json failed_parts = ordered_json::array();
  ordered_json succeeded = ordered_json::array();
  std::size_t failures = 0;
  std::size_t part_failures = 0;
  bool all_auth = true;
  for (Outcome& o : outcomes) {
    if (o.error.empty()) {
      util::log().debug("report: {}: {} record(s) in {:.2f} s", o.provider->info().name,
                        o.records.size(), o.seconds);
      succeeded.push_back(o.provider->info().name);
      std::move(o.records.begin(), o.records.end(), std::back_inserter(records));
      for (const PartFailure& f : o.part_failures) {
        ++part_failures;
        failed_parts.push_back(o.provider->info().name + " " + f.resource);
      }
    } else {
      ++failures;
      all_auth = all_auth && o.code == ExitCode::credentials;
      failed.push_back(o.provider->info().name);
    }
  }
  // Each failure on its own line, named, before anything else is decided.
  for (const Outcome& o : outcomes) {
    std::vector<std::string> errors;
    if (!o.error.empty()) errors.push_back(o.error);
    for (const PartFailure& f : o.part_failures) errors.push_back(f.error);
    for (const std::string& error : errors) {
      std::string line = "gpubill: report: " + util::escape_for_terminal(util::scrub(error)) + "\n";
      std::fwrite(line.data(), 1, line.size(), stderr);
    }
  }
  std::fflush(stderr);
  if (failures == outcomes.size()) {
    return static_cast<int>(all_auth ? ExitCode::credentials : ExitCode::provider);
  }

  convert_currencies(records, inv.fx, "report");
  // FOCUS rows are the providers' line items: never grouped (parse() refuses --group-by).
  std::vector<model::CostRecord> grouped;
  if (fmt != format::Format::focus) grouped = aggregate::group_records(records, inv.group_by);
  aggregate::Totals totals = aggregate::totals_by_currency(records);
  format::RenderInput in(fmt == format::Format::focus ? records : grouped);
  in.totals = totals.by_currency;
  in.records_without_amount = totals.records_without_amount;
  in.title = "report";
  in.width = table_width_for(inv.global, env);
  in.csv_guard = !inv.global.raw_csv;
  in.period = period;
  ordered_json group_by = ordered_json::array();
  for (const std::string& k : inv.group_by) group_by.push_back(k);
  in.query = {{"command", "report"},
              {"start", model::format_rfc3339(period.start)},
              {"end", model::format_rfc3339(period.end)},
              {"group_by", group_by},
              {"providers", succeeded},
              {"failed_providers", failed},
              {"failed_parts", failed_parts},
              {"complete", failures + part_failures == 0}};
  describe_fx(in, inv.fx);
  describe_period(in, "");
  std::vector<std::string> caveats;
  for (const Outcome& o : outcomes) {
    if (!o.error.empty()) continue;
    for (const providers::ReportPart& part : o.provider->report_plan()) {
      for (std::string& c : o.provider->caveats(part.resource)) caveats.push_back(std::move(c));
    }
  }
  describe_caveats(in, std::move(caveats));
  describe_focus(in, g, "report");
  // A failure is said where the numbers are, not only on stderr: a person reading the table
  // (or a cron mail of it) must not take the totals for the whole bill.
  if (failures + part_failures > 0) {
    std::string names;
    for (const Outcome& o : outcomes) {
      if (!o.error.empty()) {
        in.notes.push_back("failed: " + util::scrub(o.error));
        names += (names.empty() ? "" : ", ") + o.provider->info().name;
      }
      for (const PartFailure& f : o.part_failures) {
        in.notes.push_back("failed: " + util::scrub(f.error));
        names += (names.empty() ? "" : ", ") + o.provider->info().name + " " + f.resource;
      }
    }
    in.notes.push_back("totals exclude: " + names);
  }
  for (const std::string& k : inv.group_by) {
    if (k != "day" && k != "week" && k != "month") continue;
    if (std::size_t n = aggregate::spanning_rows(grouped)) {
      in.notes.push_back(std::to_string(n) + " row(s) cover more than one " + k +
                         ": the provider billed them as one amount, so they are shown with "
                         "their own START and END, not filed under one " + k + ".");
    }
  }
  if (std::find(inv.group_by.begin(), inv.group_by.end(), "gpu") != inv.group_by.end()) {
    // Comparing clouds: what each GPU model cost per GPU hour, where the hours are known.
    auto attribute = [](const char* key) {
      return [key](const model::CostRecord& r) {
        auto it = r.attributes.find(key);
        return it != r.attributes.end() && it->is_string() ? it->get<std::string>() : std::string();
      };
    };
    in.extra_columns.push_back({"gpu_hours", true, true, attribute(model::k_gpu_hours_attribute), 2});
    in.extra_columns.push_back(
        {"cost_per_gpu_hour", true, true, attribute(model::k_cost_per_gpu_hour_attribute), 4});
  }
  if (totals.records_without_amount > 0) {
    util::log().warn("report: {} record(s) have no price and are left out of the totals",
                     totals.records_without_amount);
  }
  if (records.empty()) {
    util::log().warn("report: no cost records in {} .. {}", model::format_rfc3339(period.start),
                     model::format_rfc3339(period.end));
  }
  // A partial report must not pass for a whole one where it lands. The table and JSON say
  // so inside (the `failed:` notes, `query.complete`); CSV and NDJSON have no room for a
  // mark, so such a file never replaces --out-file unless asked: it goes beside it, and a
  // whole report later removes that leftover.
  constexpr std::string_view k_partial_suffix = ".partial";
  bool partial = failures + part_failures > 0;
  if (partial && !inv.allow_partial &&
      (fmt == format::Format::csv || fmt == format::Format::ndjson || fmt == format::Format::focus)) {
    std::string aside = output.divert(k_partial_suffix);
    if (!aside.empty()) {
      // Like the failures above, said even with --quiet: it is where the data went.
      std::string line = "gpubill: report: partial (exit 4): written to " + aside + "; " +
                         aside.substr(0, aside.size() - k_partial_suffix.size()) +
                         " was left as it was (--allow-partial writes there)";
      line = util::escape_for_terminal(util::scrub(line)) + "\n";
      std::fwrite(line.data(), 1, line.size(), stderr);
      std::fflush(stderr);
    }
  }
  output.deliver(in, fmt);
  if (!partial) output.remove_beside(k_partial_suffix);
  return partial ? static_cast<int>(ExitCode::partial) : 0;
}

}  // namespace gpubill::cli

namespace gpubill::cli {

namespace {

// Puts the folder `fresh` where `target` is, whole: swapped in one step (renameat2
// RENAME_EXCHANGE) where there is one already, so a reader sees the old month or the new one,
// never a mix; the old one is then removed.
void put_in_place(const std::string& fresh, const std::string& target) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(target, ec)) {
    if (::renameat2(AT_FDCWD, fresh.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
      fs::remove_all(fresh, ec);
      return;
    }
    // A file system without the exchange: the old one aside, the new one in.
    std::string aside = fresh + ".old";
    if (::rename(target.c_str(), aside.c_str()) != 0) {
      throw IoError(target + ": cannot replace: " + std::strerror(errno));
    }
    if (::rename(fresh.c_str(), target.c_str()) != 0) {
      int err = errno;
      ::rename(aside.c_str(), target.c_str());
      throw IoError(target + ": cannot replace: " + std::strerror(err));
    }
    fs::remove_all(aside, ec);
    return;
  }
  if (::rename(fresh.c_str(), target.c_str()) != 0) {
    throw IoError(target + ": cannot write: " + std::strerror(errno));
  }
}

// The hidden folders of exports that died before putting a month in place (killed, the
// machine stopped): `.billing_period=M.tmp-PID` (and `.old`) whose PID no process has. A
// folder of an export still running (its PID alive, this one's included) is left alone.
void remove_stale_months(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::string prefix = ".billing_period=";
    std::size_t tmp = name.find(".tmp-");
    if (name.rfind(prefix, 0) != 0 || tmp == std::string::npos) continue;
    std::string digits = name.substr(tmp + 5);
    if (digits.size() > 4 && digits.compare(digits.size() - 4, 4, ".old") == 0) digits.resize(digits.size() - 4);
    if (digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) {
      std::error_code rm;
      fs::remove_all(it->path(), rm);
      if (!rm) util::log().info("export focus: removed {}, left by an export that stopped", name);
    }
  }
}

void sync_directory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void write_small_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(path + ": cannot create: " + std::strerror(errno));
  std::string_view rest = text;
  while (!rest.empty()) {
    ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      throw IoError(path + ": cannot write: " + std::strerror(err));
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw IoError(path + ": cannot sync: " + std::strerror(errno));
}

}  // namespace

int run_export_focus(const Invocation& inv, const config::Environment& env) {
  namespace fs = std::filesystem;
  const GlobalOptions& g = inv.global;
  model::Timestamp now = current_time(env);
  if (g.start.empty()) {
    throw UsageError("export focus: give --start, a month (--start 2026-08): FOCUS files hold whole billing periods");
  }
  model::Period period = resolve_period(g.start, g.end, now);
  if (model::start_of_month(period.start) != period.start) {
    throw UsageError("export focus: --start " + g.start + " is not the start of a month: give a month (2026-08)");
  }
  if (!g.end.empty() && model::start_of_month(period.end) != period.end) {
    throw UsageError("export focus: --end " + g.end + " is not the start of a month: give a month (2026-11), or leave it out for up to now");
  }
  const std::string version = g.focus_version.empty() ? "1.2" : g.focus_version;
  config::ConfigFile file = load_config(g, env);
  ReportSources sources = report_sources("export focus", inv, file, env, now);
  std::unique_ptr<ledger::Ledger>& store = sources.store;
  const std::optional<model::Timestamp>& as_of = sources.as_of;
  const std::vector<const providers::Provider*>& chosen = sources.chosen;

  std::error_code ec;
  fs::create_directories(inv.export_dir, ec);
  if (ec || !fs::is_directory(inv.export_dir)) {
    throw IoError("export focus: --dir " + inv.export_dir + ": cannot make the folder" +
                  (ec ? ": " + ec.message() : std::string()));
  }
  remove_stale_months(inv.export_dir);
  std::string listing;
  std::size_t written = 0;
  std::size_t skipped = 0;
  ExitCode first_failure = ExitCode::success;
  bool any_answer = false;  // some provider answered some month
  for (model::Timestamp month = period.start; month < period.end; month = model::add_months(month, 1)) {
    const std::string name = model::format_date(month).substr(0, 7);
    const model::Period span{month, std::min(model::add_months(month, 1), period.end)};
    std::vector<Outcome> outcomes = fetch_outcomes(g, env, file, chosen, store.get(), as_of, span, now);
    std::string failed;
    for (const Outcome& o : outcomes) {
      std::vector<std::string> errors;
      if (!o.error.empty()) errors.push_back(o.error);
      for (const PartFailure& f : o.part_failures) errors.push_back(f.error);
      for (const std::string& error : errors) {
        std::string line = "gpubill: export focus: " + name + ": " +
                           util::escape_for_terminal(util::scrub(error)) + "\n";
        std::fwrite(line.data(), 1, line.size(), stderr);
      }
      any_answer = any_answer || o.error.empty();
      if (!errors.empty()) {
        failed += (failed.empty() ? "" : ", ") + o.provider->info().name;
        if (first_failure == ExitCode::success) first_failure = o.error.empty() ? ExitCode::provider : o.code;
      }
    }
    const std::string target = (fs::path(inv.export_dir) / ("billing_period=" + name)).string();
    if (!failed.empty()) {
      // A month is written whole or not at all: what is there stays as it was.
      std::string line = "gpubill: export focus: billing_period=" + name + " not written (" + failed +
                         " failed); " + (fs::exists(target, ec) ? "it keeps what it had" : "it has no folder") + "\n";
      std::fwrite(line.data(), 1, line.size(), stderr);
      std::fflush(stderr);
      ++skipped;
      continue;
    }
    const std::string fresh = (fs::path(inv.export_dir) /
                               (".billing_period=" + name + ".tmp-" + std::to_string(::getpid()))).string();
    fs::remove_all(fresh, ec);
    if (!fs::create_directory(fresh, ec)) {
      throw IoError("export focus: " + fresh + ": cannot make the folder: " + ec.message());
    }
    try {
      ordered_json files = ordered_json::array();
      for (Outcome& o : outcomes) {
        const providers::Provider& p = *o.provider;
        // Only the month's own records: a record the provider files under another month is
        // that month's (Novita's subscriptions go by their cycle).
        std::vector<model::CostRecord> records;
        for (model::CostRecord& r : o.records) {
          std::optional<std::string> billed = p.billing_month(r);
          if ((billed ? *billed : model::format_date(r.period.start).substr(0, 7)) == name) {
            records.push_back(std::move(r));
          }
        }
        format::RenderInput in(records);
        in.csv_guard = !g.raw_csv;
        GlobalOptions focus_options = g;
        focus_options.output = "focus";
        focus_options.focus_version = version;
        describe_focus(in, focus_options, "export focus: " + name + ": " + p.info().name);
        std::map<std::string, model::Decimal> sums;
        std::size_t rows = 0;
        for (const model::CostRecord& r : records) {
          if (!format::focus_writable(in, r)) continue;
          ++rows;
          sums[r.currency.str()] += *r.amount;
        }
        const std::string file_name = p.info().name + ".csv.gz";
        util::GzipFile gz((fs::path(fresh) / file_name).string());
        util::StreamScrubber scrubber;
        format::render_to(in, format::Format::focus, [&](std::string_view piece) { gz.write(scrubber.feed(piece)); });
        gz.write(scrubber.finish());
        gz.finish();
        ordered_json totals = ordered_json::array();
        for (const auto& [currency, sum] : sums) totals.push_back({{"currency", currency}, {"amount", sum.to_string()}});
        files.push_back({{"path", file_name}, {"provider", p.info().name}, {"rows", rows},
                         {"left_out", records.size() - rows}, {"billed_cost", totals}});
        std::string shown;
        for (const auto& [currency, sum] : sums) shown += "  " + currency + " " + sum.to_string();
        listing += "billing_period=" + name + "/" + file_name + "  " + std::to_string(rows) + " row(s)" + shown + "\n";
      }
      ordered_json manifest = {
          {"gpubill_version", k_version},
          {"focus_version", version},
          {"billing_period", name},
          {"billing_period_start", model::format_rfc3339(month)},
          {"billing_period_end", model::format_rfc3339(model::add_months(month, 1))},
          {"data_through", model::format_rfc3339(std::min(span.end, now))},
          {"source", store ? "ledger" : "api"},
          {"files", files}};
      if (as_of) manifest["as_of"] = model::format_rfc3339(*as_of);
      write_small_file((fs::path(fresh) / "manifest.json").string(),
                       util::scrub(manifest.dump(2, ' ', false, ordered_json::error_handler_t::replace)) + "\n");
      sync_directory(fresh);
      put_in_place(fresh, target);
      sync_directory(inv.export_dir);
    } catch (...) {
      fs::remove_all(fresh, ec);
      throw;
    }
    ++written;
  }
  listing += std::to_string(written) + " billing period(s) written to " + inv.export_dir +
             (skipped > 0 ? ", " + std::to_string(skipped) + " not written" : std::string()) + "\n";
  util::write_stdout(util::scrub(listing));
  if (skipped == 0) return 0;
  // Like report: exit 4 when anything answered, else the failure's own code.
  if (!any_answer && first_failure != ExitCode::success) return static_cast<int>(first_failure);
  return static_cast<int>(ExitCode::partial);
}

}  // namespace gpubill::cli
