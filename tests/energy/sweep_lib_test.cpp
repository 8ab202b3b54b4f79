// host/sweep/ as a library: the grid, each point's chip config and the children's argument
// vectors (no shell strings: a path is one argument whatever it holds).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chip/chip_config.h"
#include "common/file.h"
#include "sweep/grid.h"
#include "sweep/sweep.h"

using namespace ecsim;
namespace json = boost::json;

namespace {

const std::string kDefaultChip = std::string(ECSIM_SOURCE_DIR) + "/configs/chip_default.json";

json::object base() { return json::parse(read_file(kDefaultChip, "chip config")).as_object(); }

}  // namespace

TEST(SweepLib, GridIsFirstAxisSlowest) {
  const auto axes = sweep::make_axes({"cores=2,4", "state_bits=12,16"}, "", base());
  ASSERT_EQ(axes.size(), 2u);
  EXPECT_EQ(axes[0].path, "cores.count");
  EXPECT_EQ(axes[1].path, "arith.state_bits");
  const auto points = sweep::grid_points(axes);
  EXPECT_EQ(points, (std::vector<std::vector<double>>{{2, 12}, {2, 16}, {4, 12}, {4, 16}}));
  EXPECT_EQ(sweep::point_name(axes, points[1]), "sweep_cores=2_state_bits=16");
  EXPECT_EQ(sweep::point_label(axes, points[1]), "cores=2 state_bits=16");
  EXPECT_THROW(sweep::make_axes({"colors=1"}, "", base()), Error);
  EXPECT_THROW(sweep::make_axes({"cores=1", "cores=2"}, "", base()), Error);
}

TEST(SweepLib, PointConfigsReshapeTheMeshAndKeepTheSramCapacity) {
  const json::object b = base();
  const auto axes = sweep::make_axes({"cores=6", "word_bits=32"}, "", b);
  const json::object c = sweep::point_config(b, axes, {6, 32}, "p");
  EXPECT_EQ(c.at("name").as_string(), "p");
  EXPECT_EQ(c.at("cores").at("count").as_int64(), 6);
  EXPECT_EQ(c.at("noc").at("columns").as_int64() * c.at("noc").at("rows").as_int64(), 6);
  EXPECT_EQ(c.at("memories").at("synapse_sram").at("word_bits").as_int64(), 32);
  EXPECT_EQ(c.at("memories").at("synapse_sram").at("words").as_int64(),
            2 * b.at("memories").at("synapse_sram").at("words").as_int64());
}

TEST(SweepLib, ChildrenGetTheArithmeticAsFlagsAndPathsAsSingleArguments) {
  const chip::ChipConfig chip = chip::load_chip_config(kDefaultChip);
  sweep::SweepConfig cfg;
  cfg.neurons = 128;
  cfg.ecsim = "/opt/ecsim";
  cfg.out = "/tmp/bob's sweep; $(touch X)";
  const std::vector<std::string> arith = sweep::arith_args(cfg, chip);
  EXPECT_EQ(arith,
            (std::vector<std::string>{"--neurons",          "128", "--rho-bits",   "10", "--state-bits",      "16",
                                      "--frac-bits",        "10",  "--rate-bits",  "16", "--rate-frac-bits",  "12",
                                      "--const-bits",       "15",  "--input-bits", "10", "--input-frac-bits", "6",
                                      "--action-frac-bits", "12",  "--word-bits",  "64"}));
  const std::string dir = cfg.out + "/point_0";
  const std::vector<std::string> sim = sweep::simulate_args(cfg, chip, dir, 3);
  ASSERT_GE(sim.size(), 4u);
  EXPECT_EQ(sim[0], "/opt/ecsim");
  EXPECT_EQ(sim[1], "simulate");
  EXPECT_EQ(sim[sim.size() - 2], "--out");
  EXPECT_EQ(sim.back(), dir + "/actions.csv");
  const std::vector<std::string> tr = sweep::train_args(cfg, chip, dir);
  EXPECT_EQ(tr[1], "train");
  EXPECT_EQ(tr.back(), dir + "/train");
}
