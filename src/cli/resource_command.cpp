// `gpubill <provider> <resource>`: resolve period and credentials, fetch through the retrying
// transport, total per currency, render, deliver.
#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <thread>

#include <unistd.h>

#include "cli/command_support.hpp"
#include "gpubill/aggregate/aggregate.hpp"
#include "gpubill/cli/when_parse.hpp"
#include "gpubill/format/formatter.hpp"
#include "gpubill/providers/registry.hpp"
#include "gpubill/transport/curl_transport.hpp"
#include "gpubill/transport/retrying_transport.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/log.hpp"
#include "gpubill/version.hpp"

namespace gpubill::cli {

namespace {

using nlohmann::ordered_json;

bool use_color(const GlobalOptions& g, const config::Environment& env) {
  if (g.no_color || !g.out_file.empty() || env("NO_COLOR")) return false;
  return is_capable_terminal(STDOUT_FILENO, env);
}

}  // namespace

int run_resource(const Invocation& inv, const config::Environment& env) {
  const GlobalOptions& g = inv.global;
  const providers::Provider* provider = inv.chosen;  // parse() found it
  if (provider == nullptr) throw UsageError("unknown provider '" + inv.provider + "'");

  model::Timestamp now = current_time(env);
  model::Period period = resolve_period(g.start, g.end, now);
  format::Format fmt = *format::parse_format(g.output);

  config::ConfigFile file = load_config(g, env);
  std::string title = inv.provider + " " + inv.resource;
  std::vector<model::CostRecord> records;
  if (g.from_ledger) {  // the ledger answers; no key, no request (docs/ledger.md)
    std::optional<model::Timestamp> as_of = ledger_as_of(g, now);
    std::unique_ptr<ledger::Ledger> store = ledger::Ledger::open(ledger_location(g, file, env), false);
    records = read_from_ledger(*store, *provider, inv.resource, inv.options, period, as_of);
  }
  Output output(g.out_file);
  if (!g.from_ledger) {
    config::ProviderSettingsSpec spec = settings_spec(provider->info());
    config::ProviderSettings settings = config::settings_for(spec, file, env);
    std::string api_key = config::resolve_api_key(spec, file, env, run_deadline(g));
    warn_if_cleartext(settings, provider->info());

    ProviderTransport transports = make_transport(g, provider->info());
    transport::Transport& retrying = *transports.retrying;

    providers::FetchRequest request{inv.resource, {period, now, !g.start.empty() || !g.end.empty()},
                                    inv.options, api_key,
                                    settings.base_url, g.parallel, settings.extra, false,
                                    std::make_shared<providers::ResponseCache>()};
    util::log().debug("{}: {} .. {} from {}", title, model::format_rfc3339(period.start),
                      model::format_rfc3339(period.end), settings.base_url);
    bool is_balance = false;
    for (const providers::ResourceSpec& r : provider->resources()) {
      if (r.name == inv.resource) is_balance = r.kind == providers::ResourceKind::balance;
    }
    if (is_balance) {  // a balance has no period: --start/--end do not apply
      if (inv.fx) util::log().warn("{}: --fx does not apply to a balance; shown as the provider gives it", title);
      model::Balance balance = provider->fetch_balance(request, retrying);
      ordered_json query = {{"command", title}, {"provider", inv.provider},
                            {"resource", inv.resource}, {"as_of", model::format_rfc3339(now)}};
      output.deliver(format::render_balance(balance, query, fmt));
      return 0;
    }
    records = provider->fetch(request, retrying);
  }
  convert_currencies(records, inv.fx, title);

  aggregate::Totals totals = aggregate::totals_by_currency(records);
  format::RenderInput in(records);
  in.totals = totals.by_currency;
  in.records_without_amount = totals.records_without_amount;
  in.title = title;
  in.period = period;
  in.color = fmt == format::Format::table && use_color(g, env);
  in.width = table_width_for(g, env);
  in.csv_guard = !g.raw_csv;
  ordered_json options = ordered_json::object();
  for (const auto& [flag, values] : inv.options) {
    options[flag] = values.size() == 1 ? ordered_json(values[0]) : ordered_json(values);
  }
  in.query = {{"command", title},
              {"provider", inv.provider},
              {"resource", inv.resource},
              {"start", model::format_rfc3339(period.start)},
              {"end", model::format_rfc3339(period.end)},
              {"options", options}};
  describe_fx(in, inv.fx);
  // What the rows answer when it is not --start/--end: the resource's own period, or an option
  // that chose one (Runpod's --last N).
  std::string asked;
  for (const providers::ResourceSpec& r : provider->resources()) {
    if (r.name != inv.resource) continue;
    asked = r.fixed_period;
    for (const providers::OptionSpec& o : r.options) {
      auto given = inv.options.find(o.flag);
      if (o.replaces_period && given != inv.options.end() && !given->second.empty()) {
        asked = "--" + o.flag + " " + given->second.back();
      }
    }
  }
  describe_period(in, asked);
  describe_caveats(in, provider->caveats(inv.resource));
  describe_focus(in, g, title);

  if (records.empty()) {
    util::log().warn("{}: no cost records in {} .. {}", title, model::format_rfc3339(period.start),
                     model::format_rfc3339(period.end));
  }
  if (totals.records_without_amount > 0) {
    // Say why, where the adapter said (attributes.gpubill_no_price_reason), most common first.
    std::map<std::string, std::size_t> reasons;
    for (const model::CostRecord& r : records) {
      if (r.amount) continue;
      auto it = r.attributes.find(model::k_no_price_reason_attribute);
      ++reasons[it != r.attributes.end() && it->is_string() ? it->get<std::string>()
                                                            : "no amount given"];
    }
    std::vector<std::pair<std::size_t, std::string>> sorted;
    for (const auto& [reason, count] : reasons) sorted.emplace_back(count, reason);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::string why;
    for (const auto& [count, reason] : sorted) {
      why += (why.empty() ? "" : "; ") + reason + " (" + std::to_string(count) + ")";
    }
    util::log().warn("{}: {} row(s) have no price and are left out of the totals: {}", title,
                     totals.records_without_amount, why);
  }
  output.deliver(in, fmt);
  return 0;
}

}  // namespace gpubill::cli
