// The pieces generated from ECSIM_ARITH_FIELDS outside the chip config: every field round-trips
// through a policy image's network JSON under its key, and every field has its CLI width flag.
#include <gtest/gtest.h>

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "cli/network_flags.h"
#include "eval/policy_image.h"

using namespace ecsim;
namespace po = boost::program_options;

namespace {

// one below the default: in range, and valid with the other defaults
template <class M>
ref::ArithConfig with_one_changed(M m) {
  ref::ArithConfig a;
  a.*m = a.*m - 1;
  return a;
}

}  // namespace

TEST(ArithFields, EveryFieldRoundTripsThroughThePolicyImage) {
  ref::NetworkShape s;
  s.n_neurons = 64;
  s.n_exc = 32;
  s.d_in = 11;
  s.d_out = 3;
  ref::ArithConfig::for_each_field([&](const fields::Info& info, auto m) {
    eval::NetSpec n;
    n.desc = ref::make_network_desc(s, with_one_changed(m));
    const boost::json::object o = eval::net_to_json(n);
    ASSERT_TRUE(o.contains(info.external())) << info.name;
    EXPECT_EQ(o.at(info.external()).as_int64(), n.desc.arith.*m) << info.name;
    const eval::NetSpec back = eval::net_from_json(o, "test");
    EXPECT_TRUE(back.desc.arith == n.desc.arith) << info.name;
  });
  // the keys of the arith widths, in the list's order, after the shape's
  const boost::json::object o = eval::net_to_json(eval::NetSpec{eval::Method::kEC, ref::make_network_desc(s, {})});
  std::vector<std::string> keys;
  for (const auto& kv : o) keys.emplace_back(kv.key());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"method", "arith", "neurons", "exc", "d_in", "d_out", "inner_steps", "rho_bits",
                                      "state_bits", "frac_bits", "rate_bits", "rate_frac_bits", "const_bits",
                                      "input_bits", "input_frac_bits", "action_frac_bits", "word_bits"}));
}

TEST(ArithFields, EveryFieldHasAWidthFlag) {
  ref::ArithConfig::for_each_field([&](const fields::Info& info, auto m) {
    cli::NetworkFlags f;
    po::options_description desc;
    f.add_to(desc);
    const po::option_description* opt = desc.find_nothrow(info.flag(), false);
    ASSERT_NE(opt, nullptr) << "--" << info.flag();
    EXPECT_EQ(opt->description(), info.doc);
    const int want = with_one_changed(m).*m;
    const std::string flag = "--" + info.flag(), value = std::to_string(want);
    const char* argv[] = {"ecsim", flag.c_str(), value.c_str()};
    po::variables_map vm;
    po::store(po::parse_command_line(3, argv, desc), vm);
    po::notify(vm);
    EXPECT_TRUE(f.arith == with_one_changed(m)) << flag;
  });
  const std::vector<std::string> flags = {"rho-bits",         "state-bits", "frac-bits",  "rate-bits",
                                          "rate-frac-bits",   "const-bits", "input-bits", "input-frac-bits",
                                          "action-frac-bits", "word-bits"};
  cli::NetworkFlags f;
  po::options_description desc;
  f.add_to(desc);
  for (const std::string& flag : flags) EXPECT_NE(desc.find_nothrow(flag, false), nullptr) << "--" << flag;
}
