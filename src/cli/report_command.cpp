// `gpubill report`: every provider with a key (or those named), concurrently, each running its
// report plan (Provider::report_plan) over one period. A provider that fails does not stop the
// others: what was fetched is printed, each failure is one line on stderr, and the exit code
// is 4 (partial). With no provider configured: exit 3, listing the key variables.
#include <thread>

#include "cli/command_support.hpp"
#include "gpubill/aggregate/aggregate.hpp"
#include "gpubill/cli/when_parse.hpp"
#include "gpubill/format/formatter.hpp"
#include "gpubill/model/gpu_catalog.hpp"
#include "gpubill/providers/registry.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/log.hpp"
#include "gpubill/util/redact.hpp"
#include "gpubill/util/text.hpp"

namespace gpubill::cli {

namespace {

using nlohmann::ordered_json;

struct Outcome {
  const providers::Provider* provider = nullptr;
  std::vector<model::CostRecord> records;
  std::string error;                       ///< empty: success
  ExitCode code = ExitCode::success;
  double seconds = 0;
};

}  // namespace

int run_report(const Invocation& inv, const config::Environment& env) {
  const GlobalOptions& g = inv.global;
  model::Timestamp now = current_time(env);
  model::Period period = resolve_period(g.start, g.end, now);
  format::Format fmt = *format::parse_format(g.output);
  config::ConfigFile file = load_config(g, env);

  std::vector<std::unique_ptr<providers::Provider>> all = providers::make_all_providers();
  std::vector<const providers::Provider*> chosen;
  std::string key_vars;
  for (const std::unique_ptr<providers::Provider>& p : all) {
    key_vars += (key_vars.empty() ? "" : ", ") + p->info().key_env;
    bool named = std::find(inv.report_providers.begin(), inv.report_providers.end(),
                           p->info().name) != inv.report_providers.end();
    config::ProviderSettings s = config::settings_for(settings_spec(p->info()), file, env);
    if (inv.report_providers.empty() ? s.key_source != config::KeySource::missing : named) {
      chosen.push_back(p.get());
    }
  }
  if (chosen.empty()) {
    throw AuthError("report: no provider has an API key: set one or more of " + key_vars +
                    ", or api_key in the config file (" + file.path + ")");
  }
  Output output(g.out_file);

  std::vector<Outcome> outcomes(chosen.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    threads.emplace_back([&, i] {
      Outcome& o = outcomes[i];
      o.provider = chosen[i];
      std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
      try {
        const providers::ProviderInfo& info = o.provider->info();
        config::ProviderSettingsSpec spec = settings_spec(info);
        config::ProviderSettings settings = config::settings_for(spec, file, env);
        std::string api_key = config::resolve_api_key(spec, file, env);
        warn_if_cleartext(settings.base_url, info);
        ProviderTransport transport = make_transport(g, info);
        for (const providers::ReportPart& part : o.provider->report_plan()) {
          providers::FetchRequest request{part.resource, {period, now}, part.options, api_key,
                                          settings.base_url, g.parallel};
          std::vector<model::CostRecord> got = o.provider->fetch(request, *transport.retrying);
          std::move(got.begin(), got.end(), std::back_inserter(o.records));
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
    });
  }
  for (std::thread& t : threads) t.join();

  std::vector<model::CostRecord> records;
  ordered_json failed = ordered_json::array();
  ordered_json succeeded = ordered_json::array();
  std::size_t failures = 0;
  bool all_auth = true;
  for (Outcome& o : outcomes) {
    if (o.error.empty()) {
      util::log().debug("report: {}: {} record(s) in {:.2f} s", o.provider->info().name,
                        o.records.size(), o.seconds);
      succeeded.push_back(o.provider->info().name);
      std::move(o.records.begin(), o.records.end(), std::back_inserter(records));
    } else {
      ++failures;
      all_auth = all_auth && o.code == ExitCode::credentials;
      failed.push_back(o.provider->info().name);
    }
  }
  // Each failure on its own line, named, before anything else is decided.
  for (const Outcome& o : outcomes) {
    if (o.error.empty()) continue;
    std::string line = "gpubill: report: " + util::escape_for_terminal(util::scrub(o.error)) + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  std::fflush(stderr);
  if (failures == outcomes.size()) {
    return static_cast<int>(all_auth ? ExitCode::credentials : ExitCode::provider);
  }

  convert_currencies(records, inv.fx, "report");
  std::vector<model::CostRecord> grouped = aggregate::group_records(records, inv.group_by);
  aggregate::Totals totals = aggregate::totals_by_currency(records);
  format::RenderInput in(grouped);
  in.totals = totals.by_currency;
  in.records_without_amount = totals.records_without_amount;
  in.title = "report";
  in.period = period;
  ordered_json group_by = ordered_json::array();
  for (const std::string& k : inv.group_by) group_by.push_back(k);
  in.query = {{"command", "report"},
              {"start", model::format_rfc3339(period.start)},
              {"end", model::format_rfc3339(period.end)},
              {"group_by", group_by},
              {"providers", succeeded},
              {"failed_providers", failed}};
  describe_fx(in, inv.fx);
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
  output.deliver(format::render(in, fmt));
  return failures > 0 ? static_cast<int>(ExitCode::partial) : 0;
}

}  // namespace gpubill::cli
