#include <catch2/catch.hpp>

#include "gpubill/aggregate/aggregate.hpp"
#include "gpubill/format/formatter.hpp"
#include "gpubill/util/text.hpp"
#include "support/golden.hpp"

using namespace gpubill;
using model::CostRecord;
using model::Decimal;

namespace {

model::Timestamp at(const char* text) { return *model::parse_provider_time(text); }

std::vector<CostRecord> sample_records() {
  std::vector<CostRecord> rs;
  CostRecord a;
  a.provider = "runpod";
  a.service = "pods";
  a.gpu_type = "NVIDIA H100 80GB HBM3";
  a.period = {at("2026-06-01"), at("2026-06-02")};
  a.amount = Decimal::parse("64.532916");
  a.currency = "USD";
  a.usage_quantity = Decimal::parse("24");
  a.usage_unit = "hour";
  a.attributes["timeBilledMs"] = 86400000;
  a.attributes["diskSpaceBilledGb"] = 200;
  rs.push_back(a);

  CostRecord b = a;
  b.gpu_type = "NVIDIA GeForce RTX 4090";
  b.amount = Decimal::parse("0.006994259194");
  b.usage_quantity = Decimal::parse("2.5");
  b.attributes = nlohmann::ordered_json::object();
  rs.push_back(b);

  CostRecord c;  // EUR, no price, unicode and CSV-hostile text
  c.provider = "gcore";
  c.service = "gpu";
  c.resource_id = "a1b2";
  c.resource_name = "训练-节点, \"east\"";
  c.region = "Zürich";
  c.period = {at("2026-06-01"), at("2026-06-02")};
  c.currency = "EUR";
  c.description = "line1\nline2";
  rs.push_back(c);

  CostRecord d = c;
  d.resource_name = "eu-node";
  d.description = "GPU\x1b[2J";
  d.amount = Decimal::parse("10.005");
  rs.push_back(d);
  return rs;
}

format::RenderInput input_for(const std::vector<CostRecord>& records) {
  aggregate::Totals t = aggregate::totals_by_currency(records);
  format::RenderInput in{records};
  in.totals = t.by_currency;
  in.records_without_amount = t.records_without_amount;
  in.title = "sample";
  in.period = {at("2026-06-01"), at("2026-07-01")};
  in.query = {{"provider", "runpod"}, {"resource", "pods"}};
  return in;
}

}  // namespace

TEST_CASE("totals: per currency, exact, never mixed", "[aggregate]") {
  std::vector<CostRecord> rs = sample_records();
  aggregate::Totals t = aggregate::totals_by_currency(rs);
  REQUIRE(t.by_currency.size() == 2);
  CHECK(t.by_currency[0] == model::Money{"EUR", *Decimal::parse("10.005")});
  CHECK(t.by_currency[1] == model::Money{"USD", *Decimal::parse("64.539910259194")});
  CHECK(t.records_without_amount == 1);
}

TEST_CASE("format: golden files for every format", "[format][golden]") {
  std::vector<CostRecord> rs = sample_records();
  format::RenderInput in = input_for(rs);
  test::check_golden("sample.table.txt", format::render(in, format::Format::table));
  test::check_golden("sample.csv", format::render(in, format::Format::csv));
  test::check_golden("sample.json", format::render(in, format::Format::json));
  test::check_golden("sample.ndjson", format::render(in, format::Format::ndjson));
}

TEST_CASE("format: empty result says so, never a silent empty table", "[format]") {
  std::vector<CostRecord> none;
  format::RenderInput in = input_for(none);
  CHECK_THAT(format::render_table(in), Catch::Contains("No cost records"));
  CHECK(format::render_csv(in) ==
        "provider,service,resource_id,resource_name,gpu_type,gpu_model,region,period_start,"
        "period_end,amount,currency,usage_quantity,usage_unit,description\r\n");
  CHECK(format::render_ndjson(in).empty());
  nlohmann::json j = nlohmann::json::parse(format::render_json(in));
  CHECK(j["records"].empty());
  CHECK(j["totals"].empty());
}

