// Installing gpubill like a Debian tool (issue #22, docs/install.md): the man page and the
// bash, zsh and fish completions, generated from the command tree, and `cmake --install`.
// The completions run in the real shells; what they must offer is read from the registry
// and the command tree, so a new provider, resource or choice is checked without a line here.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "gpubill/cli/command_tree.hpp"
#include "gpubill/providers/registry.hpp"
#include "support/fixtures.hpp"
#include "support/run_cli.hpp"

using namespace gpubill;

namespace {

// `text` with its line breaks as spaces (help is wrapped to 80 columns, a long path too).
std::string unwrapped(std::string text) {
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

// Runs `command` with sh, returns its stdout (stderr goes to the test's log).
std::string shell_output(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  int rc = ::pclose(p);
  if (status != nullptr) *status = rc;
  return out;
}

std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::set<std::string> lines_of(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.insert(line.substr(0, line.find('\t')));  // fish: "value\tdescription"
  }
  return out;
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string generated(const std::string& name) {
  return test::read_file(std::string(GPUBILL_GENERATED_DIR) + "/" + name);
}

// A command line as the shell's completion sees its words: one per space (the last one the
// word at the cursor, maybe empty); bash's readline also makes each "=" a word of its own.
std::vector<std::string> split_words(const std::string& line, bool equals_apart) {
  std::vector<std::string> words;
  std::string word;
  for (char c : line) {
    if (c == ' ' || (equals_apart && c == '=')) {
      words.push_back(word);
      word.clear();
      if (c == '=') words.push_back("=");
    } else {
      word += c;
    }
  }
  words.push_back(word);
  return words;
}

// One shell's completer: what it offers for a command line typed up to the cursor (the line
// ends with a space: a new word).
class Completer {
 public:
  virtual ~Completer() = default;
  virtual std::set<std::string> complete(const std::string& line) = 0;
};

// bash: the script sourced, COMP_WORDS/COMP_CWORD set as readline sets them (a word per
// space, "=" a word of its own), the function run, COMPREPLY printed.
class Bash final : public Completer {
 public:
  explicit Bash(const std::string& script_path) : m_script(script_path) {}
  std::set<std::string> complete(const std::string& line) override {
    std::vector<std::string> words = split_words(line, true);
    std::string array;
    for (const std::string& w : words) array += " " + sh_quote(w);
    std::string program = "source " + sh_quote(m_script) + "; COMP_WORDS=(" + array +
                          "); COMP_CWORD=" + std::to_string(words.size() - 1) +
                          "; _gpubill; printf '%s\\n' \"${COMPREPLY[@]}\"";
    return lines_of(shell_output("bash --norc --noprofile -c " + sh_quote(program)));
  }

 private:
  std::string m_script;
};

// fish: its own `complete -C`, which runs the completions of the script as a user's TAB would.
class Fish final : public Completer {
 public:
  explicit Fish(const std::string& script_path) : m_script(script_path) {}
  std::set<std::string> complete(const std::string& line) override {
    std::string program = "source " + sh_quote(m_script) + "; complete -C " + sh_quote(line);
    return lines_of(shell_output("fish --no-config -c " + sh_quote(program) + " 2>&1"));
  }

 private:
  std::string m_script;
};

// zsh: the function run with `words` and CURRENT as compsys sets them, and compsys's
// builtins it calls (_describe, compadd, _files, compset) standing in, printing what they got.
class Zsh final : public Completer {
 public:
  explicit Zsh(const std::string& script_path) : m_script(script_path) {}
  std::set<std::string> complete(const std::string& line) override {
    std::vector<std::string> words = split_words(line, false);
    std::string array;
    for (const std::string& w : words) array += " " + sh_quote(w);
    std::string program =
        "_describe() { local -a items; items=(\"${(@P)4}\"); print -l -- \"${items[@]%%:*}\" | "
        "grep -- \"^${cur#*=}\"; }\n"
        "compadd() { [[ $1 == -a ]] && print -l -- \"${(@P)2}\" | grep -- \"^${cur#*=}\"; }\n"
        "_files() { print -- @files $*; }\n"
        "compset() { return 0; }\n"
        "compdef() { :; }\n"
        "source " + sh_quote(m_script) + "\n"
        "words=(" + array + "); CURRENT=" + std::to_string(words.size()) + "\n"
        "_gpubill\n";
    return lines_of(shell_output("zsh -f -c " + sh_quote(program)));
  }

 private:
  std::string m_script;
};

std::set<std::string> starting_with(const std::vector<std::string>& names, const std::string& prefix) {
  std::set<std::string> out;
  for (const std::string& n : names) {
    if (n.rfind(prefix, 0) == 0) out.insert(n);
  }
  return out;
}

// What every shell must offer, from the command tree and the registry.
void check_completer(Completer& c) {
  cli::CommandDoc tree = cli::command_tree(providers::registry());
  std::vector<std::string> top;
  for (const cli::CommandDoc& d : tree.commands) top.push_back(d.name);

  // The two: `gpubill run<TAB>` and `--bucket <TAB>`.
  CHECK(c.complete("gpubill run") == std::set<std::string>{"runpod"});
  CHECK(c.complete("gpubill run") == starting_with(top, "run"));
  CHECK(c.complete("gpubill ") == std::set<std::string>(top.begin(), top.end()));

  // Every provider's resources, every resource's flags, every fixed list of values.
  for (const auto& p : providers::registry()) {
    std::vector<std::string> resources;
    for (const providers::ResourceSpec& r : p->resources()) resources.push_back(r.name);
    INFO(p->info().name);
    CHECK(c.complete("gpubill " + p->info().name + " ") == std::set<std::string>(resources.begin(), resources.end()));
    // after global options with values: still the same command
    CHECK(c.complete("gpubill --start 2026-10 -o csv " + p->info().name + " ") ==
          std::set<std::string>(resources.begin(), resources.end()));
    for (const providers::ResourceSpec& r : p->resources()) {
      const std::string cmd = "gpubill " + p->info().name + " " + r.name + " ";
      std::set<std::string> offered = c.complete(cmd + "--");
      for (const providers::OptionSpec& o : r.options) {
        INFO(cmd << "--" << o.flag);
        CHECK(offered.count("--" + o.flag) == 1);
        if (o.choices.empty()) continue;
        std::set<std::string> choices(o.choices.begin(), o.choices.end());
        CHECK(c.complete(cmd + "--" + o.flag + " ") == choices);
        std::set<std::string> after_equals;  // fish offers "--flag=value", bash and zsh "value"
        for (const std::string& v : c.complete(cmd + "--" + o.flag + "=")) after_equals.insert(v.substr(v.find('=') + 1));
        CHECK(after_equals == choices);
      }
      CHECK(offered.count("--output") == 1);  // the global flags apply here too
    }
  }
  // The runpod pods --bucket of the issue, spelled out once.
  const providers::Provider* runpod = providers::find_provider("runpod");
  REQUIRE(runpod != nullptr);
  for (const providers::ResourceSpec& r : runpod->resources()) {
    if (r.name != "pods") continue;
    for (const providers::OptionSpec& o : r.options) {
      if (o.flag == "bucket") {
        CHECK(c.complete("gpubill runpod pods --bucket ") == std::set<std::string>(o.choices.begin(), o.choices.end()));
        CHECK(c.complete("gpubill runpod pods --bucket d") == std::set<std::string>{"day"});
      }
    }
  }
  CHECK(c.complete("gpubill -o c") == std::set<std::string>{"csv"});
  CHECK(c.complete("gpubill report --start last") == std::set<std::string>{"last-month"});
  CHECK(c.complete("gpubill completion ") == std::set<std::string>{"bash", "zsh", "fish"});
  CHECK(c.complete("gpubill ledger ") == std::set<std::string>{"status", "export"});
}

}  // namespace

TEST_CASE("completion: the scripts gpubill prints are the ones the build installs", "[completion][e2e]") {
  for (const auto& [shell, file] : std::vector<std::pair<std::string, std::string>>{
           {"bash", "gpubill.bash"}, {"zsh", "_gpubill"}, {"fish", "gpubill.fish"}}) {
    INFO(shell);
    test::CliResult r = test::run_cli({"completion", shell});
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out == generated(file));
  }
}

