// The SQLite ledger in process (docs/ledger.md): records come back exactly, a second write of
// the same answer changes nothing, restatements keep the old version for --as-of, keys the
// API stops answering are closed (an empty answer keeps them), and ledgers gpubill did not
// write, or wrote newer, are refused.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <thread>

#include "gpubill/ledger/ledger.hpp"
#include "gpubill/model/period.hpp"
#include "ledger/ledger_rows.hpp"
#include "support/ledger_store.hpp"
#include "support/providers.hpp"
#include "support/run_cli.hpp"
#include "support/sqlite_query.hpp"

using namespace gpubill;
using ledger::Ledger;
using ledger::WindowWrite;
using model::CostRecord;
using model::Decimal;

namespace {

model::Timestamp at(const char* t) { return *model::parse_provider_time(t); }

CostRecord record(const char* service, const char* start, const char* end, const char* amount) {
  CostRecord r;
  r.provider = "runpod";
  r.service = service;
  r.currency = "USD";
  r.period = {at(start), at(end)};
  r.amount = Decimal::parse(amount);
  return r;
}

WindowWrite october(std::vector<CostRecord> records, const char* part = "pods") {
  WindowWrite w{"runpod", "default", {at("2026-10-01"), at("2026-11-01")}, {}, {"item"}};
  w.parts.push_back({part, std::move(records)});
  return w;
}

const model::Period k_october{at("2026-10-01"), at("2026-11-01")};

std::string amounts(const std::vector<CostRecord>& records) {
  std::string out;
  for (const CostRecord& r : records) out += (out.empty() ? "" : " ") + (r.amount ? r.amount->to_string() : "null");
  return out;
}

// One value of a query on the ledger file, as text.
std::string query(const std::string& path, const std::string& sql) { return test::sqlite_query(path, sql); }

}  // namespace

