// The ledger end to end (issue 20, docs/ledger.md): sync against the fake cloud, then the
// same commands with --from-ledger print what they print online, byte for byte; a restated
// amount lands with the old one kept for --as-of; kill -9 and a second sync at once leave the
// ledger sound and nothing doubled; one provider failing stores the others. Every case runs
// twice: on an SQLite file and on a database of the throwaway PostgreSQL cluster ctest starts
// ([postgres], tests/support/pg_cluster.sh).
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <thread>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ledger/ledger_rows.hpp"
#include "support/env.hpp"
#include "support/fake_cloud/fake_cloud.hpp"
#include "support/ledger_store.hpp"
#include "support/run_cli.hpp"

using namespace gpubill;
using test::CliResult;
using test::Backend;
using test::FakeCloud;
using test::LedgerStore;
using test::run_cli;

namespace {

// The commands compared online and offline: the whole report in every format and grouping
// people use, and single cost commands that are report parts.
const std::vector<std::vector<std::string>> k_compared = {
    {"report", "--start", "2026-08", "-o", "csv"},
    {"report", "--start", "2026-08", "--end", "2026-11", "-o", "json"},
    {"report", "--start", "2026-10", "--group-by", "provider,gpu"},
    {"report"},  // this month, to the fake's now
    {"report", "--start", "2026-09", "--group-by", "provider,service,resource,month", "-o", "ndjson"},
    {"runpod", "pods", "--grouping", "gpuTypeId", "--start", "2026-09", "-o", "csv"},
    {"novita", "usage", "--category", "gpu", "--cycle", "day", "-o", "json"},
    {"gcore", "totals", "--start", "2026-10"},
    {"vast", "charges", "--start", "2026-08", "-o", "csv"},
    // FOCUS rows from the ledger: the same bytes (issue #21)
    {"report", "--start", "2026-08", "--end", "2026-11", "-o", "focus"},
    {"hyperstack", "history", "--start", "2026-09", "-o", "focus", "--focus-version", "1.3"},
    // Flags at their defaults, and flags that only select records, read from the stored part
    // (docs/ledger.md, "Reads"): the grouping left out, the bucket named.
    {"runpod", "pods", "--gpu-type", "NVIDIA A40", "--start", "2026-09", "-o", "csv"},
    {"runpod", "pods", "--bucket", "day", "--gpu-type", "NVIDIA H100 80GB HBM3", "--start", "2026-10"},
    {"runpod", "endpoints", "--grouping", "gpuTypeId", "--gpu-type", "NVIDIA L4", "--gpu-type", "NVIDIA A40",
     "--start", "2026-10", "-o", "csv"},
    {"runpod", "network-volumes", "--id", "nv-account", "--start", "2026-11", "-o", "json"},
    {"runpod", "clusters", "--cluster-id", "cluster_ddp01", "--start", "2026-10", "-o", "csv"},
    {"vast", "charges", "--type", "volume", "--start", "2026-08", "-o", "csv"},
    {"novita", "usage", "--owner-id", "inst-77h1", "-o", "json"},
    {"gcore", "totals", "--region", "76", "--type", "ai_cluster", "--type", "volume", "--start", "2026-10"},
};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// The online answers of k_compared, each from a fresh fake (Runpod's v2 window is 60
// requests per fake).
std::vector<CliResult> online(const std::map<std::string, std::string>& changes = {}) {
  std::vector<CliResult> out;
  for (const std::vector<std::string>& args : k_compared) {
    FakeCloud cloud;
    cloud.start();
    out.push_back(run_cli(args, test::all_providers_env(cloud, changes)));
    INFO(out.back().err);
    REQUIRE(out.back().exit_code == 0);
  }
  return out;
}

CliResult sync(const std::string& ledger, std::vector<std::string> more = {},
               std::map<std::string, std::string> changes = {}) {
  FakeCloud cloud;
  cloud.start();
  std::map<std::string, std::string> env = test::all_providers_env(cloud, changes);
  return run_cli(with({"sync", "--ledger", ledger}, more), env);
}

// The stored records with their slot's provider, account, part and month (docs/ledger.md,
// "Schema"), and their natural key's columns.
#define RECORDS "(SELECT s.provider, s.account, s.part, s.month, r.* FROM records r JOIN slots s ON s.id = r.slot_id)"
#define NATURAL_KEY "service, resource_id, gpu_type, region, currency, usage_unit, description, period_start, " \
                    "period_end, key_rest"

// Every current record of every window, as text: two ledgers holding the same windows the
// same way give the same text.
const char* k_current_rows =
    "SELECT provider, part, month, " NATURAL_KEY ", amount, usage_quantity, attributes FROM " RECORDS " records "
    "WHERE seen_until IS NULL ORDER BY provider, part, month, " NATURAL_KEY;

// Current rows with the same natural key in a window: must be none, ever.
const char* k_doubled =
    "SELECT provider, part, month, " NATURAL_KEY ", COUNT(*) FROM " RECORDS " records WHERE seen_until IS NULL "
    "GROUP BY provider, account, part, month, " NATURAL_KEY " HAVING COUNT(*) > 1";

std::string iso_now() {
  return model::format_rfc3339(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

}  // namespace

GPUBILL_LEDGER_CASE("e2e ledger: sync twice, then every command from the ledger equals it online, byte for byte",
                    "[e2e][ledger]", twice_then_offline) {
  test::TempDir dir;
  LedgerStore ledger_store(backend, dir, "ledger");
  const std::string& ledger = ledger_store.location();
  CliResult first = sync(ledger, {"--start", "2026-08"});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("runpod") != std::string::npos);
  std::string rows = ledger_store.query("SELECT COUNT(*) FROM records");
  CliResult second = sync(ledger, {"--start", "2026-08"});
  REQUIRE(second.exit_code == 0);
  CHECK(ledger_store.query("SELECT COUNT(*) FROM records") == rows);  // nothing new, nothing doubled
  CHECK(ledger_store.query("SELECT SUM(rows_added + rows_restated + rows_gone) FROM syncs WHERE id > 5") == "0\n");

  std::vector<CliResult> expected = online();
  for (std::size_t i = 0; i < k_compared.size(); ++i) {
    // No key, no fake: the ledger alone answers.
    CliResult offline = run_cli(with(k_compared[i], {"--from-ledger", "--ledger", ledger}),
                                {{"GPUBILL_NOW", test::k_fake_now}});
    INFO(k_compared[i][0] + " " + (k_compared[i].size() > 1 ? k_compared[i][1] : ""));
    INFO(offline.err);
    CHECK(offline.exit_code == 0);
    CHECK(offline.out == expected[i].out);
  }

  CliResult status = run_cli({"ledger", "status", "--ledger", ledger, "-o", "csv"});
  REQUIRE(status.exit_code == 0);
  for (const providers::Provider* p : test::all_providers()) {
    CHECK(status.out.find("\n" + p->info().name + ",default,2026-08,2026-11,") != std::string::npos);
  }
  // Export: every stored record of the report's parts, one line each (the providers' own
  // totals, which repeat them, left out).
  CliResult exported = run_cli({"ledger", "export", "--ledger", ledger, "--start", "2026-08", "--end",
                                "2026-12", "-o", "ndjson"}, {{"GPUBILL_NOW", test::k_fake_now}});
  REQUIRE(exported.exit_code == 0);
  std::string parts_rows = ledger_store.query("SELECT COUNT(*) FROM " RECORDS " records WHERE seen_until IS NULL AND part NOT IN "
                                         "('all?bucket=month', 'statements', 'history')");
  CHECK(std::to_string(std::count(exported.out.begin(), exported.out.end(), '\n')) + "\n" == parts_rows);
  CHECK(ledger_store.integrity() == "ok\n");
}

GPUBILL_LEDGER_CASE("e2e ledger: a part the ledger never stored, or a month never synced, is an error",
                    "[e2e][ledger]", never_stored) {
  test::TempDir dir;
  LedgerStore ledger_store(backend, dir, "ledger");
  const std::string& ledger = ledger_store.location();
  CliResult missing = run_cli({"report", "--from-ledger", "--ledger", ledger});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("no ledger at " + ledger) != std::string::npos);
  REQUIRE(sync(ledger, {"--start", "2026-10", "--providers", "gcore"}).exit_code == 0);
  CliResult other = run_cli({"runpod", "pods", "--from-ledger", "--ledger", ledger},
                            {{"GPUBILL_NOW", test::k_fake_now}});
  CHECK(other.exit_code == 1);
  CHECK(other.err == "gpubill: runpod pods: not in the ledger " + ledger + ": nothing of runpod is stored ('gpubill sync')\n");
  CliResult before = run_cli({"gcore", "totals", "--start", "2026-06", "--from-ledger", "--ledger", ledger},
                             {{"GPUBILL_NOW", test::k_fake_now}});
  CHECK(before.exit_code == 1);
  CHECK(before.err.find("has no sync of 2026-06-01T00:00:00Z .. 2026-07-01T00:00:00Z") != std::string::npos);
  CHECK(before.out.empty());
  // A flag that is not only a selection of stored records (a totals row names no project):
  // refused, naming what is stored, never answered with the unfiltered rows.
  CliResult project = run_cli({"gcore", "totals", "--start", "2026-10", "--project", "7", "--from-ledger", "--ledger", ledger},
                              {{"GPUBILL_NOW", test::k_fake_now}});
  CHECK(project.exit_code == 1);
  CHECK(project.err == "gpubill: gcore totals --project 7: not in the ledger " + ledger + ": it holds gcore totals\n");
  CHECK(project.out.empty());
}

