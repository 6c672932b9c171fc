// host/backends/cuda/memory.hpp and kernels/cuda_check.hpp on a device (the
// emulated one in CI): errors, and page-locking of host ranges that share
// pages. Skipped cleanly without a device.
#include "host/backends/cuda/cuda_backend.hpp"
#include "tests/support/device_skip.hpp"
#include "tests/support/test_util.hpp"

#if defined(COOPGRID_HAVE_CUDA) || defined(COOPGRID_EMULATED_DEVICE)
#include <cuda_runtime_api.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "host/backends/cuda/memory.hpp"

namespace coopgrid {
namespace {

/// Page-aligned host memory of `pages` pages, freed at destruction.
struct aligned_pages {
  std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  char* p;
  explicit aligned_pages(std::size_t pages) : p(static_cast<char*>(std::aligned_alloc(page, pages * page))) {}
  ~aligned_pages() { std::free(p); }
};

// A failed allocation throws cuda_out_of_memory (callers shrink and retry on
// that type alone), any other failure a plain cuda_error; either way CUDA's
// last error is cleared, so the next launch check does not report it again.
TEST(CudaTry, OutOfMemoryHasItsOwnTypeAndLastErrorIsCleared) {
  SKIP_WITHOUT_DEVICE();
  std::size_t free_bytes = 0, total_bytes = 0;
  ASSERT_EQ(cudaMemGetInfo(&free_bytes, &total_bytes), cudaSuccess);
  EXPECT_THROW(device_buffer<char> too_big(total_bytes + (std::size_t{1} << 30)), cuda_out_of_memory);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess) << "the failed allocation is still CUDA's last error";
  try {
    COOPGRID_CUDA_TRY(cudaSetDevice(-1));
    ADD_FAILURE() << "cudaSetDevice(-1) succeeded";
  } catch (const cuda_out_of_memory&) {
    ADD_FAILURE() << "an invalid device reported as out of memory";
  } catch (const cuda_error& e) {
    EXPECT_EQ(e.code(), cudaErrorInvalidDevice);
    EXPECT_NE(std::string(e.what()).find("cudaSetDevice(-1)"), std::string::npos) << e.what();
  }
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  // Still usable after both.
  device_buffer<char> fine(16);
  EXPECT_EQ(cudaMemset(fine.data(), 0, 16), cudaSuccess);
}

TEST(CudaStream, ViewsTheStreamItWraps) {
  SKIP_WITHOUT_DEVICE();
  const cuda_stream s;
  const stream_view v = s.view();
  EXPECT_EQ(v.value(), s.get());
  EXPECT_FALSE(v.is_default());
  EXPECT_TRUE(stream_view{}.is_default());
  const stream_view from_handle = s.get();  // a cudaStream_t converts implicitly
  EXPECT_EQ(from_handle.value(), s.get());
  synchronize(v);
}

#if defined(COOPGRID_EMULATED_DEVICE)
std::size_t failed_registrations() { return coopgrid_emulated::host_register_calls().failures; }
#endif

// Two columns whose page-rounded ranges share a page, a column inside
// another's pages, and the same column twice: no page is registered twice
// (the driver fails such a call, and compute-sanitizer counts it), the
// shared registration lives until its last user goes, and nothing stays locked.
TEST(CudaHostRegistration, PagesSharedByColumnsAreRegisteredOnce) {
  SKIP_WITHOUT_DEVICE();
  aligned_pages mem(4);
  const std::size_t page = mem.page;
#if defined(COOPGRID_EMULATED_DEVICE)
  const std::size_t failed_before = failed_registrations();
  const std::size_t calls_before = coopgrid_emulated::host_register_calls().calls;
  ASSERT_EQ(coopgrid_emulated::registered_bytes(), 0u);
#endif
  {
    host_registration a(mem.p, page + 100);                    // pages 0-1
    host_registration b(mem.p + page + 200, 2 * page - 200);   // pages 1-2: shares page 1 with a
    host_registration inside(mem.p + 8, 56);                   // inside a's pages
    host_registration same(mem.p, page + 100);                 // a again
    EXPECT_TRUE(a.pinned());
    EXPECT_TRUE(inside.pinned());
    EXPECT_TRUE(same.pinned());
    EXPECT_FALSE(b.pinned()) << "b's copies would straddle a's registration";
    EXPECT_EQ(cudaGetLastError(), cudaSuccess);
#if defined(COOPGRID_EMULATED_DEVICE)
    EXPECT_EQ(failed_registrations(), failed_before) << "a page was registered twice";
    EXPECT_EQ(coopgrid_emulated::host_register_calls().calls, calls_before + 1);
    EXPECT_EQ(coopgrid_emulated::registered_bytes(), 2 * page);
#endif
    { host_registration gone = std::move(a); }  // the others still hold pages 0-1
#if defined(COOPGRID_EMULATED_DEVICE)
    EXPECT_EQ(coopgrid_emulated::registered_bytes(), 2 * page);
#endif
    // A copy from inside the shared registration takes the page-locked path.
    device_buffer<char> d(56);
    EXPECT_EQ(cudaMemcpy(d.data(), mem.p + 8, 56, cudaMemcpyHostToDevice), cudaSuccess);
  }
#if defined(COOPGRID_EMULATED_DEVICE)
  EXPECT_EQ(coopgrid_emulated::registered_bytes(), 0u) << "page-locked memory left behind";
#endif
  // Once the pages are free again, the column that shared one is pinned.
  host_registration b(mem.p + page + 200, 2 * page - 200);
  EXPECT_TRUE(b.pinned());
  // Adjacent but disjoint pages: registered separately.
  host_registration c(mem.p + 3 * page, page);
  EXPECT_TRUE(c.pinned());
#if defined(COOPGRID_EMULATED_DEVICE)
  EXPECT_EQ(failed_registrations(), failed_before);
  EXPECT_EQ(coopgrid_emulated::registered_bytes(), 3 * page);
#endif
}

/// A file of `pages` pages mapped read-only, as binary_batch.cpp maps a .npy column; unmapped and removed at destruction.
struct read_only_mapping {
  std::size_t bytes;
  std::filesystem::path path;
  void* p = MAP_FAILED;
  explicit read_only_mapping(std::size_t pages) : bytes(pages * static_cast<std::size_t>(sysconf(_SC_PAGESIZE))) {
    path = std::filesystem::temp_directory_path() / ("coopgrid_ro_" + std::to_string(getpid()) + ".bin");
    std::ofstream(path, std::ios::binary) << std::string(bytes, 'x');
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd >= 0) {
      p = ::mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE, fd, 0);
      ::close(fd);
    }
  }
  ~read_only_mapping() {
    if (p != MAP_FAILED) ::munmap(p, bytes);
    std::filesystem::remove(path);
  }
};

