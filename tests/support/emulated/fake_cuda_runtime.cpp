// The emulated CUDA runtime (see cuda_runtime_api.h beside this): one or more
// fake devices whose memory is host memory, with the bounds and capacity
// checks a test needs, and streams that really are asynchronous: copies,
// memsets and kernels queue on their stream and run only when the host waits
// for it (cudaStreamSynchronize, cudaEventSynchronize on an event recorded
// after them, or an implicitly synchronising call such as cudaFree). A host
// that reads a pinned buffer, or refills one, before waiting sees stale data
// here, as it could on a GPU.
#include "tests/support/emulated/cuda_runtime_api.h"

#include <cxxabi.h>

#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/simt_emulator.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

namespace {

struct range {
  std::size_t bytes;
  enum kind_t { device, pinned, registered } kind;
  int device_ordinal;
};

struct runtime {
  std::mutex m;
  std::map<const char*, range> ranges;  // start -> range, non-overlapping
  std::size_t device_used[8] = {};
  cudaError_t last = cudaSuccess;
  coopgrid_emulated::host_register_counts host_register;
  std::map<std::string, std::size_t> occupancy_queries;  // demangled kernel type -> queries
};

runtime& rt() {
  static runtime r;
  return r;
}

thread_local int current_device = 0;

/// Two SMs (and one resident block each, in the header): the fused reduction
/// still runs several blocks, and the emulator does not pay for dozens.
constexpr int emulated_sms = 2;

/// Emulated devices (COOPGRID_EMULATED_DEVICES, default 1) and their memory
/// (COOPGRID_EMULATED_DEVICE_MIB, default 4096).
int device_count() {
  const char* e = std::getenv("COOPGRID_EMULATED_DEVICES");
  const int n = e ? std::atoi(e) : 1;
  return n < 0 ? 0 : (n > 8 ? 8 : n);
}
std::size_t capacity() {
  const char* e = std::getenv("COOPGRID_EMULATED_DEVICE_MIB");
  return static_cast<std::size_t>(e ? std::atoll(e) : 4096) << 20;
}

/// The allocation holding [p, p + bytes), or nullptr.
const range* find(const void* p, std::size_t bytes, const char** start = nullptr) {
  auto& r = rt();
  const char* c = static_cast<const char*>(p);
  auto it = r.ranges.upper_bound(c);
  if (it == r.ranges.begin()) return nullptr;
  --it;
  if (c < it->first || c + bytes > it->first + it->second.bytes) return nullptr;
  if (start) *start = it->first;
  return &it->second;
}

bool overlaps(const char* c, std::size_t bytes) {
  auto& r = rt();
  auto it = r.ranges.upper_bound(c);
  if (it != r.ranges.end() && it->first < c + bytes) return true;
  if (it == r.ranges.begin()) return false;
  --it;
  return it->first + it->second.bytes > c;
}

/// Checks one side of a copy: device memory must lie inside a device
/// allocation; host memory inside a pinned or registered range, or anywhere
/// (pageable) when it is not in one.
bool side_ok(const void* p, std::size_t bytes, bool device) {
  const range* r = find(p, bytes);
  if (device) return r != nullptr && r->kind == range::device;
  if (r != nullptr) return r->kind != range::device;
  return !overlaps(static_cast<const char*>(p), bytes);  // a host range straddling an allocation is a bug
}

/// True when every byte of [p, p + bytes) lies in writable mappings: what the driver needs to
/// lock pages without cudaHostRegisterReadOnly.
bool writable(const void* p, std::size_t bytes) {
  const auto lo = reinterpret_cast<unsigned long>(p), hi = lo + bytes;
  std::ifstream maps("/proc/self/maps");
  std::string line;
  unsigned long at = lo;
  while (at < hi && std::getline(maps, line)) {
    unsigned long a = 0, b = 0;
    char perms[5] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %4s", &a, &b, perms) != 3 || b <= at) continue;
    if (a > at || perms[1] != 'w') return false;
    at = b;
  }
  return at >= hi;
}

}  // namespace