GPUBILL_LEDGER_CASE("e2e ledger: a restated amount lands, the old one is kept, --as-of reproduces the old report",
                    "[e2e][ledger]", restated) {
  test::TempDir dir;
  LedgerStore ledger_store(backend, dir, "ledger");
  const std::string& ledger = ledger_store.location();
  REQUIRE(sync(ledger, {"--start", "2026-10", "--providers", "gcore"}).exit_code == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  std::string between = iso_now();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  std::vector<std::string> report = {"report", "--providers", "gcore", "-o", "csv", "--ledger", ledger};
  std::map<std::string, std::string> clock = {{"GPUBILL_NOW", test::k_fake_now}};
  CliResult before = run_cli(with(report, {"--from-ledger"}), clock);
  REQUIRE(before.exit_code == 0);

  // A day later Gcore's last day has had late usage land (gcore.md "Data lag").
  FakeCloud late_cloud;
  late_cloud.start();
  std::map<std::string, std::string> late_env = test::env_for(late_cloud, "gcore", "late-charges");
  CliResult restating = run_cli({"sync", "--ledger", ledger, "--providers", "gcore"}, late_env);
  INFO(restating.err);
  REQUIRE(restating.exit_code == 0);
  // The lookback re-read October and November; only November's lines changed.
  std::string restated = ledger_store.query("SELECT rows_restated FROM syncs ORDER BY id DESC LIMIT 1");
  CHECK(restated != "0\n");
  CHECK(ledger_store.query("SELECT COUNT(*) FROM records WHERE seen_until IS NOT NULL") == restated);
  CHECK(ledger_store.query("SELECT DISTINCT month FROM " RECORDS " records WHERE seen_until IS NOT NULL") == "2026-11\n");

  // Now: what Gcore answers now, byte for byte.
  CliResult online_late = run_cli({"report", "--providers", "gcore", "-o", "csv"}, late_env);
  CliResult after = run_cli(with(report, {"--from-ledger"}), clock);
  CHECK(after.out == online_late.out);
  CHECK(after.out != before.out);
  // As of before the restatement: the report as it was, byte for byte.
  CliResult as_of = run_cli(with(report, {"--as-of", between}), clock);
  INFO(as_of.err);
  CHECK(as_of.exit_code == 0);
  CHECK(as_of.out == before.out);
  CHECK(ledger_store.query(k_doubled).empty());
}

GPUBILL_LEDGER_CASE("e2e ledger: kill -9 mid-sync leaves every stored month whole, the ledger sound",
                    "[e2e][ledger]", killed) {
  test::TempDir dir;
  LedgerStore killed_store(backend, dir, "killed");
  const std::string& killed = killed_store.location();
  LedgerStore whole_store(backend, dir, "whole");
  const std::string& whole = whole_store.location();
  REQUIRE(sync(whole, {"--start", "2026-08"}).exit_code == 0);

  FakeCloud::Options slow;
  slow.latency_ms = 300;  // every request late: the sync is mid-way when it is killed
  FakeCloud cloud(slow);
  cloud.start();
  CliResult r = test::run_cli_signalled({"sync", "--ledger", killed, "--start", "2026-08"},
                                        test::all_providers_env(cloud), SIGKILL, 1500);
  REQUIRE(r.exit_code == 128 + SIGKILL);
  CHECK(killed_store.integrity() == "ok\n");
  CHECK(killed_store.query(k_doubled).empty());
  // Some months were stored before the kill, not all; each stored one is whole: its records
  // are exactly those a full sync stores for it.
  std::string windows = killed_store.query("SELECT COUNT(*) FROM windows");
  std::string all_windows = whole_store.query("SELECT COUNT(*) FROM windows");
  INFO("windows stored before the kill: " << windows << " of " << all_windows);
  CHECK(windows != all_windows);
  std::string stored_months =
      "SELECT r.provider, r.part, r.month, r.service, r.resource_id, r.gpu_type, r.region, r.currency, "
      "r.usage_unit, r.description, r.period_start, r.period_end, r.key_rest, r.amount, r.usage_quantity, "
      "r.attributes FROM " RECORDS " r JOIN windows w ON w.provider = r.provider AND w.part = r.part AND "
      "w.month = r.month WHERE r.seen_until IS NULL AND w.seen_until IS NULL AND w.month < '2026-11' "
      "ORDER BY r.provider, r.part, r.month, r.service, r.resource_id, r.gpu_type, r.region, r.currency, "
      "r.usage_unit, r.description, r.period_start, r.period_end, r.key_rest";
  std::string in_killed = killed_store.query(stored_months);
  std::string in_whole = whole_store.query(stored_months);
  // Each month stored in the killed ledger appears, with the same rows, in the whole one.
  std::size_t matched = 0;
  for (std::size_t at = 0, next; at < in_killed.size(); at = next + 1) {
    next = in_killed.find('\n', at);
    CHECK(in_whole.find(in_killed.substr(at, next - at + 1)) != std::string::npos);
    ++matched;
  }
  INFO(matched << " rows checked");
  // The next sync finishes the job: the same rows as one uninterrupted sync.
  REQUIRE(sync(killed, {"--start", "2026-08"}).exit_code == 0);
  CHECK(killed_store.query(k_current_rows) == whole_store.query(k_current_rows));
}

GPUBILL_LEDGER_CASE("e2e ledger: two syncs at once store everything once",
                    "[e2e][ledger]", concurrent) {
  test::TempDir dir;
  LedgerStore ledger_store(backend, dir, "ledger");
  const std::string& ledger = ledger_store.location();
  LedgerStore reference_store(backend, dir, "reference");
  const std::string& reference = reference_store.location();
  REQUIRE(sync(reference, {"--start", "2026-10"}).exit_code == 0);
  FakeCloud a;
  FakeCloud b;
  a.start();
  b.start();
  CliResult ra;
  CliResult rb;
  std::thread ta([&] { ra = run_cli({"sync", "--ledger", ledger, "--start", "2026-10"}, test::all_providers_env(a)); });
  std::thread tb([&] { rb = run_cli({"sync", "--ledger", ledger, "--start", "2026-10"}, test::all_providers_env(b)); });
  ta.join();
  tb.join();
  INFO(ra.err);
  INFO(rb.err);
  CHECK(ra.exit_code == 0);
  CHECK(rb.exit_code == 0);
  CHECK(ledger_store.integrity() == "ok\n");
  CHECK(ledger_store.query(k_doubled).empty());
  CHECK(ledger_store.query(k_current_rows) == reference_store.query(k_current_rows));
  CHECK(ledger_store.query("SELECT COUNT(*) FROM records WHERE seen_until IS NOT NULL") == "0\n");
}

GPUBILL_LEDGER_CASE("e2e ledger: a provider that fails is named, the others are stored, exit 4",
                    "[e2e][ledger]", provider_fails) {
  test::TempDir dir;
  LedgerStore ledger_store(backend, dir, "ledger");
  const std::string& ledger = ledger_store.location();
  FakeCloud cloud;
  cloud.start();
  std::map<std::string, std::string> env = test::all_providers_env(cloud);
  for (auto& [name, value] : test::env_for(cloud, "novita", "", "500")) env[name] = value;
  CliResult r = run_cli({"sync", "--ledger", ledger, "--start", "2026-10", "--retries", "0"}, env);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("gpubill: sync: novita") != std::string::npos);
  CHECK(r.out.find("novita      -") != std::string::npos);
  CHECK(ledger_store.query("SELECT DISTINCT provider FROM windows ORDER BY provider") ==
        "gcore\nhyperstack\nrunpod\nvast\n");
  CHECK(ledger_store.query("SELECT status FROM syncs WHERE provider = 'novita'").find("500") != std::string::npos);
}

