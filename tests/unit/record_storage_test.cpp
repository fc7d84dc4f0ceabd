// model::Text and model::Attributes: the compact storage that keeps a 500,000-row answer's
// records small (docs/performance.md). They must behave as the std::string and ordered_json
// they replaced, whatever the thread.
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <utility>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "gpubill/model/cost_record.hpp"

using namespace gpubill;
using model::Attributes;
using model::Text;
using nlohmann::ordered_json;

TEST_CASE("text: behaves as the string it holds", "[model][text]") {
  Text empty;
  CHECK(empty.empty());
  CHECK(empty.str().empty());
  CHECK(Text("") == empty);
  CHECK(Text(std::string()) == empty);

  Text a = "NVIDIA GeForce RTX 4090";
  std::string s = "NVIDIA GeForce RTX 4090";
  CHECK(a == s);
  CHECK(a == "NVIDIA GeForce RTX 4090");
  CHECK(a == std::string_view(s));
  CHECK(s == a);
  CHECK_FALSE(a == "NVIDIA GeForce RTX 409");
  CHECK_FALSE(a.empty());
  CHECK(a.size() == s.size());
  CHECK(std::string(a.c_str()) == s);
  CHECK(a.starts_with("NVIDIA "));
  CHECK(a.substr(7, 7) == "GeForce");
  CHECK(a + "!" == s + "!");
  CHECK("<" + a == "<" + s);
  std::ostringstream os;
  os << a;
  CHECK(os.str() == s);
  CHECK(ordered_json(a) == ordered_json(s));

  // Interned: equal text is one stored string, a different one another.
  Text b = std::string("NVIDIA GeForce ") + "RTX 4090";
  CHECK(a == b);
  CHECK(&a.str() == &b.str());
  CHECK_FALSE(Text("H100") == Text("H200"));

  // Unicode, embedded NUL and long text come back byte for byte.
  std::string odd = std::string("Gr\xC3\xBC\xC3\x9F" "e \xF0\x9F\x9A\x80 ") + std::string(1, '\0') + std::string(5000, 'x');
  Text t = odd;
  CHECK(t.str() == odd);
  CHECK(t.size() == odd.size());
}

TEST_CASE("text: ordered as strings are, whatever order they were interned in", "[model][text]") {
  Text z = "zz-interned-first";
  Text a = "aa-interned-second";
  CHECK(a < z);
  CHECK(z > a);
  std::set<Text> sorted{z, a, Text("mm")};
  std::vector<std::string> got(sorted.begin(), sorted.end());
  CHECK(got == std::vector<std::string>{"aa-interned-second", "mm", "zz-interned-first"});
  std::map<std::string, int> by_name{{"mm", 1}};
  CHECK(by_name[Text("mm")] == 1);  // usable as a std::string key
}

TEST_CASE("text: interned from many threads at once, every thread sees the same strings",
          "[model][text][threads]") {
  // Overlapping values from 8 threads: each must get the one number of each string, and
  // read it back right, while others are adding.
  constexpr int k_threads = 8;
  constexpr int k_values = 3000;
  std::vector<std::vector<Text>> got(k_threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < k_threads; ++t) {
    pool.emplace_back([t, &got] {
      for (int i = 0; i < k_values; ++i) {
        int v = (i * 7 + t * 131) % k_values;
        got[t].push_back(Text("thread-test-value-" + std::to_string(v)));
      }
    });
  }
  for (std::thread& th : pool) th.join();
  std::map<std::string, const std::string*> seen;
  for (int t = 0; t < k_threads; ++t) {
    for (int i = 0; i < k_values; ++i) {
      int v = (i * 7 + t * 131) % k_values;
      const Text& x = got[t][i];
      REQUIRE(x == "thread-test-value-" + std::to_string(v));
      auto [it, fresh] = seen.emplace(x.str(), &x.str());
      if (!fresh) REQUIRE(it->second == &x.str());
    }
  }
  CHECK(seen.size() == k_values);
}

