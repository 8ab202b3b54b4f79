// Numeric CSV files: one header row of column names, then rows of numbers.
// Readers report the file, line and column of anything malformed.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace ecsim::io {

struct NumericTable {
  std::string path;                       // where it was read from, for error messages
  std::vector<std::string> columns;       // header names of the columns read
  std::vector<std::vector<double>> rows;  // rows.size() x columns.size()
  std::vector<std::string> ignored;       // header names of the columns a ColumnFilter left unread

  // index of a named column; throws ecsim::Error naming the file and the missing column
  size_t column(const std::string& name) const;
  // indices of columns name_prefix0, name_prefix1, ... (consecutive from 0); empty if none
  std::vector<size_t> numbered_columns(const std::string& prefix) const;
};

// Which columns to read, by header name. Empty: all of them.
using ColumnFilter = std::function<bool(const std::string& column)>;

// Reads a numeric CSV. Blank lines and lines starting with '#' are skipped.
// Every value must parse as a finite or infinite double ("nan" is accepted only if allow_nan).
// With `keep`, only the columns it accepts are read (strictly, as above); the cells of the others
// may hold any text (a rollout's `reason` column) and are skipped, their names listed in `ignored`.
// Every row still needs one cell per header column.
NumericTable read_numeric_csv(const std::string& path, bool allow_nan = false, const ColumnFilter& keep = {});
// The same from text already read; path names it in messages.
NumericTable parse_numeric_csv(const std::string& text, const std::string& path, bool allow_nan = false,
                               const ColumnFilter& keep = {});

// Column names in short form: consecutive numbered names collapse to a range
// ("step, obs_0..obs_10, reason").
std::string describe_columns(const std::vector<std::string>& names);

// Splits one CSV line on commas (no quoting: ecsim's files are numeric), trimming spaces.
std::vector<std::string> split_csv_line(const std::string& line);

}  // namespace ecsim::io