GPUBILL_LEDGER_CASE("ledger: records come back exactly, in the order answered", "[ledger]", exactly) {
  test::TempDir dir;
  test::LedgerStore store(backend, dir, "sub/dir/ledger");  // SQLite: folders made on first use
  const std::string& path = store.location();
  CostRecord a = record("pods", "2026-10-02", "2026-10-03", "999999999999999999.999999999999");
  a.resource_id = "pod-ü-数据";
  a.gpu_type = "NVIDIA H100 80GB HBM3";
  a.gpu_model = "H100 80GB";
  a.usage_quantity = Decimal::parse("0.000000000001");
  a.usage_unit = "hour";
  a.attributes["item"] = "gpu";
  a.attributes["nested"] = nlohmann::ordered_json{{"z", 1}, {"a", 2.5}};
  CostRecord b = record("pods", "2026-10-01", "2026-10-02", "-0.5");
  CostRecord c = record("pods", "2026-10-05", "2026-10-06", "0");
  c.amount.reset();  // no price: never 0
  {
    std::unique_ptr<Ledger> l = Ledger::open(path, true);
    std::int64_t id = l->begin_sync("runpod", "default", k_october, at("2026-12-01T00:00:00Z"));
    ledger::WriteCounts n = l->write_window(october({a, b, c}), id, at("2026-12-01T00:00:00Z"));
    CHECK(n.added == 3);
    l->finish_sync(id, "ok", n, at("2026-12-01T00:00:01Z"));
  }
  std::unique_ptr<Ledger> l = Ledger::open(path, false);
  ledger::PartRead r = l->read("runpod", "default", "pods", k_october, std::nullopt);
  REQUIRE(r.records.size() == 3);
  CHECK(r.not_synced.empty());
  CHECK(amounts(r.records) == "999999999999999999.999999999999 -0.5 null");
  CHECK(r.records[0].resource_id.str() == "pod-ü-数据");
  CHECK(r.records[0].usage_quantity->to_string() == "0.000000000001");
  CHECK(r.records[0].attributes.get().dump() == a.attributes.get().dump());
  CHECK(r.records[0].provider.str() == "runpod");
  auto values = [](const CostRecord& x) {
    std::vector<std::optional<std::string>> v;
    for (const model::ColumnValue& cell : model::column_values(x)) v.push_back(cell.value);
    return v;
  };
  CHECK(values(r.records[0]) == values(a));
  // Money is text in the file (SQLite), NUMERIC in the database (PostgreSQL), never REAL.
  CHECK(store.query(backend == test::Backend::sqlite
                        ? "SELECT DISTINCT typeof(amount) FROM records WHERE amount IS NOT NULL"
                        : "SELECT DISTINCT pg_typeof(amount) FROM records WHERE amount IS NOT NULL") ==
        (backend == test::Backend::sqlite ? "text\n" : "numeric\n"));
  // ... and SQL's own sum of it is exact: NUMERIC's SUM; for SQLite's text, decimal_sum (of
  // SQLite's decimal extension, which the sqlite3 shell carries), never SUM (a REAL).
  if (backend == test::Backend::postgres) {
    CHECK(store.query("SELECT SUM(amount) FROM records") == "999999999999999999.499999999999\n");
  } else {
    FILE* shell = ::popen(("sqlite3 '" + path + "' 'SELECT decimal_sum(amount) FROM records'").c_str(), "r");
    REQUIRE(shell != nullptr);
    char line[128] = {};
    std::string sum = std::fgets(line, sizeof line, shell) != nullptr ? line : "";
    CHECK(::pclose(shell) == 0);
    CHECK(sum == "999999999999999999.499999999999\n");
  }
  CHECK(store.integrity() == "ok\n");
  CHECK(l->integrity_check() == "ok");
  // A month never synced is said, not silently empty.
  ledger::PartRead later = l->read("runpod", "default", "pods", {at("2026-10-01"), at("2026-12-01")}, std::nullopt);
  REQUIRE(later.not_synced.size() == 1);
  CHECK(model::format_rfc3339(later.not_synced[0].start) == "2026-11-01T00:00:00Z");
  // A period inside the month: records beginning outside it are counted, not shown.
  ledger::PartRead part = l->read("runpod", "default", "pods", {at("2026-10-02"), at("2026-10-04")}, std::nullopt);
  CHECK(amounts(part.records) == "999999999999999999.999999999999");
  CHECK(part.outside == 2);
}

