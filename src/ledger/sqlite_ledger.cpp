// The embedded ledger: one SQLite file (docs/ledger.md). WAL, synchronous=FULL, one
// BEGIN IMMEDIATE transaction per provider window, money as decimal text (CHECKed).
#include <sqlite3.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <thread>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "gpubill/ledger/ledger.hpp"
#include "gpubill/version.hpp"
#include "ledger/ledger_rows.hpp"

namespace gpubill::ledger {

// The schema (docs/ledger.md, "Schema") in SQLite's types: money as TEXT that must stay text.
const SchemaTypes k_sqlite_types{"INTEGER PRIMARY KEY", "INTEGER", "TEXT", [](const char* column) {
  return std::string("TEXT CHECK (") + column + " IS NULL OR typeof(" + column + ") = 'text')";
}};

namespace {

using model::CostRecord;
using model::Period;
using model::Timestamp;

// An older version is migrated by prepare_schema(), one step per version.
const std::string k_schema = schema_v2(k_sqlite_types);

std::string sqlite_message(sqlite3* db, int rc) {
  int ext = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  if ((rc & 0xff) == SQLITE_FULL) return "the disk is full (or the ledger reached its size limit)";
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
    return "another gpubill is writing it (waited for its lock and gave up)";
  }
  if ((rc & 0xff) == SQLITE_NOTADB) return "the file is not an SQLite database";
  if ((rc & 0xff) == SQLITE_CORRUPT) return "the database is corrupt (sqlite3 PATH 'PRAGMA integrity_check')";
  if ((rc & 0xff) == SQLITE_READONLY) return "it is read-only here";
  if ((rc & 0xff) == SQLITE_CANTOPEN) return "it cannot be opened";
  (void)ext;
  return db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
}

class Statement {
 public:
  Statement(sqlite3* db, const std::string& where, const char* sql) : m_db(db), m_where(where) {
    int rc = sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr);
    if (rc != SQLITE_OK) fail(rc);
  }
  ~Statement() { sqlite3_finalize(m_stmt); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const std::string& text) {
    check(sqlite3_bind_text(m_stmt, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int i, const std::optional<std::string>& text) {
    if (!text) {
      check(sqlite3_bind_null(m_stmt, i));
      return *this;
    }
    return bind(i, *text);
  }
  /// Without a copy: `text` must live until the statement is stepped and reset.
  Statement& bind_static(int i, const std::string& text) {
    check(sqlite3_bind_text(m_stmt, i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC));
    return *this;
  }
  Statement& bind_static(int i, std::string_view text) {
    check(sqlite3_bind_text(m_stmt, i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC));
    return *this;
  }
  Statement& bind_static(int i, const std::optional<std::string>& text) {
    if (!text) {
      check(sqlite3_bind_null(m_stmt, i));
      return *this;
    }
    return bind_static(i, *text);
  }
  Statement& bind(int i, std::int64_t v) {
    check(sqlite3_bind_int64(m_stmt, i, v));
    return *this;
  }
  /// true: a row is ready; false: done.
  bool step() {
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(rc);
  }
  void run() {
    while (step()) {
    }
    reset();
  }
  void reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
  }
  std::string text(int col) const {
    const unsigned char* t = sqlite3_column_text(m_stmt, col);
    return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t),
                                                      static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, col)));
  }
  std::optional<std::string> maybe_text(int col) const {
    if (sqlite3_column_type(m_stmt, col) == SQLITE_NULL) return std::nullopt;
    return text(col);
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(m_stmt, col); }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail(rc);
  }
  [[noreturn]] void fail(int rc) {
    throw LedgerError("ledger " + m_where + ": " + sqlite_message(m_db, rc));
  }
  sqlite3* m_db;
  std::string m_where;
  sqlite3_stmt* m_stmt = nullptr;
};

