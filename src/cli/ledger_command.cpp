// `gpubill sync`, `gpubill ledger status|export`, and reading records from the ledger for
// --from-ledger (docs/ledger.md).
#include <algorithm>
#include <cstdio>
#include <mutex>

#include "cli/command_support.hpp"
#include "gpubill/aggregate/aggregate.hpp"
#include "gpubill/cli/when_parse.hpp"
#include "gpubill/ledger/ledger.hpp"
#include "gpubill/providers/registry.hpp"
#include "gpubill/providers/windows.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/log.hpp"
#include "gpubill/util/parallel.hpp"
#include "gpubill/util/redact.hpp"
#include "gpubill/util/text.hpp"

namespace gpubill::cli {

namespace {

using model::Period;
using model::Timestamp;

// "pods?grouping=gpuTypeId" -> "pods --grouping gpuTypeId": how a person would ask for it.
std::string part_shown(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '?' || c == '&') {
      out += " --";
    } else if (c == '=') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string period_text(const Period& p) {
  return model::format_rfc3339(p.start) + " .. " + model::format_rfc3339(p.end);
}

// The parts a sync stores for a provider: the report's plan and its own total.
std::vector<providers::ReportPart> synced_parts(const providers::Provider& p) {
  std::vector<providers::ReportPart> plan = p.report_plan();
  if (std::optional<providers::ReportPart> total = p.report_total()) plan.push_back(*total);
  return plan;
}

// A key a provider echoes inside a data field (a VM's name) never reaches the ledger file:
// text fields and attribute strings are scrubbed as the output is. Returns the replacements.
std::size_t scrub_json(nlohmann::ordered_json& j) {
  std::size_t n = 0;
  if (j.is_string()) {
    std::string clean = util::scrub(j.get_ref<const std::string&>());
    if (clean != j.get_ref<const std::string&>()) {
      j = clean;
      ++n;
    }
  } else if (j.is_structured()) {
    for (auto& item : j) n += scrub_json(item);
  }
  return n;
}

std::size_t scrub_record(model::CostRecord& r) {
  std::size_t n = 0;
  for (model::Text* t : {&r.service, &r.resource_id, &r.resource_name, &r.gpu_type, &r.gpu_model,
                         &r.region, &r.currency, &r.usage_unit, &r.description}) {
    if (t->str().size() < util::k_min_secret_size) continue;
    std::string clean = util::scrub(t->str());
    if (clean != t->str()) {
      *t = clean;
      ++n;
    }
  }
  if (!r.attributes.empty()) {
    nlohmann::ordered_json copy = r.attributes.get();
    std::size_t in_attributes = scrub_json(copy);
    if (in_attributes > 0) {
      r.attributes = std::move(copy);
      n += in_attributes;
    }
  }
  return n;
}

struct SyncOutcome {
  const providers::Provider* provider = nullptr;
  Period span{};
  std::size_t months = 0;
  ledger::WriteCounts counts;
  std::vector<std::string> part_failures;  ///< "clusters 2026-09: <error>"
  std::string error;                       ///< the provider failed (months before it are stored)
  std::size_t redactions = 0;              ///< API keys found in its answers, stored as [REDACTED]
  ExitCode code = ExitCode::success;
};

std::string align(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& r : rows) {
    widths.resize(std::max(widths.size(), r.size()));
    for (std::size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], util::display_width(r[i]));
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += util::escape_for_terminal(r[i]);
      if (i + 1 < r.size()) line += std::string(widths[i] - util::display_width(r[i]) + 2, ' ');
    }
    out += line.substr(0, line.find_last_not_of(' ') + 1) + "\n";
  }
  return out;
}

