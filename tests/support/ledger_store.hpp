#pragma once
// One ledger for a test, in either store (docs/ledger.md): an SQLite file in a TempDir, or a
// new database in the throwaway PostgreSQL cluster ctest starts (tests/support/pg_cluster.sh,
// its base URL in the file GPUBILL_TEST_PG names). The e2e ledger tests run once per store.
#include <memory>
#include <string>
#include <vector>

#include "support/run_cli.hpp"

namespace gpubill::test {

enum class Backend { sqlite, postgres };

/// One test case run on both stores: NAME on SQLite, "NAME (PostgreSQL)" tagged [postgres]
/// (ctest gives those the cluster). BODY is a function of `Backend backend`.
#define GPUBILL_LEDGER_CASE(name, tags, body)                                          \
  static void body(::gpubill::test::Backend backend);                                  \
  TEST_CASE(name, tags) { body(::gpubill::test::Backend::sqlite); }                    \
  TEST_CASE(name " (PostgreSQL)", tags "[postgres]") { body(::gpubill::test::Backend::postgres); } \
  static void body(::gpubill::test::Backend backend)

class LedgerStore {
 public:
  /// SQLite: DIR/NAME.db. PostgreSQL: a new database, dropped again by the destructor; a test
  /// run without the cluster fails here, saying how to start it (nothing is skipped).
  LedgerStore(Backend backend, const TempDir& dir, const std::string& name);
  ~LedgerStore();
  LedgerStore(const LedgerStore&) = delete;
  LedgerStore& operator=(const LedgerStore&) = delete;

  Backend backend() const { return m_backend; }
  /// What --ledger takes: the path or the postgresql:// URL.
  const std::string& location() const { return m_location; }
  /// Every row of `sql`, columns joined with ",", NULL as NULL, each row ending in "\n".
  std::string query(const std::string& sql) const;
  /// Runs each statement of `sql` (split after ";\n") in turn: a schema script.
  void script(const std::string& sql) const;
  /// "ok\n" when the store finds itself sound: SQLite's PRAGMA integrity_check, PostgreSQL's
  /// amcheck over every index of the ledger's tables (heap and index agree).
  std::string integrity() const;
  /// An SQL expression of `column` (a time) as gpubill writes times: YYYY-MM-DDTHH:MM:SSZ.
  std::string time(const std::string& column) const;
  /// Everything the store holds, as bytes a secret could hide in: SQLite, every file of the
  /// folder (the database, its WAL); PostgreSQL, a pg_dump of the database.
  std::vector<std::string> contents() const;

  /// Holds the ledger's write lock as another gpubill's sync would, until destroyed: SQLite,
  /// BEGIN IMMEDIATE on a connection of its own; PostgreSQL, the advisory lock
  /// (postgres_ledger.cpp) in an open transaction.
  class WriteLock {
   public:
    virtual ~WriteLock() = default;
  };
  std::unique_ptr<WriteLock> hold_write_lock() const;

 private:
  Backend m_backend;
  const TempDir& m_dir;
  std::string m_location;
  std::string m_database;  // PostgreSQL
  std::string m_admin;     // the cluster's base URL
};

}  // namespace gpubill::test