namespace coopgrid_emulated {
bool host_register_read_only_supported(int device) {
  const char* e = std::getenv("COOPGRID_EMULATED_HOST_REGISTER_READ_ONLY");
  if (e == nullptr || *e == '\0') return device % 2 == 0;
  const std::size_t n = std::strlen(e), i = static_cast<std::size_t>(device);
  return e[i < n ? i : n - 1] == '1';
}
cudaError_t fail(cudaError_t err) {
  std::lock_guard<std::mutex> lock(rt().m);
  rt().last = err;
  return err;
}
std::size_t registered_bytes() {
  std::lock_guard<std::mutex> lock(rt().m);
  std::size_t n = 0;
  for (const auto& [start, r] : rt().ranges) n += r.kind == range::registered ? r.bytes : 0;
  return n;
}
host_register_counts host_register_calls() {
  std::lock_guard<std::mutex> lock(rt().m);
  return rt().host_register;
}
void record_occupancy_query(const std::type_info& kernel) {
  int status = 0;
  char* name = abi::__cxa_demangle(kernel.name(), nullptr, nullptr, &status);
  const std::string key = status == 0 && name ? name : kernel.name();
  std::free(name);
  std::lock_guard<std::mutex> lock(rt().m);
  ++rt().occupancy_queries[key];
}
void set_launch_observer(std::function<void(const void* kernel)> observer) {
  simt::launch_observer() = std::move(observer);
}
std::size_t occupancy_queries(const char* part) {
  std::lock_guard<std::mutex> lock(rt().m);
  std::size_t n = 0;
  for (const auto& [kernel, count] : rt().occupancy_queries) n += kernel.find(part) != std::string::npos ? count : 0;
  return n;
}
}  // namespace coopgrid_emulated

using coopgrid_emulated::fail;

cudaError_t cudaGetDeviceCount(int* count) {
  *count = device_count();
  return *count > 0 ? cudaSuccess : fail(cudaErrorNoDevice);
}

cudaError_t cudaGetDevice(int* device) {
  *device = current_device;
  return cudaSuccess;
}

cudaError_t cudaSetDevice(int device) {
  if (device < 0 || device >= device_count()) return fail(cudaErrorInvalidDevice);
  current_device = device;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
  if (device < 0 || device >= device_count()) return fail(cudaErrorInvalidDevice);
  std::memset(prop, 0, sizeof *prop);
  std::snprintf(prop->name, sizeof prop->name, "coopgrid emulated device %d", device);
  prop->totalGlobalMem = capacity();
  prop->multiProcessorCount = emulated_sms;
  prop->major = 9;
  prop->minor = 0;
  return cudaSuccess;
}

cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int device) {
  if (device < 0 || device >= device_count()) return fail(cudaErrorInvalidDevice);
  switch (attr) {
    case cudaDevAttrMultiProcessorCount: *value = emulated_sms; return cudaSuccess;
    case cudaDevAttrHostRegisterReadOnlySupported:
      *value = coopgrid_emulated::host_register_read_only_supported(device) ? 1 : 0;
      return cudaSuccess;
  }
  return fail(cudaErrorInvalidValue);
}

cudaError_t cudaMemGetInfo(std::size_t* free_bytes, std::size_t* total_bytes) {
  std::lock_guard<std::mutex> lock(rt().m);
  *total_bytes = capacity();
  *free_bytes = capacity() - rt().device_used[current_device];
  return cudaSuccess;
}

cudaError_t cudaGetLastError() {
  std::lock_guard<std::mutex> lock(rt().m);
  const cudaError_t e = rt().last;
  rt().last = cudaSuccess;
  return e;
}

const char* cudaGetErrorName(cudaError_t error) {
  switch (error) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
    case cudaErrorInvalidDevicePointer: return "cudaErrorInvalidDevicePointer";
    case cudaErrorHostMemoryAlreadyRegistered: return "cudaErrorHostMemoryAlreadyRegistered";
    case cudaErrorHostMemoryNotRegistered: return "cudaErrorHostMemoryNotRegistered";
    case cudaErrorNoDevice: return "cudaErrorNoDevice";
    case cudaErrorNotSupported: return "cudaErrorNotSupported";
  }
  return "cudaErrorUnknown";
}

const char* cudaGetErrorString(cudaError_t error) {
  switch (error) {
    case cudaErrorMemoryAllocation: return "out of memory (emulated device)";
    case cudaErrorInvalidDevicePointer: return "a copy or memset outside any allocation (emulated device)";
    default: return cudaGetErrorName(error);
  }
}