// The stored part that answers `options` on `resource` when their own key is not stored
// (docs/ledger.md, "Reads"): a flag at its default is the flag absent, and a flag that only
// selects records (OptionSpec::ledger_filter) is left to `filters`, applied to what is read.
std::optional<std::string> stored_part_for(
    const providers::Provider& p, const std::string& resource, const providers::OptionValues& options,
    const std::vector<std::string>& held,
    std::vector<std::pair<const providers::OptionSpec*, std::vector<std::string>>>& filters) {
  const providers::ResourceSpec* spec = nullptr;
  for (const providers::ResourceSpec& r : p.resources()) {
    if (r.name == resource) spec = &r;
  }
  if (spec == nullptr) return std::nullopt;
  auto with_defaults = [&](providers::OptionValues v) {
    for (const providers::OptionSpec& o : spec->options) {
      if (!o.default_value.empty() && v.count(o.flag) == 0) v[o.flag] = {o.default_value};
    }
    return v;
  };
  providers::OptionValues wanted = options;
  std::vector<std::pair<const providers::OptionSpec*, std::vector<std::string>>> found;
  for (const providers::OptionSpec& o : spec->options) {
    auto it = wanted.find(o.flag);
    if (o.ledger_filter == nullptr || it == wanted.end()) continue;
    found.emplace_back(&o, it->second);
    wanted.erase(it);
  }
  wanted = with_defaults(std::move(wanted));
  for (const std::string& h : held) {
    auto [stored_resource, stored_options] = ledger::split_part_key(h);
    if (stored_resource == resource && with_defaults(std::move(stored_options)) == wanted) {
      filters = std::move(found);
      return h;
    }
  }
  return std::nullopt;
}

}  // namespace

LedgerLocation ledger_location_with_source(const GlobalOptions& g, const config::ConfigFile& file,
                                           const config::Environment& env) {
  if (!g.ledger.empty()) return {g.ledger, "--ledger"};
  if (std::optional<std::string> v = env("GPUBILL_LEDGER")) return {*v, "env GPUBILL_LEDGER"};
  if (file.ledger_url) return {*file.ledger_url, "config"};
  std::optional<std::string> xdg = env("XDG_DATA_HOME");
  std::optional<std::string> home = env("HOME");
  return {ledger::default_location(xdg ? xdg->c_str() : nullptr, home ? home->c_str() : nullptr), "default"};
}

std::string ledger_location(const GlobalOptions& g, const config::ConfigFile& file,
                            const config::Environment& env) {
  return ledger_location_with_source(g, file, env).location;
}

std::optional<Timestamp> ledger_as_of(const GlobalOptions& g, Timestamp now) {
  if (g.as_of.empty()) return std::nullopt;
  return parse_when(g.as_of, now, "--as-of").begin;
}

std::vector<model::CostRecord> read_from_ledger(const ledger::Ledger& l,
                                                const providers::Provider& p,
                                                const std::string& resource,
                                                const providers::OptionValues& options,
                                                const Period& period,
                                                std::optional<Timestamp> as_of) {
  const std::string& name = p.info().name;
  std::string part = ledger::part_key(resource, options);
  std::vector<std::string> held = l.parts(name);
  std::vector<std::pair<const providers::OptionSpec*, std::vector<std::string>>> filters;
  if (std::find(held.begin(), held.end(), part) == held.end()) {
    std::optional<std::string> same = stored_part_for(p, resource, options, held, filters);
    if (same) part = *same;
  }
  if (std::find(held.begin(), held.end(), part) == held.end()) {
    std::string list;
    for (const std::string& h : held) list += (list.empty() ? "" : ", ") + part_shown(h);
    throw ProviderError(name + " " + part_shown(part) + ": not in the ledger " + l.where() +
                        (list.empty() ? std::string(": nothing of ") + name + " is stored ('gpubill sync')"
                                      : ": it holds " + name + " " + list));
  }
  ledger::PartRead r = l.read(name, k_ledger_account, part, period, as_of);
  if (!r.not_synced.empty()) {
    std::chrono::seconds missing{0};
    std::string spans;
    for (const Period& gap : r.not_synced) {
      missing += gap.end - gap.start;
      spans += (spans.empty() ? "" : ", ") + period_text(gap);
    }
    if (missing >= period.end - period.start) {
      throw ProviderError(name + " " + part_shown(part) + ": the ledger " + l.where() +
                          " has no sync of " + period_text(period) +
                          (as_of ? " as of " + model::format_rfc3339(*as_of) : std::string()) +
                          ": run 'gpubill sync --start " + model::format_rfc3339(period.start).substr(0, 7) + "'");
    }
    util::log().warn("{} {}: the ledger has no sync of {}: costs there are not shown", name,
                     part_shown(part), spans);
  }
  if (r.outside > 0) {
    util::log().warn("{} {}: {} stored record(s) of these months begin outside {} and are left "
                     "out (ask for whole months to see them)", name, part_shown(part), r.outside,
                     period_text(period));
  }
  for (const auto& [option, values] : filters) {
    std::erase_if(r.records, [&](const model::CostRecord& record) {
      return std::none_of(values.begin(), values.end(),
                          [&](const std::string& v) { return option->ledger_filter(record, v); });
    });
  }
  return std::move(r.records);
}