GPUBILL_LEDGER_CASE("ledger: the same answer twice changes nothing, a restatement keeps the old version",
                    "[ledger]", restatement) {
  test::TempDir dir;
  test::LedgerStore store(backend, dir, "ledger");
  std::unique_ptr<Ledger> l = Ledger::open(store.location(), true);
  CostRecord day1 = record("pods", "2026-10-01", "2026-10-02", "10.25");
  CostRecord day2 = record("pods", "2026-10-02", "2026-10-03", "7");
  std::int64_t s1 = l->begin_sync("runpod", "default", k_october, at("2026-11-02T00:00:00Z"));
  CHECK(l->write_window(october({day1, day2}), s1, at("2026-11-02T00:00:00Z")).added == 2);

  std::int64_t s2 = l->begin_sync("runpod", "default", k_october, at("2026-11-03T00:00:00Z"));
  ledger::WriteCounts same = l->write_window(october({day1, day2}), s2, at("2026-11-03T00:00:00Z"));
  CHECK(same.seen == 2);
  CHECK(same.added + same.restated + same.updated + same.gone + same.kept == 0);
  CHECK(store.query("SELECT COUNT(*) FROM records") == "2\n");

  CostRecord late = day2;
  late.amount = Decimal::parse("8.5");  // late usage landed
  ledger::WriteCounts restated = l->write_window(october({day1, late}), s2, at("2026-11-04T00:00:00Z"));
  CHECK(restated.restated == 1);
  CHECK(restated.updated == 0);
  CHECK(restated.added == 0);
  CHECK(amounts(l->read("runpod", "default", "pods", k_october, std::nullopt).records) == "10.25 8.5");
  // As of any moment before the restatement: the old value; before the first sync: nothing.
  CHECK(amounts(l->read("runpod", "default", "pods", k_october, at("2026-11-03T23:59:59Z")).records) == "10.25 7");
  CHECK(amounts(l->read("runpod", "default", "pods", k_october, at("2026-11-04T00:00:00Z")).records) == "10.25 8.5");
  ledger::PartRead before = l->read("runpod", "default", "pods", k_october, at("2026-11-01T00:00:00Z"));
  CHECK(before.records.empty());
  CHECK(before.not_synced.size() == 1);

  // A key the API no longer answers is closed (kept for --as-of); an empty answer keeps all.
  ledger::WriteCounts gone = l->write_window(october({late}), s2, at("2026-11-05T00:00:00Z"));
  CHECK(gone.gone == 1);
  CHECK(amounts(l->read("runpod", "default", "pods", k_october, std::nullopt).records) == "8.5");
  CHECK(amounts(l->read("runpod", "default", "pods", k_october, at("2026-11-04T12:00:00Z")).records) == "10.25 8.5");
  ledger::WriteCounts empty = l->write_window(october({}), s2, at("2026-11-06T00:00:00Z"));
  CHECK(empty.kept == 1);
  CHECK(amounts(l->read("runpod", "default", "pods", k_october, std::nullopt).records) == "8.5");

  std::vector<ledger::ProviderStatus> st = l->status();
  REQUIRE(st.size() == 1);
  CHECK(st[0].rows == 1);
  CHECK(st[0].versions == 2);  // 7 restated, 10.25 gone
  CHECK(st[0].first_month == "2026-10");
}

GPUBILL_LEDGER_CASE("ledger: records alike in every key field are each kept, by order", "[ledger]", twins) {
  test::TempDir dir;
  test::LedgerStore store(backend, dir, "ledger");
  std::unique_ptr<Ledger> l = Ledger::open(store.location(), true);
  CostRecord twin = record("pods", "2026-10-01", "2026-10-02", "1");
  CostRecord other_item = twin;
  other_item.attributes["item"] = "disk";  // a key attribute: another record
  std::int64_t s = l->begin_sync("runpod", "default", k_october, at("2026-11-02T00:00:00Z"));
  CHECK(l->write_window(october({twin, twin, other_item}), s, at("2026-11-02T00:00:00Z")).added == 3);
  CHECK(l->write_window(october({twin, twin, other_item}), s, at("2026-11-03T00:00:00Z")).added == 0);
  CHECK(amounts(l->read("runpod", "default", "pods", k_october, std::nullopt).records) == "1 1 1");
}

