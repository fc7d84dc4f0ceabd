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

model::Timestamp current_time(const config::Environment& env) {
  // GPUBILL_NOW pins the clock for tests and reproducible runs (docs/cli.md).
  if (std::optional<std::string> pinned = env("GPUBILL_NOW")) {
    std::optional<model::Timestamp> t = model::parse_provider_time(*pinned);
    if (!t) throw UsageError("GPUBILL_NOW: '" + *pinned + "' is not a date-time");
    return *t;
  }
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

bool use_color(const GlobalOptions& g, const config::Environment& env) {
  if (g.no_color || !g.out_file.empty() || env("NO_COLOR")) return false;
  std::optional<std::string> term = env("TERM");
  if (term && *term == "dumb") return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

// A key sent over plain http can be read on the way; loopback (tests, the demo, a local
// proxy) is the only place that is fine.
void warn_if_cleartext(const std::string& base_url, const providers::ProviderInfo& info) {
  if (base_url.rfind("http://", 0) != 0) return;
  std::string rest = base_url.substr(7);
  for (const char* loopback : {"127.", "localhost/", "localhost:", "[::1]"}) {
    if (rest.rfind(loopback, 0) == 0 || rest == "localhost") return;
  }
  util::log().warn("{}: base URL {} is plain http: {} travels unencrypted; use https://",
                   info.name, base_url, info.key_env);
}

}  // namespace

int run_resource(const Invocation& inv, const config::Environment& env) {
  const GlobalOptions& g = inv.global;
  std::vector<std::unique_ptr<providers::Provider>> all = providers::make_all_providers();
  const providers::Provider* provider = nullptr;
  for (const std::unique_ptr<providers::Provider>& p : all) {
    if (p->info().name == inv.provider) provider = p.get();
  }
  if (provider == nullptr) throw UsageError("unknown provider '" + inv.provider + "'");

  model::Timestamp now = current_time(env);
  model::Period period = resolve_period(g.start, g.end, now);
  format::Format fmt = *format::parse_format(g.output);

  config::ConfigFile file = load_config(g, env);
  config::ProviderSettingsSpec spec = settings_spec(provider->info());
  config::ProviderSettings settings = config::settings_for(spec, file, env);
  std::string api_key = config::resolve_api_key(spec, file, env);
  warn_if_cleartext(settings.base_url, provider->info());

  Output output(g.out_file);

  transport::CurlOptions curl;
  curl.timeout = std::chrono::milliseconds{static_cast<long long>(g.timeout_seconds * 1000)};
  curl.user_agent = std::string("gpubill/") + k_version;
  std::unique_ptr<transport::Transport> base = transport::make_curl_transport(curl);
  transport::RetryPolicy policy;
  policy.max_retries = g.retries;
  policy.base_delay = std::chrono::milliseconds{provider->info().retry_base_delay_ms};
  transport::RetryingTransport retrying(
      *base, policy, [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); },
      std::random_device{}());

  providers::FetchRequest request{inv.resource, {period, now}, inv.options, api_key,
                                  settings.base_url, g.parallel};
  std::string title = inv.provider + " " + inv.resource;
  util::log().debug("{}: {} .. {} from {}", title, model::format_rfc3339(period.start),
                    model::format_rfc3339(period.end), settings.base_url);
  bool is_balance = false;
  for (const providers::ResourceSpec& r : provider->resources()) {
    if (r.name == inv.resource) is_balance = r.kind == providers::ResourceKind::balance;
  }
  if (is_balance) {  // a balance has no period: --start/--end do not apply
    model::Balance balance = provider->fetch_balance(request, retrying);
    ordered_json query = {{"command", title}, {"provider", inv.provider},
                          {"resource", inv.resource}, {"as_of", model::format_rfc3339(now)}};
    output.deliver(format::render_balance(balance, query, fmt));
    return 0;
  }
  std::vector<model::CostRecord> records = provider->fetch(request, retrying);

  aggregate::Totals totals = aggregate::totals_by_currency(records);
  format::RenderInput in(records);
  in.totals = totals.by_currency;
  in.records_without_amount = totals.records_without_amount;
  in.title = title;
  in.period = period;
  in.color = fmt == format::Format::table && use_color(g, env);
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

  if (records.empty()) {
    util::log().warn("{}: no cost records in {} .. {}", title, model::format_rfc3339(period.start),
                     model::format_rfc3339(period.end));
  }
  if (totals.records_without_amount > 0) {
    // Say why, where the adapter said (attributes.gpubill_no_price_reason), most common first.
    std::map<std::string, std::size_t> reasons;
    for (const model::CostRecord& r : records) {
      if (r.amount) continue;
      auto it = r.attributes.find("gpubill_no_price_reason");
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
  output.deliver(format::render(in, fmt));
  return 0;
}

}  // namespace gpubill::cli
