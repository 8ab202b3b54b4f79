// `ecsim report RUN`: report.md is Markdown (tables, fenced blocks, no CSV lines run together),
// report.html is self-contained (images as data URIs only), `--json -` gives the figures of
// metrics.csv's last row, the raster excerpt is rollout's, and a bad RUN writes nothing.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../common/cli.h"

using namespace ecsim;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

const char* kTrain =
    "train --task hopper --neurons 64 --pop 8 --generations 2 --max-steps 60 --eval-episodes 2 --progress never";

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> c;
  std::stringstream ss(s);
  for (std::string x; std::getline(ss, x, sep);) c.push_back(x);
  if (!s.empty() && s.back() == sep) c.emplace_back();
  return c;
}

// every src="..." of an <img>
std::vector<std::string> img_sources(const std::string& html) {
  std::vector<std::string> out;
  for (size_t at = 0; (at = html.find("<img", at)) != std::string::npos; ++at) {
    const size_t src = html.find("src=\"", at);
    const size_t end = html.find('"', src + 5);
    if (src == std::string::npos || end == std::string::npos) break;
    out.push_back(html.substr(src + 5, end - src - 5));
  }
  return out;
}

// a line of comma-separated values pasted as prose: two or more commas not followed by a blank
bool looks_like_csv(const std::string& line) {
  int tight = 0;
  for (size_t i = 0; i + 1 < line.size(); ++i) tight += line[i] == ',' && line[i + 1] != ' ';
  return tight >= 2;
}

void check_markdown(const std::string& md) {
  bool in_fence = false, table_rule = false;
  for (const std::string& l : lines_of(md)) {
    if (l.rfind("```", 0) == 0) {
      in_fence = !in_fence;
      continue;
    }
    if (in_fence) continue;
    if (l.find("|---|") != std::string::npos) table_rule = true;
    EXPECT_FALSE(looks_like_csv(l)) << "a CSV line in report.md: " << l;
  }
  EXPECT_FALSE(in_fence) << "an unclosed fenced block";
  EXPECT_TRUE(table_rule) << md;
}

void check_html(const std::string& html) {
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  for (const std::string& src : img_sources(html))
    EXPECT_EQ(src.rfind("data:image/png;base64,", 0), 0u) << src.substr(0, 80);
  for (const char* bad : {"<script", "http://", "https://", "href=", "<link"})
    EXPECT_EQ(html.find(bad), std::string::npos) << bad;
}

struct TrainedRun {
  test::ScratchDir dir;
  fs::path run;
  TrainedRun(const std::string& name, const std::string& extra) : dir(name), run(dir / "run") {
    const auto r = test::run_ecsim(std::string(kTrain) + " " + extra + " --out " + run.string());
    EXPECT_EQ(r.code, 0) << r.output;
  }
};

}  // namespace

