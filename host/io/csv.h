// Numeric CSV files: one header row of column names, then rows of numbers.
// Readers report the file, line and column of anything malformed.
#pragma once

#include <string>
#include <vector>

namespace ecsim::io {

struct NumericTable {
  std::string path;                       // where it was read from, for error messages
  std::vector<std::string> columns;       // header names
  std::vector<std::vector<double>> rows;  // rows.size() x columns.size()

  // index of a named column; throws ecsim::Error naming the file and the missing column
  size_t column(const std::string& name) const;
  // indices of columns name_prefix0, name_prefix1, ... (consecutive from 0); empty if none
  std::vector<size_t> numbered_columns(const std::string& prefix) const;
};

// Reads a numeric CSV. Blank lines and lines starting with '#' are skipped.
// Every value must parse as a finite or infinite double ("nan" is accepted only if allow_nan).
NumericTable read_numeric_csv(const std::string& path, bool allow_nan = false);
// The same from text already read; path names it in messages.
NumericTable parse_numeric_csv(const std::string& text, const std::string& path, bool allow_nan = false);

// Splits one CSV line on commas (no quoting: ecsim's files are numeric), trimming spaces.
std::vector<std::string> split_csv_line(const std::string& line);

}  // namespace ecsim::io