GPUBILL_LEDGER_CASE("e2e ledger: a full disk or a newer ledger exits 1 and leaves the ledger as it was",
                    "[e2e][ledger]", disk_full) {
  test::TempDir dir;
  LedgerStore ledger_store(backend, dir, "ledger");
  const std::string& ledger = ledger_store.location();
  REQUIRE(sync(ledger, {"--start", "2026-10", "--providers", "gcore"}).exit_code == 0);
  std::string before = ledger_store.query(k_current_rows);
  SECTION("disk full") {
    std::map<std::string, std::string> full_disk;
    if (backend == Backend::sqlite) {
      // SQLite's own disk-full path: the file may not grow past its current pages.
      full_disk = {{"GPUBILL_LEDGER_MAX_PAGES", "current"}};
    } else {
      // The server's: every new row answered with what PostgreSQL says when its disk is full
      // (SQLSTATE 53100, disk_full), in the middle of the window's transaction.
      ledger_store.query(
          "CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
          "'could not extend file \"base/1/2\": No space left on device' USING ERRCODE = 'disk_full'; END $$; "
          "CREATE TRIGGER full_disk BEFORE INSERT ON records FOR EACH ROW EXECUTE FUNCTION full_disk()");
    }
    CliResult full = sync(ledger, {"--start", "2026-08"}, full_disk);
    CHECK(full.exit_code == 1);
    CHECK(full.err.find("disk is full") != std::string::npos);
    CHECK(ledger_store.integrity() == "ok\n");
    CHECK(ledger_store.query(k_doubled).empty());
    // Nothing stored before is lost; a month the sync committed before the disk filled (a
    // page may have had room) is whole: its rows are those of an uninterrupted sync.
    auto lines = [](const std::string& text) {
      std::vector<std::string> out;
      for (std::size_t at = 0, next; at < text.size(); at = next + 1) {
        next = text.find('\n', at);
        out.push_back(text.substr(at, next - at + 1));
      }
      return out;
    };
    std::string after = ledger_store.query(k_current_rows);
    for (const std::string& line : lines(before)) CHECK(after.find(line) != std::string::npos);
    LedgerStore reference(backend, dir, "reference");
    REQUIRE(sync(reference.location(), {"--start", "2026-08"}).exit_code == 0);
    const char* per_window = "SELECT provider, part, month, COUNT(*) FROM " RECORDS " records WHERE seen_until IS NULL "
                             "GROUP BY provider, part, month ORDER BY provider, part, month";
    std::string whole = reference.query(per_window);
    for (const std::string& line : lines(ledger_store.query(per_window))) CHECK(whole.find(line) != std::string::npos);
    std::string reference_rows = reference.query(k_current_rows);
    for (const std::string& line : lines(after)) CHECK(reference_rows.find(line) != std::string::npos);
  }
  SECTION("newer schema") {
    ledger_store.query("UPDATE schema_version SET version = 3");
    CliResult newer = sync(ledger);
    CHECK(newer.exit_code == 1);
    CHECK(newer.err.find("schema version 3 was written by a newer gpubill") != std::string::npos);
    CliResult read = run_cli({"report", "--from-ledger", "--ledger", ledger});
    CHECK(read.exit_code == 1);
    CHECK(ledger_store.query(k_current_rows) == before);
  }
}

