#include "cli/command_support.hpp"

namespace gpubill::cli {

config::ProviderSettingsSpec settings_spec(const providers::ProviderInfo& info) {
  return {info.name, info.key_env, info.url_env, info.default_base_url};
}

config::ConfigFile load_config(const GlobalOptions& g, const config::Environment& env) {
  bool explicit_path = !g.config_path.empty();
  std::string path = explicit_path ? g.config_path : config::default_config_path(env);
  return config::load_config_file(path, explicit_path);
}

Output::Output(const std::string& out_file) {
  if (!out_file.empty()) m_file = std::make_unique<util::AtomicFile>(out_file);
}

void Output::deliver(const std::string& text) {
  if (m_file) {
    m_file->write(text);
    m_file->commit();
  } else {
    util::write_stdout(text);
  }
}

}  // namespace gpubill::cli
