// `coopgrid run`'s options: every combination validate() refuses, with the
// message the user reads, and the reduction and report form they ask for.
#include "host/backends/cuda/cuda_backend.hpp"
#include "host/commands/run.hpp"
#include "host/commands/run_reduce.hpp"
#include "tests/support/expect_usage_error.hpp"
#include "tests/support/test_util.hpp"

namespace coopgrid {
namespace {

using test::expect_refused;

/// A valid run: the cpu backend, every option at its default.
run_options plain() {
  run_options o;
  o.input = "in.toml";
  o.backend = backend_kind::cpu;
  return o;
}

/// A valid --reduce run.
run_options reducing() {
  auto o = plain();
  o.reduce = true;
  return o;
}

histogram_option histogram(bool range_given) {
  return histogram_option{static_cast<int>(metric::ethics_q_any), 8, range_given, 0, 1};
}

TEST(RunOptions, PlainAndFullReduceRunsPass) {
  EXPECT_NO_THROW(plain().validate());
  auto o = reducing();
  o.where = {parse_filter("shared_expected>=1")};
  o.top = 5;
  o.by = static_cast<int>(metric::shared_variance);
  o.ascending = true;
  o.histogram = histogram(true);
  o.checkpoint = "state.ckpt";
  o.resume = true;
  o.json = true;
  o.shard = {1, 3};
  EXPECT_NO_THROW(o.validate());
  o.checkpoint.clear();
  o.resume = false;
  o.histogram = histogram(false);  // [min, max] needs a second pass: fine without a checkpoint
  EXPECT_NO_THROW(o.validate());
}

TEST(RunOptions, ReduceOptionsNeedReduce) {
  const std::string need = "--where, --top and --histogram need --reduce";
  auto o = plain();
  o.where = {parse_filter("shared_expected>=1")};
  expect_refused(o, need);
  o = plain();
  o.top = 3;
  o.by = 0;
  expect_refused(o, need);
  o = plain();
  o.histogram = histogram(true);
  expect_refused(o, need);
  o = plain();
  o.checkpoint = "state.ckpt";
  expect_refused(o, "--checkpoint needs --reduce");
  o = plain();
  o.json = true;
  expect_refused(o, "--json needs --reduce");
}

TEST(RunOptions, TopAndByComeTogether) {
  auto o = reducing();
  o.top = 3;
  expect_refused(o, "--top needs --by METRIC");
  o = reducing();
  o.by = static_cast<int>(metric::datasets_total);  // metric 0: given all the same
  expect_refused(o, "--by needs --top K");
}

TEST(RunOptions, CheckpointRules) {
  auto o = reducing();
  o.resume = true;
  expect_refused(o, "--resume needs --checkpoint FILE");
  o = reducing();
  o.checkpoint = "state.ckpt";
  o.histogram = histogram(false);
  expect_refused(o, "--checkpoint with --histogram needs an explicit range: METRIC:BINS:LO:HI");
}

TEST(RunOptions, MpiRefusesShardAndCheckpoint) {
  auto o = reducing();
  o.mpi_ranks = 2;
  EXPECT_NO_THROW(o.validate());
  o.shard = {0, 2};
  expect_refused(o, "--shard: under MPI every rank takes its own shard");
  o.shard = {};
  o.checkpoint = "state.ckpt";
  expect_refused(o, "--checkpoint is not available under MPI");
  o.mpi_ranks = 1;
  EXPECT_NO_THROW(o.validate());
}

TEST(RunOptions, DevicesNeedTheCudaBackend) {
  const std::string need = "--devices applies to the cuda backend";
  for (backend_kind kind : {backend_kind::cpu, backend_kind::reference}) {
    auto o = plain();
    o.backend = kind;
    o.bopt.devices = {0, 1};
    expect_refused(o, need);
  }
  auto o = plain();
  o.bopt.devices = {0, 1};
  o.backend = backend_kind::cuda;
  EXPECT_NO_THROW(o.validate());
  o.backend = backend_kind::automatic;  // auto is cpu without a device
  if (cuda_device_count() == 0) {
    expect_refused(o, need);
  } else {
    EXPECT_NO_THROW(o.validate());
  }
}

TEST(RunOptions, ReferenceRefusesF32) {
  auto o = plain();
  o.backend = backend_kind::reference;
  EXPECT_NO_THROW(o.validate());
  o.prec = precision::f32;
  expect_refused(o, "the reference backend computes in long double: use --precision f64 with it (or "
                    "'coopgrid compare' to check f32 against it)");
}

TEST(RunOptions, SpecIsWhatTheOptionsAskFor) {
  EXPECT_EQ(reducing().spec().top_by, reduce_spec{}.top_by);  // no --by: the default, as merge states record it
  EXPECT_EQ(reducing().spec().hist_metric, -1);
  auto o = reducing();
  o.where = {parse_filter("shared_expected>=1"), parse_filter("ethics_q_all<=0.5")};
  o.top = 7;
  o.by = static_cast<int>(metric::standards_expected);
  o.ascending = true;
  o.histogram = histogram_option{static_cast<int>(metric::standards_p_any), 5, true, -1, 2};
  const auto s = o.spec();
  ASSERT_EQ(s.where.size(), 2u);
  EXPECT_EQ(s.where[1].text(), "ethics_q_all<=0.5");
  EXPECT_EQ(s.top_k, 7);
  EXPECT_EQ(s.top_by, static_cast<int>(metric::standards_expected));
  EXPECT_TRUE(s.top_ascending);
  EXPECT_EQ(s.hist_metric, static_cast<int>(metric::standards_p_any));
  EXPECT_EQ(s.hist_bins, 5);
  EXPECT_TRUE(s.hist_range_given);
  EXPECT_EQ(s.hist_lo, -1);
  EXPECT_EQ(s.hist_hi, 2);
}

TEST(RunOptions, SelectedMetrics) {
  auto o = plain();
  EXPECT_EQ(o.selected_metrics().size(), static_cast<std::size_t>(num_metrics));
  EXPECT_EQ(o.selected_metrics().back(), num_metrics - 1);
  o.metrics = {3, 1};
  EXPECT_EQ(o.selected_metrics(), (std::vector<int>{3, 1}));
}

TEST(RunOptions, ReportIsJsonWithOrWithoutTheFlag) {
  auto o = reducing();
  EXPECT_EQ(report_format_of(o), report_format::json);
  o.json = true;
  EXPECT_EQ(report_format_of(o), report_format::json);
}

TEST(RunCommand, ValidatesBeforeReadingTheInput) {
  auto o = plain();
  o.input = "/nonexistent/input.toml";
  o.top = 3;
  test::expect_usage_error([&] { run_command(o); }, "--where, --top and --histogram need --reduce");
}

}  // namespace
}  // namespace coopgrid
