#include "cli/command_support.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <random>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include "gpubill/providers/registry.hpp"
#include "gpubill/transport/curl_transport.hpp"
#include "gpubill/transport/limiting_transport.hpp"
#include "gpubill/transport/pacing_transport.hpp"
#include "gpubill/transport/retrying_transport.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/log.hpp"
#include "gpubill/util/text.hpp"
#include "gpubill/version.hpp"

namespace gpubill::cli {

namespace {
// --max-time counts from here: the process's start, near enough.
const std::chrono::steady_clock::time_point k_process_start = std::chrono::steady_clock::now();
}  // namespace

config::ProviderSettingsSpec settings_spec(const providers::ProviderInfo& info) {
  config::ProviderSettingsSpec spec{info.name, info.key_env, info.url_env, info.default_base_url, {}};
  for (const providers::ExtraSetting& e : info.extra_settings) {
    spec.extras.push_back({e.key, e.env, e.default_value, e.is_url});
  }
  return spec;
}

config::ConfigFile load_config(const GlobalOptions& g, const config::Environment& env) {
  bool explicit_path = !g.config_path.empty();
  std::string path = explicit_path ? g.config_path : config::default_config_path(env);
  std::vector<std::string> extra_keys;
  std::vector<std::string> sections;
  for (const std::unique_ptr<providers::Provider>& p : providers::registry()) {
    sections.push_back(p->info().name);
    for (const providers::ExtraSetting& e : p->info().extra_settings) extra_keys.push_back(e.key);
  }
  return config::load_config_file(path, explicit_path, extra_keys, sections);
}

Output::Output(const std::string& out_file) {
  if (out_file.empty()) return;  // stdout
  try {
    m_file = std::make_unique<util::AtomicFile>(out_file);
  } catch (const util::UnusablePath& e) {
    throw IoError("--out-file " + std::string(e.what()));
  }
}

void Output::write(std::string_view piece) { write_scrubbed(m_scrub.feed(piece)); }

void Output::write_scrubbed(std::string_view piece) {
  if (piece.empty()) return;
  if (m_file) {
    m_file->write(piece);
  } else if (!m_reader_gone) {
    m_reader_gone = !util::write_stdout(piece);
  }
}

void Output::finish() {
  write_scrubbed(m_scrub.finish());
  if (m_scrub.redactions() > 0) {
    util::log().warn("an API key appeared in a provider's answer {} time{}: written as {} in "
                     "the output", m_scrub.redactions(), m_scrub.redactions() == 1 ? "" : "s",
                     util::k_redacted);
  }
  if (m_file) m_file->commit();
}

std::string Output::divert(std::string_view suffix) {
  if (!m_file || !m_file->divert(suffix)) return "";
  return m_file->path();
}

void Output::remove_beside(std::string_view suffix) {
  if (!m_file) return;
  std::string path = m_file->path() + std::string(suffix);
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) ::unlink(path.c_str());
}

void Output::deliver(const format::RenderInput& in, format::Format fmt) {
  format::render_to(in, fmt, [this](std::string_view piece) { write(piece); });
  finish();
}

model::Timestamp current_time(const config::Environment& env) {
  // GPUBILL_NOW pins the clock for tests and reproducible runs (docs/cli.md).
  if (std::optional<std::string> pinned = env("GPUBILL_NOW")) {
    std::optional<model::Timestamp> t = model::parse_provider_time(*pinned);
    if (!t) throw UsageError("GPUBILL_NOW: '" + *pinned + "' is not a date-time");
    return *t;
  }
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

model::Timestamp wall_clock() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

bool is_capable_terminal(int fd, const config::Environment& env) {
  std::optional<std::string> term = env("TERM");
  if (term && *term == "dumb") return false;
  return ::isatty(fd) == 1;
}

// A key sent over plain http can be read on the way; loopback (tests, the demo, a local
// proxy) is the only place that is fine.
void warn_if_cleartext(const config::ProviderSettings& settings,
                       const providers::ProviderInfo& info) {
  std::vector<std::string> urls = {settings.base_url};
  for (const providers::ExtraSetting& e : info.extra_settings) {
    auto it = settings.extra.find(e.key);
    if (e.is_url && it != settings.extra.end()) urls.push_back(it->second);  // v2_base_url
  }
  for (const std::string& url : urls) {
    std::string scheme = url.substr(0, url.find(':'));
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "http") continue;
    // Decided on the host libcurl will connect to, never on the URL's text (issue 17).
    if (transport::is_loopback_http(url)) continue;
    util::log().warn("{}: base URL {} is plain http: {} travels unencrypted; use https://",
                     info.name, url, info.key_env);
  }
}

