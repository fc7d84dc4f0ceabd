#include <catch2/catch.hpp>

#include "gpubill/aggregate/aggregate.hpp"
#include "gpubill/aggregate/fx.hpp"
#include "gpubill/cli/fx_option.hpp"

using namespace gpubill;
using model::Decimal;

namespace {
model::CostRecord rec(const char* amount, const char* currency) {
  model::CostRecord r;
  r.provider = "p";
  if (amount) r.amount = Decimal::parse(amount);
  r.currency = currency;
  return r;
}
}  // namespace

TEST_CASE("fx: parse the target and the rates", "[aggregate][fx]") {
  std::string problem;
  std::optional<aggregate::FxRates> fx = cli::parse_fx_option({"usd", "EUR=1.08", "GBP=1.27"}, problem);
  REQUIRE(fx.has_value());
  CHECK(problem.empty());
  CHECK(fx->target == "USD");
  CHECK(fx->rates.at("EUR") == Decimal::parse("1.08"));
  CHECK_FALSE(cli::parse_fx_option({}, problem).has_value());
  CHECK(problem.empty());
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"EUR=1.08"}, {"USD"}, {"USD", "EUR"}, {"USD", "EUR=0"},
                                             {"USD", "EUR=-1"}, {"USD", "EUR=abc"}, {"USD", "USD=1"},
                                             {"DOLLARS", "EUR=1"}}) {
    CHECK_FALSE(cli::parse_fx_option(bad, problem).has_value());
    CHECK_FALSE(problem.empty());
  }
}

TEST_CASE("fx: converts exactly, marks each record, keeps unknown currencies", "[aggregate][fx]") {
  std::string problem;
  aggregate::FxRates fx = *cli::parse_fx_option({"USD", "EUR=1.08"}, problem);
  std::vector<model::CostRecord> rs = {rec("100.5", "EUR"), rec("10", "USD"), rec("7", "GBP"),
                                       rec(nullptr, "EUR")};
  std::vector<std::string> unconverted = aggregate::convert(rs, fx);
  CHECK(unconverted == std::vector<std::string>{"GBP"});
  CHECK(rs[0].amount == Decimal::parse("108.54"));
  CHECK(rs[0].currency == "USD");
  CHECK(rs[0].attributes["gpubill_fx"]["EUR"]["rate"] == "1.08");
  CHECK(rs[0].attributes["gpubill_fx"]["EUR"]["original_amount"] == "100.5");
  CHECK(aggregate::is_converted(rs[0]));
  CHECK_FALSE(aggregate::is_converted(rs[1]));
  aggregate::FxColumns cols = aggregate::fx_columns(rs[0]);
  CHECK(cols.from == "EUR");
  CHECK(cols.rate == "1.08");
  CHECK(cols.original_amount == "100.5");
  CHECK(aggregate::fx_columns(rs[1]).from.empty());
  CHECK_FALSE(rs[1].attributes.contains("gpubill_fx"));
  CHECK(rs[2].currency == "GBP");
  CHECK_FALSE(rs[3].amount.has_value());  // no price stays no price, in its own currency
  CHECK(rs[3].currency == "EUR");
  CHECK_FALSE(aggregate::is_converted(rs[3]));
  aggregate::Totals t = aggregate::totals_by_currency(rs);
  REQUIRE(t.by_currency.size() == 2);
  CHECK(t.by_currency[0] == model::Money{"GBP", *Decimal::parse("7")});
  CHECK(t.by_currency[1] == model::Money{"USD", *Decimal::parse("118.54")});
}

TEST_CASE("fx: grouping keeps what was converted from where", "[aggregate][fx]") {
  std::string problem;
  aggregate::FxRates fx = *cli::parse_fx_option({"USD", "EUR=1.1", "GBP=1.25"}, problem);
  CHECK(aggregate::describe(fx) == "1 EUR = 1.1 USD, 1 GBP = 1.25 USD");
  std::vector<model::CostRecord> rs = {rec("10", "EUR"), rec("20", "EUR"), rec("4", "GBP"),
                                       rec("1", "USD"), rec(nullptr, "EUR")};
  aggregate::convert(rs, fx);
  rs.pop_back();  // the unpriced EUR record: tested above
  std::vector<model::CostRecord> g = aggregate::group_records(rs, {"provider"});
  REQUIRE(g.size() == 1);
  CHECK(g[0].currency == "USD");
  CHECK(g[0].amount == Decimal::parse("39"));  // 11 + 22 + 5 + 1
  const nlohmann::ordered_json& mark = g[0].attributes["gpubill_fx"];
  CHECK(mark["EUR"]["original_amount"] == "30");
  CHECK(mark["EUR"]["records"] == 2);
  CHECK(mark["GBP"]["original_amount"] == "4");
  aggregate::FxColumns cols = aggregate::fx_columns(g[0]);
  CHECK(cols.from == "EUR;GBP");
  CHECK(cols.rate == "1.1;1.25");
  CHECK(cols.original_amount == "30;4");
}