TEST_CASE("ledger: files gpubill did not write, or wrote newer, are refused", "[ledger]") {
  test::TempDir dir;
  std::string path = dir.path() + "/ledger.db";
  SECTION("missing, when reading") {
    CHECK_THROWS_WITH(Ledger::open(path, false), Catch::Contains("no ledger at") && Catch::Contains("gpubill sync"));
  }
  SECTION("not SQLite") {
    std::ofstream(path) << "name,amount\nx,1\n";
    CHECK_THROWS_WITH(Ledger::open(path, true), Catch::Contains("not an SQLite database"));
  }
  SECTION("another program's SQLite file") {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    CHECK_THROWS_WITH(Ledger::open(path, true), Catch::Contains("not a gpubill ledger"));
  }
  SECTION("a newer schema") {
    Ledger::open(path, true).reset();
    query(path, "UPDATE schema_version SET version = 99");
    CHECK_THROWS_WITH(Ledger::open(path, true), Catch::Contains("schema version 99") &&
                                                    Catch::Contains("newer gpubill") &&
                                                    Catch::Contains("reads version 2"));
  }
  SECTION("amounts are text: a number by affinity, a blob refused") {
    Ledger::open(path, true).reset();
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_exec(db, "INSERT INTO syncs(provider, account, started_at, span_start, span_end, status, gpubill_version) VALUES ('p','a','t','s','e','ok','v')", nullptr, nullptr, nullptr);
    // TEXT affinity turns a number into its text before the CHECK sees it: stored as text.
    sqlite3_exec(db, "INSERT INTO slots(provider, account, part, month) VALUES ('p','a','x','2026-10')", nullptr, nullptr, nullptr);
    int rc = sqlite3_exec(db, "INSERT INTO records(slot_id, key_rest, seq, service, resource_id, resource_name, gpu_type, gpu_model, region, currency, usage_unit, description, period_start, period_end, amount, attributes, seen_from, sync_id) VALUES (1,'',0,'','','','','','','USD','','','2026-10-01T00:00:00Z','2026-10-02T00:00:00Z',1.5,'{}','t',1)", nullptr, nullptr, nullptr);
    CHECK(rc == SQLITE_OK);
    sqlite3_close(db);
    CHECK(query(path, "SELECT typeof(amount) || ':' || amount FROM records") == "text:1.5\n");
    // A BLOB keeps its type through affinity: the CHECK refuses it.
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    rc = sqlite3_exec(db, "UPDATE records SET amount = x'31'", nullptr, nullptr, nullptr);
    CHECK(rc == SQLITE_CONSTRAINT);
    sqlite3_close(db);
  }
}

GPUBILL_LEDGER_CASE("ledger: a writer waits for another's lock, then gives up with one line", "[ledger]",
                    lock_wait) {
  test::TempDir dir;
  test::LedgerStore store(backend, dir, "locked");
  std::unique_ptr<Ledger> l = Ledger::open(store.location(), true);
  l.reset();
  ::setenv("GPUBILL_LEDGER_TIMEOUT", "0.4", 1);
  l = Ledger::open(store.location(), true);
  ::unsetenv("GPUBILL_LEDGER_TIMEOUT");
  std::int64_t s = l->begin_sync("runpod", "default", k_october, at("2026-11-02T00:00:00Z"));
  {
    std::unique_ptr<test::LedgerStore::WriteLock> other = store.hold_write_lock();
    auto started = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(l->write_window(october({record("pods", "2026-10-01", "2026-10-02", "1")}), s,
                                      at("2026-11-02T00:00:00Z")),
                      Catch::Contains("another gpubill is writing it"));
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(350));  // it waited
  }
  // The other writer gone: the same write goes through, once.
  CHECK(l->write_window(october({record("pods", "2026-10-01", "2026-10-02", "1")}), s, at("2026-11-02T00:00:00Z"))
            .added == 1);
  CHECK(store.query("SELECT COUNT(*) FROM records") == "1\n");
}

TEST_CASE("ledger: databases gpubill did not fill, or filled newer, are refused (PostgreSQL)", "[ledger][postgres]") {
  test::TempDir dir;
  test::LedgerStore store(test::Backend::postgres, dir, "refused");
  SECTION("empty, when reading") {
    CHECK_THROWS_WITH(Ledger::open(store.location(), false), Catch::Contains("no ledger at") && Catch::Contains("'gpubill sync' creates them"));
  }
  SECTION("another program's tables") {
    store.query("CREATE TABLE t(x integer)");
    CHECK_THROWS_WITH(Ledger::open(store.location(), true), Catch::Contains("not a gpubill ledger"));
  }
  SECTION("a newer schema") {
    Ledger::open(store.location(), true).reset();
    store.query("UPDATE schema_version SET version = 99");
    CHECK_THROWS_WITH(Ledger::open(store.location(), true), Catch::Contains("schema version 99") &&
                                                                Catch::Contains("newer gpubill"));
  }
  SECTION("money is NUMERIC: text that is not a number is refused by the server") {
    Ledger::open(store.location(), true).reset();
    store.query("INSERT INTO syncs(provider, account, started_at, span_start, span_end, status, gpubill_version) "
                "VALUES ('p', 'a', now(), now(), now(), 'ok', 'v')");
    store.query("INSERT INTO slots(provider, account, part, month) VALUES ('p', 'a', 'x', '2026-10')");
    std::string inserted = store.query(
        "INSERT INTO records(slot_id, key_rest, seq, service, resource_id, "
        "resource_name, gpu_type, gpu_model, region, currency, usage_unit, description, period_start, "
        "period_end, amount, attributes, seen_from, sync_id) SELECT (SELECT id FROM slots),'',0,'','','','','',"
        "'','USD','','','2026-10-01T00:00:00Z','2026-10-02T00:00:00Z','1.50','{}',now(),1 RETURNING amount");
    CHECK(inserted == "1.50\n");  // exact, with the scale it was given
  }
}

