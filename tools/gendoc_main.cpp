// gpubill-gendoc: the build's writer of gpubill(1) and the completion scripts, from the same
// command tree the binary parses with (docs/install.md). Not installed.
//   gpubill-gendoc man OUT DOCS_DIR     gpubill(1), naming DOCS_DIR as where the docs are
//   gpubill-gendoc bash|zsh|fish OUT    a completion script
#include <string>

#include "gpubill/cli/command_tree.hpp"
#include "gpubill/providers/registry.hpp"
#include "gpubill/util/atomic_file.hpp"
#include "gpubill/util/error.hpp"

#include <cstdio>

int main(int argc, char** argv) {
  using namespace gpubill;
  const std::string what = argc > 1 ? argv[1] : "";
  if (!((what == "man" && argc == 4) || (what != "man" && argc == 3))) {
    std::fputs("usage: gpubill-gendoc man OUT DOCS_DIR | bash OUT | zsh OUT | fish OUT\n", stderr);
    return 2;
  }
  try {
    const auto& all = providers::registry();
    cli::CommandDoc tree = cli::command_tree(all);
    std::string text = what == "man" ? cli::man_page(tree, all, argv[3]) : cli::completion_script(tree, what);
    util::AtomicFile out(argv[2]);
    out.write(text);
    out.commit();
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "gpubill-gendoc: %s\n", e.what());
    return static_cast<int>(e.code());
  }
}
