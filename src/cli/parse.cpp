// argv -> Invocation with CLI11. Providers' resources and filters come from their
// ResourceSpecs, so this file knows no provider by name.
#include <filesystem>
#include <sstream>

#include <unistd.h>

#include <cstdlib>

#include <CLI/CLI.hpp>

#include "cli/mistakes.hpp"
#include "gpubill/aggregate/aggregate.hpp"
#include "gpubill/aggregate/fx.hpp"
#include "gpubill/cli/command_tree.hpp"
#include "gpubill/cli/fx_option.hpp"
#include "gpubill/cli/run.hpp"
#include "gpubill/transport/curl_transport.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/text.hpp"
#include "gpubill/version.hpp"

namespace gpubill::cli {

namespace {

const char* k_root_footer = R"(Examples:
  gpubill runpod pods --bucket day
  gpubill runpod pods --start 2026-10 -o csv --out-file oct.csv
  gpubill runpod endpoints --datacenter EU-RO-1 -o json | jq '.totals'
  gpubill providers

WHEN is 2026-11-01, 2026-11-01T06:00:00Z, 2026-11, today, yesterday, this-month,
last-month or Nd (N days ago). Periods are UTC and half-open: --end is excluded.

Keys come from the environment (RUNPOD_API_KEY, ...) or the config file.
Exit codes: 0 ok, 1 provider/network/output error, 2 usage error, 3 credentials,
4 partial result. Docs: docs/cli.md)";

void add_global_options(CLI::App& app, GlobalOptions& g, ChoiceLists& choices) {
  CLI::Option* output = app.add_option("-o,--output", g.output,
                                       "Output format: table, csv, json, ndjson, or focus (FOCUS "
                                       "cost and usage CSV, for FinOps tools; docs/focus.md)")
      ->check(CLI::IsMember({"table", "csv", "json", "ndjson", "focus"}))
      ->type_name("table|csv|json|ndjson|focus")
      ->default_str("table");
  choices[output] = {"table", "csv", "json", "ndjson", "focus"};
  CLI::Option* focus_version = app.add_option("--focus-version", g.focus_version,
                                              "With -o focus: the FOCUS version, 1.2 (default) or "
                                              "1.3 (adds ServiceProviderName, HostProviderName)")
      ->check(CLI::IsMember({"1.2", "1.3"}))
      ->type_name("1.2|1.3");
  choices[focus_version] = {"1.2", "1.3"};
  app.add_option("--out-file", g.out_file,
                 "Write to PATH instead of stdout, atomically (all or nothing)")
      ->type_name("PATH")
      ->each([](const std::string& v) {
        // An empty value is a mistake (an unset variable in a script), never "stdout".
        if (v.empty()) throw UsageError("--out-file \"\": give a file name (or leave --out-file out for stdout)");
      });
  app.add_option("--start", g.start, "Start of the period (inclusive)")->type_name("WHEN");
  app.add_option("--end", g.end, "End of the period (exclusive)")->type_name("WHEN");
  app.add_option("--config", g.config_path,
                 "Config file (default $XDG_CONFIG_HOME/gpubill/config.toml)")
      ->type_name("PATH");
  app.add_option("--timeout", g.timeout_seconds, "Seconds allowed per request (default 30)")
      ->check(CLI::Range(0.1, 3600.0))
      ->type_name("SECONDS");
  app.add_option("--retries", g.retries, "Retries per request on 429/5xx/network errors (default 3)")
      ->check(CLI::Range(0, 10))
      ->type_name("N");
  app.add_option("--parallel", g.parallel,
                 "Requests in flight at once for windowed or paged APIs (default 4; never more "
                 "than a provider allows)")
      ->check(CLI::Range(1, 16))
      ->type_name("N");
  app.add_option("--fx", g.fx,
                 "Convert amounts into one currency: the first --fx names it, the others give "
                 "rates, e.g. --fx USD --fx EUR=1.08 (1 EUR = 1.08 USD)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->delimiter(',')
      ->type_name("CUR|CUR=RATE");
  app.add_option("--max-time", g.max_time_seconds,
                 "Stop after SECONDS in all (requests, retries and waits), with an error; "
                 "default: no limit")
      ->check(CLI::Range(1.0, 86400.0))
      ->type_name("SECONDS");
  app.add_option("--max-response-mb", g.max_response_mb,
                 "Refuse a provider answer larger than N MiB (default 512)")
      ->check(CLI::Range(1, 4096))
      ->type_name("N");
  app.add_option("--ledger", g.ledger,
                 "The ledger: an SQLite file or a postgresql:// URL (default $GPUBILL_LEDGER, "
                 "[ledger] url in the config, else $XDG_DATA_HOME/gpubill/ledger.db)")
      ->type_name("PATH|URL");
  app.add_flag("-v,--verbose", g.verbose, "Log requests and timings to stderr (-vv for more)");
  app.add_flag("-q,--quiet", g.quiet, "Only errors on stderr");
  app.add_flag("--raw-csv", g.raw_csv,
               "CSV: keep text cells that start with = + - @ as they are (by default they get a "
               "leading ' so spreadsheets do not run them)");
  app.add_flag("--no-color", g.no_color, "No colour (also: NO_COLOR, or stdout not a terminal)");
  app.add_flag("--wide", g.wide,
               "Table: every column at full width (on a terminal the table is fitted to its "
               "width; a pipe or --out-file always gets it whole)");
}

// gpubill 0.1.0 (commit 1a2b3c4d5e6f, RelWithDebInfo build)
// libcurl 7.88.1 (OpenSSL/3.0.19)
std::string version_text() {
  std::string text = std::string("gpubill ") + k_version + " (commit " + k_commit + ", " +
                     (std::string(k_build_type).empty() ? "default" : k_build_type) + " build)";
  try {
    text += "\n" + transport::libcurl_version();
  } catch (const Error& e) {
    text += "\nlibcurl: not loadable; gpubill cannot reach providers: " + std::string(e.what());
  }
  return text;
}

// The width help is wrapped to: the terminal's when stdout is one (at least 60), else 80.
std::size_t help_width() {
  const char* columns = std::getenv("COLUMNS");
  std::size_t width = util::terminal_width(STDOUT_FILENO, columns ? std::optional<std::string>(columns)
                                                                  : std::nullopt);
  return width == 0 ? 80 : std::max<std::size_t>(width, 60);
}

// The installed docs (BINDIR/../share/doc/gpubill, holding cli.md), or "" (a build tree, or
// docs left out of the install, as Debian's path-exclude for /usr/share/doc may do).
std::string installed_docs_dir() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  std::filesystem::path dir = (exe.parent_path() / k_docdir_from_bindir).lexically_normal();
  if (!std::filesystem::is_regular_file(dir / "cli.md", ec)) return "";
  return dir.string();
}

// Help for people: each placeholder once (WHEN, N, PATH, a|b|c; not CLI11's validator text
// after it), descriptions wrapped to the width, and a command's help listing the global
// options that apply to it too.
/// Option -> the name --help shows after it, where that is not its type name.
using Placeholders = std::map<const CLI::Option*, std::string>;

// An option's type name, without the validators' descriptions CLI11 appends after a ':'.
std::string type_name_of(const CLI::Option* opt) {
  std::string name = opt->get_type_name();
  return name.substr(0, name.find(':'));
}
// The name after the flag: WHEN, N, PATH, a|b|c; a long list of choices is VALUE. --help and
// the command tree (man page, completions) both say it so.
std::string placeholder_of(const CLI::Option* opt, const Placeholders& placeholders) {
  auto own = placeholders.find(opt);
  if (own != placeholders.end()) return own->second;
  std::string name = type_name_of(opt);
  return name.size() > 36 ? "VALUE" : name;
}

class HelpFormatter final : public CLI::Formatter {
 public:
  /// `placeholders`: the options whose placeholder is not their type name (filled as the
  /// resources' options are added, so shared).
  HelpFormatter(std::size_t width, std::shared_ptr<const Placeholders> placeholders)
      : m_width(std::max<std::size_t>(width, 60)),
        m_placeholders(std::move(placeholders)),
        m_docs_dir(installed_docs_dir()) {
    column_width(30);
  }