GPUBILL_LEDGER_CASE("e2e ledger: a key a provider echoes in a data field never reaches the ledger file",
                    "[e2e][ledger]", echoed_key) {
  test::TempDir dir;
  LedgerStore ledger_store(backend, dir, "ledger");
  const std::string& ledger = ledger_store.location();
  FakeCloud cloud;
  cloud.start();
  std::map<std::string, std::string> env = test::env_for(cloud, "hyperstack", "echo-key");
  CliResult r = run_cli({"sync", "--ledger", ledger, "--providers", "hyperstack", "--start", "2026-10"}, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("stored as [REDACTED]") != std::string::npos);
  const std::string key = cloud.key_for("hyperstack");
  CHECK(ledger_store.query("SELECT COUNT(*) FROM records WHERE resource_name LIKE '%[REDACTED]%' OR "
                      "attributes LIKE '%[REDACTED]%'") != "0\n");
  // Not in the database, its WAL or anything beside it (SQLite), nor anywhere in a dump of
  // the database (PostgreSQL), in any byte.
  for (const std::string& bytes : ledger_store.contents()) CHECK(bytes.find(key) == std::string::npos);
}

GPUBILL_LEDGER_CASE("e2e ledger: a sync asked for part of a month syncs the whole month, losing nothing",
                    "[e2e][ledger]", part_of_month) {
  test::TempDir dir;
  LedgerStore ledger_store(backend, dir, "ledger");
  const std::string& ledger = ledger_store.location();
  REQUIRE(sync(ledger, {"--start", "2026-10", "--end", "2026-11"}).exit_code == 0);
  std::string whole = ledger_store.query(k_current_rows);
  CliResult half = sync(ledger, {"--start", "2026-10-15", "--end", "2026-10-20"});
  INFO(half.err);
  REQUIRE(half.exit_code == 0);
  CHECK(ledger_store.query(k_current_rows) == whole);
  CHECK(ledger_store.query("SELECT COUNT(*) FROM records WHERE seen_until IS NOT NULL") == "0\n");
  CHECK(ledger_store.query("SELECT DISTINCT " + ledger_store.time("span_start") + " || ' ' || " +
                           ledger_store.time("span_end") + " FROM syncs WHERE id > 5") ==
        "2026-10-01T00:00:00Z 2026-11-01T00:00:00Z\n");
}

