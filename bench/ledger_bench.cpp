// The ledger's write speed, for bench/ledger.sh: ROWS Runpod rows (the fake cloud's bulk
// answer, one year of hourly pod rows, parsed by the real v1 parser) stored into a new SQLite
// ledger as `gpubill sync` stores them (month by month, one transaction each, natural keys),
// then stored again (a resync of unchanged data). Also writes the same rows as gpubill's CSV,
// for `sqlite3 .import` to load side by side.
//   gpubill_ledger_bench ROWS LEDGER.db ROWS.csv
// Prints: "rows N", "first_sync_s S", "resync_s S", "sum AMOUNT" (the exact total read back).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

#include "gpubill/format/formatter.hpp"
#include "gpubill/ledger/ledger.hpp"
#include "gpubill/util/log.hpp"
#include "providers/runpod/runpod_api.hpp"
#include "support/fake_cloud/fake_cloud.hpp"

using namespace gpubill;

namespace {

model::Timestamp at(const char* t) { return *model::parse_provider_time(t); }

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The records cut into calendar months, as a sync fetches them.
std::map<model::Timestamp, std::vector<model::CostRecord>> by_month(const std::vector<model::CostRecord>& records) {
  std::map<model::Timestamp, std::vector<model::CostRecord>> out;
  for (const model::CostRecord& r : records) out[model::start_of_month(r.period.start)].push_back(r);
  return out;
}

double sync_once(ledger::Ledger& l, const std::map<model::Timestamp, std::vector<model::CostRecord>>& months) {
  auto started = std::chrono::steady_clock::now();
  model::Timestamp now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  std::int64_t id = l.begin_sync("runpod", "default", {months.begin()->first, model::add_months(months.rbegin()->first, 1)}, now);
  ledger::WriteCounts total;
  for (const auto& [month, records] : months) {
    ledger::WindowWrite w{"runpod", "default", {month, model::add_months(month, 1)}, {}, {}};
    w.parts.push_back({"pods?grouping=podId", records});
    total += l.write_window(w, id, now);
  }
  l.finish_sync(id, "ok", total, now);
  return seconds_since(started);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: gpubill_ledger_bench ROWS LEDGER.db ROWS.csv\n");
    return 2;
  }
  util::init_logging(util::Verbosity::quiet);
  std::size_t rows = static_cast<std::size_t>(std::atoll(argv[1]));
  std::string body = test::runpod_bulk_body(rows);
  providers::runpod::ParseContext ctx{providers::runpod::Resource::pods, providers::runpod::Bucket::hour,
                                      {at("2025-11-01T00:00:00Z"), at("2026-11-01T00:00:00Z")},
                                      at("2026-11-23T00:00:00Z"),
                                      {"bench", "BENCH_API_KEY", "GET /bench"}};
  std::vector<model::CostRecord> records = providers::runpod::parse_billing(std::move(body), ctx);
  {
    format::RenderInput in(records);
    in.csv_guard = false;
    std::ofstream csv(argv[3], std::ios::binary);
    format::render_to(in, format::Format::csv, [&](std::string_view piece) { csv.write(piece.data(), static_cast<std::streamsize>(piece.size())); });
  }
  auto months = by_month(records);
  std::unique_ptr<ledger::Ledger> l = ledger::Ledger::open(argv[2], true);
  double first = sync_once(*l, months);
  double again = sync_once(*l, months);
  model::Decimal sum;
  for (const auto& [month, unused] : months) {
    (void)unused;
    for (const model::CostRecord& r : l->read("runpod", "default", "pods?grouping=podId", {month, model::add_months(month, 1)}, std::nullopt).records) {
      if (r.amount) sum += *r.amount;
    }
  }
  std::printf("rows %zu\nfirst_sync_s %.3f\nresync_s %.3f\nsum %s\n", records.size(), first, again, sum.to_string().c_str());
  return 0;
}