namespace {
cudaError_t allocate(void** ptr, std::size_t bytes, range::kind_t kind) {
  *ptr = nullptr;
  std::unique_lock<std::mutex> lock(rt().m);
  auto& used = rt().device_used[current_device];
  if (kind == range::device && bytes > capacity() - used) {
    lock.unlock();
    return fail(cudaErrorMemoryAllocation);
  }
  // calloc: pages nobody writes cost nothing, like a hog allocation in a test.
  void* p = std::calloc(bytes > 0 ? bytes : 1, 1);
  if (p == nullptr) {
    lock.unlock();
    return fail(cudaErrorMemoryAllocation);
  }
  rt().ranges[static_cast<const char*>(p)] = range{bytes, kind, current_device};
  if (kind == range::device) used += bytes;
  *ptr = p;
  return cudaSuccess;
}

void drain_this_thread();

cudaError_t release(void* ptr, range::kind_t kind) {
  if (ptr == nullptr) return cudaSuccess;
  drain_this_thread();  // cudaFree and cudaFreeHost wait for the device
  std::unique_lock<std::mutex> lock(rt().m);
  auto it = rt().ranges.find(static_cast<const char*>(ptr));
  if (it == rt().ranges.end() || it->second.kind != kind) {
    lock.unlock();
    return fail(cudaErrorInvalidDevicePointer);
  }
  if (kind == range::device) rt().device_used[it->second.device_ordinal] -= it->second.bytes;
  rt().ranges.erase(it);
  lock.unlock();
  std::free(ptr);
  return cudaSuccess;
}
}  // namespace

cudaError_t cudaMalloc(void** ptr, std::size_t bytes) { return allocate(ptr, bytes, range::device); }
cudaError_t cudaFree(void* ptr) { return release(ptr, range::device); }
cudaError_t cudaMallocHost(void** ptr, std::size_t bytes) { return allocate(ptr, bytes, range::pinned); }
cudaError_t cudaFreeHost(void* ptr) { return release(ptr, range::pinned); }

cudaError_t cudaHostRegister(void* ptr, std::size_t bytes, unsigned flags) {
  const bool read_only = (flags & cudaHostRegisterReadOnly) != 0;
  // As the driver: the read-only flag where the device lacks it, or read-only pages without it, fail.
  const bool refused = ptr == nullptr || bytes == 0 ||
                       (read_only && !coopgrid_emulated::host_register_read_only_supported(current_device)) ||
                       (!read_only && !writable(ptr, bytes));
  std::unique_lock<std::mutex> lock(rt().m);
  const char* c = static_cast<const char*>(ptr);
  ++rt().host_register.calls;
  if (refused) {
    ++rt().host_register.failures;
    lock.unlock();
    return fail(read_only && ptr != nullptr && bytes != 0 ? cudaErrorNotSupported : cudaErrorInvalidValue);
  }
  if (overlaps(c, bytes)) {  // as the driver: any page already locked fails the whole call
    ++rt().host_register.failures;
    lock.unlock();
    return fail(cudaErrorHostMemoryAlreadyRegistered);
  }
  rt().ranges[c] = range{bytes, range::registered, current_device};
  rt().host_register.read_only += read_only ? 1 : 0;
  return cudaSuccess;
}

cudaError_t cudaHostUnregister(void* ptr) {
  drain_this_thread();
  std::unique_lock<std::mutex> lock(rt().m);
  auto it = rt().ranges.find(static_cast<const char*>(ptr));
  if (it == rt().ranges.end() || it->second.kind != range::registered) {
    lock.unlock();
    return fail(cudaErrorHostMemoryNotRegistered);
  }
  rt().ranges.erase(it);
  return cudaSuccess;
}

// ---- Streams: a queue each; work runs when the host waits ----
struct CUstream_st {
  std::deque<std::function<void()>> pending;
  unsigned long long enqueued = 0, executed = 0;
  std::thread::id owner = std::this_thread::get_id();
};
struct CUevent_st {
  CUstream_st* stream = nullptr;
  unsigned long long at = 0;
};