TEST(ReportCli, ATinyRunGetsMarkdownHtmlAndItsFigures) {
  TrainedRun t("report_tiny", "--no-plot");
  const auto r = test::run_ecsim({"report", t.run.string()});
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string md = test::read_text(t.run / "report.md");
  check_markdown(md);
  EXPECT_NE(md.find("| task | hopper |"), std::string::npos) << md;
  EXPECT_NE(md.find("| population (pop) | 8 |"), std::string::npos) << md;
  EXPECT_NE(md.find("ecsim train --task hopper --pop 8"), std::string::npos) << "the command line";
  const std::string html = test::read_text(t.run / "report.html");
  check_html(html);
  EXPECT_TRUE(fs::exists(t.run / "report-raster.csv"));
  for (const auto& e : test::dir_entries(t.run)) EXPECT_EQ(e.find(".tmp"), std::string::npos) << e;

  // --json -: the figures, and the last row's numbers are metrics.csv's
  const auto j = test::run_ecsim({"report", t.run.string(), "--json", "-"});
  ASSERT_EQ(j.code, 0) << j.output;
  const json::object o = json::parse(j.output).as_object();
  EXPECT_EQ(o.at("task").as_string(), "hopper");
  EXPECT_EQ(o.at("pop").to_number<int>(), 8);
  const auto rows = lines_of(test::read_text(t.run / "metrics.csv"));
  ASSERT_GE(rows.size(), 3u);
  const auto names = split(rows[0], ','), cells = split(rows[2], ',');
  ASSERT_EQ(names.size(), cells.size());
  const json::object& last = o.at("last").as_object();
  for (size_t i = 0; i < names.size(); ++i) {
    SCOPED_TRACE(names[i]);
    if (cells[i].empty()) {
      EXPECT_TRUE(last.at(names[i]).is_null());
    } else {
      EXPECT_EQ(last.at(names[i]).to_number<double>(), std::strtod(cells[i].c_str(), nullptr));
    }
  }
  EXPECT_EQ(o.at("wall_time_s").to_number<double>(), last.at("elapsed").to_number<double>());
  EXPECT_EQ(o.at("frames_total").to_number<double>(), last.at("frames_total").to_number<double>());

  // --eval-episodes K with the run's K starts gives the last row's eval return (ecsim eval's
  // semantics), and the SystemC chip the same returns
  const auto e =
      test::run_ecsim({"report", t.run.string(), "--eval-episodes", "2", "--chip-episodes", "2", "--json", "-"});
  ASSERT_EQ(e.code, 0) << e.output;
  const json::object oe = json::parse(e.output).as_object();
  const double row_eval = last.at("eval_mean").to_number<double>();
  EXPECT_NEAR(oe.at("eval").at("return_mean").to_number<double>(), row_eval, 1e-6 * (1 + std::abs(row_eval)));
  EXPECT_EQ(oe.at("chip_eval").at("return_mean").to_number<double>(),
            oe.at("eval").at("return_mean").to_number<double>());
  EXPECT_GT(oe.at("chip_eval").at("cycles_per_step").to_number<double>(), 0);
  EXPECT_NE(test::read_text(t.run / "report.md").find("| SystemC chip"), std::string::npos);

  // the command line is a real command: run with another --out, it gives the same config.json
  std::vector<std::string> cmd = test::split_args(std::string(o.at("command").as_string()));
  ASSERT_GE(cmd.size(), 4u);
  EXPECT_EQ(cmd[0], "ecsim");
  ASSERT_EQ(cmd[cmd.size() - 2], "--out");
  cmd.back() = (t.dir / "again").string();
  cmd.erase(cmd.begin());
  const auto again = test::run_ecsim(cmd);
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_EQ(test::read_text(t.dir / "again" / "config.json"), test::read_text(t.run / "config.json"));

  // the raster excerpt is rollout's episode: the same spikes for the same seed
  const json::object& raster = o.at("raster").as_object();
  const std::string seed = std::to_string(raster.at("seed").to_number<uint64_t>());
  const auto ro = test::run_ecsim({"rollout", "--policy", t.run.string(), "--seed", seed, "--max-steps", "50",
                                   "--raster", (t.dir / "x.csv").string(), "--out", (t.dir / "traj.csv").string()});
  ASSERT_EQ(ro.code, 0) << ro.output;
  const size_t spikes = lines_of(test::read_text(t.dir / "x.csv")).size() - 1;
  EXPECT_EQ(raster.at("spikes").to_number<uint64_t>(), spikes);
  EXPECT_GT(spikes, 0u);
  EXPECT_EQ(test::read_text(t.dir / "x.csv"), test::read_text(t.run / "report-raster.csv"));
}

TEST(ReportCli, ARunWithPlotsEmbedsThemAndTheContactSheet) {
  TrainedRun t("report_plots", "--chip " + std::string(ECSIM_SOURCE_DIR) + "/configs/chip_default.json");
  if (test::find_program("gnuplot").empty()) GTEST_SKIP() << "gnuplot is not installed";
  // the contact sheet of `ecsim render` is included when it is there (any PNG stands in for it)
  fs::copy_file(t.run / "curve.png", t.run / "contact.png");
  const auto r = test::run_ecsim({"report", t.run.string()});
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string md = test::read_text(t.run / "report.md");
  check_markdown(md);
  for (const char* img : {"](curve.png)", "](energy.png)", "](report-raster.png)", "](contact.png)"})
    EXPECT_NE(md.find(img), std::string::npos) << img;
  EXPECT_NE(md.find("energy per env step"), std::string::npos);
  const std::string html = test::read_text(t.run / "report.html");
  check_html(html);
  EXPECT_EQ(img_sources(html).size(), 4u);
  // regenerated, not appended to
  ASSERT_EQ(test::run_ecsim({"report", t.run.string()}).code, 0);
  EXPECT_EQ(test::read_text(t.run / "report.md"), md);
}

