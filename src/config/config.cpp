#include "gpubill/config/config.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <thread>
#include <sys/wait.h>

#include <toml++/toml.h>

#include "gpubill/util/error.hpp"
#include "gpubill/util/log.hpp"
#include "gpubill/util/redact.hpp"
#include "gpubill/util/text.hpp"

namespace gpubill::config {

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
}

std::string default_config_path(const Environment& env) {
  if (std::optional<std::string> xdg = env("XDG_CONFIG_HOME")) {
    return *xdg + "/gpubill/config.toml";
  }
  if (std::optional<std::string> home = env("HOME")) {
    return *home + "/.config/gpubill/config.toml";
  }
  return ".config/gpubill/config.toml";
}

namespace {

std::optional<std::string> string_key(const toml::table& section, const std::string& path,
                                      const std::string& provider, const char* key) {
  const toml::node* node = section.get(key);
  if (node == nullptr) return std::nullopt;
  const toml::value<std::string>* value = node->as_string();
  if (value == nullptr) {
    throw UsageError("config " + path + ": line " +
                     std::to_string(node->source().begin.line) + ": [" + provider + "] " + key +
                     " must be a string");
  }
  if (value->get().empty()) return std::nullopt;
  return value->get();
}

}  // namespace

ConfigFile load_config_file(const std::string& path, bool required,
                            const std::vector<std::string>& known_extra_keys,
                            const std::vector<std::string>& known_sections) {
  ConfigFile file;
  file.path = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (required) {
      throw UsageError("--config " + path + ": no such file");
    }
    return file;
  }
  file.exists = true;
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw UsageError("config " + path + ": line " + std::to_string(e.source().begin.line) +
                     ": " + std::string(e.description()));
  }
  bool holds_key = false;
  bool holds_command = false;
  for (const auto& [name, node] : root) {
    const toml::table* section = node.as_table();
    std::string provider(name.str());
    if (section == nullptr) {
      throw UsageError("config " + path + ": '" + provider +
                       "' must be a [section] with api_key, api_key_command or base_url");
    }
    if (provider == "ledger") {  // [ledger] url = "..." (docs/ledger.md), not a provider
      file.ledger_url = string_key(*section, path, provider, "url");
      for (const auto& [key, value] : *section) {
        if (key.str() != "url") {
          util::log().warn("config {}: [ledger] {} is not a known setting and is ignored "
                           "(settings: url)", path, std::string(key.str()));
        }
      }
      continue;
    }
    if (!known_sections.empty() &&
        std::find(known_sections.begin(), known_sections.end(), provider) == known_sections.end()) {
      // A misspelled [hyperstak] was silently ignored, and its key with it (issue 18).
      std::string near = util::nearest(provider, known_sections);
      std::string all;
      for (const std::string& k : known_sections) all += (all.empty() ? "" : ", ") + k;
      util::log().warn("config {}: [{}] is not a provider and is ignored{} (sections: {})", path,
                       provider, near.empty() ? "" : "; did you mean [" + near + "]?", all);
      // Its key is still a key: never shown, whatever happens.
      if (const toml::node* k = section->get("api_key"); k != nullptr && k->is_string()) {
        util::register_secret(**k->as_string());
      }
      continue;
    }
    FileSection fs;
    fs.api_key = string_key(*section, path, provider, "api_key");
    fs.api_key_command = string_key(*section, path, provider, "api_key_command");
    fs.base_url = string_key(*section, path, provider, "base_url");
    for (const auto& [key, value] : *section) {
      std::string k(key.str());
      if (k == "api_key" || k == "api_key_command" || k == "base_url") continue;
      if (std::find(known_extra_keys.begin(), known_extra_keys.end(), k) != known_extra_keys.end()) {
        if (std::optional<std::string> v = string_key(*section, path, provider, k.c_str())) {
          fs.extra[k] = *v;
        }
        continue;
      }
      std::vector<std::string> known = {"api_key", "api_key_command", "base_url"};
      known.insert(known.end(), known_extra_keys.begin(), known_extra_keys.end());
      std::string near = util::nearest(k, known);
      std::string all;
      for (const std::string& e : known) all += (all.empty() ? "" : ", ") + e;
      util::log().warn("config {}: [{}] {} is not a known setting and is ignored{} (settings: {})",
                       path, provider, k, near.empty() ? "" : "; did you mean " + near + "?", all);
    }
    if (fs.api_key) {
      util::register_secret(*fs.api_key);
      holds_key = true;
    }
    if (fs.api_key_command) holds_command = true;
    file.providers[provider] = fs;
  }
  // A file that runs a command must be written by nobody but its reader (as ssh treats its
  // config): whoever else can change it runs commands as this user, from cron too.
  if (holds_command && (st.st_mode & 022) != 0) {
    throw UsageError("config " + path + " holds api_key_command and is writable by " +
                     ((st.st_mode & 002) != 0 ? "others" : "group") +
                     ", so they could run commands as you: refused; run chmod go-w " + path);
  }
  if (holds_command && st.st_uid != ::geteuid() && st.st_uid != 0) {
    throw UsageError("config " + path + " holds api_key_command and belongs to user " +
                     std::to_string(st.st_uid) + ", not to you: refused; its owner could run "
                     "commands as you");
  }
  if (holds_key && (st.st_mode & 077) != 0) {
    util::log().warn("config {} holds an API key and is readable by group or others: "
                     "run chmod 600 {}", path, path);
  }
  return file;
}