TEST_CASE("ledger: a PostgreSQL URL's password never shows", "[ledger]") {
  using ledger::shown_location;
  CHECK(shown_location("postgresql://ops:s3cret-pass@db.example/gpubill") == "postgresql://ops:***@db.example/gpubill");
  CHECK(shown_location("postgres://ops@db.example:5433/gpubill?sslmode=require&password=s3cret-pass") ==
        "postgres://ops@db.example:5433/gpubill?sslmode=require&password=***");
  CHECK(shown_location("postgresql:///gpubill?host=/run/postgresql") == "postgresql:///gpubill?host=/run/postgresql");
  CHECK(shown_location("/var/lib/gpubill/ledger.db") == "/var/lib/gpubill/ledger.db");
  CHECK(ledger::is_postgres("postgres://x/y"));
  CHECK_FALSE(ledger::is_postgres("./postgresql.db"));
  // A server that is not there: one line, the URL shown without the password.
  try {
    Ledger::open("postgresql://ops:s3cret-pass@/gpubill?host=/nonexistent-gpubill-socket", false);
    FAIL("opened a ledger on no server");
  } catch (const ledger::LedgerError& e) {
    std::string m = e.what();
    CHECK(m.find("cannot connect") != std::string::npos);
    CHECK(m.find("s3cret-pass") == std::string::npos);
    CHECK(m.find('\n') == std::string::npos);
  }
}

namespace {

std::string sql_text(const std::optional<std::string>& v) {
  if (!v) return "NULL";
  std::string out = "'";
  for (char c : *v) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}


}  // namespace