std::size_t table_width_for(const GlobalOptions& g, const config::Environment& env) {
  if (g.wide || !g.out_file.empty()) return 0;
  return util::terminal_width(STDOUT_FILENO, env("COLUMNS"));
}

std::optional<std::chrono::steady_clock::time_point> run_deadline(const GlobalOptions& g) {
  if (g.max_time_seconds <= 0) return std::nullopt;
  return k_process_start + std::chrono::milliseconds{static_cast<long long>(g.max_time_seconds * 1000)};
}

ProviderTransport make_transport(const GlobalOptions& g, const providers::ProviderInfo& info) {
  transport::CurlOptions curl;
  curl.timeout = std::chrono::milliseconds{static_cast<long long>(g.timeout_seconds * 1000)};
  curl.user_agent = std::string("gpubill/") + k_version;
  ProviderTransport t;
  curl.max_response_bytes = static_cast<std::size_t>(g.max_response_mb) * 1024 * 1024;
  t.curl = transport::make_curl_transport(curl);
  transport::Transport* below_pacing = t.curl.get();
  if (std::optional<std::chrono::steady_clock::time_point> deadline = run_deadline(g)) {
    char limit[48];
    std::snprintf(limit, sizeof limit, "--max-time %g s", g.max_time_seconds);
    t.deadline = std::make_unique<transport::DeadlineTransport>(
        *t.curl, info.name, *deadline, limit, [] { return std::chrono::steady_clock::now(); });
    below_pacing = t.deadline.get();
  }
  t.parallel = std::clamp(g.parallel, 1, std::max(1, info.max_in_flight));
  // One deadline for every wait: the pacing before a request as much as a retry's backoff.
  transport::PacingTransport::WaitCheck pacing_check;
  if (t.deadline) {
    pacing_check = [deadline = t.deadline.get()](std::chrono::milliseconds d, const std::string& why) {
      deadline->check_wait(d, "waiting for " + why);
    };
  }
  t.pacing = std::make_unique<transport::PacingTransport>(
      *below_pacing, info.name, [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); },
      [] { return std::chrono::steady_clock::now(); }, std::chrono::seconds{60},
      std::move(pacing_check));
  t.limiting = std::make_unique<transport::LimitingTransport>(*t.pacing, t.parallel);
  transport::RetryPolicy policy;
  policy.max_retries = g.retries;
  policy.base_delay = std::chrono::milliseconds{info.retry_base_delay_ms};
  policy.rate_window = std::chrono::milliseconds{info.rate_limit_window_ms};
  t.retrying = std::make_unique<transport::RetryingTransport>(
      *t.limiting, policy,
      [deadline = t.deadline.get()](std::chrono::milliseconds d) {
        if (deadline != nullptr) deadline->check_wait(d, "waiting to retry");
        std::this_thread::sleep_for(d);
      },
      std::random_device{}());
  return t;
}

}  // namespace gpubill::cli

