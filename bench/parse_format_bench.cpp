// Google Benchmark: every provider parser and every formatter at 10^3 .. 10^6 records.
//   cmake --build build --target gpubill_bench && build/bench/gpubill_bench
//   build/bench/gpubill_bench --benchmark_filter=runpod   # one family
// Bodies are built before timing: Runpod v1 from the fake cloud's bulk generator (the answer
// bench/e2e.sh serves), the others by repeating the items of a documented fixture shape.
// Reports time, records/s (items_per_second) and input MB/s (bytes_per_second).
#include <benchmark/benchmark.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "gpubill/format/formatter.hpp"
#include "gpubill/util/log.hpp"
#include "providers/gcore/gcore_api.hpp"
#include "providers/hyperstack/hyperstack_api.hpp"
#include "providers/novita/novita_api.hpp"
#include "providers/runpod/runpod_api.hpp"
#include "providers/runpod/runpod_v2_api.hpp"
#include "support/fake_cloud/fake_cloud.hpp"

namespace {

using namespace gpubill;
using nlohmann::json;

model::Timestamp at(const char* t) { return *model::parse_provider_time(t); }

const providers::Endpoint k_ep{"bench", "BENCH_API_KEY", "GET /bench"};
const model::Timestamp k_now = at("2026-11-23T00:00:00Z");
const model::Period k_bulk_year{at("2025-11-01T00:00:00Z"), at("2026-11-01T00:00:00Z")};

std::string slurp(const std::string& relative) {
  std::ifstream in(std::string(GPUBILL_FIXTURES_DIR) + "/" + relative, std::ios::binary);
  if (!in) throw std::runtime_error("bench: cannot read fixture " + relative);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The fixture with the array at `pointer` grown to `n` items by repeating its own items.
std::string grown(const std::string& fixture, const std::string& pointer, std::size_t n) {
  json doc = json::parse(slurp(fixture));
  json& items = doc[json::json_pointer(pointer)];
  json seed = items;
  items = json::array();
  for (std::size_t i = 0; i < n; ++i) items.push_back(seed[i % seed.size()]);
  return doc.dump();
}

/// Built once per size: the 10^6 bodies take seconds to make.
const std::string& cached(const std::string& key, std::size_t n,
                          const std::function<std::string(std::size_t)>& make) {
  static std::map<std::pair<std::string, std::size_t>, std::string> cache;
  auto it = cache.find({key, n});
  if (it == cache.end()) it = cache.emplace(std::make_pair(key, n), make(n)).first;
  return it->second;
}

template <typename Parse>
void run_parser(benchmark::State& state, const std::string& body, Parse&& parse) {
  std::size_t records = 0;
  for (auto _ : state) {
    auto out = parse(body);
    records = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * records));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
  state.counters["records"] = static_cast<double>(records);
}

void BM_parse_runpod_v1(benchmark::State& state) {
  const std::string& body = cached("runpod", static_cast<std::size_t>(state.range(0)),
                                   [](std::size_t n) { return test::runpod_bulk_body(n); });
  providers::runpod::ParseContext ctx{providers::runpod::Resource::pods,
                                      providers::runpod::Bucket::hour, k_bulk_year, k_now, k_ep};
  run_parser(state, body, [&](const std::string& b) { return providers::runpod::parse_billing(b, ctx); });
}

/// For the profile: the nlohmann DOM alone, no records (what a streaming parse avoids).
void BM_json_dom_runpod_v1(benchmark::State& state) {
  const std::string& body = cached("runpod", static_cast<std::size_t>(state.range(0)),
                                   [](std::size_t n) { return test::runpod_bulk_body(n); });
  for (auto _ : state) {
    json doc = json::parse(body);
    benchmark::DoNotOptimize(doc.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * state.range(0)));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}

void BM_parse_runpod_v2(benchmark::State& state) {
  const std::string& body = cached("runpod_v2", static_cast<std::size_t>(state.range(0)), [](std::size_t n) {
    return grown("runpod/v2_pods_doc_example.json", "/records", n);
  });
  providers::runpod::V2ParseContext ctx{"pods", k_now, false, k_ep};
  run_parser(state, body, [&](const std::string& b) { return providers::runpod::parse_v2_billing(b, ctx); });
}

void BM_parse_novita_bills(benchmark::State& state) {
  const std::string& body = cached("novita", static_cast<std::size_t>(state.range(0)), [](std::size_t n) {
    return grown("novita/bills_fixed_term.json", "/bills", n);
  });
  providers::novita::ParseContext ctx{providers::novita::BillList::fixed_term, k_ep};
  run_parser(state, body, [&](const std::string& b) { return providers::novita::parse_bills(b, ctx); });
}

void BM_parse_gcore_resources(benchmark::State& state) {
  const std::string& body = cached("gcore", static_cast<std::size_t>(state.range(0)), [](std::size_t n) {
    return grown("gcore/resources_page.json", "/results", n);
  });
  model::Period window{at("2026-09-01T00:00:00Z"), at("2026-10-01T00:00:00Z")};
  run_parser(state, body, [&](const std::string& b) {
    return providers::gcore::parse_report(b, window, k_ep).records;
  });
}

void BM_parse_hyperstack_vms(benchmark::State& state) {
  const std::string& body = cached("hyperstack", static_cast<std::size_t>(state.range(0)), [](std::size_t n) {
    return grown("hyperstack/vms_page.json", "/billing_history_vm/billing_history", n);
  });
  model::Period period{at("2026-10-01T00:00:00Z"), at("2026-11-01T00:00:00Z")};
  run_parser(state, body, [&](const std::string& b) {
    return providers::hyperstack::parse_list(b, "billing_history_vm", "vms", period, k_ep).records;
  });
}

/// Formatters: the Runpod records of n bulk rows, rendered whole.
void run_formatter(benchmark::State& state, format::Format fmt) {
  static std::map<std::size_t, std::vector<model::CostRecord>> records_by_n;
  auto n = static_cast<std::size_t>(state.range(0));
  auto it = records_by_n.find(n);
  if (it == records_by_n.end()) {
    providers::runpod::ParseContext ctx{providers::runpod::Resource::pods,
                                        providers::runpod::Bucket::hour, k_bulk_year, k_now, k_ep};
    it = records_by_n.emplace(n, providers::runpod::parse_billing(test::runpod_bulk_body(n), ctx)).first;
  }
  format::RenderInput in(it->second);
  in.title = "runpod pods";
  in.period = k_bulk_year;
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string out = format::render(in, fmt);
    bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

/// The records of n bulk rows (57 pods, each a year in time order: 57 sorted runs) put in
/// time order, as every Runpod parse does.
void BM_sort_by_period_start(benchmark::State& state) {
  auto n = static_cast<std::size_t>(state.range(0));
  const std::string body = test::runpod_bulk_body(n);
  providers::runpod::ParseContext ctx{providers::runpod::Resource::pods,
                                      providers::runpod::Bucket::hour, k_bulk_year, k_now, k_ep};
  std::vector<model::CostRecord> parsed = providers::runpod::parse_billing(body, ctx);
  // parse_billing returns them sorted: undo that by pod, as the server sent them.
  std::stable_sort(parsed.begin(), parsed.end(), [](const auto& a, const auto& b) {
    return a.resource_id < b.resource_id;
  });
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<model::CostRecord> records = parsed;
    state.ResumeTiming();
    model::sort_by_period_start(records);
    benchmark::DoNotOptimize(records.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

void BM_format_csv(benchmark::State& state) { run_formatter(state, format::Format::csv); }
void BM_format_json(benchmark::State& state) { run_formatter(state, format::Format::json); }
void BM_format_ndjson(benchmark::State& state) { run_formatter(state, format::Format::ndjson); }
void BM_format_table(benchmark::State& state) { run_formatter(state, format::Format::table); }

#define GPUBILL_SIZES RangeMultiplier(10)->Range(1000, 1000000)->Unit(benchmark::kMillisecond)
BENCHMARK(BM_parse_runpod_v1)->GPUBILL_SIZES;
BENCHMARK(BM_json_dom_runpod_v1)->GPUBILL_SIZES;
BENCHMARK(BM_parse_runpod_v2)->GPUBILL_SIZES;
BENCHMARK(BM_parse_novita_bills)->GPUBILL_SIZES;
BENCHMARK(BM_parse_gcore_resources)->GPUBILL_SIZES;
BENCHMARK(BM_parse_hyperstack_vms)->GPUBILL_SIZES;
BENCHMARK(BM_sort_by_period_start)->GPUBILL_SIZES;
BENCHMARK(BM_format_csv)->GPUBILL_SIZES;
BENCHMARK(BM_format_json)->GPUBILL_SIZES;
BENCHMARK(BM_format_ndjson)->GPUBILL_SIZES;
BENCHMARK(BM_format_table)->GPUBILL_SIZES;

}  // namespace

int main(int argc, char** argv) {
  gpubill::util::init_logging(gpubill::util::Verbosity::quiet);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
