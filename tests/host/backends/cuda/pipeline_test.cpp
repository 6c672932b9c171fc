// host/backends/cuda/pipeline.hpp with a stand-in input and job, on a
// device (the emulated one in CI, whose streams run only when waited for):
// chunk plans, slot reuse, events, out-of-memory back-off. Skipped cleanly
// without a device.
#include "host/backends/cuda/cuda_backend.hpp"
#include "tests/support/device_skip.hpp"
#include "tests/support/test_util.hpp"

#if defined(COOPGRID_HAVE_CUDA) || defined(COOPGRID_EMULATED_DEVICE)
#include <cuda_runtime_api.h>

#include "host/backends/cuda/inputs.hpp"
#include "host/backends/cuda/pipeline.hpp"

namespace coopgrid::cuda_impl {
namespace {

/// Plans plain cuts; reserve() runs out of memory while a chunk holds more than `fits` scenarios.
struct stand_in_input {
  index_t fits;
  std::vector<index_t> caps;  ///< every cap plan() was asked for
  std::vector<std::pair<index_t, int>> staged;  ///< (chunk, slot)

  std::vector<chunk> plan(index_t first, index_t count, index_t cap) {
    caps.push_back(cap);
    return cut(first, count, cap);
  }
  void reserve(const std::vector<chunk>& chunks) {
    for (const auto& c : chunks) {
      if (c.count > fits) throw cuda_out_of_memory("stand-in: does not fit", cudaErrorMemoryAllocation);
    }
  }
  void stage_async(const chunk& c, int slot, stream_view) { staged.emplace_back(c.first, slot); }
  int view(const chunk&, int slot) const { return 100 + slot; }
};

/// Sends each chunk's first scenario through the device and back on the slot's
/// stream: finish() sees it only if the pipeline waited for the slot's work.
struct stand_in_job {
  static constexpr const char* finish_range = "stand-in";
  struct slot_buffers {
    pinned_buffer<index_t> in{1}, out{1};
    device_buffer<index_t> d{1};
  };
  std::array<std::optional<slot_buffers>, 2> slots;
  std::vector<index_t> finished;

  void reserve(const std::vector<chunk>&) {
    refill_slots(slots, [] { return slot_buffers{}; });
  }
  void launch_async(int view, const chunk& c, int slot, stream_view s) {
    EXPECT_EQ(view, 100 + slot) << "the input's view of another slot";
    auto& b = *slots[slot];
    b.in.data()[0] = c.first;  // the slot's previous chunk is finished: nothing reads it now
    ASSERT_EQ(cudaMemcpyAsync(b.d.data(), b.in.data(), sizeof(index_t), cudaMemcpyHostToDevice, s), cudaSuccess);
    ASSERT_EQ(cudaMemcpyAsync(b.out.data(), b.d.data(), sizeof(index_t), cudaMemcpyDeviceToHost, s), cudaSuccess);
  }
  void finish(const chunk& c, int slot) {
    EXPECT_EQ(slots[slot]->out.data()[0], c.first) << "finished before its slot's work was done";
    finished.push_back(c.first);
  }
};

TEST(CudaPipeline, ChunksAlternateSlotsAndFinishInOrder) {
  SKIP_WITHOUT_DEVICE();
  pipeline_streams ps;
  stand_in_input in{1 << 20, {}, {}};
  stand_in_job job;
  run_pipeline(in, job, pipeline_range{5, 23, 4}, ps);
  ASSERT_EQ(in.caps, std::vector<index_t>{4});
  const std::vector<index_t> firsts = {5, 9, 13, 17, 21, 25};  // the last chunk holds 3
  EXPECT_EQ(job.finished, firsts);
  ASSERT_EQ(in.staged.size(), firsts.size());
  for (std::size_t j = 0; j < firsts.size(); ++j) {
    EXPECT_EQ(in.staged[j], std::make_pair(firsts[j], static_cast<int>(j % 2))) << j;
  }
  // No chunks, no work; a single chunk is finished too.
  run_pipeline(in, job, pipeline_range{0, 0, 4}, ps);
  run_pipeline(in, job, pipeline_range{40, 2, 4}, ps);
  EXPECT_EQ(job.finished.back(), 40);
  EXPECT_EQ(job.finished.size(), firsts.size() + 1);
}

TEST(CudaPipeline, CapsAlignAndHalveOnOutOfMemory) {
  SKIP_WITHOUT_DEVICE();
  pipeline_streams ps;
  {
    // Reduction launches: whole units of `align`, at least one.
    stand_in_input in{1 << 20, {}, {}};
    stand_in_job job;
    run_pipeline(in, job, pipeline_range{0, 10, 7, 4}, ps);
    run_pipeline(in, job, pipeline_range{0, 10, 3, 4}, ps);
    EXPECT_EQ(in.caps, (std::vector<index_t>{4, 4}));
  }
  {
    stand_in_input in{3000, {}, {}};
    stand_in_job job;
    run_pipeline(in, job, pipeline_range{0, 10000, 8192}, ps);
    EXPECT_EQ(in.caps, (std::vector<index_t>{8192, 4096, 2048}));
    EXPECT_EQ(job.finished, (std::vector<index_t>{0, 2048, 4096, 6144, 8192}));
  }
  {
    // Below 1024 scenarios a chunk does not shrink further: the error stands.
    stand_in_input in{100, {}, {}};
    stand_in_job job;
    EXPECT_THROW(run_pipeline(in, job, pipeline_range{0, 5000, 4096}, ps), cuda_out_of_memory);
    EXPECT_EQ(in.caps, (std::vector<index_t>{4096, 2048, 1024}));
  }
}

TEST(CudaPipeline, RefillLeavesNothingBehindWhenAnAllocationFails) {
  SKIP_WITHOUT_DEVICE();
  std::size_t free_bytes = 0, total_bytes = 0;
  ASSERT_EQ(cudaMemGetInfo(&free_bytes, &total_bytes), cudaSuccess);
  std::array<std::optional<device_buffer<char>>, 2> slots;
  refill_slots(slots, [] { return device_buffer<char>(64); });
  ASSERT_TRUE(slots[0] && slots[1]);
  int made = 0;
  // The first slot fits, the second cannot: both end up empty.
  EXPECT_THROW(refill_slots(slots, [&] { return device_buffer<char>(made++ == 0 ? 64 : total_bytes + 1); }),
               cuda_out_of_memory);
  EXPECT_FALSE(slots[0]);
  EXPECT_FALSE(slots[1]);
}

}  // namespace
}  // namespace coopgrid::cuda_impl
#endif
