// The man page and the shell completions, written from the command tree (command_tree.hpp).
// Nothing here names a command or a flag: a new provider, resource or option shows up in all
// four by being added to the command line.
#include "gpubill/cli/command_tree.hpp"

#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "gpubill/util/error.hpp"
#include "gpubill/version.hpp"

namespace gpubill::cli {

namespace {

// ---- walking the tree ----

struct Node {
  std::string path;  ///< "" for the root, "runpod", "runpod pods", ...
  const CommandDoc* doc;
};

void collect(const CommandDoc& doc, const std::string& path, std::vector<Node>& out) {
  out.push_back({path, &doc});
  for (const CommandDoc& sub : doc.commands) {
    collect(sub, path.empty() ? sub.name : path + " " + sub.name, out);
  }
}

std::vector<Node> nodes_of(const CommandDoc& root) {
  std::vector<Node> out;
  collect(root, "", out);
  return out;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

// The first sentence of a help text: what a completion menu has room for.
std::string first_sentence(const std::string& help) {
  std::size_t end = help.find(". ");
  while (end != std::string::npos && end >= 3 &&
         (help.compare(end - 3, 3, "e.g") == 0 || help.compare(end - 3, 3, "i.e") == 0)) {
    end = help.find(". ", end + 2);
  }
  std::string s = end == std::string::npos ? help : help.substr(0, end);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// What a value is completed with: its choices, files, folders, WHEN's words, or nothing.
enum class ValueKind { none, words, file, dir };
struct Values {
  ValueKind kind = ValueKind::none;
  std::vector<std::string> words;
};

Values values_of(const OptionDoc& o) {
  if (!o.choices.empty()) return {ValueKind::words, o.choices};
  if (o.placeholder == "PATH" || o.placeholder == "PATH|URL") return {ValueKind::file, {}};
  if (o.placeholder == "DIR") return {ValueKind::dir, {}};
  if (o.placeholder == "WHEN") return {ValueKind::words, {"today", "yesterday", "this-month", "last-month"}};
  return {};
}

// Every flag name that takes a value, anywhere: the walkers skip the word after it. A name
// that takes a value in one command and none in another would make the walk ambiguous.
std::vector<std::string> value_flags(const std::vector<Node>& nodes) {
  std::map<std::string, bool> seen;
  for (const Node& n : nodes) {
    for (const OptionDoc& o : n.doc->options) {
      for (const std::string& name : o.names) {
        auto [it, fresh] = seen.emplace(name, o.takes_value());
        if (!fresh && it->second != o.takes_value()) {
          throw std::logic_error(name +
                                              " takes a value in one command and none in another");
        }
      }
    }
  }
  std::vector<std::string> out;
  for (const auto& [name, takes] : seen) {
    if (takes) out.push_back(name);
  }
  return out;
}

/// 'text' for bash, zsh and fish alike ('' inside becomes '\'' in bash and zsh).
std::string sq(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}
/// fish's single quotes: \ and ' escaped with a backslash.
std::string fish_sq(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

/// The `case "$1|$2"` patterns (path|flag) of every option with values, the commands' own
/// first and then the root's under any path (case takes the first match), each with its
/// values: words, or "@file" / "@dir". Shared by the bash and zsh scripts.
struct ValueCase {
  std::string pattern;
  std::vector<std::string> reply;
};
std::vector<ValueCase> value_cases(const std::vector<Node>& nodes) {
  std::vector<ValueCase> out;
  for (int pass = 0; pass < 2; ++pass) {
    for (const Node& n : nodes) {
      if ((pass == 0) == n.path.empty()) continue;
      for (const OptionDoc& o : n.doc->options) {
        Values v = values_of(o);
        if (v.kind == ValueKind::none) continue;
        ValueCase c;
        if (v.kind == ValueKind::file) c.reply = {"@file"};
        if (v.kind == ValueKind::dir) c.reply = {"@dir"};
        c.reply.insert(c.reply.end(), v.words.begin(), v.words.end());
        std::vector<std::string> keys;
        for (const std::string& name : o.names) {
          keys.push_back(n.path.empty() ? "*" + sq("|" + name) : sq(n.path + "|" + name));
        }
        c.pattern = join(keys, "|");
        out.push_back(std::move(c));
      }
    }
  }
  return out;
}

std::string header(const std::string& shell) {
  return "# " + shell + " completion for gpubill " + k_version +
         ", generated from its command tree ('gpubill completion " + shell + "').\n";
}

// ---- bash ----

std::string bash_script(const CommandDoc& root) {
  std::vector<Node> nodes = nodes_of(root);
  std::ostringstream s;
  s << header("bash");
  s << "# Install: /usr/share/bash-completion/completions/gpubill, or source it from ~/.bashrc.\n\n";
  s << "_gpubill_value_flags=" << sq(" " + join(value_flags(nodes), " ") + " ") << "\n\n";
  s << "# The commands under a command path.\n_gpubill_commands() {\n  case \"$1\" in\n";
  for (const Node& n : nodes) {
    if (n.doc->commands.empty()) continue;
    std::vector<std::string> names;
    for (const CommandDoc& c : n.doc->commands) names.push_back(c.name);
    s << "    " << sq(n.path) << ") REPLY=" << sq(join(names, " ")) << " ;;\n";
  }
  s << "    *) REPLY= ;;\n  esac\n}\n\n";
  s << "# A command's own flags and positional choices.\n_gpubill_flags() {\n  case \"$1\" in\n";
  for (const Node& n : nodes) {
    std::vector<std::string> names;
    for (const OptionDoc& o : n.doc->options) names.insert(names.end(), o.names.begin(), o.names.end());
    if (n.path.empty()) names.push_back("--help");
    if (!names.empty()) s << "    " << sq(n.path) << ") REPLY=" << sq(join(names, " ")) << " ;;\n";
  }
  s << "    *) REPLY= ;;\n  esac\n}\n_gpubill_positional() {\n  case \"$1\" in\n";
  for (const Node& n : nodes) {
    if (!n.doc->positional_choices.empty()) {
      s << "    " << sq(n.path) << ") REPLY=" << sq(join(n.doc->positional_choices, " ")) << " ;;\n";
    }
  }
  s << "    *) REPLY= ;;\n  esac\n}\n\n";
  s << "# A flag's values under a path (\"path|flag\"; the root's flags apply everywhere): "
       "words, or @file / @dir.\n_gpubill_values() {\n  case \"$1|$2\" in\n";
  for (const ValueCase& c : value_cases(nodes)) {
    s << "    " << c.pattern << ") REPLY=" << sq(join(c.reply, " ")) << " ;;\n";
  }
  s << "    *) REPLY= ;;\n  esac\n}\n\n";
  s << R"(_gpubill() {
  local cur="${COMP_WORDS[COMP_CWORD]}" path="" flag="" w i REPLY
  # The command path: the words before the cursor that name commands (a flag's value skipped).
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="${COMP_WORDS[i]}"
    if [[ $w == "=" ]]; then
      ((i++))
      continue
    fi
    if [[ $w == -* ]]; then
      if [[ $_gpubill_value_flags == *" $w "* && ${COMP_WORDS[i + 1]} != "=" ]]; then ((i++)); fi
      continue
    fi
    _gpubill_commands "$path"
    if [[ " $REPLY " == *" $w "* ]]; then path="${path:+$path }$w"; fi
  done
  # A flag's value: "--flag VALUE", or "--flag=VALUE" (which bash splits at the "=").
  if [[ $cur == "=" ]]; then
    flag="${COMP_WORDS[COMP_CWORD - 1]}"
    cur=""
  elif ((COMP_CWORD >= 2)) && [[ ${COMP_WORDS[COMP_CWORD - 1]} == "=" ]]; then
    flag="${COMP_WORDS[COMP_CWORD - 2]}"
  elif ((COMP_CWORD >= 2)) && [[ $_gpubill_value_flags == *" ${COMP_WORDS[COMP_CWORD - 1]} "* ]]; then
    flag="${COMP_WORDS[COMP_CWORD - 1]}"
  fi
  if [[ -n $flag ]]; then
    _gpubill_values "$path" "$flag"
    case "$REPLY" in
      @file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
      @dir) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
      *) COMPREPLY=($(compgen -W "$REPLY" -- "$cur")) ;;
    esac
    return 0
  fi
  if [[ $cur == -* ]]; then
    local own
    _gpubill_flags "$path"
    own="$REPLY"
    _gpubill_flags ""
    COMPREPLY=($(compgen -W "$own $REPLY" -- "$cur"))
    return 0
  fi
  _gpubill_commands "$path"
  if [[ -z $REPLY ]]; then _gpubill_positional "$path"; fi
  COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
}
complete -F _gpubill gpubill
)";
  return s.str();
}

// ---- zsh ----

// name:description, with the name's colons escaped, for _describe.
std::string described(const std::string& name, const std::string& help) {
  std::string n;
  for (char c : name) n += c == ':' ? std::string("\\:") : std::string(1, c);
  return sq(n + ":" + first_sentence(help));
}

std::string zsh_script(const CommandDoc& root) {
  std::vector<Node> nodes = nodes_of(root);
  std::ostringstream s;
  s << "#compdef gpubill\n" << header("zsh");
  s << "# Install: a folder on $fpath as _gpubill (Debian: /usr/share/zsh/vendor-completions).\n\n";
  s << "_gpubill_value_flags=(" << join([&] {
    std::vector<std::string> q;
    for (const std::string& f : value_flags(nodes)) q.push_back(sq(f));
    return q;
  }(), " ") << ")\n\n";
  s << "_gpubill_commands() {\n  case \"$1\" in\n";
  for (const Node& n : nodes) {
    if (n.doc->commands.empty()) continue;
    std::vector<std::string> items;
    for (const CommandDoc& c : n.doc->commands) items.push_back(described(c.name, c.help));
    s << "    " << sq(n.path) << ") reply=(" << join(items, " ") << ") ;;\n";
  }
  s << "    *) reply=() ;;\n  esac\n}\n\n_gpubill_flags() {\n  case \"$1\" in\n";
  for (const Node& n : nodes) {
    std::vector<std::string> items;
    for (const OptionDoc& o : n.doc->options) {
      for (const std::string& name : o.names) items.push_back(described(name, o.help));
    }
    if (n.path.empty()) items.push_back(described("--help", "Print help"));
    if (!items.empty()) s << "    " << sq(n.path) << ") reply=(" << join(items, " ") << ") ;;\n";
  }
  s << "    *) reply=() ;;\n  esac\n}\n\n_gpubill_positional() {\n  case \"$1\" in\n";
  for (const Node& n : nodes) {
    if (n.doc->positional_choices.empty()) continue;
    std::vector<std::string> q;
    for (const std::string& c : n.doc->positional_choices) q.push_back(sq(c));
    s << "    " << sq(n.path) << ") reply=(" << join(q, " ") << ") ;;\n";
  }
  s << "    *) reply=() ;;\n  esac\n}\n\n_gpubill_values() {\n  case \"$1|$2\" in\n";
  for (const ValueCase& c : value_cases(nodes)) {
    std::vector<std::string> reply;
    for (const std::string& w : c.reply) reply.push_back(sq(w));
    s << "    (" << c.pattern << ") reply=(" << join(reply, " ") << ") ;;\n";
  }
  s << "    *) reply=() ;;\n  esac\n}\n\n";
  s << R"(_gpubill() {
  local cmdpath="" flag="" w cur="${words[CURRENT]}" i
  local -a reply own
  for ((i = 2; i < CURRENT; i++)); do
    w="${words[i]}"
    if [[ $w == -* ]]; then
      if [[ $w != *=* && ${_gpubill_value_flags[(Ie)$w]} -gt 0 ]]; then ((i++)); fi
      continue
    fi
    _gpubill_commands "$cmdpath"
    if ((${reply[(I)${w}:*]})); then cmdpath="${cmdpath:+$cmdpath }$w"; fi
  done
  if [[ $cur == -*=* ]]; then
    flag="${cur%%=*}"
    compset -P '*='
  elif ((CURRENT > 2)) && ((${_gpubill_value_flags[(Ie)${words[CURRENT-1]}]})); then
    flag="${words[CURRENT-1]}"
  fi
  if [[ -n $flag ]]; then
    _gpubill_values "$cmdpath" "$flag"
    case "${reply[1]}" in
      @file) _files ;;
      @dir) _files -/ ;;
      *) ((${#reply})) && compadd -a reply ;;
    esac
    return
  fi
  if [[ $cur == -* ]]; then
    _gpubill_flags "$cmdpath"
    own=("${reply[@]}")
    [[ -n $cmdpath ]] && { _gpubill_flags ""; own+=("${reply[@]}"); }
    _describe -t options 'gpubill option' own
    return
  fi
  _gpubill_commands "$cmdpath"
  if ((${#reply})); then
    _describe -t commands 'gpubill command' reply
  else
    _gpubill_positional "$cmdpath"
    ((${#reply})) && compadd -a reply
  fi
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _gpubill "$@"
else
  compdef _gpubill gpubill
fi
)";
  return s.str();
}

// ---- fish ----

std::string fish_script(const CommandDoc& root) {
  std::vector<Node> nodes = nodes_of(root);
  std::ostringstream s;
  s << header("fish");
  s << "# Install: ~/.config/fish/completions/gpubill.fish (Debian: "
       "/usr/share/fish/vendor_completions.d).\n\n";
  std::vector<std::string> flags;
  for (const std::string& f : value_flags(nodes)) flags.push_back(fish_sq(f));
  std::vector<std::string> paths;
  for (const Node& n : nodes) {
    if (!n.path.empty()) paths.push_back(fish_sq(n.path));
  }
  s << "set -g __gpubill_value_flags " << join(flags, " ") << "\n";
  s << "set -g __gpubill_paths " << join(paths, " ") << "\n\n";
  s << R"(# The command path of the words before the cursor (a flag's value skipped).
function __gpubill_path
    set -l path
    set -l skip 0
    for w in (commandline -opc)[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case '-*=*'
                continue
            case '-*'
                contains -- $w $__gpubill_value_flags; and set skip 1
                continue
        end
        set -l next (string trim -- "$path $w")
        contains -- $next $__gpubill_paths; and set path $next
    end
    echo $path
end

function __gpubill_at
    test (__gpubill_path) = "$argv[1]"
end

complete -c gpubill -f
)";
  for (const Node& n : nodes) {
    const std::string at = "__gpubill_at " + fish_sq(n.path);
    for (const CommandDoc& c : n.doc->commands) {
      s << "complete -c gpubill -n " << fish_sq(at) << " -a " << fish_sq(c.name) << " -d "
        << fish_sq(first_sentence(c.help)) << "\n";
    }
    if (!n.doc->positional_choices.empty()) {
      s << "complete -c gpubill -n " << fish_sq(at) << " -a "
        << fish_sq(join(n.doc->positional_choices, " ")) << "\n";
    }
    for (const OptionDoc& o : n.doc->options) {
      s << "complete -c gpubill";
      if (!n.path.empty()) s << " -n " << fish_sq(at);
      for (const std::string& name : o.names) {
        s << (name.rfind("--", 0) == 0 ? " -l " + name.substr(2) : " -s " + name.substr(1));
      }
      Values v = values_of(o);
      if (v.kind == ValueKind::file) s << " -r -F";
      if (v.kind == ValueKind::dir) s << " -x -a '(__fish_complete_directories)'";
      if (v.kind == ValueKind::words) s << " -x -a " << fish_sq(join(v.words, " "));
      if (v.kind == ValueKind::none && o.takes_value()) s << " -x";
      s << " -d " << fish_sq(first_sentence(o.help)) << "\n";
    }
  }
  return s.str();
}

// ---- the man page ----

// One roff text line: backslashes escaped, a leading . or ' made literal.
std::string roff_line(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '\\' ? std::string("\\e") : std::string(1, c);
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}
// Filled text as roff lines of at most 80 bytes (a newline in filled text reads as a space).
std::string roff(const std::string& text) {
  std::string out;
  std::string line;
  std::istringstream words(text);
  std::string word;
  while (words >> word) {
    if (!line.empty() && line.size() + 1 + word.size() > 78) {
      out += roff_line(line) + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  out += roff_line(line);
  return out;
}
// An example line of at most 80 bytes: longer ones broken as a shell reads them, "\".
std::string roff_example(const std::string& text) {
  std::string out;
  std::string rest = text;
  while (rest.size() > 76) {
    std::size_t cut = rest.rfind(' ', 74);
    if (cut == std::string::npos || cut == 0) break;
    out += roff_line(rest.substr(0, cut)) + " \\e\n";
    rest = "    " + rest.substr(cut + 1);
  }
  return out + roff_line(rest);
}
// A flag or a command as roff wants it: each - as \-.
std::string roff_name(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '-' ? std::string("\\-") : c == '\\' ? std::string("\\e") : std::string(1, c);
  return out;
}

}  // namespace

std::string with_docs_dir(std::string text, const std::string& docs_dir) {
  for (std::size_t at = text.find("docs/"); at != std::string::npos; at = text.find("docs/", at)) {
    bool word_start = at == 0 || text[at - 1] == ' ' || text[at - 1] == '(' || text[at - 1] == '\n';
    if (!word_start) {
      at += 5;
      continue;
    }
    text.replace(at, 5, docs_dir + "/");
    at += docs_dir.size() + 1;
  }
  return text;
}

namespace {

// A footer: its notes as paragraphs, its example lines as an example block.
void footer_roff(std::ostringstream& s, const std::string& footer, const std::string& docs_dir) {
  std::istringstream lines(with_docs_dir(footer, docs_dir));
  std::string line;
  bool in_example = false;
  std::string paragraph;
  auto flush = [&] {
    if (!paragraph.empty()) s << ".PP\n" << roff(paragraph) << "\n";
    paragraph.clear();
  };
  while (std::getline(lines, line)) {
    bool example = line.rfind("  ", 0) == 0;
    if (example && !in_example) {
      flush();
      s << ".PP\n.EX\n";
      in_example = true;
    }
    if (!example && in_example) {
      s << ".EE\n";
      in_example = false;
    }
    if (example) {
      s << roff_example(line.substr(2)) << "\n";
    } else if (line.empty()) {
      flush();
    } else if (line != "Example:" && line != "Examples:") {
      paragraph += (paragraph.empty() ? "" : " ") + line;
    }
  }
  if (in_example) s << ".EE\n";
  flush();
}

void options_roff(std::ostringstream& s, const std::vector<OptionDoc>& options) {
  for (const OptionDoc& o : options) {
    s << ".TP\n";
    std::string names;
    for (const std::string& n : o.names) names += (names.empty() ? "" : ", ") + std::string("\\fB") + roff_name(n) + "\\fP";
    if (o.takes_value()) names += " \\fI" + roff(o.placeholder) + "\\fP";
    std::string help = o.help;
    if (!o.choices.empty() && o.placeholder.find('|') == std::string::npos) {
      help += " (one of: " + join(o.choices, ", ") + ")";
    }
    if (o.required) help += " (required)";
    s << names << "\n" << roff(help) << "\n";
  }
}

}  // namespace

std::string completion_script(const CommandDoc& root, const std::string& shell) {
  if (shell == "bash") return bash_script(root);
  if (shell == "zsh") return zsh_script(root);
  if (shell == "fish") return fish_script(root);
  throw UsageError("unknown shell '" + shell + "': use bash, zsh or fish");
}

std::string man_page(const CommandDoc& root,
                     const std::vector<std::unique_ptr<providers::Provider>>& all,
                     const std::string& docs_dir) {
  std::ostringstream s;
  // A tagged paragraph: `tag` in bold (or italic), `text` wrapped.
  auto item = [&s](const std::string& tag, const std::string& text, const char* font = "B") {
    s << ".TP\n." << font << " " << roff_line(tag) << "\n" << roff(text) << "\n";
  };
  s << ".\\\" gpubill(1), generated from gpubill's command tree: edit src/cli/, not this file.\n";
  s << ".TH GPUBILL 1 " << k_release_date << " \"gpubill " << k_version << "\" \"User Commands\"\n";
  s << ".SH NAME\ngpubill \\- what rented GPUs cost, across clouds\n";
  s << ".SH SYNOPSIS\n.B gpubill\n.I command\n.RI [ subcommand ]\n.RI [ options ]\n";
  s << ".SH DESCRIPTION\n"
    << roff("gpubill calls the billing APIs of GPU clouds, turns every answer into one kind of "
            "cost record (exact decimal amounts, UTC half-open periods, each provider's own "
            "currency) and prints them as a table for people, CSV for cron, JSON or NDJSON for "
            "jq, or FOCUS for FinOps tools. It can also keep every record in a ledger (SQLite, "
            "or PostgreSQL for a team), so that history outlives the providers' windows and "
            "reports run offline.")
    << "\n.PP\nThe providers:\n";
  for (const auto& p : all) item(p->info().name, p->info().help);
  s << ".PP\nGlobal options (see\n.B GLOBAL OPTIONS\nbelow) may come before or after the command.\n";
  s << ".SH COMMANDS\n";
  for (const Node& n : nodes_of(root)) {
    if (n.path.empty()) continue;
    std::string usage = "gpubill " + n.path;
    if (!n.doc->commands.empty()) usage += " COMMAND";
    if (!n.doc->positional.empty()) usage += " " + n.doc->positional;
    s << ".SS \"" << roff_name(usage) << "\"\n" << roff(n.doc->help) << "\n";
    options_roff(s, n.doc->options);
    footer_roff(s, n.doc->footer, docs_dir);
  }
  s << ".SH GLOBAL OPTIONS\n";
  options_roff(s, root.options);
  s << ".TP\n\\fB\\-h\\fP, \\fB\\-\\-help\\fP\nPrint the help of the command it follows.\n";
  s << ".SH EXIT STATUS\n";
  item("0", "Success.");
  item("1", "A provider, network or output error: a malformed answer, a refused write, a full disk.");
  item("2", "A usage error: an unknown command or flag, a bad value.");
  item("3", "Credentials missing or rejected.");
  item("4", "A partial result: some providers answered, the others are named on stderr.");
  s << ".PP\n" << roff("Every failure is one line on stderr, naming the provider, what failed and what to do.") << "\n";
  s << ".SH ENVIRONMENT\n";
  for (const auto& p : all) {
    const providers::ProviderInfo& info = p->info();
    item(info.key_env, "The " + info.name + " API key (else the config file's).");
    item(info.url_env, "The " + info.name + " API's base URL (default " + info.default_base_url + ").");
    for (const providers::ExtraSetting& e : info.extra_settings) {
      if (e.env.empty()) continue;
      item(e.env, "The " + info.name + " setting " + e.key + " (the config file's [" + info.name +
                      "] " + e.key + "; default " + (e.default_value.empty() ? "none" : e.default_value) + ").");
    }
  }
  item("GPUBILL_LEDGER", "The ledger (an SQLite file or a postgresql:// URL), unless --ledger is given.");
  item("GPUBILL_LEDGER_TIMEOUT", "Seconds a ledger writer waits for another's lock (default 30).");
  item("GPUBILL_NOW", "Pins gpubill's clock (tests and reproducible runs).");
  item("XDG_CONFIG_HOME", "Where the config file is looked for (default ~/.config).");
  item("XDG_DATA_HOME", "Where the default ledger is (default ~/.local/share).");
  item("NO_COLOR", "Set: no colour.");
  item("COLUMNS", "The width tables and help are fitted to on a terminal.");
  s << ".SH FILES\n";
  item("$XDG_CONFIG_HOME/gpubill/config.toml",
       "The config file: keys (or a command that prints one), base URLs, the ledger. "
       "'gpubill config init' writes an example.", "I");
  item("$XDG_DATA_HOME/gpubill/ledger.db", "The default ledger, created by the first 'gpubill sync'.", "I");
  item(docs_dir, "The documentation: cli.md, report.md, ledger.md, focus.md, output-formats.md, "
                 "the providers' notes, and examples/config.toml.", "I");
  s << ".SH EXAMPLES\n";
  std::ostringstream examples;
  footer_roff(examples, root.footer.substr(0, root.footer.find("\n\n")), docs_dir);
  std::string e = examples.str();
  s << (e.rfind(".PP\n", 0) == 0 ? e.substr(4) : e);  // no paragraph break right after .SH
  s << ".SH SEE ALSO\n.BR jq (1),\n.BR sqlite3 (1),\n.BR psql (1)\n";
  return s.str();
}

}  // namespace gpubill::cli
