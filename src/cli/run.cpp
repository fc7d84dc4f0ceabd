// Executes an Invocation. The only catch of gpubill::Error: every failure becomes one line on
// stderr ("gpubill: <provider>: <what failed>: <what to do>") and a documented exit code.
#include "gpubill/cli/run.hpp"

#include <chrono>
#include <cstdio>
#include <random>

#include <unistd.h>

#include "gpubill/aggregate/aggregate.hpp"
#include "gpubill/cli/when_parse.hpp"
#include "gpubill/config/config.hpp"
#include "gpubill/format/formatter.hpp"
#include "gpubill/util/text.hpp"
#include "gpubill/providers/registry.hpp"
#include "gpubill/transport/curl_transport.hpp"
#include "gpubill/transport/retrying_transport.hpp"
#include "gpubill/util/atomic_file.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/log.hpp"
#include "gpubill/util/redact.hpp"
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

config::ProviderSettingsSpec settings_spec(const providers::ProviderInfo& info) {
  return {info.name, info.key_env, info.url_env, info.default_base_url};
}

config::ConfigFile load_config(const GlobalOptions& g, const config::Environment& env) {
  bool explicit_path = !g.config_path.empty();
  std::string path = explicit_path ? g.config_path : config::default_config_path(env);
  return config::load_config_file(path, explicit_path);
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

// Creates the output file before any request, so an unwritable path fails fast; writes it
// whole at the end or not at all.
class Output {
 public:
  explicit Output(const std::string& out_file) {
    if (!out_file.empty()) m_file = std::make_unique<util::AtomicFile>(out_file);
  }
  void deliver(const std::string& text) {
    if (m_file) {
      m_file->write(text);
      m_file->commit();
    } else {
      util::write_stdout(text);
    }
  }

 private:
  std::unique_ptr<util::AtomicFile> m_file;
};

int run_providers(const Invocation& inv, const config::Environment& env) {
  config::ConfigFile file = load_config(inv.global, env);
  std::vector<std::unique_ptr<providers::Provider>> all = providers::make_all_providers();
  format::Format fmt = *format::parse_format(inv.global.output);
  Output output(inv.global.out_file);

  ordered_json rows = ordered_json::array();
  for (const std::unique_ptr<providers::Provider>& p : all) {
    const providers::ProviderInfo& info = p->info();
    config::ProviderSettings s = config::settings_for(settings_spec(info), file, env);
    std::string key = config::describe(s.key_source);
    ordered_json row;
    row["provider"] = info.name;
    row["key"] = key;
    row["key_env"] = info.key_env;
    row["base_url"] = s.base_url;
    row["base_url_source"] = s.base_url_source;
    row["url_env"] = info.url_env;
    rows.push_back(row);
  }
  std::string text;
  if (fmt == format::Format::json) {
    ordered_json doc;
    doc["schema_version"] = 1;
    doc["config_file"] = file.path;
    doc["config_file_exists"] = file.exists;
    doc["providers"] = rows;
    text = doc.dump(2) + "\n";
  } else if (fmt == format::Format::ndjson) {
    for (const ordered_json& r : rows) text += r.dump() + "\n";
  } else if (fmt == format::Format::csv) {
    text = "provider,key,key_env,base_url,base_url_source,url_env\r\n";
    for (const ordered_json& r : rows) {
      text += r["provider"].get<std::string>() + "," + r["key"].get<std::string>() + "," +
              r["key_env"].get<std::string>() + "," + r["base_url"].get<std::string>() + "," +
              r["base_url_source"].get<std::string>() + "," + r["url_env"].get<std::string>() +
              "\r\n";
    }
  } else {
    std::size_t wp = 8;
    std::size_t wk = 12;
    for (const ordered_json& r : rows) {
      wp = std::max(wp, r["provider"].get<std::string>().size());
      wk = std::max(wk, r["key"].get<std::string>().size() + 2 + r["key_env"].get<std::string>().size() + 2);
    }
    auto padded = [](std::string s, std::size_t w) { return s + std::string(w > s.size() ? w - s.size() : 0, ' '); };
    text = padded("PROVIDER", wp) + "  " + padded("KEY", wk) + "  BASE_URL\n";
    for (const ordered_json& r : rows) {
      std::string key = r["key"].get<std::string>() + " (" + r["key_env"].get<std::string>() + ")";
      std::string url = r["base_url"].get<std::string>();
      if (r["base_url_source"] != "default") {
        url += " (" + r["base_url_source"].get<std::string>() + ")";
      }
      text += padded(r["provider"].get<std::string>(), wp) + "  " + padded(key, wk) + "  " +
              util::escape_for_terminal(url) + "\n";
    }
    text += "config file: " + util::escape_for_terminal(file.path) +
            (file.exists ? "" : " (not present)") + "\n";
  }
  output.deliver(text);
  return 0;
}

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
  transport::RetryingTransport retrying(
      *base, policy, [](std::chrono::milliseconds d) { ::usleep(static_cast<useconds_t>(d.count()) * 1000); },
      std::random_device{}());

  providers::FetchRequest request{inv.resource, {period, now}, inv.options, api_key,
                                  settings.base_url};
  std::string title = inv.provider + " " + inv.resource;
  util::log().debug("{}: {} .. {} from {}", title, model::format_rfc3339(period.start),
                    model::format_rfc3339(period.end), settings.base_url);
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
    util::log().warn("{}: {} row(s) had no amount and are left out of the totals", title,
                     totals.records_without_amount);
  }
  output.deliver(format::render(in, fmt));
  return 0;
}

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
    std::vector<std::unique_ptr<providers::Provider>> all = providers::make_all_providers();
    Invocation inv = parse(args, all);
    if (inv.kind == Invocation::Kind::message) {
      util::write_stdout(inv.message);
      return 0;
    }
    util::init_logging(inv.global.quiet          ? util::Verbosity::quiet
                       : inv.global.verbose >= 2 ? util::Verbosity::trace
                       : inv.global.verbose == 1 ? util::Verbosity::verbose
                                                 : util::Verbosity::normal);
    config::Environment env = config::process_environment();
    if (inv.kind == Invocation::Kind::providers) return run_providers(inv, env);
    return run_resource(inv, env);
  } catch (const Error& e) {
    print_error(e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    print_error(std::string("internal error: ") + e.what() + ": please report this");
    return static_cast<int>(ExitCode::provider);
  }
}

}  // namespace gpubill::cli
