// A CSV file as text cells, for tests that compare what ecsim wrote cell by cell (bit for bit:
// numbers stay the text ecsim printed). Splits on commas only: ecsim's files quote nothing.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cli.h"

namespace ecsim::test {

struct CsvText {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  size_t col(const std::string& name) const {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    ADD_FAILURE() << "no column " << name;
    return 0;
  }
  // the column's cells as numbers, summed
  double sum(const std::string& name) const {
    double s = 0;
    const size_t c = col(name);
    for (const auto& r : rows) s += std::stod(r.at(c));
    return s;
  }
};

inline CsvText read_csv_text(const std::filesystem::path& p) {
  CsvText t;
  std::istringstream in(read_text(p));
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ls(line);
    std::string cell;
    while (std::getline(ls, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    if (first)
      t.header = cells;
    else
      t.rows.push_back(cells);
    first = false;
  }
  return t;
}

}  // namespace ecsim::test