TEST_CASE("e2e ledger: sync says what it stored as CSV, JSON and NDJSON for scripts", "[e2e][ledger]") {
  test::TempDir dir;
  std::string ledger = dir.path() + "/ledger.db";
  FakeCloud cloud;
  cloud.start();
  std::map<std::string, std::string> env = test::all_providers_env(cloud);
  for (auto& [name, value] : test::env_for(cloud, "novita", "", "500")) env[name] = value;
  CliResult json = run_cli({"sync", "--ledger", ledger, "--start", "2026-10", "--retries", "0", "-o", "json"}, env);
  CHECK(json.exit_code == 4);
  nlohmann::json doc = nlohmann::json::parse(json.out);
  CHECK(doc["ledger"] == ledger);
  REQUIRE(doc["providers"].size() == test::all_providers().size());
  for (const auto& p : doc["providers"]) {
    INFO(p.dump());
    if (p["provider"] == "novita") {
      CHECK(p["status"] == "failed");
      CHECK(p["first_month"].is_null());
      REQUIRE(p["errors"].size() == 1);
      CHECK(p["errors"][0].get<std::string>().find("500") != std::string::npos);
    } else {
      CHECK(p["status"] == "ok");
      CHECK(p["first_month"] == "2026-10");
      CHECK(p["last_month"] == "2026-11");
      CHECK(p["months"] == 2);
      CHECK(p["new"].get<int>() > 0);
      CHECK(p["new"] == p["seen"]);
    }
  }
  // The same sync again: nothing new, as CSV and NDJSON.
  CliResult csv = run_cli({"sync", "--ledger", ledger, "--start", "2026-10", "--providers", "gcore", "-o", "csv"}, env);
  CHECK(csv.exit_code == 0);
  CHECK(csv.out == "provider,first_month,last_month,months,seen,new,restated,updated,gone,kept,status,errors\r\n"
                   "gcore,2026-10,2026-11,2,18,0,0,0,0,0,ok,\r\n");
  CliResult ndjson = run_cli({"sync", "--ledger", ledger, "--start", "2026-11", "--providers", "gcore", "-o", "ndjson"}, env);
  CHECK(ndjson.out == "{\"provider\":\"gcore\",\"first_month\":\"2026-11\",\"last_month\":\"2026-11\",\"months\":1,"
                      "\"seen\":9,\"new\":0,\"restated\":0,\"updated\":0,\"gone\":0,\"kept\":0,\"status\":\"ok\",\"errors\":[]}\n");
}

