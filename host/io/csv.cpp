#include "io/csv.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <utility>

#include "common/error.h"
#include "common/file.h"

namespace ecsim::io {

static std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    out.push_back(trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

size_t NumericTable::column(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return i;
  throw Error(path + ": no column named '" + name + "' in the header", "add a '" + name + "' column to the header row");
}

std::vector<size_t> NumericTable::numbered_columns(const std::string& prefix) const {
  std::vector<size_t> idx;
  for (size_t k = 0;; ++k) {
    const std::string want = prefix + std::to_string(k);
    size_t found = columns.size();
    for (size_t i = 0; i < columns.size(); ++i)
      if (columns[i] == want) found = i;
    if (found == columns.size()) break;
    idx.push_back(found);
  }
  return idx;
}

NumericTable read_numeric_csv(const std::string& path, bool allow_nan, const ColumnFilter& keep) {
  // a missing file keeps the "cannot open" message that scripts and tests match
  if (!std::filesystem::exists(path))
    throw Error("cannot open '" + path + "'", "check that the file exists and is readable");
  return parse_numeric_csv(read_file(path, "CSV file"), path, allow_nan, keep);
}

NumericTable parse_numeric_csv(const std::string& text, const std::string& path, bool allow_nan,
                               const ColumnFilter& keep) {
  std::istringstream in(text);
  NumericTable t;
  t.path = path;
  std::string line;
  size_t lineno = 0;
  bool have_header = false;
  std::vector<std::string> header;
  std::vector<size_t> read;  // the header positions of the columns read
  while (std::getline(in, line)) {
    ++lineno;
    const std::string s = trim(line);
    if (s.empty() || s[0] == '#') continue;
    auto fields = split_csv_line(s);
    if (!have_header) {
      for (const auto& f : fields)
        if (f.empty())
          throw Error(path + ":" + std::to_string(lineno) + ": empty column name in the header",
                      "the first non-comment line must name every column, e.g. obs_0,obs_1");
      header = fields;
      for (size_t c = 0; c < header.size(); ++c)
        if (!keep || keep(header[c])) {
          read.push_back(c);
          t.columns.push_back(header[c]);
        } else {
          t.ignored.push_back(header[c]);
        }
      have_header = true;
      continue;
    }
    if (fields.size() != header.size())
      throw Error(path + ":" + std::to_string(lineno) + ": " + std::to_string(fields.size()) +
                      " values but the header has " + std::to_string(header.size()) + " columns",
                  "make every row have one value per header column");
    std::vector<double> row(read.size());
    for (size_t c = 0; c < read.size(); ++c) {
      const std::string& f = fields[read[c]];
      char* end = nullptr;
      errno = 0;
      double v = f.empty() ? 0.0 : std::strtod(f.c_str(), &end);
      if (f.empty() || end != f.c_str() + f.size())
        throw Error(
            path + ":" + std::to_string(lineno) + ": column '" + t.columns[c] + "': '" + f + "' is not a number",
            "write plain decimal numbers such as 0.25 or -1e-3");
      if (std::isnan(v) && !allow_nan)
        throw Error(path + ":" + std::to_string(lineno) + ": column '" + t.columns[c] + "' is NaN",
                    "replace NaN values with numbers");
      row[c] = v;
    }
    t.rows.push_back(std::move(row));
  }
  if (!have_header) throw Error(path + ": the file is empty (no header row)", "write a header row and data rows");
  return t;
}

namespace {
// "act_12" -> {"act_", 12}; no number at the end (or a leading zero): {name, -1}
std::pair<std::string, long long> split_number(const std::string& name) {
  size_t d = name.size();
  while (d > 0 && name[d - 1] >= '0' && name[d - 1] <= '9') --d;
  const size_t digits = name.size() - d;
  if (digits == 0 || digits > 9 || (digits > 1 && name[d] == '0')) return {name, -1};
  return {name.substr(0, d), std::stoll(name.substr(d))};
}
}  // namespace

std::string describe_columns(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size();) {
    const auto [stem, first] = split_number(names[i]);
    size_t j = i + 1;
    if (first >= 0)
      while (j < names.size()) {
        const auto [s, n] = split_number(names[j]);
        if (s != stem || n != first + static_cast<long long>(j - i)) break;
        ++j;
      }
    out += (out.empty() ? "" : ", ") + names[i];
    if (j - i > 1) out += (j - i > 2 ? ".." : ", ") + names[j - 1];
    i = j;
  }
  return out;
}

}  // namespace ecsim::io
