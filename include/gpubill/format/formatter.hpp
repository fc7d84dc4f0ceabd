#pragma once
// Formatters: pure functions from records (+ totals) to text. No provider knowledge, no I/O.
// docs/output-formats.md is the user-facing contract for everything here.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpubill/model/balance.hpp"
#include "gpubill/model/cost_record.hpp"
#include "gpubill/model/focus.hpp"

namespace gpubill::format {

enum class Format { table, csv, json, ndjson, focus };

/// "table", "csv", "json", "ndjson", "focus" -> Format; nullopt otherwise.
std::optional<Format> parse_format(std::string_view name);

/// A column a command adds after the stable ones (e.g. fx_rate with --fx). Only ever added
/// when the user asked for what it shows, so scripts reading the stable columns keep working.
struct ExtraColumn {
  std::string name;          ///< CSV header; the table header is the same upper-cased
  bool right_aligned = true;
  bool in_table = true;      ///< false: CSV only (the table says it another way)
  std::function<std::string(const model::CostRecord&)> cell;
  int table_places = -1;     ///< >= 0: the table rounds a decimal cell to this many places
};

/// What -o focus needs beyond the records (docs/focus.md).
struct FocusOptions {
  std::string version = "1.2";  ///< "1.2" or "1.3" (which adds ServiceProviderName, HostProviderName)
  /// The mapping of a record's provider; null: no mapping, the record is not written.
  std::function<const model::FocusMapping*(const model::CostRecord&)> mapping;
  /// The billing month ("YYYY-MM") a provider files a record under where it says so; nullopt
  /// or unset: the month the record starts in.
  std::function<std::optional<std::string>(const model::CostRecord&)> billing_month;
};

struct RenderInput {
  explicit RenderInput(const std::vector<model::CostRecord>& r) : records(r) {}
  const std::vector<model::CostRecord>& records;
  std::vector<model::Money> totals;         ///< one per currency, as aggregate computes them
  std::size_t records_without_amount = 0;
  std::string title;                        ///< table caption, e.g. "runpod pods"
  model::Period period;
  /// What was asked when it is not `period` ("--last 3", "yesterday (UTC)"): the caption names
  /// it instead. Empty: the period.
  std::string asked;
  /// Set when the rows reach outside what the caption names (a week bucket starting before
  /// --start, a subscription running past --end, --last): the caption's second line says it.
  std::optional<model::Period> rows_cover;
  nlohmann::ordered_json query = nlohmann::ordered_json::object();  ///< JSON "query" block
  bool color = false;                       ///< table only: ANSI bold header and totals
  /// csv only: text cells that a spreadsheet would run as a formula (= + - @ tab CR first)
  /// get a leading ' (neutralize_formula). Off with --raw-csv.
  bool csv_guard = true;
  std::vector<ExtraColumn> extra_columns;   ///< csv: appended; table: after CURRENCY
  std::vector<std::string> notes;           ///< table only: lines under the totals
  /// table only: records whose AMOUNT gets a trailing '*' (explained in a note)
  std::function<bool(const model::CostRecord&)> marked;
  /// table only: the terminal's width in columns; 0 (a pipe, a file, --wide): every column
  /// at full width. When the table is wider, fit_table's rules apply (docs/output-formats.md).
  std::size_t width = 0;
  FocusOptions focus{};                     ///< focus only
};

/// Aligned columns for people; columns empty in every row are left out; amounts rounded to
/// cents; one TOTAL line per currency. Provider text is escaped (no control characters).
std::string render_table(const RenderInput& in);
/// RFC 4180: header row, CRLF line ends, every column in the stable order, no totals row.
std::string render_csv(const RenderInput& in);
/// One document: {"schema_version": 1, "query", "records", "totals"}.
std::string render_json(const RenderInput& in);
/// One record object per line and nothing else.
std::string render_ndjson(const RenderInput& in);

/// FOCUS (FinOps Open Cost and Usage Specification) CSV: the header of in.focus.version's
/// columns, then one row per record that focus_writable() accepts, in order (docs/focus.md).
std::string render_focus(const RenderInput& in);
/// Whether a record can be a FOCUS row: it has an amount and a currency (BilledCost and
/// BillingCurrency are never null) and in.focus has a mapping for it.
bool focus_writable(const RenderInput& in, const model::CostRecord& record);
/// The FOCUS columns of `version` ("1.2", "1.3"), custom x_ columns last; empty for another.
std::vector<std::string> focus_columns(const std::string& version);

std::string render(const RenderInput& in, Format format);

/// Where streamed output goes: called with consecutive pieces of the text (about 1 MiB each).
using Sink = std::function<void(std::string_view)>;
/// The same text as render(), handed to `sink` piece by piece while it is made, so that a
/// 500,000-row CSV never exists whole in memory (the table, which aligns every row to the
/// widest, is made whole and then handed on).
void render_to(const RenderInput& in, Format format, const Sink& sink);

/// A balance in any format. table: one figure per line, rounded to cents; csv: a header
/// (provider, currency, then the figure names) and one row; json: {"schema_version": 1,
/// "query", "balance": {provider, currency, <figures>..., attributes}}; ndjson: the balance
/// object on one line. Missing figures are empty / null / n/a.
std::string render_balance(const model::Balance& balance, const nlohmann::ordered_json& query,
                           Format format);

/// A text cell that starts with = + - @ tab or CR, prefixed with ' so that a spreadsheet shows
/// it instead of running it (OWASP "CSV injection"); any other cell as it is.
std::string neutralize_formula(std::string cell);

/// Reads what render_csv writes (RFC 4180, CRLF rows) back into rows of fields; nullopt when
/// the text does not end with a complete row. For tests, the fuzzer and scripts' checks.
std::optional<std::vector<std::vector<std::string>>> read_csv(std::string_view text);

/// One RFC 4180 line (CRLF-terminated): fields quoted when they hold , " CR or LF.
std::string csv_line(const std::vector<std::string>& fields);

}  // namespace gpubill::format