namespace {

// gpubill as a user who may read the ledger but not write it or its folder: `nobody` when
// the tests run as root (root may write anything), else this user after chmod a-w.
test::CliResult run_as_reader(const std::vector<std::string>& args) {
  std::string command = ::geteuid() == 0 ? "runuser -u nobody -- " : "";
  command += "env -i PATH=/usr/bin:/bin HOME=/nonexistent XDG_CONFIG_HOME=/nonexistent GPUBILL_NOW=" +
             std::string(test::k_fake_now) + " '" GPUBILL_BINARY "'";
  for (const std::string& a : args) command += " '" + a + "'";
  command += " 2>&1";
  test::CliResult r;
  FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, p)) > 0;) r.out.append(buffer, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace

TEST_CASE("e2e ledger: a ledger its reader may not write is read as it is, and refused while a sync writes it",
          "[e2e][ledger]") {
  test::TempDir dir;
  std::string ledger = dir.path() + "/ledger.db";
  REQUIRE(sync(ledger, {"--start", "2026-10", "--providers", "gcore"}).exit_code == 0);
  std::vector<std::string> report = {"report", "--providers", "gcore", "--from-ledger", "--ledger", ledger,
                                     "-o", "csv", "-q"};
  CliResult mine = run_cli(report, {{"GPUBILL_NOW", test::k_fake_now}});
  REQUIRE(mine.exit_code == 0);
  // Readable by all, writable by nobody but its owner (and, without root, not even by them).
  ::chmod(ledger.c_str(), ::geteuid() == 0 ? 0644 : 0444);
  ::chmod(dir.path().c_str(), 0555);
  CliResult theirs = run_as_reader(report);
  INFO(theirs.out);
  CHECK(theirs.exit_code == 0);
  CHECK(theirs.out == mine.out);
  CliResult status = run_as_reader({"ledger", "status", "--ledger", ledger});
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("\ngcore     default  2026-10      2026-11     18 ") != std::string::npos);
  CHECK(status.out.find("ledger: " + ledger + "\n") != std::string::npos);
  // A WAL file beside it: a sync is writing (or was cut short); an immutable read could miss
  // what it committed, so it is refused, saying why.
  ::chmod(dir.path().c_str(), 0755);
  { std::ofstream(ledger + "-wal") << "not yet checkpointed"; }
  ::chmod(dir.path().c_str(), 0555);
  CliResult busy = run_as_reader(report);
  CHECK(busy.exit_code == 1);
  CHECK(busy.out.find("it is read-only here and a sync is writing it") != std::string::npos);
  ::chmod(dir.path().c_str(), 0755);  // for TempDir to remove
}