#if defined(COOPGRID_EMULATED_DEVICE)
/// Two emulated devices: by default the first registers read-only and the second does not.
struct two_emulated_devices {
  two_emulated_devices() { setenv("COOPGRID_EMULATED_DEVICES", "2", 1); }
  ~two_emulated_devices() {
    cudaSetDevice(0);
    unsetenv("COOPGRID_EMULATED_DEVICES");
  }
};
#endif

// cudaHostRegisterReadOnly is asked for only where the device has
// cudaDevAttrHostRegisterReadOnlySupported (0 on x86 hosts without HMM, where
// the flag fails the call and memcheck counts it): there read-only pages (a
// mapped .npy column) pin; elsewhere they are staged without a failed call,
// and writable pages pin either way. The emulated run covers both answers.
TEST(CudaHostRegistration, ReadOnlyPagesPinOnlyWhereTheDeviceRegistersReadOnly) {
  SKIP_WITHOUT_DEVICE();
#if defined(COOPGRID_EMULATED_DEVICE)
  two_emulated_devices two;
#endif
  int devices = 0;
  ASSERT_EQ(cudaGetDeviceCount(&devices), cudaSuccess);
  std::set<bool> answers;
  for (int d = 0; d < devices; ++d) {
    SCOPED_TRACE("device " + std::to_string(d));
    ASSERT_EQ(cudaSetDevice(d), cudaSuccess);
    int attr = -1;
    ASSERT_EQ(cudaDeviceGetAttribute(&attr, cudaDevAttrHostRegisterReadOnlySupported, d), cudaSuccess);
    EXPECT_EQ(host_register_read_only_supported(d), attr == 1);
    answers.insert(attr == 1);
    read_only_mapping mapped(3);
    ASSERT_NE(mapped.p, MAP_FAILED);
    aligned_pages heap(3);
#if defined(COOPGRID_EMULATED_DEVICE)
    const auto before = coopgrid_emulated::host_register_calls();
#endif
    {
      host_registration ro(mapped.p, mapped.bytes), rw(heap.p, 3 * heap.page);
      EXPECT_EQ(ro.pinned(), attr == 1) << "read-only pages pin only with cudaHostRegisterReadOnly";
      EXPECT_TRUE(rw.pinned());
      EXPECT_EQ(cudaGetLastError(), cudaSuccess);
#if defined(COOPGRID_EMULATED_DEVICE)
      const auto after = coopgrid_emulated::host_register_calls();
      EXPECT_EQ(after.failures, before.failures) << "a registration the driver refuses was tried";
      EXPECT_EQ(after.read_only - before.read_only, attr == 1 ? 2u : 0u);
      EXPECT_EQ(coopgrid_emulated::registered_bytes(), (attr == 1 ? 6 : 3) * heap.page);
#endif
      // Either way the copies read the right bytes.
      device_buffer<char> dev(16);
      char back[16] = {};
      ASSERT_EQ(cudaMemcpy(dev.data(), mapped.p, 16, cudaMemcpyHostToDevice), cudaSuccess);
      ASSERT_EQ(cudaMemcpy(back, dev.data(), 16, cudaMemcpyDeviceToHost), cudaSuccess);
      EXPECT_EQ(std::string(back, 16), std::string(16, 'x'));
    }
  }
  ASSERT_EQ(cudaSetDevice(0), cudaSuccess);
#if defined(COOPGRID_EMULATED_DEVICE)
  EXPECT_EQ(answers, (std::set<bool>{false, true})) << "the emulated devices did not take both paths";
  EXPECT_EQ(coopgrid_emulated::registered_bytes(), 0u);
  // The fake refuses what the driver refuses: the flag where unsupported, read-only pages without it.
  read_only_mapping mapped(1);
  EXPECT_EQ(cudaHostRegister(mapped.p, mapped.bytes, cudaHostRegisterPortable), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  ASSERT_EQ(cudaSetDevice(1), cudaSuccess);
  EXPECT_EQ(cudaHostRegister(mapped.p, mapped.bytes, cudaHostRegisterReadOnly), cudaErrorNotSupported);
  EXPECT_EQ(cudaGetLastError(), cudaErrorNotSupported);
#endif
}

}  // namespace
}  // namespace coopgrid
#endif