std::vector<const providers::Provider*> choose_providers(const std::string& command,
                                                         const std::vector<std::string>& named,
                                                         const config::ConfigFile& file,
                                                         const config::Environment& env,
                                                         const ledger::Ledger* store) {
  std::vector<std::string> in_ledger;
  if (store != nullptr) in_ledger = store->providers();
  std::vector<const providers::Provider*> chosen;
  std::string key_vars;
  for (const std::unique_ptr<providers::Provider>& p : providers::registry()) {
    key_vars += (key_vars.empty() ? "" : ", ") + p->info().key_env;
    bool is_named = std::find(named.begin(), named.end(), p->info().name) != named.end();
    bool available = false;
    if (store != nullptr) {
      available = std::find(in_ledger.begin(), in_ledger.end(), p->info().name) != in_ledger.end();
    } else {
      config::ProviderSettings s = config::settings_for(settings_spec(p->info()), file, env);
      available = s.key_source != config::KeySource::missing;
    }
    if (named.empty() ? available : is_named) chosen.push_back(p.get());
  }
  if (chosen.empty() && store != nullptr) {
    throw ProviderError(command + ": the ledger " + store->where() + " holds no provider's "
                        "records: run 'gpubill sync' first");
  }
  if (chosen.empty()) {
    throw AuthError(command + ": no provider has an API key: set one or more of " + key_vars +
                    ", or api_key in the config file (" + file.path + ")");
  }
  return chosen;
}

namespace {

// A summary (sync's, ledger status'): one JSON object per provider with `columns` as keys.
// A table shows `table` (its own header and cells) with the ledger's place under it; CSV the
// objects' columns (a list joined with spaces, null empty); JSON one document
// {"schema_version": 1, "ledger": ..., "providers": [...]}; NDJSON one object a line.
void deliver_summary(Output& output, format::Format fmt, const std::vector<std::vector<std::string>>& table,
                     const std::vector<std::string>& columns, const nlohmann::ordered_json& objects,
                     const std::string& where) {
  std::string text;
  if (fmt == format::Format::json) {
    text = nlohmann::ordered_json{{"schema_version", 1}, {"ledger", where}, {"providers", objects}}.dump(2) + "\n";
  } else if (fmt == format::Format::ndjson) {
    for (const auto& j : objects) text += j.dump() + "\n";
  } else if (fmt == format::Format::csv) {
    text = format::csv_line(columns);
    for (const auto& j : objects) {
      std::vector<std::string> cells;
      for (const std::string& c : columns) {
        const nlohmann::ordered_json& v = j.at(c);
        std::string cell;
        if (v.is_string()) {
          cell = v.get<std::string>();
        } else if (v.is_array()) {
          for (const auto& item : v) cell += (cell.empty() ? "" : " ") + (item.is_string() ? item.get<std::string>() : item.dump());
        } else if (!v.is_null()) {
          cell = v.dump();
        }
        cells.push_back(std::move(cell));
      }
      text += format::csv_line(cells);
    }
  } else {
    text = align(table) + "ledger: " + where + "\n";
  }
  output.deliver(text);
}

}  // namespace