// (The name on one line: docs/reliability.md names it.)
TEST_CASE("e2e ledger: a version 1 ledger its reader may not write is refused as it is, and migrated by its owner", "[e2e][ledger]") {
  test::TempDir dir;
  test::LedgerStore store(test::Backend::sqlite, dir, "v1");
  std::ofstream(store.location()).close();
  store.script(ledger::schema_v1(ledger::k_sqlite_types) + "INSERT INTO schema_version(version) VALUES (1);\n");
  REQUIRE(store.query("SELECT MAX(version) FROM schema_version") == "1\n");
  ::chmod(store.location().c_str(), ::geteuid() == 0 ? 0644 : 0444);
  ::chmod(dir.path().c_str(), 0555);
  CliResult reader = run_as_reader({"ledger", "status", "--ledger", store.location()});
  ::chmod(dir.path().c_str(), 0755);
  ::chmod(store.location().c_str(), 0644);
  INFO(reader.out);
  CHECK(reader.exit_code == 1);
  CHECK(reader.out == "gpubill: ledger " + store.location() + ": schema version 1 is older than this "
                      "gpubill's 2 and the file is read-only here: upgrade it where it can be written "
                      "('gpubill ledger status' does)\n");
  CHECK(store.query("SELECT MAX(version) FROM schema_version") == "1\n");  // untouched
  // Its owner, who may write it, migrates it on the same command.
  CliResult owner = run_cli({"ledger", "status", "--ledger", store.location()}, {{"GPUBILL_NOW", test::k_fake_now}});
  INFO(owner.err);
  CHECK(owner.exit_code == 0);
  CHECK(store.query("SELECT MAX(version) FROM schema_version") == "2\n");
  CHECK(store.integrity() == "ok\n");
}

TEST_CASE("e2e ledger: a warning a provider gives in each month of a sync names the month", "[e2e][ledger]") {
  test::TempDir dir;
  // The fake's Gcore totals carry a row with an error ('err') in every month.
  CliResult r = sync(dir.path() + "/ledger.db", {"--start", "2026-10", "--providers", "gcore"});
  CHECK(r.exit_code == 0);
  const std::string warning = ": gcore totals: 1 row(s) carry an error from Gcore ('err') with a cost";
  CHECK(r.err.find("gpubill: warning: sync 2026-10" + warning) != std::string::npos);
  CHECK(r.err.find("gpubill: warning: sync 2026-11" + warning) != std::string::npos);
  // Outside a sync the same warning has no month (the command's period says it).
  test::FakeCloud cloud;
  cloud.start();
  CliResult online = run_cli({"gcore", "totals", "--start", "2026-10", "--end", "2026-11"},
                             test::all_providers_env(cloud));
  CHECK(online.err.find("gpubill: warning: gcore totals: 1 row(s) carry an error") != std::string::npos);
}