  std::string make_option_opts(const CLI::Option* opt) const override {
    if (opt->get_type_size() == 0) return "";
    std::string name = placeholder(opt);
    std::string out = name.empty() ? "" : " " + name;
    if (opt->get_expected_max() == CLI::detail::expected_max_vector_size) out += " ...";
    return out;
  }

  std::string make_option_desc(const CLI::Option* opt) const override {
    std::string desc = opt->get_description();
    std::string name = type_name(opt);
    if (name.find('|') != std::string::npos && name != placeholder(opt)) {
      // a list too long to be the placeholder, or one with a name of its own: said once, here
      std::string list;
      for (char c : name) list += c == '|' ? std::string(", ") : std::string(1, c);
      desc += " (one of: " + list + ")";
    }
    return wrap(desc, m_width - get_column_width());
  }

  std::string make_description(const CLI::App* app) const override {
    std::string d = CLI::Formatter::make_description(app);
    if (d.empty()) return d;
    return wrap(d.substr(0, d.find_last_not_of('\n') + 1), m_width) + "\n";
  }

  std::string make_footer(const CLI::App* app) const override {
    std::string footer = CLI::Formatter::make_footer(app);
    if (!m_docs_dir.empty()) {
      // Installed: docs/x.md is the installed copy, and the man page comes first.
      footer = with_docs_dir(footer, m_docs_dir);
      std::size_t at = footer.find("Docs: ");
      if (at != std::string::npos) footer.insert(at + 6, "man gpubill, ");
    }
    std::string out;
    std::istringstream lines(footer);
    std::string line;
    while (std::getline(lines, line)) {
      if (util::display_width(line) <= m_width) {
        out += line + "\n";
      } else if (line.rfind("  gpubill ", 0) == 0) {
        // An example: broken as a shell would read it, with a backslash.
        out += "  " + util::wrap_words(line.substr(2), m_width - 4, " \\\n      ") + "\n";
      } else {
        out += wrap(line, m_width) + "\n";
      }
    }
    return out;
  }

