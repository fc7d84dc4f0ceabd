#include "support/ledger_store.hpp"

#include <catch2/catch.hpp>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "support/sqlite_query.hpp"

namespace gpubill::test {

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The cluster's base URL, from the state file ctest's fixture wrote.
std::string cluster_url() {
  const char* state = std::getenv("GPUBILL_TEST_PG");
  INFO("PostgreSQL tests need the cluster of tests/support/pg_cluster.sh: ctest starts it (fixture "
       "pg_cluster); by hand: bash tests/support/pg_cluster.sh start /tmp/pg && GPUBILL_TEST_PG=/tmp/pg "
       "build/tests/gpubill_tests '[postgres]'");
  REQUIRE(state != nullptr);
  std::string url = read_all(state);
  while (!url.empty() && (url.back() == '\n' || url.back() == ' ')) url.pop_back();
  REQUIRE(url.rfind("postgresql://", 0) == 0);
  return url;
}

std::string pg_query(const std::string& url, const std::string& sql, bool must = true) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string why = PQerrorMessage(c);
    PQfinish(c);
    if (!must) return "";
    INFO(why);
    FAIL("cannot connect to the test cluster");
  }
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
  PGresult* r = PQexec(c, sql.c_str());
  ExecStatusType st = PQresultStatus(r);
  std::string out;
  if (st == PGRES_TUPLES_OK) {
    for (int i = 0; i < PQntuples(r); ++i) {
      for (int j = 0; j < PQnfields(r); ++j) {
        out += (j ? "," : "") + std::string(PQgetisnull(r, i, j) ? "NULL" : PQgetvalue(r, i, j));
      }
      out += "\n";
    }
  }
  std::string why = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (must && st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    INFO(sql << ": " << why);
    FAIL("query failed");
  }
  return out;
}

// postgresql://gpubill@/postgres?host=DIR -> the same with another database.
std::string with_database(const std::string& url, const std::string& database) {
  std::size_t slash = url.find('/', url.find("://") + 3);
  std::size_t query = url.find('?', slash);
  return url.substr(0, slash + 1) + database + (query == std::string::npos ? "" : url.substr(query));
}

}  // namespace

LedgerStore::LedgerStore(Backend backend, const TempDir& dir, const std::string& name)
    : m_backend(backend), m_dir(dir) {
  if (backend == Backend::sqlite) {
    m_location = dir.path() + "/" + name + ".db";
    return;
  }
  static std::atomic<int> counter{0};
  m_admin = cluster_url();
  m_database = "gpubill_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_";
  for (char c : name) m_database += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  pg_query(m_admin, "DROP DATABASE IF EXISTS " + m_database + " WITH (FORCE)");
  pg_query(m_admin, "CREATE DATABASE " + m_database);
  m_location = with_database(m_admin, m_database);
}

LedgerStore::~LedgerStore() {
  if (m_backend == Backend::postgres && !m_database.empty()) {
    pg_query(m_admin, "DROP DATABASE IF EXISTS " + m_database + " WITH (FORCE)", false);
  }
}

std::string LedgerStore::query(const std::string& sql) const {
  return m_backend == Backend::sqlite ? sqlite_query(m_location, sql) : pg_query(m_location, sql);
}

void LedgerStore::script(const std::string& sql) const {
  for (std::size_t at = 0; at < sql.size();) {
    std::size_t end = sql.find(";\n", at);
    std::string statement = sql.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (statement.find_first_not_of(" \n") != std::string::npos) query(statement);
    at = end == std::string::npos ? sql.size() : end + 2;
  }
}

std::string LedgerStore::integrity() const {
  if (m_backend == Backend::sqlite) return query("PRAGMA integrity_check");
  query("CREATE EXTENSION IF NOT EXISTS amcheck");
  // bt_index_check with heapallindexed: every heap row is in each index, each index sound.
  std::string checked = query(
      "SELECT c.relname, bt_index_check(c.oid, true) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
      "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
      "WHERE n.nspname = current_schema() AND t.relname IN ('syncs', 'windows', 'slots', 'records') ORDER BY 1");
  INFO(checked);
  // the indexes were found and checked
  CHECK(checked.find("records_slot,") != std::string::npos);
  CHECK(checked.find("slots_key,") != std::string::npos);
  return "ok\n";
}

std::string LedgerStore::time(const std::string& column) const {
  if (m_backend == Backend::sqlite) return column;
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
}

std::vector<std::string> LedgerStore::contents() const {
  std::vector<std::string> out;
  if (m_backend == Backend::sqlite) {
    for (const std::string& name : m_dir.list()) out.push_back(read_all(m_dir.path() + "/" + name));
    return out;
  }
  std::string command = "pg_dump --no-owner '" + m_location + "' 2>&1";
  FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string dump;
  std::array<char, 65536> buffer{};
  for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), p)) > 0;) dump.append(buffer.data(), n);
  int rc = ::pclose(p);
  INFO(dump.substr(0, 500));
  REQUIRE(rc == 0);
  REQUIRE(dump.find("COPY public.records") != std::string::npos);
  out.push_back(std::move(dump));
  return out;
}

namespace {

class SqliteLock final : public LedgerStore::WriteLock {
 public:
  explicit SqliteLock(const std::string& path) {
    REQUIRE(sqlite3_open(path.c_str(), &m_db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(m_db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  ~SqliteLock() override { sqlite3_close_v2(m_db); }  // an open transaction is rolled back

 private:
  sqlite3* m_db = nullptr;
};

class PgLock final : public LedgerStore::WriteLock {
 public:
  explicit PgLock(const std::string& url) : m_c(PQconnectdb(url.c_str())) {
    REQUIRE(PQstatus(m_c) == CONNECTION_OK);
    // The key gpubill's writers take ("gpubill" in ASCII, postgres_ledger.cpp).
    PGresult* r = PQexec(m_c, "BEGIN; SELECT pg_advisory_xact_lock(29113321580653420)");
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    REQUIRE(ok);
  }
  ~PgLock() override { PQfinish(m_c); }

 private:
  PGconn* m_c;
};

}  // namespace

std::unique_ptr<LedgerStore::WriteLock> LedgerStore::hold_write_lock() const {
  if (m_backend == Backend::sqlite) return std::make_unique<SqliteLock>(m_location);
  return std::make_unique<PgLock>(m_location);
}

}  // namespace gpubill::test
