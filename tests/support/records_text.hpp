#pragma once
// Records as comparable text: every column's value ("-" when absent) and the attributes, one
// line a record. For tests that compare two reads of the same answer.
#include <string>
#include <vector>

#include "gpubill/model/cost_record.hpp"

namespace gpubill::test {

inline std::string records_text(const std::vector<model::CostRecord>& records) {
  std::string text;
  for (const model::CostRecord& r : records) {
    for (const model::ColumnValue& c : model::column_values(r)) text += c.value.value_or("-") + ",";
    text += r.attributes.dump() + "\n";
  }
  return text;
}

}  // namespace gpubill::test
