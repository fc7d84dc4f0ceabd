#include "fuzz_entries.hpp"

#include <cstdio>
#include <map>
#include <stdexcept>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "gpubill/cli/when_parse.hpp"
#include "gpubill/config/config.hpp"
#include "gpubill/format/formatter.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/log.hpp"
#include "providers/gcore/gcore_api.hpp"
#include "providers/hyperstack/hyperstack_api.hpp"
#include "providers/novita/novita_api.hpp"
#include "providers/runpod/runpod_api.hpp"
#include "providers/runpod/runpod_v2_api.hpp"
#include "providers/runpod/runpod_v2_resources.hpp"
#include "providers/vast/vast_api.hpp"

namespace gpubill::fuzz {

namespace {

model::Timestamp at(const char* t) { return *model::parse_provider_time(t); }

const model::Period k_period{at("2026-10-01T00:00:00Z"), at("2026-11-01T00:00:00Z")};
const model::Timestamp k_now = at("2026-11-23T12:00:00Z");
const providers::Endpoint k_ep{"fuzz", "FUZZ_API_KEY", "GET /fuzz"};

// Runs `call`; bad input must come back as a gpubill::Error and nothing else.
template <typename Call>
void expect_clean(Call&& call) {
  static bool quiet = [] {
    util::init_logging(util::Verbosity::quiet);
    return true;
  }();
  (void)quiet;
  try {
    call();
  } catch (const Error&) {
    // the documented answer to bad input
  }
}

// The records `parse` returns as comparable text, or the error it throws.
template <typename Parse>
std::string outcome(Parse&& parse) {
  std::string text;
  expect_clean([&] {
    try {
      for (const model::CostRecord& r : parse()) {
        for (const model::ColumnValue& c : model::column_values(r)) text += c.value.value_or("-") + ",";
        text += r.attributes.dump() + "\n";
      }
    } catch (const Error& e) {
      text = std::string("error: ") + e.what();
    }
  });
  return text;
}

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
  std::abort();
}

}  // namespace

void runpod(std::string_view data) {
  using namespace providers::runpod;
  for (Resource r : {Resource::pods, Resource::endpoints, Resource::network_volumes}) {
    expect_clean([&] { parse_billing(data, {r, Bucket::day, k_period, k_now, k_ep}); });
  }
  // Differential: a read split over threads gives the sequential read's records or error.
  auto v1 = [&](providers::ParseThreads how) {
    return outcome([&] { return parse_billing(data, {Resource::pods, Bucket::day, k_period, k_now, k_ep, how}); });
  };
  if (v1({1, 1}) != v1({3, 1, 2})) finding("runpod: threaded and sequential reads differ");
  for (bool split : {false, true}) {
    expect_clean([&] { parse_v2_billing(data, {"pods", k_now, split, k_ep}); });
  }
  // v2 too: its records array read on threads gives the sequential read's records or error.
  auto v2 = [&](providers::ParseThreads how) {
    return outcome([&] { return parse_v2_billing(data, {"pods", k_now, true, k_ep, how}); });
  };
  if (v2({1, 1}) != v2({3, 1, 2})) finding("runpod v2: threaded and sequential reads differ");
  // The v2 listings, and the join and grouping over whatever they and the billing gave.
  V2Resources meta;
  expect_clean([&] { parse_pod_listing(data, k_ep, meta); });
  expect_clean([&] { parse_serverless_listing(data, k_ep, meta); });
  expect_clean([&] { parse_gpu_catalog(data, k_ep, meta); });
  expect_clean([&] {
    std::vector<model::CostRecord> pods = parse_v2_billing(data, {"pods", k_now, false, k_ep});
    std::vector<model::CostRecord> endpoints = pods;
    join_pods(pods, meta);
    join_endpoints(endpoints, meta);
    group_by_gpu_type(pods, k_ep);
    group_by_gpu_type(endpoints, k_ep);
  });
}

void novita(std::string_view data) {
  using namespace providers::novita;
  expect_clean([&] { parse_bills(data, {BillList::fixed_term, k_ep}); });
  expect_clean([&] { parse_bills(data, {BillList::usage, k_ep}); });
  expect_clean([&] { parse_statements(data, k_ep); });
  expect_clean([&] { parse_balance(data, k_ep); });
}

void gcore(std::string_view data) {
  expect_clean([&] { providers::gcore::parse_report(data, k_period, k_ep); });
}

void hyperstack(std::string_view data) {
  using namespace providers::hyperstack;
  expect_clean([&] { parse_list(data, "billing_history_vm", "vms", k_period, k_ep); });
  expect_clean([&] { parse_history(data, k_period, k_ep); });
  expect_clean([&] { parse_last_day(data, k_period, k_ep); });
  expect_clean([&] { parse_usage(data, k_now, k_period, k_ep); });
  expect_clean([&] { parse_graph(data, "billing_history_vm_details", "vms", k_period, k_ep); });
}