TEST_CASE("completion: bash offers every command, flag and fixed value", "[completion][e2e]") {
  Bash bash(std::string(GPUBILL_GENERATED_DIR) + "/gpubill.bash");
  check_completer(bash);
  // A PATH is a file name, a DIR a folder.
  test::TempDir dir;
  std::filesystem::create_directory(dir.path() + "/reports");
  write(dir.path() + "/report.csv", "x");
  CHECK(bash.complete("gpubill runpod pods --out-file " + dir.path() + "/rep") ==
        std::set<std::string>{dir.path() + "/report.csv", dir.path() + "/reports"});
  CHECK(bash.complete("gpubill export focus --dir " + dir.path() + "/rep") ==
        std::set<std::string>{dir.path() + "/reports"});
}

TEST_CASE("completion: fish offers every command, flag and fixed value", "[completion][e2e]") {
  Fish fish(std::string(GPUBILL_GENERATED_DIR) + "/gpubill.fish");
  check_completer(fish);
}

TEST_CASE("completion: zsh offers every command, flag and fixed value", "[completion][e2e]") {
  int status = -1;
  shell_output("zsh -n " + sh_quote(std::string(GPUBILL_GENERATED_DIR) + "/_gpubill"), &status);
  REQUIRE(status == 0);
  Zsh zsh(std::string(GPUBILL_GENERATED_DIR) + "/_gpubill");
  check_completer(zsh);
  CHECK(zsh.complete("gpubill runpod pods --out-file ") == std::set<std::string>{"@files"});
}