// The INSERT of one record version.
std::string insert_sql() {
  std::string sql = "INSERT INTO records(slot_id, key_rest, seq, " k_value_columns ", seen_from, sync_id) VALUES (";
  for (std::size_t c = 0; c < 5 + k_value_count; ++c) sql += c ? ", ?" : "?";
  return sql + ")";
}

// A path as the path of a file: URI (RFC 3986: what is not unreserved or '/' percent-encoded).
std::string uri_path(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// mkdir -p for the default location's folders (0700: a ledger says what a team spends).
void make_parents(const std::string& path) {
  for (std::size_t at = path.find('/', 1); at != std::string::npos; at = path.find('/', at + 1)) {
    std::string dir = path.substr(0, at);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      throw LedgerError("ledger " + path + ": cannot create " + dir + ": " + std::strerror(errno));
    }
  }
}

class SqliteLedger final : public Ledger {
 public:
  SqliteLedger(const std::string& path, bool create, int busy_ms) : m_path(path) {
    struct stat st {};
    bool exists = ::stat(path.c_str(), &st) == 0;
    if (!exists && !create) {
      throw LedgerError("no ledger at " + path + ": 'gpubill sync' creates it (or give --ledger)");
    }
    if (!exists) make_parents(path);
    // A reader that may not write the file or its folder (a teammate's ledger, a read-only
    // mount) reads it as it is: SQLite cannot make the WAL's index file there, so the file is
    // opened immutable, which is sound when no WAL file is beside it (no sync is writing and
    // none was cut short). With one, it is refused, saying why (docs/ledger.md).
    std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.find_last_of('/') + 1);
    m_read_only = !create && (::access(path.c_str(), W_OK) != 0 || ::access(dir.c_str(), W_OK) != 0);
    std::string target = path;
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    if (m_read_only) {
      struct stat wal {};
      if (::stat((path + "-wal").c_str(), &wal) == 0 && wal.st_size > 0) {
        throw LedgerError("ledger " + path + ": it is read-only here and a sync is writing it (or was cut "
                          "short): try again later, or ask its owner to run 'gpubill ledger status'");
      }
      target = "file:" + uri_path(path) + "?immutable=1";
      flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    }
    int rc = sqlite3_open_v2(target.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string why = sqlite_message(m_db, rc);
      sqlite3_close(m_db);
      m_db = nullptr;
      throw LedgerError("ledger " + path + ": " + why);
    }
    if (!exists) ::chmod(path.c_str(), 0600);
    try {
      configure(create, busy_ms);
    } catch (...) {  // no destructor runs for a constructor that throws: close it here
      sqlite3_close_v2(m_db);
      m_db = nullptr;
      throw;
    }
  }

  // (The setup after the open: a member, so a constructor that throws can close the file.)
 private:
  void configure(bool create, int busy_ms) {
    sqlite3_busy_timeout(m_db, busy_ms);
    exec("PRAGMA foreign_keys = ON");
    // A new file gets 16 KiB pages (before WAL, which fixes it): a ledger row is about 350
    // bytes and months are written whole, so wider pages mean fewer page splits and fewer
    // pages to log and checkpoint (docs/performance.md). An existing file keeps its own.
    if (m_read_only) {  // as it is: no journal mode to set, nothing to write
      prepare_schema(false);
      return;
    }
    // Turning a new file to WAL while another gpubill does the same can be refused at once,
    // without the busy handler: waited for here, within the same timeout.
    exec_waiting("PRAGMA journal_mode = WAL", busy_ms);
    exec("PRAGMA synchronous = FULL");
    exec("PRAGMA cache_size = -65536");  // 64 MiB: a month of hourly rows and its index
    prepare_schema(create);
    // Tests reach SQLite's own disk-full path through this (docs/ledger.md, "Faults"):
    // "current" keeps the file at the pages it has.
    if (const char* pages = std::getenv("GPUBILL_LEDGER_MAX_PAGES")) {
      std::string sql = std::string(pages) == "current"
                            ? "PRAGMA max_page_count = " + std::to_string(page_count())
                            : "PRAGMA max_page_count = " + std::to_string(std::atoll(pages));
      exec(sql.c_str());
    }
  }
 public:
  ~SqliteLedger() override { sqlite3_close(m_db); }

  std::string where() const override { return m_path; }

  std::int64_t begin_sync(const std::string& provider, const std::string& account,
                          const Period& span, Timestamp at) override {
    Transaction tx(*this);
    Statement s(m_db, m_path,
                "INSERT INTO syncs(provider, account, started_at, span_start, span_end, status, "
                "gpubill_version) VALUES (?, ?, ?, ?, ?, 'running', ?)");
    s.bind(1, provider).bind(2, account).bind(3, when(at)).bind(4, when(span.start))
        .bind(5, when(span.end)).bind(6, std::string(k_version));
    s.run();
    std::int64_t id = sqlite3_last_insert_rowid(m_db);
    tx.commit();
    return id;
  }

  WriteCounts write_window(const WindowWrite& w, std::int64_t sync_id, Timestamp at) override {
    const std::string month = month_of(w.window.start);
    const std::string now = when(at);
    WriteCounts counts;
    Transaction tx(*this);
    Statement current(m_db, m_path,
                      "SELECT id, key_rest, seq, " k_value_columns " FROM records WHERE slot_id = ? AND "
                      "seen_until IS NULL");
    Statement close(m_db, m_path, "UPDATE records SET seen_until = ? WHERE id = ?");
    Statement reorder(m_db, m_path, "UPDATE records SET seq = ? WHERE id = ?");
    Statement insert(m_db, m_path, insert_sql().c_str());
    for (const WindowWrite::Part& part : w.parts) {
      std::unordered_map<std::string, StoredRow> stored;
      std::int64_t slot = slot_of(w.provider, w.account, part.key, month);
      if (slot != 0) {
        current.bind(1, slot);
        while (current.step()) {
          StoredRow row{current.integer(0), current.integer(2), {}};
          for (std::size_t c = 0; c < k_value_count; ++c) row.values[c] = current.maybe_text(static_cast<int>(c) + 3);
          std::string key = stored_natural_key(row.values, current.text(1));
          stored.emplace(std::move(key), std::move(row));
        }
        current.reset();
      }
      PartChanges changes = plan_part(part.records, stored, w.key_attributes);
      counts += changes.counts;
      // Closed first: a key has one current version at every moment of the transaction.
      for (std::int64_t id : changes.closes) close.bind(1, now).bind(2, id).run();
      if (!changes.inserts.empty() && slot == 0) slot = new_slot(w.provider, w.account, part.key, month);
      // Every bound text outlives run(): bound without a copy. One row per statement: a
      // multi-row INSERT of 32 rows measured slower (docs/performance.md).
      for (std::size_t i : changes.inserts) {
        const RowValues& values = changes.rows[i];
        std::string_view key_rest = std::string_view(changes.keys[i]).substr(key_prefix_size(values));
        insert.bind(1, slot).bind_static(2, key_rest).bind(3, static_cast<std::int64_t>(i));
        for (std::size_t c = 0; c < k_value_count; ++c) insert.bind_static(static_cast<int>(c) + 4, values[c]);
        insert.bind_static(static_cast<int>(k_value_count) + 4, now)
            .bind(static_cast<int>(k_value_count) + 5, sync_id);
        insert.run();
      }
      for (const auto& [id, seq] : changes.reorders) reorder.bind(1, seq).bind(2, id).run();
      store_window(w, part.key, month, sync_id, now);
    }
    Statement progress(m_db, m_path,
                       "UPDATE syncs SET rows_seen = rows_seen + ?, rows_added = rows_added + ?, "
                       "rows_restated = rows_restated + ?, rows_gone = rows_gone + ? WHERE id = ?");
    progress.bind(1, static_cast<std::int64_t>(counts.seen)).bind(2, static_cast<std::int64_t>(counts.added))
        .bind(3, static_cast<std::int64_t>(counts.restated + counts.updated)).bind(4, static_cast<std::int64_t>(counts.gone))
        .bind(5, sync_id).run();
    tx.commit();
    return counts;
  }

  void finish_sync(std::int64_t sync_id, const std::string& status, const WriteCounts& counts,
                   Timestamp at) override {
    (void)counts;  // already added window by window, committed with each
    Transaction tx(*this);
    Statement s(m_db, m_path, "UPDATE syncs SET finished_at = ?, status = ? WHERE id = ?");
    s.bind(1, when(at)).bind(2, status).bind(3, sync_id).run();
    tx.commit();
  }

  PartRead read(const std::string& provider, const std::string& account, const std::string& part,
                const Period& period, std::optional<Timestamp> as_of) const override {
    PartRead out;
    const std::string first = month_of(period.start);
    const std::string last = month_of(period.end - std::chrono::seconds{1});
    const std::string t = as_of ? when(*as_of) : std::string();
    const char* current_at = as_of ? " AND seen_from <= ?5 AND (seen_until IS NULL OR seen_until > ?5)"
                                   : " AND seen_until IS NULL";
    // Which months a sync covered, and how far.
    std::map<std::string, Period> covered;
    {
      std::string sql = std::string("SELECT month, period_start, period_end FROM windows WHERE "
                                    "provider = ?1 AND account = ?2 AND part = ?6 AND month >= ?3 AND "
                                    "month <= ?4") + current_at;
      Statement s(m_db, m_path, sql.c_str());
      s.bind(1, provider).bind(2, account).bind(3, first).bind(4, last).bind(6, part);
      if (as_of) s.bind(5, t);
      while (s.step()) {
        std::optional<Timestamp> a = model::parse_provider_time(s.text(1));
        std::optional<Timestamp> b = model::parse_provider_time(s.text(2));
        if (a && b) covered[s.text(0)] = {*a, *b};
      }
    }
    out.not_synced = not_covered(period, covered);
    std::string sql = std::string("SELECT " k_value_columns " FROM records r JOIN slots s ON s.id = r.slot_id "
                                  "WHERE s.provider = ?1 AND s.account = ?2 AND s.part = ?6 AND "
                                  "s.month >= ?3 AND s.month <= ?4") +
                      current_at + " ORDER BY s.month, r.seq, r.id";
    Statement s(m_db, m_path, sql.c_str());
    s.bind(1, provider).bind(2, account).bind(3, first).bind(4, last).bind(6, part);
    if (as_of) s.bind(5, t);
    while (s.step()) {
      RowValues values;
      for (std::size_t c = 0; c < k_value_count; ++c) values[c] = s.maybe_text(static_cast<int>(c));
      CostRecord r = record_from(provider, values, m_path);
      if (!period.contains(r.period.start)) {
        ++out.outside;
        continue;
      }
      out.records.push_back(std::move(r));
    }
    return out;
  }

  std::vector<std::string> parts(const std::string& provider) const override {
    std::vector<std::string> out;
    Statement s(m_db, m_path, "SELECT DISTINCT part FROM windows WHERE provider = ? ORDER BY part");
    s.bind(1, provider);
    while (s.step()) out.push_back(s.text(0));
    return out;
  }

  std::vector<std::string> providers() const override {
    std::vector<std::string> out;
    Statement s(m_db, m_path, "SELECT DISTINCT provider FROM windows ORDER BY provider");
    while (s.step()) out.push_back(s.text(0));
    return out;
  }

  std::string last_month(const std::string& provider, const std::string& account) const override {
    Statement s(m_db, m_path,
                "SELECT MAX(month) FROM windows WHERE provider = ? AND account = ? AND seen_until IS NULL");
    s.bind(1, provider).bind(2, account);
    return s.step() ? s.text(0) : std::string();
  }

  std::vector<ProviderStatus> status() const override {
    std::vector<ProviderStatus> out;
    Statement s(m_db, m_path,
                "SELECT provider, account, MIN(month), MAX(month) FROM windows WHERE seen_until IS NULL "
                "GROUP BY provider, account ORDER BY provider, account");
    while (s.step()) {
      ProviderStatus p;
      p.provider = s.text(0);
      p.account = s.text(1);
      p.first_month = s.text(2);
      p.last_month = s.text(3);
      std::set<std::string> months;
      Statement m(m_db, m_path,
                  "SELECT DISTINCT month FROM windows WHERE provider = ? AND account = ? AND seen_until IS NULL");
      m.bind(1, p.provider).bind(2, p.account);
      while (m.step()) months.insert(m.text(0));
      p.gaps = month_gaps(p.first_month, p.last_month, months);
      Statement c(m_db, m_path,
                  "SELECT SUM(seen_until IS NULL), SUM(seen_until IS NOT NULL) FROM records r JOIN "
                  "slots s ON s.id = r.slot_id WHERE s.provider = ? AND s.account = ?");
      c.bind(1, p.provider).bind(2, p.account);
      if (c.step()) {
        p.rows = static_cast<std::size_t>(c.integer(0));
        p.versions = static_cast<std::size_t>(c.integer(1));
      }
      Statement l(m_db, m_path,
                  "SELECT finished_at, status FROM syncs WHERE provider = ? AND account = ? AND "
                  "finished_at IS NOT NULL ORDER BY id DESC LIMIT 1");
      l.bind(1, p.provider).bind(2, p.account);
      if (l.step()) {
        p.last_sync = l.text(0);
        p.last_status = l.text(1);
      }
      out.push_back(std::move(p));
    }
    return out;
  }

  // SQLite's own check of its pages and indexes, then gpubill's invariant: one current
  // version per natural key.
  std::string integrity_check() const override {
    Statement s(m_db, m_path, "PRAGMA integrity_check");
    std::string out;
    while (s.step()) out += (out.empty() ? "" : "; ") + s.text(0);
    Statement d(m_db, m_path, k_doubled_keys_sql);
    std::string doubled = d.step() ? d.text(0) : "0";
    if (doubled != "0") out += "; " + doubled + " natural keys with more than one current version";
    return out;
  }

 private:
  // BEGIN IMMEDIATE: the write lock is taken at once (waiting up to the busy timeout), so two
  // syncs never both read a window and then both write it. Rolled back unless committed.
  // Readers begin a plain (deferred) transaction.
  class Transaction {
   public:
    explicit Transaction(SqliteLedger& l, bool immediate = true) : m_l(l) {
      m_l.exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
    }
    ~Transaction() {
      if (!m_done) sqlite3_exec(m_l.m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    void commit() {
      m_l.exec("COMMIT");
      m_done = true;
    }

   private:
    SqliteLedger& m_l;
    bool m_done = false;
  };

  void exec_waiting(const char* sql, int busy_ms) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_ms);
    for (;;) {
      int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr);
      if (rc == SQLITE_OK) return;
      if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= until) {
        throw LedgerError("ledger " + m_path + ": " + sqlite_message(m_db, rc));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  std::int64_t page_count() {
    Statement s(m_db, m_path, "PRAGMA page_count");
    return s.step() ? s.integer(0) : 0;
  }

  void exec(const char* sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &err);
    if (err != nullptr) sqlite3_free(err);
    if (rc != SQLITE_OK) throw LedgerError("ledger " + m_path + ": " + sqlite_message(m_db, rc));
  }

  void prepare_schema(bool create) {
    // A reader takes no write lock: in WAL it reads beside a sync that is writing.
    Transaction tx(*this, create);
    bool has_table = false;
    {
      Statement s(m_db, m_path, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
      has_table = s.step();
    }
    if (!has_table) {
      Statement any(m_db, m_path, "SELECT COUNT(*) FROM sqlite_master");
      if (any.step() && any.integer(0) > 0) {
        throw LedgerError("ledger " + m_path + ": this SQLite file is not a gpubill ledger "
                          "(it has no schema_version table)");
      }
      if (!create) throw LedgerError("ledger " + m_path + ": empty; 'gpubill sync' fills it");
      exec(k_schema.c_str());
      Statement v(m_db, m_path, "INSERT INTO schema_version(version) VALUES (?)");
      v.bind(1, static_cast<std::int64_t>(k_schema_version)).run();
      tx.commit();
      return;
    }
    std::int64_t version = stored_version();
    check_schema_version(version, m_path);
    tx.commit();
    if (version < k_schema_version) migrate();
  }

  std::int64_t stored_version() {
    Statement s(m_db, m_path, "SELECT MAX(version) FROM schema_version");
    return s.step() ? s.integer(0) : 0;
  }

  // An older ledger is brought to this version in one write transaction (docs/ledger.md,
  // "Schema versions"): all of it or, killed or failed, none of it. Version 1 to 2 rewrites
  // the records table, so it is checked again under the write lock (another gpubill may
  // have migrated it meanwhile).
  void migrate() {
    if (m_read_only) {
      throw LedgerError("ledger " + m_path + ": schema version " + std::to_string(stored_version()) +
                        " is older than this gpubill's " + std::to_string(k_schema_version) +
                        " and the file is read-only here: upgrade it where it can be written "
                        "('gpubill ledger status' does)");
    }
    Transaction tx(*this);
    std::int64_t version = stored_version();
    if (version == 1) {
      exec(migration_v1_to_v2(k_sqlite_types, {"char(31)", [](const std::string& c) { return c; }, ""}).c_str());
    }
    tx.commit();
  }

  // The slot of one part's month (docs/ledger.md, "Schema"): 0 when none is stored yet.
  std::int64_t slot_of(const std::string& provider, const std::string& account, const std::string& part,
                       const std::string& month) {
    Statement s(m_db, m_path, "SELECT id FROM slots WHERE provider = ? AND account = ? AND part = ? AND month = ?");
    s.bind(1, provider).bind(2, account).bind(3, part).bind(4, month);
    return s.step() ? s.integer(0) : 0;
  }
  std::int64_t new_slot(const std::string& provider, const std::string& account, const std::string& part,
                        const std::string& month) {
    Statement s(m_db, m_path, "INSERT INTO slots(provider, account, part, month) VALUES (?, ?, ?, ?)");
    s.bind(1, provider).bind(2, account).bind(3, part).bind(4, month).run();
    return sqlite3_last_insert_rowid(m_db);
  }

  void store_window(const WindowWrite& w, const std::string& part, const std::string& month,
                    std::int64_t sync_id, const std::string& now) {
    Statement cur(m_db, m_path,
                  "SELECT id, period_start, period_end FROM windows WHERE provider = ? AND "
                  "account = ? AND part = ? AND month = ? AND seen_until IS NULL");
    cur.bind(1, w.provider).bind(2, w.account).bind(3, part).bind(4, month);
    if (cur.step()) {
      if (cur.text(1) == when(w.window.start) && cur.text(2) == when(w.window.end)) return;
      Statement close(m_db, m_path, "UPDATE windows SET seen_until = ? WHERE id = ?");
      close.bind(1, now).bind(2, cur.integer(0)).run();
    }
    Statement ins(m_db, m_path,
                  "INSERT INTO windows(provider, account, part, month, period_start, period_end, "
                  "seen_from, sync_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, w.provider).bind(2, w.account).bind(3, part).bind(4, month)
        .bind(5, when(w.window.start)).bind(6, when(w.window.end)).bind(7, now).bind(8, sync_id).run();
  }

  std::string m_path;
  sqlite3* m_db = nullptr;
  bool m_read_only = false;
};

}  // namespace

std::unique_ptr<Ledger> open_sqlite(const std::string& path, bool create, int busy_ms) {
  return std::make_unique<SqliteLedger>(path, create, busy_ms);
}

}  // namespace gpubill::ledger