TEST(ReportCli, ABadRunIsAnErrorNamingTheFixAndWritesNothing) {
  const test::ScratchDir d("report_bad");
  const auto missing = test::run_ecsim({"report", (d / "none").string()});
  EXPECT_EQ(missing.code, 2) << missing.output;
  EXPECT_NE(missing.output.find("fix:"), std::string::npos) << missing.output;
  EXPECT_FALSE(fs::exists(d / "none"));

  fs::create_directories(d / "empty");
  const auto not_run = test::run_ecsim({"report", (d / "empty").string()});
  EXPECT_EQ(not_run.code, 2) << not_run.output;
  EXPECT_NE(not_run.output.find("not a run directory"), std::string::npos) << not_run.output;
  EXPECT_NE(not_run.output.find("fix:"), std::string::npos) << not_run.output;
  EXPECT_TRUE(test::dir_entries(d / "empty").empty());

  TrainedRun t("report_corrupt", "--no-plot");
  test::write_text(t.run / "config.json", "{\"format\":");
  const auto before = test::dir_entries(t.run);
  const auto corrupt = test::run_ecsim({"report", t.run.string(), "--json", (t.dir / "r.json").string()});
  EXPECT_EQ(corrupt.code, 2) << corrupt.output;
  EXPECT_NE(corrupt.output.find("config.json"), std::string::npos) << corrupt.output;
  EXPECT_NE(corrupt.output.find("fix:"), std::string::npos) << corrupt.output;
  EXPECT_EQ(test::dir_entries(t.run), before);
  EXPECT_FALSE(fs::exists(t.dir / "r.json"));

  // flags of the footprint tables do not apply to a run
  const auto flag = test::run_ecsim({"report", t.run.string(), "--compare-methods"});
  EXPECT_EQ(flag.code, 2) << flag.output;
}

TEST(ReportCli, AnEsRunHasNoRasterButAReport) {
  TrainedRun t("report_es", "--method es --no-plot");
  const auto r = test::run_ecsim({"report", t.run.string(), "--json", "-"});
  ASSERT_EQ(r.code, 0) << r.output;
  const json::object o = json::parse(r.output).as_object();
  EXPECT_EQ(o.at("method").as_string(), "es");
  EXPECT_FALSE(o.contains("raster"));
  EXPECT_FALSE(fs::exists(t.run / "report-raster.csv"));
  const std::string md = test::read_text(t.run / "report.md");
  check_markdown(md);
  EXPECT_NE(md.find("records no spike raster"), std::string::npos) << md;
  EXPECT_NE(md.find("ecsim train --task hopper --method es"), std::string::npos) << md;
  check_html(test::read_text(t.run / "report.html"));
}

namespace {

// metrics.csv with one cell replaced (row r, 1-based, of column `name`)
void set_cell(const fs::path& csv, size_t r, const std::string& name, const std::string& value) {
  std::vector<std::string> rows = lines_of(test::read_text(csv));
  const auto names = split(rows[0], ',');
  const size_t c = static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  ASSERT_LT(c, names.size()) << name;
  std::vector<std::string> cells = split(rows[r], ',');
  cells[c] = value;
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + cells[i];
  rows[r] = line;
  std::string out;
  for (const auto& l : rows) out += l + "\n";
  test::write_text(csv, out);
}

}  // namespace

// Sample efficiency: the first row whose eval return reaches each of the task's thresholds, with its
// env steps; the thresholds not reached say the best eval return instead.
TEST(ReportCli, StepsToThresholdComeFromTheFirstRowThatReachesThem) {
  TrainedRun t("report_thresholds", "--no-plot");
  set_cell(t.run / "metrics.csv", 2, "eval_mean", "1512.25");
  const auto j = test::run_ecsim({"report", t.run.string(), "--json", "-"});
  ASSERT_EQ(j.code, 0) << j.output;
  const json::object o = json::parse(j.output).as_object();
  const json::array& s = o.at("steps_to_threshold").as_array();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].at("return").to_number<double>(), 1000.0);
  EXPECT_EQ(s[0].at("generation").to_number<double>(), 2.0);
  const auto cells = split(lines_of(test::read_text(t.run / "metrics.csv"))[2], ',');
  EXPECT_EQ(s[0].at("frames").to_number<double>(), std::stod(cells[4]));  // frames_total
  EXPECT_TRUE(s[1].at("generation").is_null());
  EXPECT_TRUE(s[2].at("generation").is_null());
  const std::string md = test::read_text(t.run / "report.md");
  EXPECT_NE(md.find("| 1000 | 2 | " + cells[4] + " |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 2000 | not reached (best 1512) |"), std::string::npos) << md;
  EXPECT_NE(md.find("ARS (SB3 zoo, Hopper-v3)"), std::string::npos);
}
