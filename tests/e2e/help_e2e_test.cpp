// Every --help screen as a person sees it (issue 18): a golden file each under
// fixtures/golden/help/, lines within 80 columns, and every flag documented in docs/cli.md
// (and every flag docs/cli.md names, real).
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <sstream>

#include "gpubill/providers/registry.hpp"
#include "gpubill/util/text.hpp"
#include "support/env.hpp"
#include "support/fake_cloud/fake_cloud.hpp"
#include "support/fixtures.hpp"
#include "support/golden.hpp"
#include "support/run_cli.hpp"

using namespace gpubill;

namespace {

std::vector<std::vector<std::string>> every_command() {
  std::vector<std::vector<std::string>> out = {{},
                                               {"providers"},
                                               {"report"},
                                               {"config"},
                                               {"config", "path"},
                                               {"config", "show"},
                                               {"config", "init"},
                                               {"config", "check"},
                                               {"sync"},
                                               {"ledger"},
                                               {"ledger", "status"},
                                               {"ledger", "export"},
                                               {"export"},
                                               {"export", "focus"},
                                               {"completion"}};
  for (const std::unique_ptr<providers::Provider>& p : providers::make_all_providers()) {
    out.push_back({p->info().name});
    for (const providers::ResourceSpec& r : p->resources()) out.push_back({p->info().name, r.name});
  }
  return out;
}

std::set<std::string> flags_in(const std::string& text) {
  std::set<std::string> out;
  std::regex flag("--[a-z][a-z0-9-]+");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), flag); it != std::sregex_iterator(); ++it) {
    out.insert(it->str());
  }
  return out;
}

}  // namespace

TEST_CASE("e2e help: every screen is a golden file, fits 80 columns, and is documented",
          "[e2e][cli][golden][help]") {
  std::set<std::string> in_help;
  for (const std::vector<std::string>& command : every_command()) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    test::CliResult r = test::run_cli(args);
    std::string name = command.empty() ? "gpubill" : "gpubill";
    for (const std::string& c : command) name += "_" + c;
    INFO(name);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    std::size_t at = 0;
    for (std::size_t nl = r.out.find('\n'); nl != std::string::npos; nl = r.out.find('\n', at)) {
      std::string line = r.out.substr(at, nl - at);
      INFO(line);
      CHECK(util::display_width(line) <= 80);
      at = nl + 1;
    }
    test::check_golden("help/" + name + ".txt", r.out);
    // The options each screen lists (its Options and Global options groups).
    std::string options = r.out.substr(0, r.out.find("\nExample"));
    for (const std::string& f : flags_in(options)) in_help.insert(f);
  }
  // docs/cli.md, less its examples of mistakes (`--bukcet` is a typo on purpose).
  std::string docs;
  {
    std::istringstream lines(test::read_file(test::fixture_path("../docs/cli.md")));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.find("unknown flag") == std::string::npos) docs += line + "\n";
    }
  }
  std::set<std::string> in_docs = flags_in(docs);
  for (const std::string& f : in_help) {
    INFO("in --help, not in docs/cli.md: " << f);
    CHECK(in_docs.count(f) == 1);
  }
  for (const std::string& f : in_docs) {
    INFO("in docs/cli.md, not a flag of any --help: " << f);
    CHECK(in_help.count(f) == 1);
  }
}

namespace {
// A command line as a shell splits it: words, "double-quoted" text one word; stops at a pipe.
std::vector<std::string> shell_words(const std::string& line) {
  std::vector<std::string> out;
  std::string word;
  bool quoted = false;
  bool any = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if (c == '|' && !quoted) {
      break;
    } else if (c == ' ' && !quoted) {
      if (any) out.push_back(word);
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) out.push_back(word);
  return out;
}
}  // namespace

// Every example in every --help screen must work against the demo's data (issue 18): each
// resource's, the provider screens' lists, and the root's, report's and config's. Run as
// shown (a line that ends in '\\' goes on), up to any pipe, against the fake cloud, it exits 0.
TEST_CASE("e2e help: every example in every --help runs against the fake cloud", "[e2e][cli][help]") {
  std::set<std::string> examples;
  for (const std::vector<std::string>& command : every_command()) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    std::istringstream lines(test::run_cli(args).out);
    std::string line;
    bool in_examples = false;
    std::string pending;
    while (std::getline(lines, line)) {
      if (line.rfind("Example", 0) == 0) {
        in_examples = true;
        continue;
      }
      if (!in_examples) continue;
      if (line.empty() || line.rfind("  ", 0) != 0) {
        in_examples = false;
        continue;
      }
      std::string text = line.substr(line.find_first_not_of(' '));
      bool goes_on = text.size() >= 2 && text.compare(text.size() - 2, 2, " \\") == 0;
      pending += (pending.empty() ? "" : " ") + (goes_on ? text.substr(0, text.size() - 2) : text);
      if (!goes_on) {
        examples.insert(pending);
        pending.clear();
      }
    }
  }
  REQUIRE(examples.size() >= 35);
  for (const std::string& example : examples) {
    INFO(example);
    std::vector<std::string> words = shell_words(example);
    REQUIRE(words.size() >= 2);
    REQUIRE(words[0] == "gpubill");
    std::vector<std::string> args(words.begin() + 1, words.end());
    test::TempDir dir;
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == "--out-file") args[i + 1] = dir.path() + "/" + args[i + 1];
    }
    test::FakeCloud cloud;  // one each: a fake's Runpod v2 window is 60 requests
    cloud.start();
    auto env = test::all_providers_env(cloud, {{"XDG_CONFIG_HOME", dir.path()},
                                               {"XDG_DATA_HOME", dir.path()}});
    if (example.find("ledger") != std::string::npos) {
      // What reads the ledger runs after a sync of the months the examples name.
      test::FakeCloud first;
      first.start();
      test::CliResult synced = test::run_cli({"sync", "--start", "2026-10"},
                                             test::all_providers_env(first, {{"XDG_DATA_HOME", dir.path()}}));
      REQUIRE(synced.exit_code == 0);
    }
    test::CliResult out = test::run_cli(args, env);
    INFO(out.err);
    CHECK(out.exit_code == 0);
  }
}
