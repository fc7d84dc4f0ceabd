#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <map>

#include <sys/stat.h>
#include <unistd.h>

#include "gpubill/config/config.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/redact.hpp"
#include "support/run_cli.hpp"

using namespace gpubill;

namespace {

config::Environment env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

struct TempConfig {
  std::string path;
  explicit TempConfig(const std::string& text, mode_t mode = 0600) {
    char tmpl[] = "/tmp/gpubill-config-XXXXXX";
    int fd = ::mkstemp(tmpl);
    REQUIRE(fd >= 0);
    ::close(fd);
    path = tmpl;
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
  }
  ~TempConfig() { std::remove(path.c_str()); }
};

const config::ProviderSettingsSpec k_spec{"runpod", "RUNPOD_API_KEY", "GPUBILL_RUNPOD_URL",
                                          "https://rest.runpod.io/v1"};

}  // namespace

TEST_CASE("config: environment first, then the file", "[config]") {
  TempConfig cfg("[runpod]\napi_key = \"file_key_abcdef\"\nbase_url = \"http://127.0.0.1:1/v1/\"\n");
  config::ConfigFile file = config::load_config_file(cfg.path, true);
  REQUIRE(file.exists);

  config::ProviderSettings from_file = config::settings_for(k_spec, file, env_of({}));
  CHECK(from_file.key_source == config::KeySource::config);
  CHECK(from_file.base_url == "http://127.0.0.1:1/v1");
  CHECK(from_file.base_url_source == "config");
  CHECK(config::resolve_api_key(k_spec, file, env_of({})) == "file_key_abcdef");

  auto env = env_of({{"RUNPOD_API_KEY", "env_key_abcdef"}, {"GPUBILL_RUNPOD_URL", "https://p.example/v1"}});
  config::ProviderSettings from_env = config::settings_for(k_spec, file, env);
  CHECK(from_env.key_source == config::KeySource::env);
  CHECK(from_env.base_url == "https://p.example/v1");
  CHECK(config::resolve_api_key(k_spec, file, env) == "env_key_abcdef");
  CHECK(std::string(config::describe(from_env.key_source)) == "set (env)");
  util::clear_secrets_for_testing();
}

TEST_CASE("config: nothing configured", "[config]") {
  config::ConfigFile none = config::load_config_file("/nonexistent/gpubill.toml", false);
  CHECK_FALSE(none.exists);
  config::ProviderSettings s = config::settings_for(k_spec, none, env_of({{"RUNPOD_API_KEY", ""}}));
  CHECK(s.key_source == config::KeySource::missing);
  CHECK(s.base_url == "https://rest.runpod.io/v1");
  CHECK(std::string(config::describe(s.key_source)) == "missing");
  CHECK_THROWS_AS(config::resolve_api_key(k_spec, none, env_of({})), AuthError);
  CHECK_THROWS_WITH(config::resolve_api_key(k_spec, none, env_of({})),
                    Catch::Contains("set RUNPOD_API_KEY"));
  CHECK_THROWS_AS(config::load_config_file("/nonexistent/gpubill.toml", true), UsageError);
}

