// `gpubill config path|show|init|check`: where the config file is, what is in effect and from
// where (keys masked), a commented example to start from, and one cheap authenticated request
// per provider to learn whether each key works.
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/command_support.hpp"
#include "gpubill/ledger/ledger.hpp"
#include "gpubill/cli/when_parse.hpp"
#include "gpubill/providers/registry.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/log.hpp"
#include "gpubill/util/redact.hpp"
#include "gpubill/util/text.hpp"

namespace gpubill::cli {

extern const char* const k_config_example;  // docs/config.example.toml, built in

namespace {

using nlohmann::ordered_json;

std::string config_path(const GlobalOptions& g, const config::Environment& env) {
  return g.config_path.empty() ? config::default_config_path(env) : g.config_path;
}

// As `aws configure list` shows a key: never more than its last four characters, and only
// when it is long enough that four say nothing of the rest.
std::string masked(const std::string& key) {
  if (key.size() < 16) return "****";
  return std::string(12, '*') + key.substr(key.size() - 4);
}

// api_key_command as written, less anything in it that looks like a key pasted into it
// (`echo rpa_...`): a word of 16 or more characters of letters, digits, '_' or '-' holding both
// a letter and a digit and no '/', '.' or ':' (so paths, URLs and vault references stay).
std::string command_shown(const std::string& command) {
  std::string out;
  std::size_t i = 0;
  while (i < command.size()) {
    std::size_t j = i;
    auto token_char = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    };
    while (j < command.size() && !std::isspace(static_cast<unsigned char>(command[j]))) ++j;
    std::string word = command.substr(i, j - i);
    // Quotes around a word are kept; what is inside is judged.
    std::size_t a = word.find_first_not_of("'\"");
    std::size_t b = word.find_last_not_of("'\"");
    std::string inner = a == std::string::npos ? "" : word.substr(a, b - a + 1);
    bool letters = false, digits = false, only_token = !inner.empty();
    for (char c : inner) {
      letters = letters || std::isalpha(static_cast<unsigned char>(c));
      digits = digits || std::isdigit(static_cast<unsigned char>(c));
      only_token = only_token && token_char(c);
    }
    if (inner.size() >= 16 && letters && digits && only_token) {
      word = word.substr(0, a) + masked(inner) + word.substr(b + 1);
    }
    out += word;
    while (j < command.size() && std::isspace(static_cast<unsigned char>(command[j]))) out += command[j++];
    i = j;
  }
  return out;
}

struct Setting {
  std::string provider, name, value, source;
};

std::vector<Setting> settings_in_effect(const config::ConfigFile& file,
                                        const config::Environment& env) {
  std::vector<Setting> out;
  for (const std::unique_ptr<providers::Provider>& p : providers::registry()) {
    const providers::ProviderInfo& info = p->info();
    config::ProviderSettings s = config::settings_for(settings_spec(info), file, env);
    std::string key_value = "(none)";
    std::string key_source = "set " + info.key_env + " or api_key";
    auto section = file.providers.find(info.name);
    if (std::optional<std::string> v = env(info.key_env)) {
      key_value = masked(*v);
      key_source = "env " + info.key_env;
    } else if (section != file.providers.end() && section->second.api_key) {
      key_value = masked(*section->second.api_key);
      key_source = "config";
    } else if (section != file.providers.end() && section->second.api_key_command) {
      key_value = "from api_key_command (not run)";
      key_source = "config";
    }
    out.push_back({info.name, "api_key", key_value, key_source});
    if (section != file.providers.end() && section->second.api_key_command) {
      // Shown as written, not run; a key pasted into it is masked.
      out.push_back({info.name, "api_key_command", command_shown(*section->second.api_key_command),
                     "config"});
    }
    out.push_back({info.name, "base_url", s.base_url,
                   s.base_url_source == "env" ? "env " + info.url_env : s.base_url_source});
    for (const providers::ExtraSetting& e : info.extra_settings) {
      std::string source = "default";
      if (!e.env.empty() && env(e.env)) {
        source = "env " + e.env;
      } else if (section != file.providers.end() && section->second.extra.count(e.key) > 0) {
        source = "config";
      }
      out.push_back({info.name, e.key, s.extra[e.key], source});
    }
  }
  return out;
}

int run_show(const Invocation& inv, const config::Environment& env) {
  config::ConfigFile file = load_config(inv.global, env);
  std::vector<Setting> rows = settings_in_effect(file, env);
  // Where sync writes and --from-ledger reads; a URL's password never shown.
  try {
    LedgerLocation ledger = ledger_location_with_source(inv.global, file, env);
    rows.push_back({"ledger", "url", ledger::shown_location(ledger.location), ledger.source});
  } catch (const Error& e) {  // neither XDG_DATA_HOME nor HOME
    rows.push_back({"ledger", "url", "", e.what()});
  }
  format::Format fmt = *format::parse_format(inv.global.output);
  std::string text;
  if (fmt == format::Format::json || fmt == format::Format::ndjson) {
    ordered_json doc = {{"schema_version", 1}, {"config_file", file.path},
                        {"config_file_exists", file.exists}, {"settings", ordered_json::array()}};
    for (const Setting& s : rows) {
      ordered_json j = {{"provider", s.provider}, {"setting", s.name}, {"value", s.value},
                        {"source", s.source}};
      if (fmt == format::Format::ndjson) text += j.dump() + "\n";
      doc["settings"].push_back(j);
    }
    if (fmt == format::Format::json) text = doc.dump(2) + "\n";
  } else if (fmt == format::Format::csv) {
    text = format::csv_line({"provider", "setting", "value", "source"});
    for (const Setting& s : rows) text += format::csv_line({s.provider, s.name, s.value, s.source});
  } else {
    std::size_t w = 0;
    for (const Setting& s : rows) w = std::max(w, util::display_width(s.provider + "." + s.name));
    text = "# " + util::escape_for_terminal(file.path) + (file.exists ? "" : " (not present)") + "\n";
    for (const Setting& s : rows) {
      std::string name = s.provider + "." + s.name;
      text += name + std::string(w - util::display_width(name) + 2, ' ') +
              util::escape_for_terminal(s.value) + "  (" + s.source + ")\n";
    }
  }
  Output output(inv.global.out_file);
  output.deliver(text);
  return 0;
}

int run_init(const Invocation& inv, const config::Environment& env) {
  std::string path = config_path(inv.global, env);
  std::string dir = path.substr(0, path.find_last_of('/'));
  if (!dir.empty() && dir != path) {
    // The default's directory may not exist yet: made private, like the file.
    std::string partial;
    for (std::size_t at = 1; at != std::string::npos; at = dir.find('/', at + 1)) {
      partial = dir.substr(0, at);
      ::mkdir(partial.c_str(), 0700);
    }
    ::mkdir(dir.c_str(), 0700);
  }
  // O_EXCL: never over an existing file, not even one that appears meanwhile.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      throw UsageError("config init: " + path + " exists and is left as it is: edit it, or "
                       "give --config OTHER_PATH");
    }
    throw IoError("config init: cannot create " + path + ": " + std::strerror(errno));
  }
  std::string text = k_config_example;
  bool ok = ::fchmod(fd, 0600) == 0;
  for (std::size_t done = 0; ok && done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    int saved = errno;
    ::unlink(path.c_str());  // ours, and only half written
    throw IoError("config init: cannot write " + path + ": " + std::strerror(saved));
  }
  util::write_stdout("wrote " + path + " (mode 0600): uncomment what you use, then run "
                     "'gpubill config check'\n");
  return 0;
}