int run_sync(const Invocation& inv, const config::Environment& env) {
  const GlobalOptions& g = inv.global;
  Timestamp now = current_time(env);
  config::ConfigFile file = load_config(g, env);
  std::unique_ptr<ledger::Ledger> store = ledger::Ledger::open(ledger_location(g, file, env), true);
  std::mutex store_mutex;  // one connection; writes are short, fetching is not under it

  std::vector<const providers::Provider*> chosen =
      choose_providers("sync", inv.report_providers, file, env, nullptr);
  format::Format fmt = *format::parse_format(g.output);
  Output output(g.out_file);

  std::vector<SyncOutcome> outcomes(chosen.size());
  util::parallel_for(chosen.size(), chosen.size(), [&](std::size_t i) {
    SyncOutcome& o = outcomes[i];
    o.provider = chosen[i];
    const providers::ProviderInfo& info = o.provider->info();
    std::int64_t sync_id = 0;
    try {
      // From --start, else from the month before the last one stored (or last month): the
      // lookback that lets late charges and restatements land.
      Timestamp this_month = model::start_of_month(now);
      Timestamp start = model::add_months(this_month, -1);
      if (!g.start.empty()) {
        // Whole months only: a month is stored as one answer, so a sync of its second half
        // would close the records of its first half as gone.
        start = model::start_of_month(parse_when(g.start, now, "--start").begin);
      } else {
        std::lock_guard<std::mutex> lock(store_mutex);
        std::string last = store->last_month(info.name, k_ledger_account);
        if (std::optional<Timestamp> t = model::parse_provider_time(last + "-01")) {
          start = std::min(start, model::add_months(*t, -1));
        }
      }
      Timestamp end = now;
      if (!g.end.empty()) {
        Timestamp asked = parse_when(g.end, now, "--end").begin;
        Timestamp month = model::start_of_month(asked);
        end = std::min(month == asked ? asked : model::add_months(month, 1), now);
      }
      if (end <= start) {
        throw UsageError("sync: the period " + period_text({start, end}) + " is empty");
      }
      o.span = {start, end};
      {
        std::lock_guard<std::mutex> lock(store_mutex);
        sync_id = store->begin_sync(info.name, k_ledger_account, o.span, wall_clock());
      }
      config::ProviderSettingsSpec spec = settings_spec(info);
      config::ProviderSettings settings = config::settings_for(spec, file, env);
      std::string api_key = config::resolve_api_key(spec, file, env, run_deadline(g));
      warn_if_cleartext(settings, info);
      ProviderTransport transport = make_transport(g, info);
      std::vector<providers::ReportPart> plan = synced_parts(*o.provider);
      auto cache = std::make_shared<providers::ResponseCache>();
      std::vector<std::string> key_attributes = info.ledger_key_attributes;
      for (const Period& window : providers::month_windows(o.span)) {
        struct Answer {
          std::vector<model::CostRecord> records;
          std::string error;
          ExitCode code = ExitCode::success;
        };
        std::string month = model::format_rfc3339(window.start).substr(0, 7);
        std::vector<Answer> answers = util::parallel_map<Answer>(
            plan.size(), static_cast<std::size_t>(transport.parallel), [&](std::size_t k) {
              util::LogContext context("sync " + month);  // a provider warns once per month
              providers::FetchRequest request{plan[k].resource, {window, now, true},
                                              plan[k].options,  api_key,
                                              settings.base_url, g.parallel,
                                              settings.extra,   true,
                                              cache};
              Answer a;
              try {
                a.records = o.provider->fetch(request, *transport.retrying);
              } catch (const Error& e) {
                a.error = e.what();
                a.code = e.code();
              } catch (const std::exception& e) {  // an amount out of range, ...
                a.error = info.name + " " + plan[k].resource + ": internal error: " + e.what();
                a.code = ExitCode::provider;
              }
              return a;
            });
        ledger::WindowWrite w{info.name, k_ledger_account, window, {}, key_attributes};
        for (std::size_t k = 0; k < plan.size(); ++k) {
          if (answers[k].error.empty()) {
            for (model::CostRecord& r : answers[k].records) o.redactions += scrub_record(r);
            w.parts.push_back({ledger::part_key(plan[k].resource, plan[k].options), std::move(answers[k].records)});
          } else {
            o.part_failures.push_back(part_shown(ledger::part_key(plan[k].resource, plan[k].options)) +
                                     " " + month + ": not stored: " + answers[k].error);
          }
        }
        if (w.parts.empty()) {  // nothing answered: the provider fails here; earlier months stay
          o.error = answers.front().error;
          o.code = answers.front().code;
          o.part_failures.clear();
          break;
        }
        std::lock_guard<std::mutex> lock(store_mutex);
        o.counts += store->write_window(w, sync_id, wall_clock());
        ++o.months;
      }
    } catch (const Error& e) {
      o.error = e.what();
      o.code = e.code();
    } catch (const std::exception& e) {
      o.error = info.name + ": internal error: " + e.what();
      o.code = ExitCode::provider;
    }
    if (sync_id != 0) {
      try {
        std::lock_guard<std::mutex> lock(store_mutex);
        store->finish_sync(sync_id, o.error.empty() ? "ok" : util::scrub(o.error), o.counts, wall_clock());
      } catch (const Error& e) {
        if (o.error.empty()) {
          o.error = e.what();
          o.code = e.code();
        }
      }
    }
  });

  std::vector<std::vector<std::string>> rows = {
      {"PROVIDER", "MONTHS", "SEEN", "NEW", "RESTATED", "UPDATED", "GONE", "KEPT", "STATUS"}};
  nlohmann::ordered_json objects = nlohmann::ordered_json::array();
  std::size_t failed = 0;
  ExitCode first_code = ExitCode::success;
  // Each failure on its own line, as report says them (even with --quiet: cron mails it).
  auto say = [](const std::string& line) {
    std::string text = "gpubill: sync: " + util::escape_for_terminal(util::scrub(line)) + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
  };
  for (const SyncOutcome& o : outcomes) {
    for (const std::string& f : o.part_failures) say(o.provider->info().name + " " + f);
    if (!o.error.empty()) {
      say(o.error);
      if (failed++ == 0) first_code = o.code;
    } else if (!o.part_failures.empty()) {
      ++failed;
    }
    if (o.redactions > 0) {
      util::log().warn("sync: {}: an API key appeared in its answers {} time(s): stored as {}",
                       o.provider->info().name, o.redactions, util::k_redacted);
    }
    if (o.counts.kept > 0) {
      util::log().warn("sync: {}: an empty answer over {} stored record(s): kept (a provider "
                       "forgetting is not a refund)", o.provider->info().name, o.counts.kept);
    }
    std::string span = o.span.start == Timestamp{} ? "-" : model::format_rfc3339(o.span.start).substr(0, 7) +
                       (o.months > 1 ? " .. " + model::format_rfc3339(o.span.end - std::chrono::seconds{1}).substr(0, 7) : "");
    std::string status = o.error.empty() ? (o.part_failures.empty() ? "ok" : "parts failed") : "failed";
    rows.push_back({o.provider->info().name, o.months == 0 ? "-" : span,
                    std::to_string(o.counts.seen), std::to_string(o.counts.added),
                    std::to_string(o.counts.restated), std::to_string(o.counts.updated), std::to_string(o.counts.gone),
                    std::to_string(o.counts.kept), status});
    nlohmann::ordered_json errors = nlohmann::ordered_json::array();
    for (const std::string& f : o.part_failures) errors.push_back(util::scrub(o.provider->info().name + " " + f));
    if (!o.error.empty()) errors.push_back(util::scrub(o.error));
    objects.push_back({{"provider", o.provider->info().name},
                       {"first_month", o.months == 0 ? nullptr : nlohmann::ordered_json(model::format_rfc3339(o.span.start).substr(0, 7))},
                       {"last_month", o.months == 0 ? nullptr : nlohmann::ordered_json(model::format_rfc3339(o.span.end - std::chrono::seconds{1}).substr(0, 7))},
                       {"months", o.months}, {"seen", o.counts.seen}, {"new", o.counts.added},
                       {"restated", o.counts.restated}, {"updated", o.counts.updated}, {"gone", o.counts.gone}, {"kept", o.counts.kept},
                       {"status", status}, {"errors", errors}});
  }
  deliver_summary(output, fmt, rows,
                  {"provider", "first_month", "last_month", "months", "seen", "new", "restated", "updated", "gone", "kept",
                   "status", "errors"},
                  objects, store->where());
  if (failed == 0) return 0;
  if (failed == outcomes.size() && first_code != ExitCode::success) return static_cast<int>(first_code);
  return static_cast<int>(ExitCode::partial);
}