const char* describe(KeySource source) {
  switch (source) {
    case KeySource::env: return "set (env)";
    case KeySource::config: return "set (config)";
    case KeySource::missing: return "missing";
  }
  return "missing";
}

namespace {

const FileSection* section_for(const ConfigFile& file, const std::string& name) {
  auto it = file.providers.find(name);
  return it == file.providers.end() ? nullptr : &it->second;
}

std::string checked_base_url(std::string url, const std::string& where) {
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    throw UsageError(where + ": base URL '" + url + "' must start with https:// or http://");
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

void check_key_text(const std::string& key, const std::string& where) {
  for (unsigned char c : key) {
    if (c < 0x20 || c == 0x7F) {
      throw AuthError(where + " contains a line break or control character: check the key");
    }
  }
}

// Runs `command` with /bin/sh and returns the first line of its stdout. Its output is never
// put in a message: it may be the secret, or part of it. It must end by `deadline` (the run's
// --max-time, else k_key_command_limit from now): past it, the command's whole process group
// is killed and the run ends with one line, so a command that never ends cannot hang cron.
std::string run_key_command(const std::string& command, const std::string& provider, const std::string& path,
                            std::optional<std::chrono::steady_clock::time_point> deadline) {
  std::string where = "[" + provider + "] api_key_command in " + path;
  using clock = std::chrono::steady_clock;
  std::string limit = deadline ? "--max-time" : std::to_string(k_key_command_limit.count()) + " s";
  clock::time_point until = deadline.value_or(clock::now() + k_key_command_limit);
  std::fflush(nullptr);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw AuthError(provider + ": cannot run " + where);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so that a stop kills everything it started, unless a person is at
  // the terminal: a background group that reads the terminal (a passphrase prompt) would be
  // stopped by SIGTTIN, so there it stays in gpubill's group and only the shell is killed.
  bool own_group = ::isatty(STDIN_FILENO) == 0;
  if (own_group) {
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
  }
  std::string sh = "/bin/sh";
  std::string dash_c = "-c";
  std::string text = command;
  char* argv[] = {sh.data(), dash_c.data(), text.data(), nullptr};
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    throw AuthError(provider + ": cannot run " + where);
  }
  std::string out;
  std::array<char, 4096> buf{};
  bool timed_out = false;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    ssize_t n = ::read(fds[0], buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the command closed its stdout
    if (out.size() < 65536) out.append(buf.data(), static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  if (timed_out) {
    ::kill(own_group ? -pid : pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    throw AuthError(provider + ": " + where + " did not finish within " + limit +
                    ": it was stopped; run it by hand to see why");
  }
  // Stdout is closed; the command itself must still end by the deadline.
  while (true) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) break;
    if (clock::now() >= until) {
      ::kill(own_group ? -pid : pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      throw AuthError(provider + ": " + where + " did not finish within " + limit +
                      ": it was stopped; run it by hand to see why");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    throw AuthError(provider + ": " + where + " failed (exit status " + std::to_string(code) +
                    "): run it by hand to see why");
  }
  std::string key = out.substr(0, out.find('\n'));
  while (!key.empty() && (key.back() == '\r' || key.back() == ' ' || key.back() == '\t')) {
    key.pop_back();
  }
  if (key.empty()) {
    throw AuthError(provider + ": " + where + " printed no key");
  }
  return key;
}

}  // namespace

ProviderSettings settings_for(const ProviderSettingsSpec& spec, const ConfigFile& file,
                              const Environment& env) {
  ProviderSettings s;
  const FileSection* fs = section_for(file, spec.name);
  if (env(spec.key_env)) {
    s.key_source = KeySource::env;
  } else if (fs != nullptr && (fs->api_key || fs->api_key_command)) {
    s.key_source = KeySource::config;
    s.key_from_command = !fs->api_key && fs->api_key_command;
  }
  if (std::optional<std::string> url = env(spec.url_env)) {
    s.base_url = checked_base_url(*url, spec.url_env);
    s.base_url_source = "env";
  } else if (fs != nullptr && fs->base_url) {
    s.base_url = checked_base_url(*fs->base_url, "config " + file.path + " [" + spec.name + "]");
    s.base_url_source = "config";
  } else {
    s.base_url = spec.default_base_url;
    s.base_url_source = "default";
  }
  for (const ExtraSettingSpec& e : spec.extras) {
    std::optional<std::string> value = e.env.empty() ? std::nullopt : env(e.env);
    std::string where = e.env;
    if (!value && fs != nullptr) {
      auto it = fs->extra.find(e.key);
      if (it != fs->extra.end()) {
        value = it->second;
        where = "config " + file.path + " [" + spec.name + "] " + e.key;
      }
    }
    std::string v = value.value_or(e.default_value);
    s.extra[e.key] = e.is_url && value ? checked_base_url(v, where) : v;
  }
  return s;
}

std::string resolve_api_key(const ProviderSettingsSpec& spec, const ConfigFile& file,
                            const Environment& env,
                            std::optional<std::chrono::steady_clock::time_point> deadline) {
  std::string key;
  std::string where;
  const FileSection* fs = section_for(file, spec.name);
  if (std::optional<std::string> v = env(spec.key_env)) {
    key = *v;
    where = spec.key_env;
  } else if (fs != nullptr && fs->api_key) {
    key = *fs->api_key;
    where = "[" + spec.name + "] api_key in " + file.path;
  } else if (fs != nullptr && fs->api_key_command) {
    key = run_key_command(*fs->api_key_command, spec.name, file.path, deadline);
    where = "[" + spec.name + "] api_key_command in " + file.path;
  } else {
    throw AuthError(spec.name + ": no API key: set " + spec.key_env + ", or api_key in [" +
                    spec.name + "] of " + file.path);
  }
  // A key pasted with a trailing newline or space is the key without them.
  std::size_t first = key.find_first_not_of(" \t\r\n");
  std::size_t last = key.find_last_not_of(" \t\r\n");
  key = first == std::string::npos ? std::string() : key.substr(first, last - first + 1);
  if (key.empty()) {
    throw AuthError(spec.name + ": " + where + " is blank");
  }
  // No provider's key is that short, and scrubbing a one-letter "key" out of every message
  // mangled them all (a path became /tmp/u[REDACTED]/...): refused, never registered.
  if (key.size() < util::k_min_secret_size) {
    throw AuthError(spec.name + ": " + where + " is " + std::to_string(key.size()) +
                    " character" + (key.size() == 1 ? "" : "s") + " long; no provider key is "
                    "shorter than " + std::to_string(util::k_min_secret_size) + ": check it");
  }
  util::register_secret(key);
  check_key_text(key, spec.name + ": " + where);
  return key;
}

}  // namespace gpubill::config