TEST_CASE("config: default path follows XDG", "[config]") {
  CHECK(config::default_config_path(env_of({{"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}})) ==
        "/x/gpubill/config.toml");
  CHECK(config::default_config_path(env_of({{"HOME", "/h"}})) == "/h/.config/gpubill/config.toml");
}

TEST_CASE("config: api_key_command supplies the key, failures never echo output", "[config]") {
  TempConfig ok("[runpod]\napi_key_command = \"printf 'cmd_key_abcdef\\\\nsecond line'\"\n");
  config::ConfigFile file = config::load_config_file(ok.path, true);
  CHECK(config::settings_for(k_spec, file, env_of({})).key_from_command);
  CHECK(config::resolve_api_key(k_spec, file, env_of({})) == "cmd_key_abcdef");

  TempConfig bad("[runpod]\napi_key_command = \"echo LEAKED_OUTPUT_MARKER; exit 7\"\n");
  config::ConfigFile bad_file = config::load_config_file(bad.path, true);
  try {
    config::resolve_api_key(k_spec, bad_file, env_of({}));
    FAIL("no error");
  } catch (const AuthError& e) {
    CHECK_THAT(e.what(), Catch::Contains("exit status 7"));
    CHECK_THAT(e.what(), !Catch::Contains("LEAKED_OUTPUT_MARKER"));
  }
  TempConfig empty("[runpod]\napi_key_command = \"true\"\n");
  CHECK_THROWS_WITH(config::resolve_api_key(k_spec, config::load_config_file(empty.path, true),
                                            env_of({})),
                    Catch::Contains("printed no key"));
  util::clear_secrets_for_testing();
}

// api_key_command runs a command as the user, from cron too: a config file that someone else
// can write was run all the same (issue 17). Refused as ssh refuses its config, before any
// command runs; a file only readable by others is a warning about its key, not a refusal.
TEST_CASE("config: a file holding api_key_command that others can change is refused",
          "[config]") {
  test::TempDir dir;
  std::string marker = dir.path() + "/ran";
  std::string text = "[runpod]\napi_key_command = \"touch " + marker + "; echo key_abcdefgh\"\n";
  for (mode_t mode : {0620, 0602, 0666, 0777}) {
    TempConfig writable(text, mode);
    INFO("mode " << std::oct << mode);
    try {
      config::load_config_file(writable.path, true);
      FAIL("not refused");
    } catch (const UsageError& e) {
      CHECK_THAT(e.what(), Catch::Contains("config " + writable.path + " holds api_key_command"));
      CHECK_THAT(e.what(), Catch::Contains((mode & 002) ? "writable by others" : "writable by group"));
      CHECK_THAT(e.what(), Catch::Contains("chmod go-w " + writable.path));
    }
  }
  struct stat st {};
  CHECK(::stat(marker.c_str(), &st) != 0);  // nothing ran
  // Not writable by others: read as usual, the command runs.
  for (mode_t mode : {0600, 0644, 0400}) {
    TempConfig fine(text, mode);
    config::ConfigFile file = config::load_config_file(fine.path, true);
    CHECK(config::resolve_api_key(k_spec, file, env_of({})) == "key_abcdefgh");
  }
  CHECK(::stat(marker.c_str(), &st) == 0);
  // A writable file without a command is not refused (nothing in it runs).
  TempConfig plain("[runpod]\nbase_url = \"https://rest.runpod.io/v1\"\n", 0666);
  CHECK_NOTHROW(config::load_config_file(plain.path, true));
  // Another user's file (the tests run as root in CI; elsewhere chown is not ours to do).
  if (::geteuid() == 0) {
    TempConfig theirs(text, 0600);
    REQUIRE(::chown(theirs.path.c_str(), 65534, 65534) == 0);
    CHECK_THROWS_WITH(config::load_config_file(theirs.path, true),
                      Catch::Contains("belongs to user 65534, not to you: refused"));
  }
  util::clear_secrets_for_testing();
}

TEST_CASE("config: bad files are usage errors naming file and line", "[config]") {
  TempConfig syntax("[runpod]\napi_key = \"unterminated\n");
  CHECK_THROWS_AS(config::load_config_file(syntax.path, true), UsageError);
  CHECK_THROWS_WITH(config::load_config_file(syntax.path, true), Catch::Contains(syntax.path));
  TempConfig wrong_type("[runpod]\n\napi_key = 12345\n");
  CHECK_THROWS_WITH(config::load_config_file(wrong_type.path, true),
                    Catch::Contains("line 3: [runpod] api_key must be a string"));
  TempConfig not_table("runpod = \"x\"\n");
  CHECK_THROWS_AS(config::load_config_file(not_table.path, true), UsageError);
  TempConfig bad_url("[runpod]\nbase_url = \"ftp://x\"\n");
  CHECK_THROWS_AS(config::settings_for(k_spec, config::load_config_file(bad_url.path, true),
                                       env_of({})),
                  UsageError);
}

TEST_CASE("config: keys are trimmed, inner control characters are rejected", "[config]") {
  auto env = env_of({{"RUNPOD_API_KEY", "abc\r\nX-Injected: 1"}});
  CHECK_THROWS_AS(config::resolve_api_key(k_spec, {}, env), AuthError);
  CHECK(config::resolve_api_key(k_spec, {}, env_of({{"RUNPOD_API_KEY", " rpa_KEY_abcdef\n"}})) ==
        "rpa_KEY_abcdef");
  CHECK_THROWS_WITH(config::resolve_api_key(k_spec, {}, env_of({{"RUNPOD_API_KEY", " \n"}})),
                    Catch::Contains("is blank"));
  util::clear_secrets_for_testing();
}

TEST_CASE("config: a provider's own settings, env first, then the file, then the default",
          "[config]") {
  config::ProviderSettingsSpec spec = k_spec;
  spec.extras = {{"api_version", "", "auto", false},
                 {"v2_base_url", "GPUBILL_RUNPOD_V2_URL", "https://api.runpod.io/v2", true}};
  TempConfig cfg("[runpod]\napi_version = \"v2\"\nv2_base_url = \"http://127.0.0.1:9/v2/\"\n"
                 "colour = \"blue\"\n");
  config::ConfigFile file = config::load_config_file(cfg.path, true, {"api_version", "v2_base_url"});
  config::ProviderSettings s = config::settings_for(spec, file, env_of({}));
  CHECK(s.extra["api_version"] == "v2");
  CHECK(s.extra["v2_base_url"] == "http://127.0.0.1:9/v2");  // checked like base_url
  s = config::settings_for(spec, file, env_of({{"GPUBILL_RUNPOD_V2_URL", "https://example.test/v2"}}));
  CHECK(s.extra["v2_base_url"] == "https://example.test/v2");
  config::ConfigFile none = config::load_config_file("/nonexistent/gpubill.toml", false);
  s = config::settings_for(spec, none, env_of({}));
  CHECK(s.extra["api_version"] == "auto");
  CHECK(s.extra["v2_base_url"] == "https://api.runpod.io/v2");
  CHECK_THROWS_AS(config::settings_for(spec, none, env_of({{"GPUBILL_RUNPOD_V2_URL", "ftp://x"}})),
                  UsageError);
  // Not declared by any provider: ignored (with a warning), not an error.
  config::ConfigFile undeclared = config::load_config_file(cfg.path, true);
  CHECK(undeclared.providers["runpod"].extra.empty());
  TempConfig wrong_type("[runpod]\napi_version = 2\n");
  CHECK_THROWS_AS(config::load_config_file(wrong_type.path, true, {"api_version"}), UsageError);
}