struct CheckLine {
  std::string provider, status, detail;
  ExitCode code = ExitCode::success;
};

CheckLine check_one(const Invocation& inv, const config::Environment& env,
                    const config::ConfigFile& file, const providers::Provider& p,
                    model::Timestamp now) {
  const providers::ProviderInfo& info = p.info();
  config::ProviderSettingsSpec spec = settings_spec(info);
  config::ProviderSettings settings = config::settings_for(spec, file, env);
  if (settings.key_source == config::KeySource::missing) {
    return {info.name, "not configured", "set " + info.key_env + " (or api_key in [" + info.name +
                                             "] of the config file)"};
  }
  auto started = std::chrono::steady_clock::now();
  try {
    std::string key = config::resolve_api_key(spec, file, env, run_deadline(inv.global));
    warn_if_cleartext(settings, info);
    ProviderTransport transports = make_transport(inv.global, info);
    model::Period yesterday = resolve_period("yesterday", "", now);
    providers::FetchRequest request{info.check_resource, {yesterday, now, true}, {}, key,
                                    settings.base_url, 1, settings.extra, false,
                                    std::make_shared<providers::ResponseCache>()};
    bool balance = false;
    for (const providers::ResourceSpec& r : p.resources()) {
      if (r.name == info.check_resource) balance = r.kind == providers::ResourceKind::balance;
    }
    // What the answer holds is not the question here: its warnings (a row without a price)
    // would only hide the one line per provider. -v shows them.
    bool quiet_data = inv.global.verbose == 0;
    if (quiet_data) util::init_logging(util::Verbosity::quiet);
    try {
      if (balance) {
        p.fetch_balance(request, *transports.retrying);
      } else {
        p.fetch(request, *transports.retrying);
      }
    } catch (...) {
      if (quiet_data && !inv.global.quiet) util::init_logging(util::Verbosity::normal);
      throw;
    }
    if (quiet_data && !inv.global.quiet) util::init_logging(util::Verbosity::normal);
  } catch (const AuthError& e) {
    return {info.name, "rejected key", util::scrub(e.what()), ExitCode::credentials};
  } catch (const Error& e) {
    std::string what = util::scrub(e.what());
    bool unreachable = what.find("cannot connect") != std::string::npos ||
                       what.find("slow or unreachable") != std::string::npos ||
                       what.find("TLS failure") != std::string::npos;
    return {info.name, unreachable ? "unreachable" : "error", what, ExitCode::provider};
  }
  long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started).count();
  return {info.name, "ok", "key accepted (" + info.check_resource + ", " + std::to_string(ms) +
                               " ms)"};
}

