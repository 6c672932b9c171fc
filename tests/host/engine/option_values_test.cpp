// Option values: each parser's accepted forms and, for every rejected one, the message.
#include "host/engine/option_values.hpp"

#include <cmath>
#include <limits>
#include <utility>

#include "host/reduce/spec.hpp"
#include "tests/support/expect_usage_error.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

using test::expect_usage_error;

TEST(OptionValues, BackendAndPrecision) {
  EXPECT_EQ(parse_backend_kind("auto"), backend_kind::automatic);
  EXPECT_EQ(parse_backend_kind("reference"), backend_kind::reference);
  EXPECT_EQ(parse_backend_kind("cpu"), backend_kind::cpu);
  EXPECT_EQ(parse_backend_kind("cuda"), backend_kind::cuda);
  expect_usage_error([] { parse_backend_kind("gpu"); }, "--backend 'gpu': expected auto, reference, cpu or cuda");
  EXPECT_EQ(parse_precision("f64"), precision::f64);
  EXPECT_EQ(parse_precision("f32"), precision::f32);
  expect_usage_error([] { parse_precision("f16"); }, "--precision 'f16': expected f64 or f32");
}

TEST(OptionValues, Metrics) {
  EXPECT_EQ(parse_metric("shared_variance"), static_cast<int>(metric::shared_variance));
  EXPECT_THROW(parse_metric("shared"), usage_error);
  EXPECT_EQ(parse_metric_list("ethics_q_all,,datasets_total,"),
            (std::vector<int>{static_cast<int>(metric::ethics_q_all), static_cast<int>(metric::datasets_total)}));
  expect_usage_error([] { parse_metric_list(","); }, "--metrics: expected a comma-separated list of metric names");
  EXPECT_THROW(parse_metric_list("shared_expected,nope"), usage_error);
}

TEST(OptionValues, Where) {
  const auto w = parse_where({"shared_expected>=1", "ethics_q_any<=0.25"});
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].metric, static_cast<int>(metric::shared_expected));
  EXPECT_TRUE(w[0].at_least);
  EXPECT_EQ(w[1].threshold, 0.25);
  EXPECT_FALSE(w[1].at_least);
  EXPECT_TRUE(parse_where({}).empty());
  EXPECT_THROW(parse_where({"shared_expected>=1", "foo>=1"}), usage_error);
}

