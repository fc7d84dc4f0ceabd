#pragma once
// Credentials and base URLs: environment first, then the TOML config file.
//
//   # $XDG_CONFIG_HOME/gpubill/config.toml
//   [runpod]
//   api_key = "..."                       # or:
//   api_key_command = "pass show runpod"  # first line of its stdout is the key
//   base_url = "https://rest.runpod.io/v1"
//
// Every key read is registered with util::register_secret before anything can print it.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gpubill::config {

/// Reads an environment variable; empty values count as unset. Injectable for tests.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
Environment process_environment();

struct FileSection {
  std::optional<std::string> api_key;
  std::optional<std::string> api_key_command;
  std::optional<std::string> base_url;
  std::map<std::string, std::string> extra{};  ///< a provider's own settings (api_version, ...)
};

struct ConfigFile {
  std::string path;     ///< where it was looked for
  bool exists = false;
  std::map<std::string, FileSection> providers;  ///< by provider name
  /// [ledger] url: where sync writes and --from-ledger reads (a path; docs/ledger.md).
  std::optional<std::string> ledger_url;
};

/// $XDG_CONFIG_HOME/gpubill/config.toml, else $HOME/.config/gpubill/config.toml.
std::string default_config_path(const Environment& env);

/// Loads `path`. A missing file is fine unless `required` (an explicit --config), which is a
/// UsageError, as is a file that is not valid TOML or has a wrong-typed key (message names
/// file, line and key). Warns when a file holding a key is readable by group or others.
/// `known_extra_keys`: the providers' own settings (ProviderInfo::extra_settings); any other
/// key is warned about and ignored.
/// `known_sections`: the sections there may be (the providers' names); any other is warned
/// about ("did you mean [hyperstack]?") and ignored. Empty: not checked.
ConfigFile load_config_file(const std::string& path, bool required,
                            const std::vector<std::string>& known_extra_keys = {},
                            const std::vector<std::string>& known_sections = {});

enum class KeySource { missing, env, config };

/// What `gpubill providers` shows for a key: "set (env)", "set (config)" or "missing".
const char* describe(KeySource source);

/// Where a provider's settings live: the names come from the provider's ProviderInfo.
/// A provider's own setting: env first, then the config file key, then the default.
struct ExtraSettingSpec {
  std::string key;            ///< config file key, e.g. "api_version"
  std::string env;            ///< environment variable, empty: none
  std::string default_value;
  bool is_url = false;        ///< checked like base_url (http or https, no trailing slash)
};

struct ProviderSettingsSpec {
  std::string name;              ///< "runpod"
  std::string key_env;           ///< "RUNPOD_API_KEY"
  std::string url_env;           ///< "GPUBILL_RUNPOD_URL"
  std::string default_base_url;  ///< "https://rest.runpod.io/v1"
  std::vector<ExtraSettingSpec> extras{};
};

struct ProviderSettings {
  KeySource key_source = KeySource::missing;
  bool key_from_command = false;  ///< api_key_command (not yet run)
  std::string base_url;           ///< without trailing slash
  std::string base_url_source;    ///< "default", "env" or "config"
  std::map<std::string, std::string> extra;  ///< every ExtraSettingSpec, resolved
};

/// Where the key and base URL come from, without running api_key_command. Throws UsageError
/// for a base URL that is not http(s).
ProviderSettings settings_for(const ProviderSettingsSpec& spec, const ConfigFile& file,
                              const Environment& env);

/// The key itself: the environment, else api_key, else the first line api_key_command prints.
/// Registers it as a secret. Throws AuthError when there is none, when the command fails (its
/// output is never echoed), or when the key holds control characters.
/// api_key_command must end by `deadline` (the run's --max-time), or, without one, within
/// k_key_command_limit: then it is killed (its whole process group) and AuthError says so.
inline constexpr std::chrono::seconds k_key_command_limit{120};
std::string resolve_api_key(const ProviderSettingsSpec& spec, const ConfigFile& file,
                            const Environment& env,
                            std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

}  // namespace gpubill::config
