#pragma once
// The command line as plain data: every command, subcommand, option, placeholder and list of
// choices that --help shows, read off the same CLI11 tree parse() builds. The man page and
// the bash, zsh and fish completions are generated from it (docs/install.md), so they can
// never name a flag the binary does not take.

#include <memory>
#include <string>
#include <vector>

#include "gpubill/providers/provider.hpp"

namespace gpubill::cli {

struct OptionDoc {
  std::vector<std::string> names;    ///< "-o", "--output": short names first
  std::string placeholder;           ///< "WHEN", "PATH", "table|csv|..."; empty for a switch
  std::string help;
  std::vector<std::string> choices;  ///< the values it accepts, where they are a fixed list
  bool required = false;
  bool takes_value() const { return !placeholder.empty(); }
};

struct CommandDoc {
  std::string name;    ///< "gpubill" at the root, then "runpod", "pods", ...
  std::string help;    ///< one line
  std::string footer;  ///< the examples and notes --help ends with
  std::vector<OptionDoc> options;  ///< its own; the root's apply to every command
  std::vector<CommandDoc> commands;
  /// A positional argument (`gpubill completion SHELL`): its name and choices.
  std::string positional;
  std::vector<std::string> positional_choices;
};

/// The whole command line of `all` (the root is "gpubill", with the global options).
CommandDoc command_tree(const std::vector<std::unique_ptr<providers::Provider>>& all);

/// gpubill(1) in man(7) roff: every command with its options, then EXIT STATUS,
/// ENVIRONMENT (each provider's variables from `all`), FILES, EXAMPLES. `docs_dir` is where
/// the installed docs are, named under FILES and SEE ALSO.
std::string man_page(const CommandDoc& root,
                     const std::vector<std::unique_ptr<providers::Provider>>& all,
                     const std::string& docs_dir);

/// `text` with each docs/x.md (the source tree's) as `docs_dir`/x.md.
std::string with_docs_dir(std::string text, const std::string& docs_dir);

/// A completion script for `shell` (bash, zsh or fish): commands, subcommands, flags and
/// their fixed values; files for PATH, folders for DIR. Throws UsageError for another shell.
std::string completion_script(const CommandDoc& root, const std::string& shell);

}  // namespace gpubill::cli
