#pragma once
// A first look at the arguments, before CLI11 parses them, so that a person's mistakes get
// one line that names the fix ("did you mean 'report'?", "--category is a flag of 'gpubill
// novita bills'") instead of CLI11's raw text. Internal to cli/.

#include <map>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace gpubill::cli {

/// The values an option accepts, for the options that have a fixed list.
using ChoiceLists = std::map<const CLI::Option*, std::vector<std::string>>;

/// `args` as CLI11 should see them: `help CMD...` becomes `CMD... --help`, `version` becomes
/// `--version`, and a choice given in another case (`-o CSV`) becomes the choice itself when
/// only one matches. Throws UsageError (exit 2) with one line for an unknown command or
/// subcommand, an unknown flag (with the nearest name, or the command the flag belongs to),
/// a flag without its value, a value not in its list, an unexpected argument, and a command
/// that needs a subcommand it was not given.
std::vector<std::string> check_arguments(const CLI::App& root, const ChoiceLists& choices,
                                         std::vector<std::string> args);

}  // namespace gpubill::cli