namespace gpubill::cli {

void convert_currencies(std::vector<model::CostRecord>& records,
                        const std::optional<aggregate::FxRates>& fx, const std::string& title) {
  if (!fx) return;
  std::vector<std::string> left;
  try {
    left = aggregate::convert(records, *fx);
  } catch (const aggregate::ConversionOverflow& e) {
    throw UsageError("--fx " + std::string(e.what()));
  }
  if (left.empty()) return;
  std::string names;
  for (const std::string& c : left) names += (names.empty() ? "" : ", ") + c;
  util::log().warn("{}: no --fx rate for {}: those amounts stay in their own currency", title,
                   names);
}

void describe_fx(format::RenderInput& in, const std::optional<aggregate::FxRates>& fx) {
  if (!fx) return;
  nlohmann::ordered_json rates = nlohmann::ordered_json::object();
  for (const auto& [currency, rate] : fx->rates) rates[currency] = rate.to_string();
  in.query["fx"] = {{"target", fx->target}, {"rates", rates}};
  in.marked = aggregate::is_converted;
  in.notes.push_back("* converted to " + fx->target + " at the rates given with --fx: " +
                     aggregate::describe(*fx));
  in.extra_columns.push_back(
      {"fx_from", false, false, [](const model::CostRecord& r) { return aggregate::fx_columns(r).from; }});
  in.extra_columns.push_back(
      {"fx_rate", false, false, [](const model::CostRecord& r) { return aggregate::fx_columns(r).rate; }});
  in.extra_columns.push_back({"fx_original_amount", false, false, [](const model::CostRecord& r) {
                                return aggregate::fx_columns(r).original_amount;
                              }});
}

void describe_period(format::RenderInput& in, const std::string& asked) {
  in.asked = asked;
  if (!asked.empty()) in.query["asked"] = asked;
  if (in.records.empty()) return;
  model::Period cover = in.records.front().period;
  for (const model::CostRecord& r : in.records) {
    cover.start = std::min(cover.start, r.period.start);
    cover.end = std::max(cover.end, r.period.end);
  }
  if (asked.empty() && cover.start >= in.period.start && cover.end <= in.period.end) return;
  in.rows_cover = cover;
  in.query["rows_cover"] = {{"start", model::format_rfc3339(cover.start)},
                            {"end", model::format_rfc3339(cover.end)}};
}

void describe_caveats(format::RenderInput& in, std::vector<std::string> caveats) {
  bool growing = std::any_of(in.records.begin(), in.records.end(), [](const model::CostRecord& r) {
    return r.attributes.contains(model::k_incomplete_attribute);
  });
  if (growing) caveats.push_back("(so far): the bucket is still open; its amount will grow");
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  std::vector<std::string> seen;
  for (const std::string& c : caveats) {
    if (std::find(seen.begin(), seen.end(), c) != seen.end()) continue;
    seen.push_back(c);
    in.notes.push_back(c);
    list.push_back(c);
  }
  if (!list.empty()) in.query["caveats"] = list;
}

void describe_focus(format::RenderInput& in, const GlobalOptions& g, const std::string& what) {
  if (g.output != "focus") return;
  in.focus.version = g.focus_version.empty() ? "1.2" : g.focus_version;
  in.focus.mapping = [](const model::CostRecord& r) -> const model::FocusMapping* {
    const providers::Provider* p = providers::find_provider(r.provider.str());
    return p == nullptr ? nullptr : &p->info().focus;
  };
  in.focus.billing_month = [](const model::CostRecord& r) -> std::optional<std::string> {
    const providers::Provider* p = providers::find_provider(r.provider.str());
    return p == nullptr ? std::nullopt : p->billing_month(r);
  };
  std::size_t left_out = 0;
  for (const model::CostRecord& r : in.records) left_out += format::focus_writable(in, r) ? 0 : 1;
  if (left_out > 0) {
    util::log().warn("{}: {} record(s) have no amount or no currency: no FOCUS row can hold them "
                     "(BilledCost and BillingCurrency are never null), so they are left out",
                     what, left_out);
  }
}

}  // namespace gpubill::cli
