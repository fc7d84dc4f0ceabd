#include <catch2/catch.hpp>

#include "gpubill/util/redact.hpp"
#include "gpubill/util/text.hpp"

using gpubill::util::display_width;
using gpubill::util::escape_for_terminal;

TEST_CASE("text width: counts terminal columns, not bytes", "[format][width]") {
  CHECK(display_width("") == 0);
  CHECK(display_width("H100") == 4);
  CHECK(display_width("Zürich") == 6);          // 7 bytes
  CHECK(display_width("東京") == 4);             // 6 bytes, two wide
  CHECK(display_width("e\xcc\x81") == 1);       // e + combining acute
  CHECK(display_width("GPU 🚀") == 6);
  CHECK(display_width("한국어") == 6);
  CHECK(display_width("\xff\xfe") == 2);        // invalid bytes count one each
  CHECK(display_width("\xe6\x9d") == 2);        // truncated sequence
}

TEST_CASE("text width: control characters are escaped for the terminal", "[format][width]") {
  CHECK(escape_for_terminal("plain") == "plain");
  CHECK(escape_for_terminal("a\nb\tc\rd") == "a\\nb\\tc\\rd");
  CHECK(escape_for_terminal("\x1b[31mred") == "\\x1b[31mred");
  CHECK(escape_for_terminal("\x7f") == "\\x7f");
  CHECK(escape_for_terminal("\xc2\x9b" "2J") == "\\u009b2J");  // C1 CSI
  CHECK(escape_for_terminal("東京") == "東京");
  CHECK(escape_for_terminal("\xff") == "\\xff");
}

// A right-to-left override in a provider's text made the rest of the row read backwards on
// the terminal (issue 17): every bidirectional control is escaped like ESC, other right-to-
// left text is kept.
TEST_CASE("text width: bidirectional controls are escaped for the terminal", "[format][width]") {
  CHECK(escape_for_terminal("pod\u202e4.01 DSU") == "pod\\u202e4.01 DSU");   // RLO
  CHECK(escape_for_terminal("\u202a\u202b\u202c\u202d") == "\\u202a\\u202b\\u202c\\u202d");
  CHECK(escape_for_terminal("\u2066x\u2067y\u2068z\u2069") ==
        "\\u2066x\\u2067y\\u2068z\\u2069");                             // isolates
  CHECK(escape_for_terminal("a\u200eb\u200fc\u061cd") == "a\\u200eb\\u200fc\\u061cd");  // marks
  CHECK(escape_for_terminal("one\u2028two\u2029") == "one\\u2028two\\u2029");
  CHECK(escape_for_terminal("\u05e9\u05dc\u05d5\u05dd") == "\u05e9\u05dc\u05d5\u05dd");  // Hebrew kept
  CHECK(escape_for_terminal("\u202f\u2065") == "\u202f\u2065");         // neighbours kept
  CHECK(gpubill::util::display_width(escape_for_terminal("\u202e")) == 6);
}

TEST_CASE("text: comma lists drop empty items", "[util][text]") {
  CHECK(gpubill::util::split_list("provider,gpu") == std::vector<std::string>{"provider", "gpu"});
  CHECK(gpubill::util::split_list(",a,,b,") == std::vector<std::string>{"a", "b"});
  CHECK(gpubill::util::split_list("").empty());
  CHECK(gpubill::util::split_list("x;y", ';') == std::vector<std::string>{"x", "y"});
}

