#pragma once
// A record as the ledger's stores keep it: the same columns, the same text, whichever store
// (internal to src/ledger/).

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gpubill/ledger/ledger.hpp"

#include "gpubill/model/cost_record.hpp"

namespace gpubill::ledger {

/// The stored columns of a record, in this order; a macro so that SQL text can be spliced.
#define GPUBILL_LEDGER_VALUE_COLUMNS                                                          \
  "service, resource_id, resource_name, gpu_type, gpu_model, region, currency, usage_unit, " \
  "description, period_start, period_end, amount, usage_quantity, attributes"
inline constexpr const char* k_value_columns_text = GPUBILL_LEDGER_VALUE_COLUMNS;
#define k_value_columns GPUBILL_LEDGER_VALUE_COLUMNS
inline constexpr std::size_t k_value_count = 14;

/// The columns a natural key is made of (docs/ledger.md, "Natural keys"), in key order: as
/// SQL text, and as indexes into RowValues.
#define GPUBILL_LEDGER_KEY_COLUMNS \
  "service, resource_id, gpu_type, region, currency, usage_unit, description, period_start, period_end"
inline constexpr std::size_t k_key_column_count = 9;
inline constexpr std::array<std::size_t, k_key_column_count> k_key_columns = {0, 1, 3, 5, 6, 7, 8, 9, 10};
/// amount and usage_quantity in RowValues: a change there is a restatement, elsewhere an update.
inline constexpr std::size_t k_amount_column = 11;
inline constexpr std::size_t k_usage_column = 12;

/// Every stored column as text (amount and usage as exact decimal text, times RFC 3339 UTC,
/// attributes as their JSON); nullopt only for a missing amount or usage.
using RowValues = std::array<std::optional<std::string>, k_value_count>;

RowValues row_values(const model::CostRecord& record);
/// The same with the attributes' JSON already made (records of one answer share theirs).
RowValues row_values(const model::CostRecord& record, std::string attributes_json);

/// The record back from its row. Throws LedgerError (naming `where`) for a row gpubill could
/// not have written (a hand edit): an amount that is not a decimal, a bad time.
model::CostRecord record_from(const std::string& provider, const RowValues& values,
                              const std::string& where);

/// Each record's natural key (docs/ledger.md): its columns but amount and usage, and the
/// provider's key attributes, joined with \x1f; the n-th repeat of one key in one answer
/// gets "#n" after it, so that nothing the API answered twice is lost or merged.
/// `values` are the records' row_values(), in the same order (their times are reused).
std::vector<std::string> natural_keys(const std::vector<model::CostRecord>& records,
                                      const std::vector<RowValues>& values,
                                      const std::vector<std::string>& key_attributes);

/// "YYYY-MM" of a time (UTC), and a time as stored: RFC 3339, whole seconds, Z.
std::string month_of(model::Timestamp t);
std::string when(model::Timestamp t);

/// A current record of one part and month as a store read it back.
struct StoredRow {
  std::int64_t id = 0;
  std::int64_t seq = 0;
  RowValues values;
};

/// What a store does to one part's month so that it holds a new answer (docs/ledger.md,
/// "Sync"), whichever store: first the closes (seen_until = now), then the inserts, then the
/// new order of the rows that stay; and what that counts.
struct PartChanges {
  std::vector<RowValues> rows;      ///< the answer's rows, in the order answered
  std::vector<std::string> keys;    ///< their natural keys
  std::vector<std::size_t> inserts;  ///< indexes into rows: new keys and new versions
  std::vector<std::int64_t> closes;  ///< stored ids: restated or gone
  std::vector<std::pair<std::int64_t, std::int64_t>> reorders;  ///< stored id, its new seq
  WriteCounts counts;
};

/// The changes that turn `stored` (natural key -> current row) into `records`.
PartChanges plan_part(const std::vector<model::CostRecord>& records,
                      const std::unordered_map<std::string, StoredRow>& stored,
                      const std::vector<std::string>& key_attributes);

/// The spans of `period` that no stored window covers: whole months never synced, the time
/// after a month's last sync. `covered`: "YYYY-MM" -> the window stored for it.
std::vector<model::Period> not_covered(const model::Period& period,
                                       const std::map<std::string, model::Period>& covered);

/// How a store spells the schema's types.
struct SchemaTypes {
  const char* id;       ///< a table's own key, assigned by the store
  const char* integer;  ///< a 64-bit integer
  const char* time;     ///< a time (TEXT in SQLite, timestamptz in PostgreSQL)
  std::string (*money)(const char* column);  ///< an exact decimal column, never REAL
};

/// Each store's spelling (sqlite_ledger.cpp, postgres_ledger.cpp).
extern const SchemaTypes k_sqlite_types;
extern const SchemaTypes k_postgres_types;

/// The CREATE statements of schema version 2 (what a new ledger gets), the same tables and
/// columns for every store; and of version 1, which tests make to prove the migration.
std::string schema_v2(const SchemaTypes& types);
std::string schema_v1(const SchemaTypes& types);

/// How a store spells what the migration from version 1 needs.
struct MigrationSpelling {
  const char* separator;                              ///< the text \x1f as an SQL expression
  std::string (*time_text)(const std::string& column);  ///< a time column as its stored text
  const char* overriding;  ///< what lets an INSERT give its own ids ("" or OVERRIDING SYSTEM VALUE)
};

/// The statements that turn a version 1 ledger into version 2, to run in the transaction
/// that checks the version: slots made from the records, the records copied with their ids,
/// the natural key's rest (what is not a key column), the new index, the version set.
std::string migration_v1_to_v2(const SchemaTypes& types, const MigrationSpelling& spelling);

/// How many natural keys have more than one current version: 0, or the write path is wrong.
extern const char* const k_doubled_keys_sql;

/// A natural key's size before its rest: the key columns and the separators between them.
/// Version 2 stores only what follows (key_rest); the key is the columns joined, then that.
std::size_t key_prefix_size(const RowValues& values);
/// A stored row's natural key again: its key columns joined, then its key_rest.
std::string stored_natural_key(const RowValues& values, std::string_view key_rest);

/// Throws LedgerError (naming `where`) unless this gpubill reads schema `version`: a newer
/// one is refused with both versions named.
void check_schema_version(std::int64_t version, const std::string& where);

/// The months from `first` to `last` ("YYYY-MM") that are not in `months`.
std::vector<std::string> month_gaps(const std::string& first, const std::string& last,
                                    const std::set<std::string>& months);

}  // namespace gpubill::ledger
