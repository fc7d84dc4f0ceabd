#pragma once
// Pieces the command files share. Internal to cli/.

#include <memory>
#include <string>

#include "gpubill/cli/run.hpp"
#include "gpubill/config/config.hpp"
#include "gpubill/providers/provider.hpp"
#include "gpubill/util/atomic_file.hpp"

namespace gpubill::cli {

/// The config settings names of a provider.
config::ProviderSettingsSpec settings_spec(const providers::ProviderInfo& info);

/// --config if given (must exist), else the default path (may be absent).
config::ConfigFile load_config(const GlobalOptions& g, const config::Environment& env);

/// Where the rendered text goes: stdout, or --out-file written atomically. Created before any
/// request, so an unwritable path fails fast; written whole at the end or not at all.
class Output {
 public:
  explicit Output(const std::string& out_file);
  void deliver(const std::string& text);

 private:
  std::unique_ptr<util::AtomicFile> m_file;
};

/// `gpubill providers`.
int run_providers(const Invocation& inv, const config::Environment& env);
/// `gpubill <provider> <resource>`.
int run_resource(const Invocation& inv, const config::Environment& env);

}  // namespace gpubill::cli
