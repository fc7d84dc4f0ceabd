#include "cli/mistakes.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include <CLI/CLI.hpp>

#include "gpubill/util/error.hpp"
#include "gpubill/util/text.hpp"

namespace gpubill::cli {

namespace {

// "gpubill runpod pods": the command path of `app`.
std::string path_of(const CLI::App* app) {
  std::string path;
  for (const CLI::App* a = app; a != nullptr; a = a->get_parent()) {
    path = path.empty() ? a->get_name() : a->get_name() + " " + path;
  }
  return path;
}

std::string see_help(const CLI::App* app) { return "(see '" + path_of(app) + " --help')"; }

std::vector<const CLI::App*> subcommands_of(const CLI::App* app) {
  return app->get_subcommands([](const CLI::App*) { return true; });
}

// Whether the option must be followed by a value (flags, --version and --help need none).
bool takes_value(const CLI::Option* o) { return o->get_items_expected_min() > 0; }

// The option `--name` (or `-c`) that `app` accepts: its own, or an ancestor's (fallthrough).
const CLI::Option* find_option(const CLI::App* app, const std::string& name, bool is_long) {
  for (const CLI::App* a = app; a != nullptr; a = a->get_parent()) {
    for (const CLI::Option* o : a->get_options()) {
      const std::vector<std::string>& names = is_long ? o->get_lnames() : o->get_snames();
      if (std::find(names.begin(), names.end(), name) != names.end()) return o;
    }
  }
  return nullptr;
}

// Every command below `app` (itself included) that has a `--name` of its own.
void owners_of(const CLI::App* app, const std::string& name, std::vector<const CLI::App*>& out) {
  for (const CLI::Option* o : app->get_options()) {
    const std::vector<std::string>& names = o->get_lnames();
    if (std::find(names.begin(), names.end(), name) != names.end()) out.push_back(app);
  }
  for (const CLI::App* sub : subcommands_of(app)) owners_of(sub, name, out);
}

[[noreturn]] void unknown_flag(const CLI::App* root, const CLI::App* app, const std::string& name) {
  std::vector<std::string> in_scope;
  for (const CLI::App* a = app; a != nullptr; a = a->get_parent()) {
    for (const CLI::Option* o : a->get_options()) {
      for (const std::string& l : o->get_lnames()) in_scope.push_back(l);
    }
  }
  std::string near = util::nearest(name, in_scope);
  if (!near.empty()) {
    throw UsageError("unknown flag --" + name + " for '" + path_of(app) + "': did you mean --" +
                     near + "? " + see_help(app));
  }
  std::vector<const CLI::App*> owners;
  owners_of(root, name, owners);
  if (!owners.empty()) {
    // 'a', 'b' and 'c'; or 'a', 'b', 'c' and 3 more
    std::size_t shown = owners.size() > 3 ? 3 : owners.size();
    std::string where;
    for (std::size_t i = 0; i < shown; ++i) {
      bool last = i + 1 == shown && shown == owners.size();
      where += (i == 0 ? "" : last ? " and " : ", ") + ("'" + path_of(owners[i]) + "'");
    }
    if (owners.size() > shown) where += " and " + std::to_string(owners.size() - shown) + " more";
    throw UsageError("--" + name + " is a flag of " + where + ", not of '" + path_of(app) +
                     "' " + see_help(app));
  }
  throw UsageError("unknown flag --" + name + " for '" + path_of(app) + "' " + see_help(app));
}

// `value` as the option's list spells it, or a usage error naming the list.
std::string checked_choice(const CLI::App* app, const std::string& flag,
                           const std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) != list.end()) return value;
  std::optional<std::string> folded;
  int matches = 0;
  for (const std::string& c : list) {
    if (util::ascii_iequals(c, value)) {
      folded = c;
      ++matches;
    }
  }
  if (matches == 1) return *folded;  // `-o CSV`: one choice in any case
  std::string all;
  for (const std::string& c : list) all += (all.empty() ? "" : ", ") + c;
  std::string near = util::nearest(value, list);
  throw UsageError(flag + ": '" + value + "' is not one of " + all +
                   (near.empty() ? "" : "; did you mean '" + near + "'?") + " " + see_help(app));
}

// What an option's value is, as its help names it: WHEN, N, PATH, or its list of choices.
std::string value_name(const CLI::Option* o, const ChoiceLists& choices) {
  auto it = choices.find(o);
  if (it != choices.end()) {
    std::string all;
    for (const std::string& c : it->second) all += (all.empty() ? "" : ", ") + c;
    return "a value: one of " + all;
  }
  std::string t = o->get_type_name();
  // CLI11 appends its validators' descriptions (IsMember's ":{...}", Range's ":FLOAT in
  // [a - b]"); a placeholder may hold a ':' of its own, never a space (TYPE:FIELD=V1,V2).
  for (std::size_t at = t.find(':'); at != std::string::npos; at = t.find(':', at + 1)) {
    if (at + 1 < t.size() && (t[at + 1] == '{' || t[at + 1] == '[' ||
                              t.find(' ', at) != std::string::npos)) {
      t.resize(at);
      break;
    }
  }
  return t.empty() ? "a value" : t;
}

}  // namespace

