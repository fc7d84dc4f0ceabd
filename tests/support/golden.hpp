#pragma once
// Golden files under fixtures/golden/. GPUBILL_UPDATE_GOLDEN=1 rewrites them from the actual
// output instead of comparing (review the diff before committing).
#include <string>

namespace gpubill::test {

/// Compares `actual` with fixtures/golden/<name>; on mismatch fails the current test with a
/// message naming the first differing line.
void check_golden(const std::string& name, const std::string& actual);

}  // namespace gpubill::test