int run_ledger(const Invocation& inv, const config::Environment& env) {
  const GlobalOptions& g = inv.global;
  Timestamp now = current_time(env);
  config::ConfigFile file = load_config(g, env);
  std::unique_ptr<ledger::Ledger> store = ledger::Ledger::open(ledger_location(g, file, env), false);
  format::Format fmt = *format::parse_format(g.output);
  if (inv.config_action == "status") {
    std::vector<ledger::ProviderStatus> all = store->status();
    Output output(g.out_file);
    const std::vector<std::string> columns = {"provider", "account", "first_month", "last_month", "rows",
                                              "earlier_versions", "last_sync", "last_status", "gaps"};
    std::vector<std::vector<std::string>> rows = {columns};
    for (std::string& h : rows[0]) {
      for (char& c : h) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    nlohmann::ordered_json objects = nlohmann::ordered_json::array();
    for (const ledger::ProviderStatus& s : all) {
      std::string gaps;
      for (const std::string& m : s.gaps) gaps += (gaps.empty() ? "" : " ") + m;
      rows.push_back({s.provider, s.account, s.first_month, s.last_month, std::to_string(s.rows),
                      std::to_string(s.versions), s.last_sync, s.last_status, gaps});
      objects.push_back({{"provider", s.provider}, {"account", s.account},
                         {"first_month", s.first_month}, {"last_month", s.last_month},
                         {"rows", s.rows}, {"earlier_versions", s.versions},
                         {"last_sync", s.last_sync}, {"last_status", s.last_status},
                         {"gaps", s.gaps}});
    }
    if (all.empty() && fmt == format::Format::table) {
      util::log().warn("ledger {}: nothing stored yet ('gpubill sync')", store->where());
    }
    deliver_summary(output, fmt, rows, columns, objects, store->where());
    return 0;
  }

  // export: every stored record of the report's parts (never the providers' own totals,
  // which repeat them), provider by provider, as current at --as-of.
  std::optional<Timestamp> as_of = ledger_as_of(g, now);
  Period period = resolve_period(g.start, g.end, now);
  std::vector<std::string> in_ledger = store->providers();
  std::vector<model::CostRecord> records;
  for (const std::unique_ptr<providers::Provider>& p : providers::registry()) {
    const std::string& name = p->info().name;
    bool wanted = inv.report_providers.empty()
                      ? std::find(in_ledger.begin(), in_ledger.end(), name) != in_ledger.end()
                      : std::find(inv.report_providers.begin(), inv.report_providers.end(), name) != inv.report_providers.end();
    if (!wanted) continue;
    for (const providers::ReportPart& part : p->report_plan()) {
      std::vector<model::CostRecord> r = read_from_ledger(*store, *p, part.resource, part.options, period, as_of);
      std::move(r.begin(), r.end(), std::back_inserter(records));
    }
  }
  if (records.empty()) {
    util::log().warn("ledger export: no stored records in {}", period_text(period));
  }
  Output output(g.out_file);
  aggregate::Totals totals = aggregate::totals_by_currency(records);
  format::RenderInput in(records);
  in.totals = totals.by_currency;
  in.records_without_amount = totals.records_without_amount;
  in.title = "ledger export";
  in.period = period;
  in.width = table_width_for(g, env);
  in.csv_guard = !g.raw_csv;
  in.query = {{"command", "ledger export"},
              {"ledger", store->where()},
              {"start", model::format_rfc3339(period.start)},
              {"end", model::format_rfc3339(period.end)}};
  if (as_of) in.query["as_of"] = model::format_rfc3339(*as_of);
  describe_focus(in, g, "ledger export");
  output.deliver(in, fmt);
  return 0;
}

}  // namespace gpubill::cli