int run_check(const Invocation& inv, const config::Environment& env) {
  config::ConfigFile file = load_config(inv.global, env);
  model::Timestamp now = current_time(env);
  std::vector<CheckLine> lines;
  for (const std::unique_ptr<providers::Provider>& p : providers::registry()) {
    lines.push_back(check_one(inv, env, file, *p, now));
  }
  format::Format fmt = *format::parse_format(inv.global.output);
  std::string text;
  if (fmt == format::Format::json || fmt == format::Format::ndjson) {
    ordered_json doc = {{"schema_version", 1}, {"config_file", file.path}, {"providers", ordered_json::array()}};
    for (const CheckLine& l : lines) {
      ordered_json j = {{"provider", l.provider}, {"status", l.status}, {"detail", l.detail}};
      if (fmt == format::Format::ndjson) text += j.dump() + "\n";
      doc["providers"].push_back(j);
    }
    if (fmt == format::Format::json) text = doc.dump(2) + "\n";
  } else if (fmt == format::Format::csv) {
    text = format::csv_line({"provider", "status", "detail"});
    for (const CheckLine& l : lines) text += format::csv_line({l.provider, l.status, l.detail});
  } else {
    for (const CheckLine& l : lines) {
      std::string head = l.provider + std::string(l.provider.size() < 11 ? 11 - l.provider.size() : 1, ' ') +
                         l.status;
      text += head + std::string(head.size() < 27 ? 27 - head.size() : 1, ' ') +
              util::escape_for_terminal(l.detail) + "\n";
    }
  }
  Output output(inv.global.out_file);
  output.deliver(text);
  // The usual codes: 0 when every configured key works, 3 when every failure is a rejected
  // key (or nothing is configured at all), else 1.
  std::size_t configured = 0;
  std::size_t failed = 0;
  bool all_auth = true;
  for (const CheckLine& l : lines) {
    if (l.status == "not configured") continue;
    ++configured;
    if (l.code == ExitCode::success) continue;
    ++failed;
    all_auth = all_auth && l.code == ExitCode::credentials;
  }
  if (configured == 0) return static_cast<int>(ExitCode::credentials);
  if (failed == 0) return 0;
  return static_cast<int>(all_auth ? ExitCode::credentials : ExitCode::provider);
}

}  // namespace

int run_config(const Invocation& inv, const config::Environment& env) {
  if (inv.config_action == "path") {
    util::write_stdout(config_path(inv.global, env) + "\n");
    return 0;
  }
  if (inv.config_action == "show") return run_show(inv, env);
  if (inv.config_action == "init") return run_init(inv, env);
  if (inv.config_action == "check") return run_check(inv, env);
  throw UsageError("config: unknown action '" + inv.config_action + "'");
}

}  // namespace gpubill::cli