void vast(std::string_view data) {
  using namespace providers::vast;
  std::map<long long, InstanceGpu> gpus = {{12345678, {"RTX 4090", 2}}, {1, {"", 0}}};
  expect_clean([&] { parse_charges(data, {k_ep, k_period, &gpus}); });
  expect_clean([&] { parse_charges(data, {k_ep, k_period, nullptr}); });
  expect_clean([&] { parse_invoices(data, k_ep); });
  expect_clean([&] {
    std::string next;
    parse_instances(data, k_ep, next);
  });
  expect_clean([&] { parse_user(data, k_ep); });
  // Whatever a charges page gives, its records lie inside the asked window.
  expect_clean([&] {
    for (const model::CostRecord& r : parse_charges(data, {k_ep, k_period, &gpus}).records) {
      if (!(k_period.start <= r.period.start && r.period.start < r.period.end &&
            r.period.end <= k_period.end)) {
        finding("vast: a charge record outside its window");
      }
    }
  });
}

void when(std::string_view data) {
  std::size_t split = data.find('\n');
  std::string_view start = data.substr(0, split);
  std::string_view end = split == std::string_view::npos ? std::string_view() : data.substr(split + 1);
  expect_clean([&] {
    cli::parse_when(start, k_now, "--start");
    model::Period p = cli::resolve_period(start, end, k_now);
    if (!(p.start < p.end)) finding("resolve_period returned an empty or reversed period");
  });
}

void config_file(std::string_view data) {
  char path[] = "/tmp/gpubill-fuzz-config-XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0) return;
  std::size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  ::close(fd);
  expect_clean([&] {
    config::ConfigFile file = config::load_config_file(path, true, {"api_version", "v2_base_url"});
    config::ProviderSettingsSpec spec{"runpod", "RUNPOD_API_KEY", "GPUBILL_RUNPOD_URL",
                                      "https://rest.runpod.io/v1", {}};
    config::settings_for(spec, file, [](const std::string&) { return std::nullopt; });
  });
  ::unlink(path);
}

// --- format round trip ---------------------------------------------------------------------

namespace {

// Printable ASCII and valid UTF-8 only: JSON replaces invalid UTF-8 on purpose, which would
// not round-trip (and is tested elsewhere).
std::string text_from(std::string_view& data, std::size_t max) {
  std::string out;
  while (!data.empty() && out.size() < max) {
    unsigned char c = static_cast<unsigned char>(data.front());
    data.remove_prefix(1);
    if (c == 0xff) break;  // field separator
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out.push_back(static_cast<char>(c));
    } else if (c >= 0x80) {
      out += "\xc3\xa9";  // é
    }
  }
  return out;
}

}  // namespace

void format_round_trip(std::string_view data) {
  std::vector<model::CostRecord> records;
  while (!data.empty() && records.size() < 8) {
    model::CostRecord r;
    r.provider = text_from(data, 20);
    r.service = text_from(data, 20);
    r.resource_id = text_from(data, 20);
    r.description = text_from(data, 60);
    r.currency = text_from(data, 4);
    std::string amount = text_from(data, 24);
    r.amount = model::Decimal::parse(amount);
    r.period = k_period;
    records.push_back(std::move(r));
  }
  format::RenderInput in(records);
  in.csv_guard = false;  // the guard changes cells on purpose; tested on its own
  std::optional<std::vector<std::vector<std::string>>> read = format::read_csv(format::render_csv(in));
  if (!read) finding("csv: unterminated last row");
  const std::vector<std::vector<std::string>>& rows = *read;
  if (rows.size() != records.size() + 1) finding("csv: row count changed");
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::vector<std::string>& row = rows[i + 1];
    if (row.size() != 14) finding("csv: column count changed");
    if (row[0] != records[i].provider || row[1] != records[i].service ||
        row[2] != records[i].resource_id || row[13] != records[i].description ||
        row[10] != records[i].currency) {
      finding("csv: a text cell changed");
    }
    std::string amount = records[i].amount ? records[i].amount->to_string() : "";
    if (row[9] != amount) finding("csv: the amount changed");
  }
  nlohmann::json doc = nlohmann::json::parse(format::render_json(in), nullptr, false);
  if (doc.is_discarded()) finding("json: not valid JSON");
  if (doc["records"].size() != records.size()) finding("json: record count changed");
  for (std::size_t i = 0; i < records.size(); ++i) {
    const nlohmann::json& j = doc["records"][i];
    auto text = [&](const char* key, const std::string& expected) {
      bool same = expected.empty() ? j[key].is_null() : j[key] == expected;
      if (!same) finding(std::string("json: ") + key + " changed");
    };
    text("provider", records[i].provider);
    text("service", records[i].service);
    text("description", records[i].description);
    if (records[i].amount.has_value() != j["amount"].is_number()) finding("json: amount presence");
  }
  std::string ndjson = format::render_ndjson(in);
  std::size_t lines = 0;
  for (char c : ndjson) lines += c == '\n' ? 1 : 0;
  if (lines != records.size()) finding("ndjson: one line per record broken");
  (void)format::render_table(in);
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"runpod", runpod, {"runpod"}},
      {"novita", novita, {"novita"}},
      {"gcore", gcore, {"gcore"}},
      {"hyperstack", hyperstack, {"hyperstack"}},
      {"vast", vast, {"vast"}},
      {"when", when, {"fuzz/when-seeds"}},
      {"config", config_file, {"fuzz/config-seeds"}},
      {"format", format_round_trip, {"fuzz/format-seeds"}},
  };
  return all;
}

}  // namespace gpubill::fuzz