TEST(OptionValues, WhereSpacesAndEveryOperator) {
  const auto w = parse_where({" shared_expected >= 1000 ", "ethics_q_any<0.25", "standards_p_all > 0.5",
                              "datasets_total == 300"});
  ASSERT_EQ(w.size(), 5u);  // == is two bounds
  EXPECT_EQ(w[0].threshold, 1000);
  EXPECT_TRUE(w[0].at_least);
  // Strict comparisons are the inclusive ones at the next double: the same selection for every double x.
  EXPECT_FALSE(w[1].at_least);
  EXPECT_EQ(w[1].threshold, std::nextafter(0.25, 0.0));
  EXPECT_TRUE(w[2].at_least);
  EXPECT_EQ(w[2].threshold, std::nextafter(0.5, 1.0));
  EXPECT_TRUE(w[3].at_least && !w[4].at_least);
  EXPECT_EQ(w[3].threshold, 300);
  EXPECT_EQ(w[4].threshold, 300);
  reduce_spec spec;
  spec.where = {w[2]};
  double v[num_metrics] = {};
  v[static_cast<int>(metric::standards_p_all)] = 0.5;
  EXPECT_FALSE(spec.passes(v));  // > 0.5 drops 0.5 itself
  v[static_cast<int>(metric::standards_p_all)] = std::nextafter(0.5, 1.0);
  EXPECT_TRUE(spec.passes(v));
  const auto message = [](const std::string& text) {
    try {
      parse_where({text});
    } catch (const usage_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(message("shared_expected > inf"), "--where 'shared_expected > inf': selects nothing (no value is > inf)");
  EXPECT_EQ(message("shared_expected = 1"),
            "--where 'shared_expected = 1': expected METRIC OP X with OP one of >=, >, <=, <, ==");
  EXPECT_EQ(message("shared_expectd>=1").rfind("unknown metric 'shared_expectd' (did you mean 'shared_expected'?)", 0),
            0u);
  // The stored form round-trips, as merge states read it back.
  EXPECT_EQ(parse_filter(w[2].text()).threshold, w[2].threshold);
}

TEST(OptionValues, Histogram) {
  const auto h = parse_histogram("standards_p_any:4");
  EXPECT_EQ(h.metric, static_cast<int>(metric::standards_p_any));
  EXPECT_EQ(h.bins, 4);
  EXPECT_FALSE(h.range_given);
  const auto r = parse_histogram("ethics_q_any:8:-0.5:1e3");
  EXPECT_EQ(r.bins, 8);
  EXPECT_TRUE(r.range_given);
  EXPECT_EQ(r.lo, -0.5);
  EXPECT_EQ(r.hi, 1000);
  EXPECT_TRUE(parse_histogram("ethics_q_any:1:2:2").range_given);  // LO == HI
  for (const char* shape : {"ethics_q_any", "ethics_q_any:8:0", "ethics_q_any:8:0:1:2"}) {
    expect_usage_error([&] { parse_histogram(shape); },
                       std::string("--histogram '") + shape + "': expected METRIC:BINS or METRIC:BINS:LO:HI");
  }
  for (const char* bad : {"ethics_q_any:0", "ethics_q_any:100000001", "ethics_q_any:4x", "ethics_q_any:",
                          "ethics_q_any:4:1:0", "ethics_q_any:4:0:inf", "ethics_q_any:4:nan:1", "ethics_q_any:4:0:1y"}) {
    expect_usage_error([&] { parse_histogram(bad); },
                       std::string("--histogram '") + bad +
                           "': BINS must be an integer in [1, 1e8] and LO <= HI finite numbers");
  }
  EXPECT_THROW(parse_histogram("nope:4"), usage_error);
}

TEST(OptionValues, Shard) {
  EXPECT_EQ(parse_shard("2/5").k, 2);
  EXPECT_EQ(parse_shard("2/5").n, 5);
  for (const char* bad : {"5/5", "-1/3", "1/0", "1", "a/b", "1/2x"}) EXPECT_THROW(parse_shard(bad), usage_error) << bad;
  expect_usage_error([] { parse_shard("3/3"); }, "--shard '3/3': expected K/N with 0 <= K < N (K counts from 0)");
}

TEST(OptionValues, Devices) {
  EXPECT_EQ(parse_device_list("0,2", 3), (std::vector<int>{0, 2}));
  EXPECT_EQ(parse_device_list("all", 3), (std::vector<int>{0, 1, 2}));
  EXPECT_THROW(parse_device_list("0,0", 3), usage_error);
  EXPECT_THROW(parse_device_list("x", 3), usage_error);
  expect_usage_error([] { parse_device_list("1,1", 3); }, "--devices '1,1': device 1 listed twice");
  for (const char* bad : {"", "1,", "-1", "1.5", "0;1"}) {
    expect_usage_error([&] { parse_device_list(bad, 3); },
                       std::string("--devices '") + bad + "': expected 'all' or ordinals like 0,1,3");
  }
  // No device at all is the machine's state, not bad usage: a runtime error (exit 1).
  try {
    parse_device_list("all", 0);
    ADD_FAILURE() << "'--devices all' without a device was accepted";
  } catch (const usage_error&) {
    ADD_FAILURE() << "'--devices all' without a device is not a usage error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "--devices all: no CUDA device found (see 'coopgrid info')");
  }
}

TEST(OptionValues, IntegersExactlyAsTyped) {
  EXPECT_EQ(parse_integer("--n", "1", int_ranges::count), 1);
  EXPECT_EQ(parse_integer("--n", "+42", int_ranges::count), 42);
  EXPECT_EQ(parse_integer("--n", "9223372036854775807", int_ranges::count), 9223372036854775807LL);
  EXPECT_EQ(parse_integer("--x", "-9223372036854775808", {std::numeric_limits<long long>::min(), 0}),
            std::numeric_limits<long long>::min());
  EXPECT_EQ(parse_integer("--x", "-0", {0, 5}), 0);
  EXPECT_EQ(parse_integer("--bootstrap", "10000", int_ranges::bootstrap), 10000);
  EXPECT_EQ(parse_unsigned("--seed", "0", int_ranges::seed), 0u);
  EXPECT_EQ(parse_unsigned("--seed", "18446744073709551615", int_ranges::seed), 18446744073709551615ULL);
}

TEST(OptionValues, IntegersOutOfRangeAreRefusedNeverWrappedOrClamped) {
  const std::pair<std::string, std::string> n_cases[] = {
      {"0", "--n must be at least 1 (got '0')"},
      {"-1", "--n must be at least 1 (got '-1')"},
      {"-99999999999999999999999", "--n must be at least 1 (got '-99999999999999999999999')"},
      {"9223372036854775808", "--n must be at most 9223372036854775807 (got '9223372036854775808')"},
      {"abc", "--n must be an integer from 1 to 9223372036854775807 (got 'abc')"},
      {"", "--n must be an integer from 1 to 9223372036854775807 (got '')"},
      {"1.5", "--n must be an integer from 1 to 9223372036854775807 (got '1.5')"},
      {"1e3", "--n must be an integer from 1 to 9223372036854775807 (got '1e3')"},
      {" 5", "--n must be an integer from 1 to 9223372036854775807 (got ' 5')"},
      {"0x10", "--n must be an integer from 1 to 9223372036854775807 (got '0x10')"},
      {"-", "--n must be an integer from 1 to 9223372036854775807 (got '-')"},
  };
  for (const auto& [text, message] : n_cases) {
    expect_usage_error([&] { parse_integer("--n", text, int_ranges::count); }, message);
  }
  expect_usage_error([] { parse_unsigned("--seed", "-1", int_ranges::seed); }, "--seed must be at least 0 (got '-1')");
  expect_usage_error([] { parse_unsigned("--seed", "18446744073709551616", int_ranges::seed); },
                     "--seed must be at most 18446744073709551615 (got '18446744073709551616')");
  expect_usage_error([] { parse_integer("--bootstrap", "99999999999", int_ranges::bootstrap); },
                     "--bootstrap must be at most 10000 (got '99999999999')");
  expect_usage_error([] { parse_integer("--threads", "-1", int_ranges::threads); },
                     "--threads must be at least 0 (got '-1')");
  expect_usage_error([] { parse_integer("--threads", "2147483648", int_ranges::threads); },
                     "--threads must be at most 2147483647 (got '2147483648')");
  // Python's words: the argument's name, the value bare.
  expect_usage_error([] { parse_integer("n", "0", int_ranges::count, false); }, "n must be at least 1 (got 0)");
}

}  // namespace
}  // namespace coopgrid