  std::string make_subcommand(const CLI::App* sub) const override {
    std::ostringstream out;
    CLI::detail::format_help(out, sub->get_display_name(true),
                             wrap(sub->get_description(), m_width - get_column_width()),
                             get_column_width());
    return out.str();
  }

  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
    std::string text = CLI::Formatter::make_help(app, name, mode);
    const CLI::App* root = app;
    while (root->get_parent() != nullptr) root = root->get_parent();
    if (root == app || mode == CLI::AppFormatMode::Sub) return text;
    // The global options, before the footer: they apply here as much as at the top.
    std::vector<const CLI::Option*> globals = root->get_options([](const CLI::Option* o) {
      return o->get_name() != "--help" && o->get_lnames() != std::vector<std::string>{"version"};
    });
    std::string group = make_group("Global options", false, globals);
    std::string footer = "\n" + make_footer(app);
    std::size_t at = footer.size() > 1 ? text.rfind(footer) : std::string::npos;
    if (at == std::string::npos) return text + group;
    return text.substr(0, at) + group + text.substr(at);
  }

 private:
  static std::string type_name(const CLI::Option* opt) { return type_name_of(opt); }
  std::string placeholder(const CLI::Option* opt) const { return placeholder_of(opt, *m_placeholders); }
  static std::string wrap(const std::string& text, std::size_t width) {
    return util::wrap_words(text, width);
  }

  std::size_t m_width;
  std::shared_ptr<const Placeholders> m_placeholders;
  std::string m_docs_dir;  ///< the installed docs, or empty (a build tree)
};

// --from-ledger and --as-of: on every command that shows cost records (docs/ledger.md).
void add_ledger_reads(CLI::App& cmd, GlobalOptions& g) {
  cmd.add_flag("--from-ledger", g.from_ledger,
               "Read the records from the ledger ('gpubill sync' stores them), not the API");
  cmd.add_option("--as-of", g.as_of,
                 "With the ledger: the records as they were stored at WHEN (restatements "
                 "after it left out); implies --from-ledger")
      ->type_name("WHEN");
}

std::string help_text(const CLI::App& app, const CLI::Error& e) {
  std::ostringstream out;
  std::ostringstream err;
  app.exit(e, out, err);
  return out.str();
}

}  // namespace

namespace {

// The command tree as --help shows it (command_tree()): names, placeholders, choices.
CommandDoc describe(const CLI::App& app, const ChoiceLists& choices, const Placeholders& placeholders) {
  CommandDoc doc;
  doc.name = app.get_name();
  doc.help = app.get_description();
  doc.footer = app.get_footer();
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_name() == "--help") continue;
    if (o->get_positional()) {
      doc.positional = type_name_of(o);
      auto c = choices.find(o);
      if (c != choices.end()) doc.positional_choices = c->second;
      continue;
    }
    OptionDoc od;
    for (const std::string& s : o->get_snames()) od.names.push_back("-" + s);
    for (const std::string& l : o->get_lnames()) od.names.push_back("--" + l);
    od.help = o->get_description();
    if (o->get_type_size() != 0) od.placeholder = placeholder_of(o, placeholders);
    auto c = choices.find(o);
    if (c != choices.end()) od.choices = c->second;
    od.required = o->get_required();
    doc.options.push_back(std::move(od));
  }
  for (const CLI::App* sub : app.get_subcommands({})) doc.commands.push_back(describe(*sub, choices, placeholders));
  return doc;
}