TEST_CASE("format: json is valid, amounts exact, missing values null", "[format]") {
  std::vector<CostRecord> rs = sample_records();
  std::string text = format::render_json(input_for(rs));
  CHECK_THAT(text, Catch::Contains("\"amount\": 0.006994259194"));
  nlohmann::json j = nlohmann::json::parse(text);
  CHECK(j["schema_version"] == 1);
  REQUIRE(j["records"].size() == 4);
  CHECK(j["records"][2]["amount"].is_null());
  CHECK(j["records"][2]["gpu_type"].is_null());
  CHECK(j["records"][2]["resource_name"] == "训练-节点, \"east\"");
  CHECK(j["records"][0]["attributes"]["timeBilledMs"] == 86400000);
  CHECK(j["totals"][1]["currency"] == "USD");
  CHECK(j["records_without_amount"] == 1);
}

TEST_CASE("format: ndjson lines are each a record", "[format]") {
  std::vector<CostRecord> rs = sample_records();
  std::string text = format::render_ndjson(input_for(rs));
  std::size_t lines = 0;
  std::size_t start = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    nlohmann::json j = nlohmann::json::parse(text.substr(start, nl - start));
    CHECK(j.contains("provider"));
    CHECK(j.contains("attributes"));
    ++lines;
    start = nl + 1;
  }
  CHECK(lines == 4);
  CHECK(start == text.size());
}

TEST_CASE("format: table aligns non-ASCII text by display width", "[format]") {
  std::vector<CostRecord> rs = sample_records();
  std::string table = format::render_table(input_for(rs));
  // Every row's CURRENCY column starts at the same display column.
  std::vector<std::size_t> cols;
  std::size_t start = 0;
  for (std::size_t nl = table.find('\n'); nl != std::string::npos; nl = table.find('\n', start)) {
    std::string line = table.substr(start, nl - start);
    for (const char* cur : {"USD", "EUR", "CURRENCY"}) {
      std::size_t pos = line.find(std::string("  ") + cur);
      if (pos != std::string::npos) {
        cols.push_back(util::display_width(line.substr(0, pos)));
      }
    }
    start = nl + 1;
  }
  REQUIRE(cols.size() >= 5);
  for (std::size_t c : cols) CHECK(c == cols[0]);
  CHECK_THAT(table, !Catch::Contains("\x1b"));  // escaped, not raw
  CHECK_THAT(table, Catch::Contains("TOTAL"));
  CHECK_THAT(table, Catch::Contains("64.54"));
  CHECK_THAT(table, Catch::Contains("n/a"));
}

// A right-to-left override in a resource name reordered the rest of its row on the terminal
// (issue 17); the table shows it escaped, CSV and JSON keep the text as the provider sent it.
TEST_CASE("format: a bidirectional override in provider text is escaped in the table only",
          "[format]") {
  std::vector<CostRecord> rs = sample_records();
  rs[1].resource_name = "eu\u202enode";
  std::string table = format::render_table(input_for(rs));
  CHECK_THAT(table, !Catch::Contains("\u202e"));
  CHECK_THAT(table, Catch::Contains("eu\\u202enode"));
  CHECK_THAT(format::render_csv(input_for(rs)), Catch::Contains("eu\u202enode"));
}

TEST_CASE("format: a balance in every format", "[format][golden]") {
  model::Balance b;
  b.provider = "novita";
  b.currency = "USD";
  b.figures = {{"available_balance", Decimal::parse("1234.5678")},
               {"cash_balance", Decimal::parse("1000")},
               {"credit_limit", std::nullopt},
               {"outstanding_invoices", Decimal::parse("-265.4322")}};
  b.attributes["availableBalance"] = "12345678";
  nlohmann::ordered_json query = {{"command", "novita balance"}};
  test::check_golden("balance.table.txt", format::render_balance(b, query, format::Format::table));
  test::check_golden("balance.csv", format::render_balance(b, query, format::Format::csv));
  std::string json = format::render_balance(b, query, format::Format::json);
  test::check_golden("balance.json", json);
  nlohmann::json doc = nlohmann::json::parse(json);
  CHECK(doc["balance"]["credit_limit"].is_null());
  CHECK(doc["balance"]["available_balance"] == 1234.5678);
  CHECK(format::render_balance(b, query, format::Format::ndjson).find('\n') ==
        format::render_balance(b, query, format::Format::ndjson).size() - 1);
}