// The output's scrubber sees the text in pieces: a key split at any byte between two pieces
// must still be replaced whole, and nothing else may change (issue 17).
TEST_CASE("redact: a stream scrubber finds a key split across pieces at any byte",
          "[util][secrets]") {
  const std::string key = "rpa_STREAMKEY_0123456789";
  gpubill::util::register_secret(key);
  gpubill::util::register_secret("short");  // under 8 bytes: not looked for in output
  const std::string text = "id,name\r\n1,pod " + key + " end\r\n2,short and " + key + "\r\n";
  const std::string want = "id,name\r\n1,pod [REDACTED] end\r\n2,short and [REDACTED]\r\n";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    for (std::size_t cut2 = cut; cut2 <= text.size(); cut2 += 7) {
      gpubill::util::StreamScrubber s;
      std::string out = s.feed(std::string_view(text).substr(0, cut));
      out += s.feed(std::string_view(text).substr(cut, cut2 - cut));
      out += s.feed(std::string_view(text).substr(cut2));
      out += s.finish();
      INFO("cuts at " << cut << " and " << cut2);
      REQUIRE(out == want);
      REQUIRE(s.redactions() == 2);
    }
  }
  gpubill::util::StreamScrubber plain;
  std::string out = plain.feed("no secret here, but long enough to pass the hold-back");
  out += plain.finish();
  CHECK(out == "no secret here, but long enough to pass the hold-back");
  CHECK(plain.redactions() == 0);
  gpubill::util::clear_secrets_for_testing();
}

TEST_CASE("text: edit distance and the nearest name", "[util][text]") {
  using gpubill::util::edit_distance;
  using gpubill::util::nearest;
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("report", "report") == 0);
  CHECK(edit_distance("reprot", "report") == 1);   // a swap is one edit
  CHECK(edit_distance("bukcet", "bucket") == 1);
  CHECK(edit_distance("pod", "pods") == 1);
  CHECK(edit_distance("CSV", "csv") == 0);         // case is not an edit
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
  const std::vector<std::string> commands = {"providers", "report", "runpod", "novita"};
  CHECK(nearest("reprot", commands) == "report");
  CHECK(nearest("runpd", commands) == "runpod");
  CHECK(nearest("azure", commands).empty());       // nothing near: no guess
  CHECK(nearest("rep", commands).empty());         // 3 edits from report: too far for 3 letters
  CHECK(nearest("x", {}).empty());
}

TEST_CASE("text: cut to a width with an ellipsis, and money with thousands separators",
          "[util][text]") {
  using gpubill::util::group_thousands;
  using gpubill::util::truncate_to_width;
  CHECK(truncate_to_width("NVIDIA H100 80GB HBM3", 30) == "NVIDIA H100 80GB HBM3");
  CHECK(truncate_to_width("NVIDIA H100 80GB HBM3", 8) == "NVIDIA \u2026");
  CHECK(gpubill::util::display_width(truncate_to_width("NVIDIA H100 80GB HBM3", 8)) == 8);
  CHECK(truncate_to_width("東京東京", 5) == "東京\u2026");   // a wide character is not split
  CHECK(truncate_to_width("abc", 0).empty());
  CHECK(group_thousands("1234567.89") == "1,234,567.89");
  CHECK(group_thousands("-1234.50") == "-1,234.50");
  CHECK(group_thousands("999.99") == "999.99");
  CHECK(group_thousands("1000") == "1,000");
  CHECK(group_thousands("0.00") == "0.00");
  CHECK(group_thousands("n/a") == "n/a");
}

TEST_CASE("text: words wrapped to a width, a break's indent counted", "[util][text]") {
  using gpubill::util::wrap_words;
  CHECK(wrap_words("short enough", 80) == "short enough");
  CHECK(wrap_words("one two three four", 9) == "one two\nthree\nfour");
  CHECK(wrap_words("one two three four", 9, "\n  ") == "one two\n  three\n  four");
  CHECK(wrap_words("caption  with a gap", 12) == "caption\nwith a gap");
  CHECK(wrap_words("caption  gap", 40) == "caption  gap");              // the gap kept
  CHECK(wrap_words("averyveryverylongword x", 5) == "averyveryverylongword\nx");
  CHECK(wrap_words("a b c", 0) == "a b c");
  CHECK(gpubill::util::terminal_width(-1, std::string("132")) == 0);   // not a terminal
}
