// `gpubill config path|show|init|check` against the fake cloud (issue 18).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/env.hpp"
#include "support/fake_cloud/fake_cloud.hpp"
#include "support/fixtures.hpp"
#include "support/run_cli.hpp"

using namespace gpubill;
using test::CliResult;
using test::FakeCloud;
using test::run_cli;

namespace {

std::string line_of(const std::string& text, const std::string& provider) {
  for (std::size_t at = 0; at < text.size();) {
    std::size_t nl = text.find('\n', at);
    std::string line = text.substr(at, nl - at);
    if (line.rfind(provider + " ", 0) == 0) return line;
    at = nl == std::string::npos ? text.size() : nl + 1;
  }
  return "";
}

}  // namespace

TEST_CASE("e2e config check: one line per provider, ok, rejected, unreachable, not configured",
          "[e2e][config][check]") {
  FakeCloud cloud;
  cloud.start();
  test::TempDir dir;
  auto env = test::all_providers_env(cloud, {{"XDG_CONFIG_HOME", dir.path()},
                                             {"NOVITA_API_KEY", "nv_WRONG_KEY_0000000000"},
                                             {"GPUBILL_GCORE_URL", "http://127.0.0.1:1/gcore"}});
  env.erase("HYPERSTACK_API_KEY");
  CliResult r = run_cli({"config", "check", "--retries", "0"}, env);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);  // one unreachable: not only credentials
  CHECK_THAT(line_of(r.out, "runpod"), Catch::Matches("runpod +ok +key accepted \\(network-volumes, [0-9]+ ms\\)"));
  CHECK_THAT(line_of(r.out, "novita"), Catch::StartsWith("novita     rejected key    novita: GET "
                                                         "/openapi/v1/billing/balance/detail: 401"));
  CHECK_THAT(line_of(r.out, "gcore"), Catch::StartsWith("gcore      unreachable     gcore: POST "));
  CHECK(line_of(r.out, "hyperstack") ==
        "hyperstack not configured  set HYPERSTACK_API_KEY (or api_key in [hyperstack] of the "
        "config file)");
  const auto providers = static_cast<long>(test::all_providers().size());
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == providers);
  CHECK(r.err.empty());
  for (const char* key : {"rpa_FAKE_TEST_KEY", "nv_WRONG_KEY", "gc_FAKE"}) {
    CHECK(r.out.find(key) == std::string::npos);
  }
  // One request each for the providers with a key that the fake serves: all but gcore
  // (unreachable) and hyperstack (no key).
  CHECK(cloud.requests().size() == static_cast<std::size_t>(providers) - 2);

  SECTION("every failure a rejected key: exit 3; every key accepted: exit 0") {
    auto rejected = env;
    rejected["GPUBILL_GCORE_URL"] = cloud.gcore_url();
    rejected["GCORE_API_KEY"] = "gc_WRONG_KEY_0000000000";
    CHECK(run_cli({"config", "check"}, rejected).exit_code == 3);
    auto fine = test::all_providers_env(cloud, {{"XDG_CONFIG_HOME", dir.path()}});
    CliResult ok = run_cli({"config", "check", "-o", "json"}, fine);
    CHECK(ok.exit_code == 0);
    nlohmann::json doc = nlohmann::json::parse(ok.out);
    REQUIRE(doc["providers"].size() == test::all_providers().size());
    for (const auto& p : doc["providers"]) CHECK(p["status"] == "ok");
  }
  SECTION("nothing configured: exit 3") {
    CliResult none = run_cli({"config", "check"}, {{"XDG_CONFIG_HOME", dir.path()}});
    CHECK(none.exit_code == 3);
    CHECK(std::count(none.out.begin(), none.out.end(), '\n') == providers);
  }
}