TEST_CASE("format: csv text cells that a spreadsheet would run are neutralised",
          "[format][csv][hostile]") {
  for (const char* bad : {"=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)",
                          "\tcmd", "\rcmd"}) {
    CHECK(format::neutralize_formula(bad) == std::string("'") + bad);
  }
  for (const char* fine : {"", "pods", "NVIDIA H100 80GB HBM3", "1=1", " =1", "'=already"}) {
    CHECK(format::neutralize_formula(fine) == fine);
  }
  CostRecord r;
  r.provider = "runpod";
  r.service = "=cmd|' /C calc'!A0";
  r.description = "@evil";
  r.resource_name = "-rm";
  r.amount = Decimal::parse("-5.25");  // a refund: numbers are never touched
  r.currency = "USD";
  std::vector<CostRecord> rs = {r};
  format::RenderInput in(rs);
  std::string guarded = format::render_csv(in);
  CHECK_THAT(guarded, Catch::Contains("runpod,'=cmd|' /C calc'!A0,"));
  CHECK_THAT(guarded, Catch::Contains(",'-rm,"));
  CHECK_THAT(guarded, Catch::Contains(",-5.25,USD,"));
  CHECK_THAT(guarded, Catch::Contains(",'@evil\r\n"));
  in.csv_guard = false;  // --raw-csv
  std::string raw = format::render_csv(in);
  CHECK_THAT(raw, Catch::Contains(",-rm,"));
  CHECK_THAT(raw, Catch::Contains(",@evil\r\n"));
}

TEST_CASE("format: read_csv reads back what render_csv writes", "[format][csv]") {
  auto rows = format::read_csv("a,\"b,\"\"c\"\"\",\"d\r\ne\"\r\n,,\r\n");
  REQUIRE(rows.has_value());
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0] == std::vector<std::string>{"a", "b,\"c\"", "d\r\ne"});
  CHECK((*rows)[1] == std::vector<std::string>{"", "", ""});
  CHECK_FALSE(format::read_csv("a,b").has_value());          // no row end
  CHECK_FALSE(format::read_csv("\"open\r\n").has_value());   // quote never closed
  CHECK(format::read_csv("")->empty());
}

TEST_CASE("format: many rows are made on threads and come out as one thread writes them",
          "[format][threads]") {
  // Over 50,000 rows: format::detail::write_rows makes 8,192-row blocks on several threads.
  constexpr std::size_t k_rows = 60'000;
  std::vector<CostRecord> records(k_rows);
  for (std::size_t i = 0; i < k_rows; ++i) {
    CostRecord& r = records[i];
    r.provider = "runpod";
    r.service = "pods";
    r.resource_id = "pod-" + std::to_string(i);
    r.description = i % 7 == 0 ? "needs \"quotes\", and a comma" : "";
    r.period = {model::Timestamp{std::chrono::hours{i}}, model::Timestamp{std::chrono::hours{i + 1}}};
    r.amount = Decimal::parse(std::to_string(i) + ".125");
    r.currency = "USD";
    r.attributes["n"] = i;
  }
  format::RenderInput in(records);
  in.totals = {{"USD", Decimal::from_int(1)}};

  // What one record alone renders to (its CSV line without the header, its NDJSON line).
  auto one = [&](std::size_t i, format::Format fmt) {
    std::vector<CostRecord> single{records[i]};
    format::RenderInput in1(single);
    std::string text = format::render(in1, fmt);
    return fmt == format::Format::csv ? text.substr(text.find("\r\n") + 2) : text;
  };
  std::string csv = format::render(in, format::Format::csv);
  std::string expected_csv = format::render(format::RenderInput(std::vector<CostRecord>{}), format::Format::csv);
  std::string expected_ndjson;
  for (std::size_t i = 0; i < k_rows; ++i) {
    expected_csv += one(i, format::Format::csv);
    expected_ndjson += one(i, format::Format::ndjson);
  }
  CHECK(csv.size() == expected_csv.size());
  CHECK(csv == expected_csv);
  CHECK(format::render(in, format::Format::ndjson) == expected_ndjson);

  // JSON: valid, every record in order, the totals after them.
  nlohmann::json doc = nlohmann::json::parse(format::render(in, format::Format::json));
  REQUIRE(doc["records"].size() == k_rows);
  for (std::size_t i = 0; i < k_rows; i += 997) {
    CHECK(doc["records"][i]["resource_id"] == "pod-" + std::to_string(i));
  }
  CHECK(doc["records"][k_rows - 1]["attributes"]["n"] == k_rows - 1);
  CHECK(doc["totals"][0]["currency"] == "USD");

  // render_to hands the same text on in pieces.
  std::string pieces;
  std::size_t calls = 0;
  format::render_to(in, format::Format::csv, [&](std::string_view p) {
    pieces.append(p);
    ++calls;
  });
  CHECK(pieces == csv);
  CHECK(calls > 3);
}
