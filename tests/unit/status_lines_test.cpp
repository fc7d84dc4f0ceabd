#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "gpubill/util/status_lines.hpp"

using gpubill::util::StatusLines;

namespace {
// Collects what StatusLines writes, through a FILE*.
struct Capture {
  char* data = nullptr;
  std::size_t size = 0;
  std::FILE* file = open_memstream(&data, &size);
  std::string text() {
    std::fflush(file);
    return std::string(data, size);
  }
  ~Capture() {
    std::fclose(file);
    std::free(data);
  }
};
const std::string k_erase_line = "\x1b[1A\r\x1b[2K";
}  // namespace

TEST_CASE("status lines: redrawn in place, logs go above them", "[util][progress]") {
  Capture out;
  {
    StatusLines lines(out.file, 2, true);
    CHECK(out.text() == "\n\n");  // room for both lines
    lines.set(1, "b running");
    CHECK(out.text() == "\n\n" + k_erase_line + k_erase_line + "\nb running\n");
    lines.set(0, "a \x1b]0;evil\x07 done");  // provider text cannot drive the terminal
    CHECK(out.text().ends_with("a \\x1b]0;evil\\x07 done\nb running\n"));
    std::size_t before = out.text().size();
    lines.print_above("gpubill: warning: slow\n");
    CHECK(out.text().substr(before) == k_erase_line + k_erase_line +
                                           "gpubill: warning: slow\na \\x1b]0;evil\\x07 done\nb running\n");
    lines.set(7, "out of range: ignored");
  }
  // Destroyed: the last state stays, nothing more is written.
  CHECK(out.text().ends_with("b running\n"));
}

TEST_CASE("status lines: disabled writes nothing", "[util][progress]") {
  Capture out;
  StatusLines lines(out.file, 3, false);
  lines.set(0, "x");
  CHECK(out.text().empty());
  lines.print_above("a log line\n");  // still printed: it is the log, not the status
  CHECK(out.text() == "a log line\n");
}