std::vector<std::string> check_arguments(const CLI::App& root, const ChoiceLists& choices,
                                         std::vector<std::string> args) {
  // `gpubill help [CMD...]` is `gpubill [CMD...] --help`; `gpubill version` is --version.
  if (!args.empty() && args[0] == "help") {
    args.erase(args.begin());
    args.push_back("--help");
  } else if (args.size() == 1 && args[0] == "version") {
    args[0] = "--version";
  }
  const CLI::App* app = &root;
  std::size_t positional_seen = 0;  // of the command reached so far
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string& a = args[i];
    if (a == "--") break;
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      std::size_t eq = a.find('=');
      std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      if (name == "help") return args;  // whatever follows: help is asked for
      const CLI::Option* o = find_option(app, name, true);
      if (o == nullptr) unknown_flag(&root, app, name);
      if (!takes_value(o)) continue;
      if (eq != std::string::npos) {
        std::string v = a.substr(eq + 1);
        auto it = choices.find(o);
        if (it != choices.end()) a = "--" + name + "=" + checked_choice(app, "--" + name, it->second, v);
        continue;
      }
      if (i + 1 >= args.size()) {
        throw UsageError("--" + name + " needs " + value_name(o, choices) + " " + see_help(app));
      }
      ++i;
      auto it = choices.find(o);
      if (it != choices.end()) args[i] = checked_choice(app, "--" + name, it->second, args[i]);
      continue;
    }
    if (a.size() > 1 && a[0] == '-' && !std::isdigit(static_cast<unsigned char>(a[1]))) {
      // -v, -vv, -q, -o csv, -ocsv
      for (std::size_t k = 1; k < a.size(); ++k) {
        std::string c(1, a[k]);
        if (c == "h") return args;
        const CLI::Option* o = find_option(app, c, false);
        if (o == nullptr) {
          throw UsageError("unknown flag -" + c + " for '" + path_of(app) + "' " + see_help(app));
        }
        if (!takes_value(o)) continue;
        auto it = choices.find(o);
        if (k + 1 < a.size()) {
          if (it != choices.end()) {
            a = a.substr(0, k + 1) + checked_choice(app, "-" + c, it->second, a.substr(k + 1));
          }
        } else if (i + 1 >= args.size()) {
          throw UsageError("-" + c + " needs " + value_name(o, choices) + " " + see_help(app));
        } else {
          ++i;
          if (it != choices.end()) args[i] = checked_choice(app, "-" + c, it->second, args[i]);
        }
        break;
      }
      continue;
    }
    std::vector<const CLI::App*> subs = subcommands_of(app);
    auto sub = std::find_if(subs.begin(), subs.end(),
                            [&](const CLI::App* s) { return s->get_name() == a; });
    if (sub != subs.end()) {
      app = *sub;
      positional_seen = 0;
      continue;
    }
    if (subs.empty()) {
      // A command's own positional arguments (`completion SHELL`), each once, in order.
      std::vector<const CLI::Option*> positionals =
          app->get_options([](const CLI::Option* o) { return o->get_positional(); });
      if (positional_seen < positionals.size()) {
        const CLI::Option* p = positionals[positional_seen++];
        auto it = choices.find(p);
        if (it != choices.end()) {
          std::string what = p->get_type_name().substr(0, p->get_type_name().find(':'));
          for (char& c : what) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          if (std::find(it->second.begin(), it->second.end(), a) == it->second.end()) {
            std::string all;
            for (const std::string& c : it->second) all += (all.empty() ? "" : ", ") + c;
            throw UsageError("unknown " + what + " '" + a + "' for '" + path_of(app) + "': use " +
                             all + " " + see_help(app));
          }
        }
        continue;
      }
      throw UsageError("unexpected argument '" + a + "' for '" + path_of(app) + "' " +
                       see_help(app));
    }
    std::vector<std::string> names;
    for (const CLI::App* s : subs) names.push_back(s->get_name());
    std::string near = util::nearest(a, names);
    std::string here = path_of(app) == root.get_name() ? "" : path_of(app).substr(root.get_name().size() + 1) + " ";
    if (!near.empty()) {
      throw UsageError("unknown command '" + here + a + "': did you mean '" + here + near + "'? " +
                       see_help(app));
    }
    std::string all;
    for (const std::string& n : names) all += (all.empty() ? "" : ", ") + n;
    throw UsageError("unknown command '" + here + a + "': use one of " + all + " " + see_help(app));
  }
  // A command's required positional argument, missing: name what it takes.
  if (std::find(args.begin(), args.end(), "--version") == args.end()) {
    std::vector<const CLI::Option*> positionals =
        app->get_options([](const CLI::Option* o) { return o->get_positional() && o->get_required(); });
    if (positional_seen < positionals.size()) {
      const CLI::Option* p = positionals[positional_seen];
      std::string list;
      auto it = choices.find(p);
      if (it != choices.end()) {
        for (const std::string& c : it->second) list += (list.empty() ? ": " : ", ") + c;
      }
      throw UsageError("'" + path_of(app) + "' needs a " +
                       p->get_type_name().substr(0, p->get_type_name().find(':')) + list + " " +
                       see_help(app));
    }
  }
  // A command that needs one of its own was given none: name them.
  if (app->get_require_subcommand_min() > 0) {
    bool version = std::find(args.begin(), args.end(), "--version") != args.end() ||
                   std::find(args.begin(), args.end(), "-V") != args.end();
    if (!version) {
      std::string all;
      for (const CLI::App* s : subcommands_of(app)) all += (all.empty() ? "" : ", ") + s->get_name();
      throw UsageError("'" + path_of(app) + "' needs a command: " + all + " " + see_help(app));
    }
  }
  return args;
}

}  // namespace gpubill::cli