namespace {

std::mutex streams_mutex;
std::set<CUstream_st*>& all_streams() {
  static std::set<CUstream_st*> s;
  return s;
}

void run_until(CUstream_st* s, unsigned long long upto) {
  while (s->executed < upto) {
    auto work = std::move(s->pending.front());
    s->pending.pop_front();
    ++s->executed;
    work();
  }
}

void drain(CUstream_st* s) { run_until(s, s->enqueued); }

/// What an implicitly synchronising call waits for: every stream this host
/// thread created (one host thread drives one device in coopgrid).
void drain_this_thread() {
  std::vector<CUstream_st*> mine;
  {
    std::lock_guard<std::mutex> lock(streams_mutex);
    for (auto* s : all_streams()) {
      if (s->owner == std::this_thread::get_id()) mine.push_back(s);
    }
  }
  for (auto* s : mine) drain(s);
}

/// Queues work on s; the legacy default stream (null) runs it at once.
void enqueue(cudaStream_t s, std::function<void()> work) {
  if (s == nullptr) {
    work();
    return;
  }
  s->pending.push_back(std::move(work));
  ++s->enqueued;
}

/// Kernel launches go through the same queues.
const bool hooked = [] {
  simt::launch_hook() = [](const void* stream, std::function<void()> work) {
    enqueue(static_cast<cudaStream_t>(const_cast<void*>(stream)), std::move(work));
  };
  return true;
}();

}  // namespace

cudaError_t cudaMemcpyAsync(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind, cudaStream_t stream) {
  if (bytes == 0) return cudaSuccess;
  bool ok = true, pageable_src = false, pageable_dst = false;
  {
    std::lock_guard<std::mutex> lock(rt().m);
    switch (kind) {
      case cudaMemcpyHostToDevice:
        ok = side_ok(dst, bytes, true) && side_ok(src, bytes, false);
        pageable_src = find(src, bytes) == nullptr;
        break;
      case cudaMemcpyDeviceToHost:
        ok = side_ok(dst, bytes, false) && side_ok(src, bytes, true);
        pageable_dst = find(dst, bytes) == nullptr;
        break;
      case cudaMemcpyDeviceToDevice: ok = side_ok(dst, bytes, true) && side_ok(src, bytes, true); break;
      default: ok = false;  // coopgrid always names the direction
    }
  }
  if (!ok) return fail(cudaErrorInvalidDevicePointer);
  if (pageable_src) {
    // Pageable sources are staged by the driver before the call returns:
    // the caller may reuse them at once. Snapshot, then copy in stream order.
    auto copy = std::make_shared<std::vector<char>>(static_cast<const char*>(src),
                                                    static_cast<const char*>(src) + bytes);
    enqueue(stream, [dst, copy] { std::memcpy(dst, copy->data(), copy->size()); });
  } else if (pageable_dst) {
    // Into pageable memory the call returns only once the copy is done.
    if (stream != nullptr) drain(stream);
    std::memmove(dst, src, bytes);
  } else {
    enqueue(stream, [dst, src, bytes] { std::memmove(dst, src, bytes); });
  }
  return cudaSuccess;
}

cudaError_t cudaMemcpy(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind) {
  // The legacy default stream: runs now, and (as with non-blocking streams on
  // a GPU) does not wait for the other streams.
  return cudaMemcpyAsync(dst, src, bytes, kind, nullptr);
}

cudaError_t cudaMemsetAsync(void* ptr, int value, std::size_t bytes, cudaStream_t stream) {
  if (bytes == 0) return cudaSuccess;
  bool ok;
  {
    std::lock_guard<std::mutex> lock(rt().m);
    ok = side_ok(ptr, bytes, true);
  }
  if (!ok) return fail(cudaErrorInvalidDevicePointer);
  enqueue(stream, [ptr, value, bytes] { std::memset(ptr, value, bytes); });
  return cudaSuccess;
}

cudaError_t cudaMemset(void* ptr, int value, std::size_t bytes) { return cudaMemsetAsync(ptr, value, bytes, nullptr); }

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned) {
  *stream = new CUstream_st;
  std::lock_guard<std::mutex> lock(streams_mutex);
  all_streams().insert(*stream);
  return cudaSuccess;
}
cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  drain(stream);  // queued work still completes
  {
    std::lock_guard<std::mutex> lock(streams_mutex);
    all_streams().erase(stream);
  }
  delete stream;
  return cudaSuccess;
}
cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  if (stream != nullptr) drain(stream);
  return cudaSuccess;
}
cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned) {
  *event = new CUevent_st;
  return cudaSuccess;
}
cudaError_t cudaEventDestroy(cudaEvent_t event) {
  delete event;
  return cudaSuccess;
}
cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
  event->stream = stream;
  event->at = stream != nullptr ? stream->enqueued : 0;
  return cudaSuccess;
}
cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  if (event->stream != nullptr) run_until(event->stream, event->at);
  return cudaSuccess;
}
