// The team ledger: one PostgreSQL database (libpq; docs/ledger.md, "PostgreSQL"). The same
// tables, rows and behaviour as the SQLite ledger: money as NUMERIC (exact, the scale it was
// written with), times as timestamptz; each provider window in one transaction that first
// takes a transaction-scoped advisory lock, so that syncs on several machines write one at a
// time (lock_timeout bounds the wait), and a killed sync's connection rolls its window back.
#include <chrono>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "gpubill/ledger/ledger.hpp"
#include "gpubill/util/redact.hpp"
#include "gpubill/version.hpp"
#include "ledger/ledger_rows.hpp"
#include "ledger/pq_api.hpp"

namespace gpubill::ledger {

// The schema (docs/ledger.md, "Schema") in PostgreSQL's types: money as NUMERIC (exact, and
// without a typmod it keeps the scale it was written with), times as timestamptz.
const SchemaTypes k_postgres_types{"BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "BIGINT", "TIMESTAMPTZ",
                          [](const char*) { return std::string("NUMERIC"); }};

namespace {

using model::CostRecord;
using model::Period;
using model::Timestamp;

// "gpubill" in ASCII: the one advisory lock every writer of a ledger database takes.
constexpr const char* k_lock = "SELECT pg_advisory_xact_lock(29113321580653420)";

const std::string k_schema = schema_v2(k_postgres_types);

// A timestamptz as gpubill writes times (model::format_rfc3339): read back as the same text.
#define GPUBILL_PG_TIME(column) "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
std::string pg_time_text(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
}

// The stored columns in ledger_rows.hpp's order, as text exactly as written: NUMERIC keeps the
// scale it was given, and Decimal::to_string writes no trailing zeros.
#define GPUBILL_PG_VALUES                                                                       \
  "service, resource_id, resource_name, gpu_type, gpu_model, region, currency, usage_unit, "  \
  "description, " GPUBILL_PG_TIME("period_start") ", " GPUBILL_PG_TIME("period_end") ", "     \
  "amount::text, usage_quantity::text, attributes"

// The URL without its password, for messages: "postgresql://user:secret@host/db" and
// "...?password=secret" show "***" in its place.
std::string without_password(const std::string& url) {
  std::string out = url;
  std::size_t scheme = out.find("://");
  std::size_t at = out.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  std::size_t slash = out.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme != std::string::npos && at != std::string::npos && (slash == std::string::npos || at < slash)) {
    std::size_t colon = out.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  for (std::size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    if (p > 0 && out[p - 1] != '?' && out[p - 1] != '&') continue;
    std::size_t value = p + std::strlen("password=");
    std::size_t end = out.find('&', value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
  }
  return out;
}

// libpq's messages end in newlines and may span lines: one line.
std::string one_line(const char* message) {
  std::string out;
  for (const char* c = message != nullptr ? message : ""; *c != '\0'; ++c) {
    if (*c == '\n') {
      if (c[1] != '\0') out += "; ";
    } else {
      out += *c;
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ';')) out.pop_back();
  return out;
}

// A result that must be freed, with its values as text.
class Result {
 public:
  explicit Result(PGresult* r) : m_r(r) {}
  ~Result() { pq().clear(m_r); }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  Result(Result&& o) noexcept : m_r(o.m_r) { o.m_r = nullptr; }

  int rows() const { return pq().ntuples(m_r); }
  std::string text(int row, int col) const {
    return std::string(pq().getvalue(m_r, row, col), static_cast<std::size_t>(pq().getlength(m_r, row, col)));
  }
  std::optional<std::string> maybe_text(int row, int col) const {
    if (pq().getisnull(m_r, row, col)) return std::nullopt;
    return text(row, col);
  }
  std::int64_t integer(int row, int col) const { return std::strtoll(pq().getvalue(m_r, row, col), nullptr, 10); }
  const PGresult* get() const { return m_r; }

 private:
  PGresult* m_r;
};

// COPY's text format: backslash, newline, carriage return and tab escaped; \N is NULL.
void copy_field(std::string& line, const std::optional<std::string>& value) {
  if (!value) {
    line += "\\N";
    return;
  }
  for (char c : *value) {
    switch (c) {
      case '\\': line += "\\\\"; break;
      case '\n': line += "\\n"; break;
      case '\r': line += "\\r"; break;
      case '\t': line += "\\t"; break;
      default: line += c;
    }
  }
}

std::string id_array(const std::vector<std::int64_t>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "}";
}

class PostgresLedger final : public Ledger {
 public:
  PostgresLedger(const std::string& url, bool create, int busy_ms) : m_where(without_password(url)) {
    // A password in the URL is a secret from here on: scrubbed from every message and log.
    char* bad = nullptr;
    PQconninfoOption* options = pq().conninfoParse(url.c_str(), &bad);
    if (options == nullptr) {
      std::string why = bad != nullptr ? one_line(bad) : "out of memory";
      pq().freemem(bad);
      throw LedgerError("ledger " + m_where + ": not a PostgreSQL URL: " + why);
    }
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
      if (std::strcmp(o->keyword, "password") == 0 && o->val != nullptr) util::register_secret(o->val);
    }
    pq().conninfoFree(options);
    // Defaults first: what the URL says wins (libpq reads the keywords left to right).
    const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {"10", "gpubill", url.c_str(), nullptr};
    m_conn = pq().connectdbParams(keywords, values, 1);
    if (m_conn == nullptr || pq().status(m_conn) != CONNECTION_OK) {
      std::string why = m_conn != nullptr ? one_line(pq().errorMessage(m_conn)) : "out of memory";
      pq().finish(m_conn);
      m_conn = nullptr;
      throw LedgerError("ledger " + m_where + ": cannot connect: " + why);
    }
    // NOTICEs (e.g. from a server's own settings) go nowhere: gpubill says what happened itself.
    pq().setNoticeProcessor(m_conn, [](void*, const char*) {}, nullptr);
    try {
      exec("SET client_encoding = 'UTF8'");
      exec("SET TimeZone = 'UTC'");
      // A second writer waits for the first's window this long, then gives up (55P03).
      exec(("SET lock_timeout = " + std::to_string(busy_ms == 0 ? 1 : busy_ms)).c_str());
      prepare_schema(create);
    } catch (...) {  // no destructor runs for a constructor that throws
      pq().finish(m_conn);
      m_conn = nullptr;
      throw;
    }
  }
  ~PostgresLedger() override { pq().finish(m_conn); }

  std::string where() const override { return m_where; }

  std::int64_t begin_sync(const std::string& provider, const std::string& account,
                          const Period& span, Timestamp at) override {
    Result r = exec("INSERT INTO syncs(provider, account, started_at, span_start, span_end, status, "
                    "gpubill_version) VALUES ($1, $2, $3, $4, $5, 'running', $6) RETURNING id",
                    {provider, account, when(at), when(span.start), when(span.end), std::string(k_version)});
    return r.integer(0, 0);
  }

  WriteCounts write_window(const WindowWrite& w, std::int64_t sync_id, Timestamp at) override {
    const std::string month = month_of(w.window.start);
    const std::string now = when(at);
    WriteCounts counts;
    Transaction tx(*this, true);
    for (const WindowWrite::Part& part : w.parts) {
      std::unordered_map<std::string, StoredRow> stored;
      std::string slot = slot_of(w.provider, w.account, part.key, month);
      if (!slot.empty()) {
        Result r = exec("SELECT id, key_rest, seq, " GPUBILL_PG_VALUES " FROM records WHERE slot_id = $1 AND "
                        "seen_until IS NULL",
                        {slot});
        for (int i = 0; i < r.rows(); ++i) {
          StoredRow row{r.integer(i, 0), r.integer(i, 2), {}};
          for (std::size_t c = 0; c < k_value_count; ++c) row.values[c] = r.maybe_text(i, static_cast<int>(c) + 3);
          std::string key = stored_natural_key(row.values, r.text(i, 1));
          stored.emplace(std::move(key), std::move(row));
        }
      }
      PartChanges changes = plan_part(part.records, stored, w.key_attributes);
      counts += changes.counts;
      // Closed first: a key has one current version at every moment of the transaction.
      if (!changes.closes.empty()) {
        exec("UPDATE records SET seen_until = $1 WHERE id = ANY($2::bigint[])", {now, id_array(changes.closes)});
      }
      if (!changes.inserts.empty()) {
        if (slot.empty()) {
          slot = exec("INSERT INTO slots(provider, account, part, month) VALUES ($1, $2, $3, $4) RETURNING id",
                      {w.provider, w.account, part.key, month})
                     .text(0, 0);
        }
        copy_records(slot, changes, sync_id, now);
      }
      if (!changes.reorders.empty()) {
        std::vector<std::int64_t> ids;
        std::vector<std::int64_t> seqs;
        for (const auto& [id, seq] : changes.reorders) {
          ids.push_back(id);
          seqs.push_back(seq);
        }
        exec("UPDATE records SET seq = v.seq FROM unnest($1::bigint[], $2::bigint[]) AS v(id, seq) "
             "WHERE records.id = v.id",
             {id_array(ids), id_array(seqs)});
      }
      store_window(w, part.key, month, sync_id, now);
    }
    exec("UPDATE syncs SET rows_seen = rows_seen + $1, rows_added = rows_added + $2, "
         "rows_restated = rows_restated + $3, rows_gone = rows_gone + $4 WHERE id = $5",
         {std::to_string(counts.seen), std::to_string(counts.added), std::to_string(counts.restated + counts.updated),
          std::to_string(counts.gone), std::to_string(sync_id)});
    tx.commit();
    return counts;
  }

  void finish_sync(std::int64_t sync_id, const std::string& status, const WriteCounts& counts,
                   Timestamp at) override {
    (void)counts;  // already added window by window, committed with each
    exec("UPDATE syncs SET finished_at = $1, status = $2 WHERE id = $3", {when(at), status, std::to_string(sync_id)});
  }

  PartRead read(const std::string& provider, const std::string& account, const std::string& part,
                const Period& period, std::optional<Timestamp> as_of) const override {
    PartRead out;
    const std::string first = month_of(period.start);
    const std::string last = month_of(period.end - std::chrono::seconds{1});
    const std::string current_at = as_of ? " AND seen_from <= $6 AND (seen_until IS NULL OR seen_until > $6)"
                                         : " AND seen_until IS NULL";
    std::vector<std::optional<std::string>> params = {provider, account, part, first, last};
    if (as_of) params.push_back(when(*as_of));
    // One snapshot for the coverage and the records, beside a sync that is writing.
    Transaction tx(*this, false);
    std::map<std::string, Period> covered;
    {
      Result r = exec(("SELECT month, " GPUBILL_PG_TIME("period_start") ", " GPUBILL_PG_TIME("period_end") " FROM "
                       "windows WHERE provider = $1 AND account = $2 AND part = $3 AND month >= $4 AND "
                       "month <= $5" + current_at).c_str(),
                      params);
      for (int i = 0; i < r.rows(); ++i) {
        std::optional<Timestamp> a = model::parse_provider_time(r.text(i, 1));
        std::optional<Timestamp> b = model::parse_provider_time(r.text(i, 2));
        if (a && b) covered[r.text(i, 0)] = {*a, *b};
      }
    }
    out.not_synced = not_covered(period, covered);
    Result r = exec(("SELECT " GPUBILL_PG_VALUES " FROM records r JOIN slots s ON s.id = r.slot_id WHERE "
                     "s.provider = $1 AND s.account = $2 AND s.part = $3 AND s.month >= $4 AND s.month <= $5" +
                     current_at + " ORDER BY s.month, r.seq, r.id").c_str(),
                    params);
    for (int i = 0; i < r.rows(); ++i) {
      RowValues values;
      for (std::size_t c = 0; c < k_value_count; ++c) values[c] = r.maybe_text(i, static_cast<int>(c));
      CostRecord record = record_from(provider, values, m_where);
      if (!period.contains(record.period.start)) {
        ++out.outside;
        continue;
      }
      out.records.push_back(std::move(record));
    }
    tx.commit();
    return out;
  }

  std::vector<std::string> parts(const std::string& provider) const override {
    return column("SELECT DISTINCT part FROM windows WHERE provider = $1 ORDER BY part", {provider});
  }

  std::vector<std::string> providers() const override {
    return column("SELECT DISTINCT provider FROM windows ORDER BY provider", {});
  }

  std::string last_month(const std::string& provider, const std::string& account) const override {
    std::vector<std::string> m = column(
        "SELECT COALESCE(MAX(month), '') FROM windows WHERE provider = $1 AND account = $2 AND seen_until IS NULL",
        {provider, account});
    return m.empty() ? std::string() : m[0];
  }

  std::vector<ProviderStatus> status() const override {
    std::vector<ProviderStatus> out;
    Transaction tx(*this, false);
    Result s = exec("SELECT provider, account, MIN(month), MAX(month) FROM windows WHERE seen_until IS NULL "
                    "GROUP BY provider, account ORDER BY provider, account",
                    {});
    for (int i = 0; i < s.rows(); ++i) {
      ProviderStatus p;
      p.provider = s.text(i, 0);
      p.account = s.text(i, 1);
      p.first_month = s.text(i, 2);
      p.last_month = s.text(i, 3);
      std::vector<std::string> months =
          column("SELECT DISTINCT month FROM windows WHERE provider = $1 AND account = $2 AND seen_until IS NULL",
                 {p.provider, p.account});
      p.gaps = month_gaps(p.first_month, p.last_month, std::set<std::string>(months.begin(), months.end()));
      Result c = exec("SELECT COUNT(*) FILTER (WHERE seen_until IS NULL), COUNT(*) FILTER (WHERE seen_until "
                      "IS NOT NULL) FROM records r JOIN slots s ON s.id = r.slot_id WHERE s.provider = $1 AND "
                      "s.account = $2",
                      {p.provider, p.account});
      p.rows = static_cast<std::size_t>(c.integer(0, 0));
      p.versions = static_cast<std::size_t>(c.integer(0, 1));
      Result l = exec("SELECT " GPUBILL_PG_TIME("finished_at") ", status FROM syncs WHERE provider = $1 AND "
                      "account = $2 AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1",
                      {p.provider, p.account});
      if (l.rows() > 0) {
        p.last_sync = l.text(0, 0);
        p.last_status = l.text(0, 1);
      }
      out.push_back(std::move(p));
    }
    tx.commit();
    return out;
  }

  // PostgreSQL checks its own pages; what gpubill checks is its own invariant: one current
  // version per natural key and per window.
  std::string integrity_check() const override {
    const std::string sql = std::string("SELECT (") + k_doubled_keys_sql + "), "
                            "(SELECT COUNT(*) FROM (SELECT 1 FROM windows WHERE seen_until IS NULL GROUP BY "
                            "provider, account, part, month HAVING COUNT(*) > 1) w)";
    Result r = exec(sql.c_str(), {});
    std::string doubled = r.text(0, 0);
    std::string windows = r.text(0, 1);
    if (doubled == "0" && windows == "0") return "ok";
    return doubled + " natural keys and " + windows + " windows with more than one current version";
  }

 private:
  // A write transaction takes the ledger's advisory lock first (waiting up to lock_timeout), so
  // two syncs never both read a window and then both write it; READ COMMITTED then lets each
  // statement see what the writer before committed. A read is one REPEATABLE READ snapshot.
  // Rolled back unless committed.
  class Transaction {
   public:
    Transaction(const PostgresLedger& l, bool write) : m_l(l) {
      m_l.exec(write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      if (write) {
        try {
          m_l.exec(k_lock);
        } catch (...) {
          m_l.rollback();
          throw;
        }
      }
    }
    ~Transaction() {
      if (!m_done) m_l.rollback();
    }
    void commit() {
      m_l.exec("COMMIT");
      m_done = true;
    }

   private:
    const PostgresLedger& m_l;
    bool m_done = false;
  };

  void rollback() const { pq().clear(pq().exec(m_conn, "ROLLBACK")); }

  // One line for a failed command: what PostgreSQL said, in gpubill's words where it is a
  // condition a user meets (a lock held too long, a full disk, a read-only server).
  [[noreturn]] void fail(const PGresult* r) const {
    const char* state = r != nullptr ? pq().resultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string code = state != nullptr ? state : "";
    std::string why;
    if (code == "55P03") {
      why = "another gpubill is writing it (waited for its lock and gave up)";
    } else if (code == "53100") {
      why = "the server's disk is full";
    } else if (code == "25006") {
      why = "it is read-only here";
    } else if (code == "42501") {
      why = "permission denied: " + one_line(pq().resultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
    } else if (r != nullptr && pq().resultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) != nullptr) {
      why = one_line(pq().resultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
    } else {
      why = one_line(pq().errorMessage(m_conn));
      if (why.empty()) why = "the connection failed";
    }
    throw LedgerError("ledger " + m_where + ": " + why);
  }

  Result exec(const char* sql) const {
    Result r(pq().exec(m_conn, sql));
    check(r);
    return r;
  }

  Result exec(const char* sql, const std::vector<std::optional<std::string>>& params) const {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const std::optional<std::string>& p : params) values.push_back(p ? p->c_str() : nullptr);
    PGresult* raw = pq().execParams(m_conn, sql, static_cast<int>(values.size()), nullptr, values.data(),
                                 nullptr, nullptr, 0);
    Result r(raw);
    check(r);
    return r;
  }

  void check(const Result& r) const {
    const PGresult* raw = r.get();
    ExecStatusType st = raw != nullptr ? pq().resultStatus(raw) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_COPY_IN) fail(raw);
  }

  std::vector<std::string> column(const char* sql, const std::vector<std::optional<std::string>>& params) const {
    Result r = exec(sql, params);
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
  }

  // The new rows of one part's month in one COPY: one round trip, however many rows.
  void copy_records(const std::string& slot, const PartChanges& changes, std::int64_t sync_id,
                    const std::string& now) {
    exec("COPY records(slot_id, key_rest, seq, " k_value_columns ", seen_from, sync_id) FROM STDIN");
    const std::string prefix = slot + "\t";
    const std::string suffix = "\t" + now + "\t" + std::to_string(sync_id) + "\n";
    std::string buffer;
    auto flush = [&](bool last) {
      if (!buffer.empty() && pq().putCopyData(m_conn, buffer.data(), static_cast<int>(buffer.size())) != 1) {
        last = true;  // the connection failed: end the COPY to read why
      }
      buffer.clear();
      if (!last) return;
      pq().putCopyEnd(m_conn, nullptr);
      Result r(pq().getResult(m_conn));
      // Drain: libpq expects every result read before the next command.
      for (PGresult* more = pq().getResult(m_conn); more != nullptr; more = pq().getResult(m_conn)) pq().clear(more);
      check(r);
    };
    for (std::size_t i : changes.inserts) {
      buffer += prefix;
      copy_field(buffer, changes.keys[i].substr(key_prefix_size(changes.rows[i])));
      buffer += '\t';
      buffer += std::to_string(i);
      for (const std::optional<std::string>& v : changes.rows[i]) {
        buffer += '\t';
        copy_field(buffer, v);
      }
      buffer += suffix;
      if (buffer.size() > (1u << 20)) flush(false);
    }
    flush(true);
  }

  void prepare_schema(bool create) {
    // A reader takes no lock: it reads beside a sync that is writing.
    Transaction tx(*this, create);
    Result has = exec("SELECT to_regclass('schema_version') IS NOT NULL");
    if (has.text(0, 0) != "t") {
      Result any = exec("SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()");
      if (any.text(0, 0) != "0") {
        throw LedgerError("ledger " + m_where + ": this database's schema has tables but no schema_version: "
                          "not a gpubill ledger (give gpubill a database, or a schema, of its own)");
      }
      if (!create) {
        throw LedgerError("no ledger at " + m_where + ": the database has no gpubill tables; 'gpubill sync' "
                          "creates them (or give --ledger)");
      }
      exec(k_schema.c_str());
      exec("INSERT INTO schema_version(version) VALUES ($1)", {std::to_string(k_schema_version)});
      tx.commit();
      return;
    }
    Result v = exec("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    std::int64_t version = v.integer(0, 0);
    check_schema_version(version, m_where);
    tx.commit();
    if (version < k_schema_version) migrate();
  }

  // An older ledger is brought to this version in one transaction under the writers' lock
  // (docs/ledger.md, "Schema versions"), its version read again there: another gpubill may
  // have migrated it meanwhile.
  void migrate() {
    Transaction tx(*this, true);
    std::int64_t version = exec("SELECT COALESCE(MAX(version), 0) FROM schema_version").integer(0, 0);
    if (version == 1) {
      exec(migration_v1_to_v2(k_postgres_types, {"chr(31)", pg_time_text, "OVERRIDING SYSTEM VALUE"}).c_str());
      // The records' ids were copied: new ones continue after them.
      exec("SELECT setval(pg_get_serial_sequence('records', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM records");
    }
    tx.commit();
  }

  std::string slot_of(const std::string& provider, const std::string& account, const std::string& part,
                      const std::string& month) {
    Result r = exec("SELECT id FROM slots WHERE provider = $1 AND account = $2 AND part = $3 AND month = $4",
                    {provider, account, part, month});
    return r.rows() > 0 ? r.text(0, 0) : std::string();
  }

  void store_window(const WindowWrite& w, const std::string& part, const std::string& month,
                    std::int64_t sync_id, const std::string& now) {
    Result cur = exec("SELECT id, " GPUBILL_PG_TIME("period_start") ", " GPUBILL_PG_TIME("period_end")
                      " FROM windows WHERE provider = $1 AND account = $2 AND part = $3 AND month = $4 AND "
                      "seen_until IS NULL",
                      {w.provider, w.account, part, month});
    if (cur.rows() > 0) {
      if (cur.text(0, 1) == when(w.window.start) && cur.text(0, 2) == when(w.window.end)) return;
      exec("UPDATE windows SET seen_until = $1 WHERE id = $2", {now, cur.text(0, 0)});
    }
    exec("INSERT INTO windows(provider, account, part, month, period_start, period_end, seen_from, sync_id) "
         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
         {w.provider, w.account, part, month, when(w.window.start), when(w.window.end), now,
          std::to_string(sync_id)});
  }

  std::string m_where;
  PGconn* m_conn = nullptr;
};

}  // namespace

std::string shown_location(const std::string& location) { return without_password(location); }

std::unique_ptr<Ledger> open_postgres(const std::string& url, bool create, int busy_ms) {
  return std::make_unique<PostgresLedger>(url, create, busy_ms);
}

}  // namespace gpubill::ledger