TEST_CASE("e2e config init, path and show: an example written once, settings with their sources",
          "[e2e][config]") {
  test::TempDir dir;
  std::map<std::string, std::string> env = {{"XDG_CONFIG_HOME", dir.path() + "/xdg"}};
  std::string path = dir.path() + "/xdg/gpubill/config.toml";
  CliResult p = run_cli({"config", "path"}, env);
  CHECK(p.exit_code == 0);
  CHECK(p.out == path + "\n");

  CliResult init = run_cli({"config", "init"}, env);
  REQUIRE(init.exit_code == 0);
  CHECK_THAT(init.out, Catch::StartsWith("wrote " + path + " (mode 0600)"));
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(test::read_file(path) == test::read_file(test::fixture_path("../docs/config.example.toml")));
  // The example, read back, has nothing gpubill does not know: no warning.
  CliResult pristine = run_cli({"config", "show"}, env);
  CHECK(pristine.exit_code == 0);
  CHECK(pristine.err.empty());
  // Never over an existing file: exit 2, the file as it was.
  { std::ofstream(path) << "[runpod]\napi_key = \"rpa_SHOWN_MASKED_KEY_4711\"\n"; }
  std::string edited = test::read_file(path);
  CliResult again = run_cli({"config", "init"}, env);
  CHECK(again.exit_code == 2);
  CHECK(again.err == "gpubill: config init: " + path + " exists and is left as it is: edit it, "
                     "or give --config OTHER_PATH\n");
  CHECK(test::read_file(path) == edited);

  CliResult show = run_cli({"config", "show"}, env);
  CHECK(show.exit_code == 0);
  CHECK(show.err.empty());
  CHECK(show.out.find("rpa_SHOWN_MASKED_KEY") == std::string::npos);
  CHECK_THAT(show.out, Catch::Contains("runpod.api_key       ************4711  (config)"));
  CHECK_THAT(show.out, Catch::Contains("novita.api_key       (none)"));
  // api_key_command is shown as written, except a key pasted into it.
  { std::ofstream(path) << "[runpod]\napi_key_command = \"echo 'rpa_PASTED0KEY0IN0COMMAND4711'\"\n"
                           "[novita]\napi_key_command = \"pass show cloud/novita-api-key-2026\"\n"; }
  ::chmod(path.c_str(), 0600);
  CliResult commands = run_cli({"config", "show"}, env);
  INFO(commands.err);
  CHECK(commands.exit_code == 0);
  CHECK(commands.out.find("PASTED0KEY") == std::string::npos);
  CHECK_THAT(commands.out, Catch::Contains("echo '************4711'"));
  CHECK_THAT(commands.out, Catch::Contains("pass show cloud/novita-api-key-2026"));
  env["GPUBILL_NOVITA_URL"] = "http://127.0.0.1:9/novita";
  CliResult from_env = run_cli({"config", "show", "-o", "json"}, env);
  nlohmann::json doc = nlohmann::json::parse(from_env.out);
  bool seen = false;
  for (const auto& s : doc["settings"]) {
    if (s["provider"] == "novita" && s["setting"] == "base_url") {
      CHECK(s["value"] == "http://127.0.0.1:9/novita");
      CHECK(s["source"] == "env GPUBILL_NOVITA_URL");
      seen = true;
    }
  }
  CHECK(seen);
  // Where the ledger is, and why; a PostgreSQL URL's password never shown.
  env["XDG_DATA_HOME"] = dir.path() + "/data";
  CliResult ledger = run_cli({"config", "show"}, env);
  CHECK_THAT(ledger.out, Catch::EndsWith("ledger.url              " + dir.path() + "/data/gpubill/ledger.db  (default)\n"));
  env["GPUBILL_LEDGER"] = "postgresql://ops:hunter2-secret@db.internal/gpubill";
  CliResult team = run_cli({"config", "show", "-o", "csv"}, env);
  CHECK_THAT(team.out, Catch::Contains("ledger,url,postgresql://ops:***@db.internal/gpubill,env GPUBILL_LEDGER\r\n"));
  CHECK(team.out.find("hunter2") == std::string::npos);
}