TEST_CASE("man page: mandoc lint is clean and every command and flag is in it", "[man][e2e]") {
  const std::string page = std::string(GPUBILL_GENERATED_DIR) + "/gpubill.1";
  int status = -1;
  std::string lint = shell_output("mandoc -T lint " + sh_quote(page) + " 2>&1", &status);
  CHECK(lint == "");
  CHECK(status == 0);
  std::string text = shell_output("mandoc -T ascii " + sh_quote(page) + " | col -b");
  for (const char* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "GLOBAL OPTIONS",
                              "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"}) {
    INFO(section);
    CHECK(text.find("\n" + std::string(section) + "\n") != std::string::npos);
  }
  // Every command as a heading, every flag under it, every provider's key variable.
  cli::CommandDoc tree = cli::command_tree(providers::registry());
  std::vector<std::pair<std::string, const cli::CommandDoc*>> todo = {{"gpubill", &tree}};
  while (!todo.empty()) {
    auto [path, doc] = todo.back();
    todo.pop_back();
    INFO(path);
    std::size_t at = path == "gpubill" ? text.find("\nGLOBAL OPTIONS\n") : text.find("\n   " + path);
    REQUIRE(at != std::string::npos);
    std::size_t end = text.find("\n   gpubill ", at + 1);
    std::string section = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    for (const cli::OptionDoc& o : doc->options) {
      for (const std::string& name : o.names) {
        INFO(name);
        CHECK(section.find(name) != std::string::npos);
      }
    }
    for (const cli::CommandDoc& sub : doc->commands) todo.emplace_back(path + " " + sub.name, &sub);
  }
  for (const auto& p : providers::registry()) CHECK(text.find(p->info().key_env) != std::string::npos);
}

TEST_CASE("install: cmake --install puts the binary, man page, completions and docs in place", "[install][e2e]") {
  test::TempDir prefix;
  int status = -1;
  std::string log = shell_output("cmake --install " + sh_quote(GPUBILL_BUILD_DIR) + " --prefix " +
                                     sh_quote(prefix.path()) + " 2>&1",
                                 &status);
  INFO(log);
  REQUIRE(status == 0);
  const std::string p = prefix.path();
  for (const char* file : {"bin/gpubill", "share/man/man1/gpubill.1.gz",
                           "share/bash-completion/completions/gpubill", "share/zsh/vendor-completions/_gpubill",
                           "share/fish/vendor_completions.d/gpubill.fish", "share/doc/gpubill/cli.md",
                           "share/doc/gpubill/README.md", "share/doc/gpubill/providers/runpod.md",
                           "share/doc/gpubill/examples/config.toml", "share/doc/gpubill/copyright",
                           "share/doc/gpubill/changelog.Debian.gz"}) {
    INFO(file);
    CHECK(std::filesystem::is_regular_file(p + "/" + file));
  }
  CHECK(test::read_file(p + "/share/bash-completion/completions/gpubill") == generated("gpubill.bash"));
  CHECK(test::read_file(p + "/share/doc/gpubill/examples/config.toml") ==
        test::read_file(test::fixture_path("../docs/config.example.toml")));
  // The installed help points to the installed docs and the man page; the build's does not.
  std::string help = unwrapped(shell_output(sh_quote(p + "/bin/gpubill") + " --help"));
  CHECK(help.find("Docs: man gpubill, " + p + "/share/doc/gpubill/cli.md") != std::string::npos);
  std::string report_help = unwrapped(shell_output(sh_quote(p + "/bin/gpubill") + " report --help"));
  CHECK(report_help.find(p + "/share/doc/gpubill/report.md") != std::string::npos);
  test::CliResult built = test::run_cli({"--help"});
  CHECK(built.out.find("Docs: docs/cli.md") != std::string::npos);
  // Without the docs (Debian's path-exclude may drop /usr/share/doc): the plain pointer.
  std::filesystem::remove_all(p + "/share/doc");
  help = shell_output(sh_quote(p + "/bin/gpubill") + " --help");
  CHECK(help.find("Docs: docs/cli.md") != std::string::npos);
}
