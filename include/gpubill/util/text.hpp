#pragma once
// Terminal display width of UTF-8 text, independent of the locale.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpubill::util {

/// Columns `text` takes on a terminal: 2 for East Asian wide and emoji code points, 0 for
/// combining marks and zero-width joiners, 1 otherwise. Invalid UTF-8 bytes count 1 each.
std::size_t display_width(std::string_view text);

/// Replaces control characters (C0, DEL, C1) with visible escapes (`\n`, `\t`, `\x1b`,
/// `\u009b`) so provider text can never move the cursor or change colours, and likewise the
/// bidirectional controls (U+061C, U+200E/F, U+202A-E, U+2066-9) and U+2028/9, so it can never
/// reorder or break a line either. Invalid UTF-8 bytes become `\xNN` too.
std::string escape_for_terminal(std::string_view text);

/// ASCII letters folded to lower case (other bytes, UTF-8 included, as they are).
char ascii_lower(char c);

/// `a` and `b` equal with ASCII case ignored ("CSV" and "csv", "Retry-After" and "retry-after").
bool ascii_iequals(std::string_view a, std::string_view b);

/// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`, ASCII case ignored:
/// the optimal string alignment distance. "reprot" -> "report" is 1.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to `typed` when it is near enough to be a typo (at most 1 edit for
/// names up to 4 characters, 2 up to 8, 3 beyond), else empty. Ties go to the first.
std::string nearest(std::string_view typed, const std::vector<std::string>& candidates);

/// `text` cut to at most `width` terminal columns, its end replaced by "…" when cut (on a
/// code point boundary, wide characters counted as 2).
std::string truncate_to_width(std::string_view text, std::size_t width);

/// `text` broken at spaces into lines of at most `width` columns: each break is `brk` (a
/// newline, or " \\\n      " for a shell line; what follows its last newline is the next
/// line's indent and counts in its width), a word longer than a line stays whole.
/// `width` 0 or text that fits: unchanged.
std::string wrap_words(std::string_view text, std::size_t width, std::string_view brk = "\n");

/// The width of the terminal on `fd`: `columns` (the COLUMNS variable) when it is a number
/// from 20 up, else the terminal's own (TIOCGWINSZ), else 80; 0 when `fd` is not a terminal.
std::size_t terminal_width(int fd, const std::optional<std::string>& columns);

/// "1234567.89" -> "1,234,567.89" (also with a sign or no fraction); other text unchanged.
std::string group_thousands(std::string_view number);

/// "a,,b," -> {"a", "b"}: the items of a `sep`-separated list, empty items dropped.
std::vector<std::string> split_list(std::string_view text, char sep = ',');

}  // namespace gpubill::util