GPUBILL_LEDGER_CASE("ledger: a version 1 ledger is migrated to version 2 on open, every version and key kept",
                    "[ledger]", migrate_v1) {
  test::TempDir dir;
  test::LedgerStore store(backend, dir, "v1");
  if (backend == test::Backend::sqlite) std::ofstream(store.location()).close();  // an empty SQLite file
  // The ledger as a gpubill of schema version 1 left it (docs/ledger.md, "Schema versions"):
  // its tables, a sync, October's window, and records whose natural key is the whole key.
  store.script(ledger::schema_v1(backend == test::Backend::sqlite ? ledger::k_sqlite_types
                                                                  : ledger::k_postgres_types));
  store.script(
      "INSERT INTO schema_version(version) VALUES (1);\n"
      "INSERT INTO syncs(provider, account, started_at, span_start, span_end, status, gpubill_version) "
      "VALUES ('runpod', 'default', '2026-11-02T00:00:00Z', '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z', "
      "'ok', '0.9.0');\n"
      "INSERT INTO windows(provider, account, part, month, period_start, period_end, seen_from, sync_id) "
      "VALUES ('runpod', 'default', 'pods', '2026-10', '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z', "
      "'2026-11-02T00:00:00Z', 1);\n");
  CostRecord a = record("pods", "2026-10-01", "2026-10-02", "1.5");
  a.resource_id = "pod-ü-'数据'";
  a.attributes["item"] = "gpu";
  CostRecord b = record("pods", "2026-10-02", "2026-10-03", "0.25");  // answered twice: "#1"
  CostRecord c = record("storage", "2026-10-03", "2026-10-04", "3");
  CostRecord c_old = c;
  c_old.amount = Decimal::parse("2");
  std::vector<CostRecord> current{a, b, b, c};
  std::vector<ledger::RowValues> values;
  for (const CostRecord& r : current) values.push_back(ledger::row_values(r));
  std::vector<std::string> keys = ledger::natural_keys(current, values, {"item"});
  // Version 1's key, spelled out: the key columns, then the key attribute, then a repeat's #n.
  REQUIRE(keys[0] == "pods\x1fpod-ü-'数据'\x1f\x1f\x1fUSD\x1f\x1f\x1f" "2026-10-01T00:00:00Z\x1f" "2026-10-02T00:00:00Z\x1fgpu");
  REQUIRE(keys[2] == keys[1] + "\x1f#1");
  auto insert = [&](const ledger::RowValues& v, const std::string& key, int seq, const char* from, const char* until) {
    std::string sql = "INSERT INTO records(provider, account, part, month, natural_key, seq, " +
                      std::string(ledger::k_value_columns_text) + ", seen_from, seen_until, sync_id) VALUES "
                      "('runpod', 'default', 'pods', '2026-10', " + sql_text(key) + ", " + std::to_string(seq);
    for (const std::optional<std::string>& x : v) sql += ", " + sql_text(x);
    sql += std::string(", '") + from + "', " + (until ? sql_text(std::string(until)) : "NULL") + ", 1)";
    store.query(sql);
  };
  insert(ledger::row_values(c_old), keys[3], 3, "2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z");  // restated
  for (std::size_t i = 0; i < current.size(); ++i) {
    insert(values[i], keys[i], static_cast<int>(i), i == 3 ? "2026-11-03T00:00:00Z" : "2026-11-02T00:00:00Z", nullptr);
  }

  // Two gpubills open it at once while a writer holds the lock, so both read version 1: one
  // migrates, the other waits for the lock, reads the version again and finds nothing left to
  // do (a second migration would fail on v1's tables, gone).
  auto open = [&] { return Ledger::open(store.location(), false); };  // as a report opens it
  std::future<std::unique_ptr<Ledger>> first, second;
  {
    std::unique_ptr<test::LedgerStore::WriteLock> other = store.hold_write_lock();
    first = std::async(std::launch::async, open);
    second = std::async(std::launch::async, open);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  std::unique_ptr<Ledger> l = first.get();
  REQUIRE_NOTHROW(second.get());
  CHECK(store.query("SELECT MAX(version) FROM schema_version") == "2\n");
  CHECK(store.query("SELECT COUNT(*) FROM schema_version WHERE version = 2") == "1\n");
  CHECK(store.query("SELECT COUNT(*) FROM slots") == "1\n");
  CHECK(l->integrity_check() == "ok");
  CHECK(amounts(l->read("runpod", "default", "pods", k_october, std::nullopt).records) == "1.5 0.25 0.25 3");
  CHECK(amounts(l->read("runpod", "default", "pods", k_october, at("2026-11-02T12:00:00Z")).records) ==
        "1.5 0.25 0.25 2");
  CHECK(l->read("runpod", "default", "pods", k_october, std::nullopt).records[0].resource_id.str() == "pod-ü-'数据'");
  // The keys survived: the same answer again changes nothing; a new amount is one restatement,
  // stored under a new id after the copied ones.
  std::int64_t s = l->begin_sync("runpod", "default", k_october, at("2026-11-04T00:00:00Z"));
  ledger::WriteCounts same = l->write_window(october(current), s, at("2026-11-04T00:00:00Z"));
  CHECK(same.added == 0);
  CHECK(same.restated == 0);
  CHECK(same.gone == 0);
  current[0].amount = Decimal::parse("1.75");
  ledger::WriteCounts changed = l->write_window(october(current), s, at("2026-11-05T00:00:00Z"));
  CHECK(changed.restated == 1);
  CHECK(changed.added == 0);
  CHECK(amounts(l->read("runpod", "default", "pods", k_october, std::nullopt).records) == "1.75 0.25 0.25 3");
  CHECK(store.query("SELECT COUNT(*) FROM records") == "6\n");
  CHECK(l->integrity_check() == "ok");
  // Opened again, it is version 2 already: nothing to migrate, nothing changed.
  l.reset();
  l = Ledger::open(store.location(), false);
  CHECK(amounts(l->read("runpod", "default", "pods", k_october, std::nullopt).records) == "1.75 0.25 0.25 3");
}

TEST_CASE("ledger: a part key reads back as the resource and options it was made of", "[ledger]") {
  // Every part every provider's sync stores (its report plan and its own total).
  std::size_t parts = 0;
  for (const providers::Provider* p : test::all_providers()) {
    std::vector<providers::ReportPart> plan = p->report_plan();
    if (std::optional<providers::ReportPart> total = p->report_total()) plan.push_back(*total);
    for (const providers::ReportPart& part : plan) {
      std::string key = ledger::part_key(part.resource, part.options);
      auto [resource, options] = ledger::split_part_key(key);
      INFO(key);
      CHECK(resource == part.resource);
      CHECK(options == part.options);
      ++parts;
    }
  }
  CHECK(parts > 10);
  auto [resource, options] = ledger::split_part_key("endpoints?gpu-type=NVIDIA L4,NVIDIA A40&grouping=gpuTypeId");
  CHECK(resource == "endpoints");
  CHECK(options == providers::OptionValues{{"gpu-type", {"NVIDIA L4", "NVIDIA A40"}}, {"grouping", {"gpuTypeId"}}});
  CHECK(ledger::split_part_key("pods").second.empty());
}

GPUBILL_LEDGER_CASE("ledger: the same money with other fields is an update, a new version that --as-of keeps apart",
                    "[ledger]", update) {
  test::TempDir dir;
  test::LedgerStore store(backend, dir, "ledger");
  std::unique_ptr<Ledger> l = Ledger::open(store.location(), true);
  CostRecord day = record("pods", "2026-10-01", "2026-10-02", "10.25");
  std::int64_t s = l->begin_sync("runpod", "default", k_october, at("2026-11-02T00:00:00Z"));
  REQUIRE(l->write_window(october({day}), s, at("2026-11-02T00:00:00Z")).added == 1);
  // A newer gpubill reads one more field of the same answer (Hyperstack's org_id, say).
  CostRecord read_more = day;
  read_more.attributes["org_id"] = 6190;
  ledger::WriteCounts c = l->write_window(october({read_more}), s, at("2026-11-03T00:00:00Z"));
  CHECK(c.updated == 1);
  CHECK(c.restated == 0);
  CHECK(c.added == 0);
  CHECK(store.query("SELECT COUNT(*) FROM records") == "2\n");
  CHECK(l->read("runpod", "default", "pods", k_october, std::nullopt).records[0].attributes.contains("org_id"));
  CHECK_FALSE(l->read("runpod", "default", "pods", k_october, at("2026-11-02T12:00:00Z")).records[0].attributes.contains("org_id"));
  // The usage changing is money moving: a restatement.
  CostRecord more_hours = read_more;
  more_hours.usage_quantity = Decimal::parse("25");
  c = l->write_window(october({more_hours}), s, at("2026-11-04T00:00:00Z"));
  CHECK(c.restated == 1);
  CHECK(c.updated == 0);
  // The sync's row counts both among its new versions.
  CHECK(store.query("SELECT rows_restated FROM syncs WHERE id = " + std::to_string(s)) == "2\n");
}