// parse(), or with `tree`: the command tree, built by the very code that parses.
Invocation parse_or_describe(const std::vector<std::string>& args,
                             const std::vector<std::unique_ptr<providers::Provider>>& all,
                             CommandDoc* tree) {
  Invocation inv;
  CLI::App app{"gpubill: what your rented GPUs cost, across clouds", "gpubill"};
  auto placeholders = std::make_shared<Placeholders>();
  app.formatter(std::make_shared<HelpFormatter>(help_width(), placeholders));  // before any subcommand
  app.set_version_flag("-V,--version", [] { return version_text(); });
  app.footer(k_root_footer);
  app.fallthrough();  // global options also after the subcommand (inherited)
  ChoiceLists choices;
  add_global_options(app, inv.global, choices);

  CLI::App* providers_cmd = app.add_subcommand(
      "providers", "List providers: configured or not, base URL, key set or missing");
  providers_cmd->footer("Example:\n  gpubill providers -o json");

  std::string report_providers;
  std::string report_group_by = "provider,service";
  CLI::App* report_cmd = app.add_subcommand(
      "report", "Every configured provider, one period, one answer (providers run concurrently)");
  report_cmd->add_option("--providers", report_providers,
                         "Comma-separated providers (default: every provider with a key)")
      ->type_name("NAMES");
  report_cmd->add_option("--group-by", report_group_by,
                         "Comma-separated keys: provider, service, resource, gpu, region, and one "
                         "of day, week, month (default provider,service)")
      ->type_name("KEYS");
  bool report_allow_partial = false;
  report_cmd->add_flag("--allow-partial", report_allow_partial,
                       "With --out-file and -o csv or ndjson: a partial report (exit 4) replaces "
                       "the file anyway (default: it goes to FILE.partial, FILE is kept)");
  add_ledger_reads(*report_cmd, inv.global);
  report_cmd->footer("Examples:\n  gpubill report --start last-month\n"
                     "  gpubill report --start 2026-10 --from-ledger\n"
                     "  gpubill report --start 2026-10 --group-by provider,gpu -o csv --out-file gpus.csv\n\n"
                     "A provider that fails does not stop the others: what was fetched is printed, each "
                     "failure is named on stderr, and the exit code is 4. docs/report.md");

  std::string sync_providers;
  CLI::App* sync_cmd = app.add_subcommand(
      "sync", "Store every provider's records in the ledger, month by month, restatements kept");
  sync_cmd->add_option("--providers", sync_providers,
                       "Comma-separated providers (default: every provider with a key)")
      ->type_name("NAMES");
  sync_cmd->footer("Examples:\n  gpubill sync\n  gpubill sync --providers runpod,gcore --start 2026-08\n\n"
                   "Without --start: from the month before the last one synced (or last month), so "
                   "late charges and restatements land. A provider that fails does not stop the "
                   "others (exit 4). docs/ledger.md");

  CLI::App* ledger_cmd = app.add_subcommand(
      "ledger", "The ledger: what is stored (status), or every stored record (export)");
  ledger_cmd->require_subcommand(1);
  CLI::App* ledger_status = ledger_cmd->add_subcommand(
      "status", "Per provider: first and last month, rows, earlier versions, last sync, gaps");
  ledger_status->footer("Example:\n  gpubill ledger status");
  std::string export_providers;
  CLI::App* ledger_export = ledger_cmd->add_subcommand(
      "export", "Every stored record of the period (the report's parts), as csv, json or ndjson");
  ledger_export->add_option("--providers", export_providers,
                            "Comma-separated providers (default: every provider in the ledger)")
      ->type_name("NAMES");
  ledger_export->add_option("--as-of", inv.global.as_of,
                            "The records as they were stored at WHEN")
      ->type_name("WHEN");
  ledger_export->footer("Example:\n  gpubill ledger export --start 2026-10 -o csv --out-file ledger.csv");
  ledger_cmd->footer("Examples:\n  gpubill ledger status\n"
                     "  gpubill ledger export --start 2026-10 -o csv --out-file ledger.csv\n\n"
                     "Where the ledger is: --ledger, else $GPUBILL_LEDGER, else [ledger] url in the "
                     "config, else $XDG_DATA_HOME/gpubill/ledger.db. A team's: a PostgreSQL URL,\n"
                     "  postgresql://USER@HOST/DATABASE (password from ~/.pgpass or PGPASSWORD). "
                     "docs/ledger.md");

  std::string export_focus_providers;
  CLI::App* export_cmd = app.add_subcommand(
      "export", "Write a dataset for other tools: focus (FOCUS files per billing period)");
  export_cmd->require_subcommand(1);
  CLI::App* export_focus = export_cmd->add_subcommand(
      "focus", "FOCUS files per provider per billing month, gzipped, with a manifest (docs/focus.md)");
  export_focus->add_option("--dir", inv.export_dir,
                           "Folder to write DIR/billing_period=YYYY-MM/<provider>.csv.gz into")
      ->type_name("DIR")
      ->required();
  export_focus->add_option("--providers", export_focus_providers,
                           "Comma-separated providers (default: every provider with a key)")
      ->type_name("NAMES");
  add_ledger_reads(*export_focus, inv.global);
  export_focus->footer(
      "Examples:\n  gpubill export focus --start 2026-08 --end 2026-11 --dir focus\n"
      "  gpubill export focus --start last-month --dir focus --from-ledger\n\n"
      "--start and --end are whole months (without --end: up to now). Each month is fetched "
      "like 'report' and written whole: a month in which a provider fails is not written "
      "(exit 4) and keeps what it had. docs/focus.md");
  export_cmd->footer("Example:\n  gpubill export focus --start 2026-08 --end 2026-11 --dir focus\n\ndocs/focus.md");

  CLI::App* config_cmd = app.add_subcommand(
      "config", "The config file: where it is, what is in effect, an example, a check of each key");
  config_cmd->require_subcommand(1);
  std::vector<std::pair<CLI::App*, std::string>> config_actions;
  for (const auto& [name, help] : std::vector<std::pair<std::string, std::string>>{
           {"path", "Print the config file's path (--config, else the default)"},
           {"show", "Every setting in effect and where it comes from (keys masked; api_key_command not run)"},
           {"init", "Write a commented example config file (mode 0600), never over an existing one"},
           {"check", "Per provider: is a key set, and does one cheap authenticated request accept it"}}) {
    CLI::App* sub = config_cmd->add_subcommand(name, help);
    sub->footer("Example:\n  gpubill config " + name);
    config_actions.emplace_back(sub, name);
  }
  config_cmd->footer("Examples:\n  gpubill config init\n  gpubill config show\n  gpubill config check\n\n"
                     "config check exits 0 when every configured key works, 3 when every failure is "
                     "a rejected key (or none is configured), else 1. docs/cli.md");

  std::string completion_shell;
  CLI::App* completion_cmd = app.add_subcommand(
      "completion", "Print the completion script for bash, zsh or fish (packages install them)");
  CLI::Option* shell_arg = completion_cmd->add_option("shell", completion_shell, "bash, zsh or fish")
                               ->check(CLI::IsMember({"bash", "zsh", "fish"}))
                               ->type_name("SHELL")
                               ->required();
  choices[shell_arg] = {"bash", "zsh", "fish"};
  completion_cmd->footer("Examples:\n  gpubill completion bash\n  gpubill completion fish\n\n"
                         "For a gpubill that was only copied: 'source <(gpubill completion bash)' in "
                         "~/.bashrc. The Debian package and 'make install' put all three where the "
                         "shells look. docs/install.md");

  // One subcommand per provider, one sub-subcommand per resource, one flag per filter.
  struct Bound {
    CLI::App* app;
    const providers::Provider* provider;
    const providers::ResourceSpec* resource;
  };
  std::vector<Bound> bound;
  std::map<std::pair<CLI::App*, std::string>, std::vector<std::string>> values;
  std::vector<std::pair<CLI::Option*, std::string>> singles;
  for (const std::unique_ptr<providers::Provider>& p : all) {
    CLI::App* pcmd = app.add_subcommand(p->info().name, p->info().help);
    pcmd->require_subcommand(1);
    std::string examples = "Examples:";
    for (const providers::ResourceSpec& r : p->resources()) {
      examples += "\n  " + r.example;
      CLI::App* rcmd = pcmd->add_subcommand(r.name, r.help);
      rcmd->footer("Example:\n  " + r.example + "\n\nGlobal options may come before or after "
                   "the command. docs/cli.md");
      for (const providers::OptionSpec& o : r.options) {
        std::vector<std::string>& store = values[{rcmd, o.flag}];
        std::string names = "--" + o.flag;  // and the idea's name on other commands
        for (const std::string& a : o.aliases) names += ",--" + a;
        if (o.is_switch) {
          rcmd->add_flag_function(
              names, [&store](std::int64_t) { store = {"true"}; }, o.help);
          continue;
        }
        CLI::Option* opt = rcmd->add_option(names, store, o.help);
        std::string placeholder = o.placeholder;
        if (placeholder.empty()) {
          placeholder = o.flag.size() > 3 && o.flag.compare(o.flag.size() - 3, 3, "-id") == 0 ? "ID" : "VALUE";
        }
        opt->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->type_name(placeholder);
        if (!o.choices.empty()) {
          opt->check(CLI::IsMember(o.choices));
          choices[opt] = o.choices;
          std::string list;
          for (const std::string& c : o.choices) list += (list.empty() ? "" : "|") + c;
          opt->type_name(list);
        }
        // A name of its own for a list of choices, or one CLI11 would cut (TYPE:FIELD=V1,V2).
        if (!o.placeholder.empty() && (!o.choices.empty() || o.placeholder.find(':') != std::string::npos)) {
          (*placeholders)[opt] = o.placeholder;
        }
        if (!o.repeatable) singles.emplace_back(opt, o.flag);
      }
      if (r.kind == providers::ResourceKind::cost_records) add_ledger_reads(*rcmd, inv.global);
      bound.push_back({rcmd, p.get(), &r});
    }
    pcmd->footer(examples);
  }
  app.require_subcommand(1);
  if (tree != nullptr) {
    *tree = describe(app, choices, *placeholders);
    return inv;
  }

  // Mistakes first, each in one line naming the fix; CLI11's own words are the fallback.
  const std::vector<std::string> checked = check_arguments(app, choices, args);
  std::vector<const char*> argv = {"gpubill"};
  for (const std::string& a : checked) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp& e) {
    inv.message = help_text(app, e);
    return inv;
  } catch (const CLI::CallForAllHelp& e) {
    inv.message = help_text(app, e);
    return inv;
  } catch (const CLI::CallForVersion& e) {
    inv.message = help_text(app, e);
    return inv;
  } catch (const CLI::RequiredError& e) {
    std::string where = "gpubill";  // the command path, e.g. "gpubill runpod"
    for (const CLI::App* sub = &app; !sub->get_subcommands().empty();) {
      sub = sub->get_subcommands().front();
      where += " " + sub->get_name();
    }
    std::string what = e.what();
    if (what.rfind("--", 0) == 0) {  // an option the command needs: "--dir is required"
      throw UsageError(what + ": see '" + where + " --help'");
    }
    throw UsageError("a command is required after '" + where + "': see '" + where + " --help'");
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    for (char& c : what) {
      if (c == '\n') c = ' ';
    }
    throw UsageError(what + ": see 'gpubill --help'");
  }

  for (const auto& [opt, flag] : singles) {
    if (opt->count() > 1) {
      throw UsageError("--" + flag + " was given " + std::to_string(opt->count()) +
                       " times; it takes one value");
    }
  }
  if (inv.global.quiet && inv.global.verbose > 0) {
    throw UsageError("--quiet and --verbose cannot be used together");
  }
  const bool exporting = export_focus->parsed();
  const bool focus = inv.global.output == "focus";
  if (exporting && inv.global.output != "table" && !focus) {
    throw UsageError("export focus always writes FOCUS: leave -o out");
  }
  if (exporting && !inv.global.out_file.empty()) {
    throw UsageError("export focus writes files into --dir: leave --out-file out");
  }
  if (!inv.global.focus_version.empty() && !focus && !exporting) {
    throw UsageError("--focus-version applies to -o focus: add -o focus, or leave --focus-version out");
  }
  if ((focus || exporting) && !inv.global.fx.empty()) {
    throw UsageError("-o focus keeps each provider's own currency (BillingCurrency): leave --fx out");
  }
  // FOCUS rows are cost records: only the commands that print those write them.
  auto refuse_focus = [focus](const std::string& command) {
    if (focus) {
      throw UsageError("-o focus applies to cost records (a provider's cost command, report, "
                       "ledger export), not to '" + command + "': use table, csv, json or ndjson");
    }
  };
  {
    std::string problem;
    inv.fx = parse_fx_option(inv.global.fx, problem);
    if (!problem.empty()) throw UsageError(problem);
  }
  if (completion_cmd->parsed()) {
    refuse_focus("gpubill completion");
    inv.kind = Invocation::Kind::completion;
    inv.config_action = completion_shell;
    return inv;
  }
  if (providers_cmd->parsed()) {
    refuse_focus("gpubill providers");
    inv.kind = Invocation::Kind::providers;
    return inv;
  }
  for (const auto& [sub, name] : config_actions) {
    if (!sub->parsed()) continue;
    refuse_focus("gpubill config " + name);
    inv.kind = Invocation::Kind::config;
    inv.config_action = name;
    return inv;
  }
  if (!inv.global.as_of.empty()) inv.global.from_ledger = true;
  auto check_providers = [&all](const std::vector<std::string>& names) {
    for (const std::string& name : names) {
      bool known = false;
      std::string list;
      for (const std::unique_ptr<providers::Provider>& p : all) {
        known = known || p->info().name == name;
        list += (list.empty() ? "" : ", ") + p->info().name;
      }
      if (!known) throw UsageError("--providers: unknown provider '" + name + "': use " + list);
    }
  };
  if (sync_cmd->parsed()) {
    refuse_focus("gpubill sync");
    inv.kind = Invocation::Kind::sync;
    inv.report_providers = util::split_list(sync_providers);
    check_providers(inv.report_providers);
    return inv;
  }
  if (ledger_status->parsed() || ledger_export->parsed()) {
    inv.kind = Invocation::Kind::ledger;
    inv.config_action = ledger_status->parsed() ? "status" : "export";
    if (ledger_status->parsed()) refuse_focus("gpubill ledger status");
    inv.report_providers = util::split_list(export_providers);
    check_providers(inv.report_providers);
    return inv;
  }
  if (exporting) {
    inv.kind = Invocation::Kind::export_focus;
    inv.report_providers = util::split_list(export_focus_providers);
    check_providers(inv.report_providers);
    if (inv.export_dir.empty()) throw UsageError("--dir \"\": give a folder");
    return inv;
  }
  if (report_cmd->parsed()) {
    inv.kind = Invocation::Kind::report;
    inv.report_providers = util::split_list(report_providers);
    inv.group_by = util::split_list(report_group_by);
    inv.allow_partial = report_allow_partial;
    if (focus && report_cmd->get_option("--group-by")->count() > 0) {
      throw UsageError("-o focus writes the providers' own line items, one FOCUS row each: "
                       "leave --group-by out");
    }
    std::string problem = aggregate::check_group_keys(inv.group_by);
    if (!problem.empty()) throw UsageError("--group-by: " + problem);
    if (inv.group_by.empty()) throw UsageError("--group-by: name at least one key");
    check_providers(inv.report_providers);
    return inv;
  }
  for (const Bound& b : bound) {
    if (!b.app->parsed()) continue;
    inv.kind = Invocation::Kind::resource;
    inv.provider = b.provider->info().name;
    inv.chosen = b.provider;
    inv.resource = b.resource->name;
    if (b.resource->kind == providers::ResourceKind::balance) {
      refuse_focus("gpubill " + inv.provider + " " + inv.resource);  // a balance is no cost
    }
    for (const providers::OptionSpec& o : b.resource->options) {
      const std::vector<std::string>& v = values[{b.app, o.flag}];
      if (!v.empty()) inv.options[o.flag] = v;
    }
    return inv;
  }
  throw UsageError("a command is required: see 'gpubill --help'");
}

}  // namespace

Invocation parse(const std::vector<std::string>& args,
                 const std::vector<std::unique_ptr<providers::Provider>>& all) {
  return parse_or_describe(args, all, nullptr);
}

CommandDoc command_tree(const std::vector<std::unique_ptr<providers::Provider>>& all) {
  CommandDoc tree;
  parse_or_describe({}, all, &tree);
  return tree;
}

}  // namespace gpubill::cli