TEST_CASE("attributes: an empty object by default, and the JSON given otherwise", "[model][attributes]") {
  Attributes none;
  CHECK(none.is_object());
  CHECK(none.empty());
  CHECK(none.dump() == "{}");
  CHECK(none.find("x") == none.end());
  CHECK_FALSE(none.contains("x"));
  CHECK_THROWS_AS(std::as_const(none)["x"], ordered_json::out_of_range);

  Attributes a = ordered_json{{"b", 1}, {"a", "two"}};
  CHECK(a.dump() == R"({"b":1,"a":"two"})");  // order as given
  CHECK(a.size() == 2);
  CHECK(a.contains("a"));
  CHECK(std::as_const(a)["a"] == "two");
  CHECK(a.at("b") == 1);
  std::vector<std::string> keys;
  for (const auto& [key, value] : a.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"b", "a"});
  const ordered_json& whole = a;
  CHECK(whole == ordered_json{{"b", 1}, {"a", "two"}});
  CHECK(a == ordered_json{{"b", 1}, {"a", "two"}});
}

TEST_CASE("attributes: copies are independent (copy on write)", "[model][attributes]") {
  model::CostRecord one;
  one.attributes["podId"] = "p1";
  model::CostRecord two = one;
  two.attributes["podId"] = "p2";
  two.attributes["extra"] = true;
  CHECK(one.attributes.dump() == R"({"podId":"p1"})");
  CHECK(two.attributes.dump() == R"({"podId":"p2","extra":true})");

  // After sharing, a change to one record still changes only that record.
  model::CostRecord three;
  three.attributes["podId"] = "p1";
  three.attributes.share();
  one.attributes.share();
  CHECK(&one.attributes.get() == &three.attributes.get());  // one copy
  three.attributes["note"] = "mine";
  CHECK(one.attributes.dump() == R"({"podId":"p1"})");
  CHECK(three.attributes.dump() == R"({"podId":"p1","note":"mine"})");

  // Moved from: an empty object, usable again.
  model::CostRecord moved = std::move(two);
  CHECK(moved.attributes.dump() == R"({"podId":"p2","extra":true})");
  CHECK(two.attributes.dump() == "{}");  // NOLINT(bugprone-use-after-move): defined as {}
}

TEST_CASE("attributes: share() keeps one copy of equal objects and never merges different ones",
          "[model][attributes]") {
  auto shared = [](ordered_json j) {
    Attributes a = std::move(j);
    a.share();
    return a;
  };
  Attributes x = shared({{"timeBilledMs", 3600000}, {"diskSpaceBilledGb", 50}});
  Attributes y = shared({{"timeBilledMs", 3600000}, {"diskSpaceBilledGb", 50}});
  CHECK(&x.get() == &y.get());

  // nlohmann's == calls these equal; their text differs, so they must stay apart.
  const std::pair<ordered_json, ordered_json> different[] = {
      {{{"n", 1}}, {{"n", 1.0}}},
      {{{"n", 0.0}}, {{"n", -0.0}}},
      {{{"n", 1}}, {{"n", 1u}}},
      {{{"a", 1}, {"b", 2}}, {{"b", 2}, {"a", 1}}},
      {{{"a", {{"x", 1}}}}, {{"a", {{"x", 1.0}}}}},
      {{{"a", {1, 2}}}, {{"a", {1, 2.0}}}},
  };
  for (const auto& [first, second] : different) {
    INFO(first.dump() << " vs " << second.dump());
    Attributes p = shared(first);
    Attributes q = shared(second);
    CHECK(p.dump() == first.dump());
    CHECK(q.dump() == second.dump());
    CHECK(&p.get() != &q.get());
  }
}

TEST_CASE("cost record: 112 bytes, decimals exact at 8-byte alignment", "[model][attributes][text]") {
  // docs/performance.md's memory figures count on it; a new field should be a decision.
  CHECK(sizeof(model::CostRecord) == 112);
  CHECK(sizeof(std::optional<model::Decimal>) == 24);
  CHECK(alignof(model::CostRecord) == 8);
  // Amounts held 8-byte aligned inside records still add up exactly, to the last unit.
  std::vector<model::CostRecord> records(1001);
  model::Decimal sum;
  for (std::size_t i = 0; i < records.size(); ++i) {
    records[i].amount = *model::Decimal::parse("12345678901.000000000001");
    sum += *records[i].amount;
  }
  CHECK(sum.to_string() == "12358024579901.000000001001");
  CHECK(*records[7].amount - *records[8].amount == model::Decimal());
}
