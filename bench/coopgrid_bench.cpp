// coopgrid_bench: ceilings and workloads measured in one run, printed as one
// table (and as JSON for bench/report.py). See bench/RESULTS.md.
//
//   coopgrid_bench [--scale S] [--repeats N] [--json FILE] [--smoke]
//
// Sizes are the at --scale 1 (W1: 1e7 scenarios; W3: 1.01e10);
// --smoke runs every case at a tiny size once, as a functional check.
// GPU cases are skipped (and say so) where no CUDA device is present.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "bench/workloads.hpp"
#include "host/io/grid_reader.hpp"
#include "host/io/binary_batch.hpp"
#include "host/backends/cpu_backend.hpp"
#include "host/backends/cpu_simd.hpp"
#include "host/backends/cuda/cuda_backend.hpp"
#include "host/util/parallel.hpp"
#include "host/backends/reference.hpp"
#include "host/commands/compare.hpp"
#if defined(COOPGRID_HAVE_CUDA)
#include "host/backends/cuda/memory.hpp"
#include "kernels/launch.hpp"
#endif

using namespace coopgrid;
using namespace coopgrid::bench;

namespace {

struct row {
  std::string workload, variant;
  double items = 0;       // scenarios (or bytes for copies)
  double seconds = 0;     // median
  double bytes = 0;       // counted bytes moved (0: not bandwidth-bound)
  std::string baseline;   // what the ratio compares with
  double ratio = 0;
  std::string note;
};

std::vector<row> table;
int repeats = 5;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// Median wall time of fn over `repeats` runs after one warm-up.
double time_host(const std::function<void()>& fn, int reps = -1) {
  fn();
  std::vector<double> t;
  for (int i = 0; i < (reps > 0 ? reps : repeats); ++i) {
    const auto a = std::chrono::steady_clock::now();
    fn();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
  }
  return median(t);
}

/// Bytes an evaluation of the batch must move at least: each input once, each output once.
template <class T>
double batch_bytes(const batch_columns<double>& c) {
  const double n = static_cast<double>(c.num_scenarios());
  const double items = static_cast<double>(c.country_offsets.back()) * 2 + static_cast<double>(c.standard_offsets.back()) +
                       static_cast<double>(c.resource_offsets.back()) + static_cast<double>(c.ethics_offsets.back());
  return items * sizeof(T) + n * (sizeof(T) + sizeof(index_t) + 4 * sizeof(index_t)) + n * num_metrics * sizeof(T);
}

void cpu_cases(double scale) {
  const index_t n = std::max<index_t>(200, static_cast<index_t>(2e5 * scale));
  source src;
  src.path = "W1-cpu";
  src.input = make_w1_batch(n, 42);
  std::vector<metric_row<double>> rows(static_cast<std::size_t>(n));
  auto ref = make_reference_backend(src);
  const index_t n_ref = std::max<index_t>(50, n / 8);
  const double t_ref = time_host([&] { ref->evaluate(0, n_ref, rows.data()); }, std::min(repeats, 3));
  const double ref_rate = static_cast<double>(n_ref) / t_ref;
  table.push_back({"W1-cpu", "reference f64 (1 thread)", static_cast<double>(n_ref), t_ref, 0, "", 0, "long double loops"});
  const int all = hardware_threads();
  double rate1 = 0;
  for (int threads : {1, all}) {
    for (precision p : {precision::f64, precision::f32}) {
      double t = 0;
      if (p == precision::f64) {
        auto be = make_cpu_backend<double>(src, {threads, 0, 0, {}});
        t = time_host([&] { be->evaluate(0, n, rows.data()); });
      } else {
        std::vector<metric_row<float>> frows(static_cast<std::size_t>(n));
        auto be = make_cpu_backend<float>(src, {threads, 0, 0, {}});
        t = time_host([&] { be->evaluate(0, n, frows.data()); });
      }
      const double rate = static_cast<double>(n) / t;
      if (threads == 1 && p == precision::f64) rate1 = rate;
      const bool f64 = p == precision::f64;
      table.push_back({"W1-cpu", fmt::format("cpu {} ({} thread{})", f64 ? "f64" : "f32", threads, threads > 1 ? "s" : ""),
                       static_cast<double>(n), t, f64 ? batch_bytes<double>(std::get<batch>(src.input).columns) : batch_bytes<float>(std::get<batch>(src.input).columns),
                       threads == all && f64 && all > 1 ? "cpu f64, 1 thread" : "reference",
                       threads == all && f64 && all > 1 ? rate / rate1 : rate / ref_rate, ""});
    }
  }
  // W3-shaped grid reduce on the CPU (a slice), for the GPU ratio.
  source g;
  g.path = "W3";
  g.input = parse_grid(w3_grid(1.0), "W3.toml");
  const index_t m = std::max<index_t>(10000, static_cast<index_t>(2e7 * scale));
  auto be = make_cpu_backend<double>(g, {all, 0, 0, {}});
  const auto spec = w3_spec();
  const double t = time_host([&] { be->reduce(spec, 0, m, {}); }, std::min(repeats, 3));
  table.push_back({"W3-cpu", fmt::format("cpu f64 reduce ({} threads), first {} scenarios", all, m), static_cast<double>(m), t, 0, "", 0, ""});
  // The same slice scenario by scenario (--brute-force): per-block table lookups and the fold.
  auto bf = make_cpu_backend<double>(g, {all, 0, 0, {}, true, true});
  const double tb = time_host([&] { bf->reduce(spec, 0, m, {}); }, std::min(repeats, 3));
  table.push_back({"W3-cpu-bf", fmt::format("cpu f64 reduce --brute-force ({} threads), first {} scenarios", all, m),
                   static_cast<double>(m), tb, 0, "", 0, ""});
}

#if defined(COOPGRID_HAVE_CUDA)
double time_device(const std::function<void(cudaStream_t)>& fn, cudaStream_t s) {
  cudaEvent_t a, b;
  COOPGRID_CUDA_TRY(cudaEventCreate(&a));
  COOPGRID_CUDA_TRY(cudaEventCreate(&b));
  fn(s);
  COOPGRID_CUDA_TRY(cudaStreamSynchronize(s));
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) {
    COOPGRID_CUDA_TRY(cudaEventRecord(a, s));
    fn(s);
    COOPGRID_CUDA_TRY(cudaEventRecord(b, s));
    COOPGRID_CUDA_TRY(cudaEventSynchronize(b));
    float ms = 0;
    COOPGRID_CUDA_TRY(cudaEventElapsedTime(&ms, a, b));
    t.push_back(ms / 1e3);
  }
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  return median(t);
}

double d2d_rate = 0, h2d_rate = 0;

void ceilings(double scale) {
  cuda_stream s;
  const std::size_t bytes = std::max<std::size_t>(1 << 20, static_cast<std::size_t>(4e9 * std::min(1.0, scale * 10)));
  device_buffer<char> a(bytes), b(bytes);
  COOPGRID_CUDA_TRY(cudaMemset(a.data(), 1, bytes));
  const double t = time_device([&](cudaStream_t st) {
    COOPGRID_CUDA_TRY(cudaMemcpyAsync(b.data(), a.data(), bytes, cudaMemcpyDeviceToDevice, st));
  }, s.get());
  d2d_rate = 2.0 * static_cast<double>(bytes) / t;
  table.push_back({"ceiling", "device-to-device copy (read + write)", static_cast<double>(bytes), t, 2.0 * bytes, "", 0, ""});
  pinned_buffer<char> h(bytes / 2);
  std::memset(h.data(), 1, bytes / 2);
  const double t2 = time_device([&](cudaStream_t st) {
    COOPGRID_CUDA_TRY(cudaMemcpyAsync(a.data(), h.data(), bytes / 2, cudaMemcpyHostToDevice, st));
  }, s.get());
  h2d_rate = static_cast<double>(bytes / 2) / t2;
  table.push_back({"ceiling", "pinned host-to-device copy", static_cast<double>(bytes / 2), t2, static_cast<double>(bytes / 2), "", 0, ""});
}

template <class T>
void w1_resident(const batch& b) {
  const auto cols = convert_columns<T>(b.columns);
  const index_t n = cols.num_scenarios();
  auto up = [](const auto& v) {
    using V = typename std::decay_t<decltype(v)>::value_type;
    device_buffer<V> d(v.size());
    COOPGRID_CUDA_TRY(cudaMemcpy(d.data(), v.data(), v.size() * sizeof(V), cudaMemcpyHostToDevice));
    return d;
  };
  auto a = up(cols.activities);
  auto g = up(cols.countries_per_activity);
  auto o0 = up(cols.country_offsets), o1 = up(cols.standard_offsets), o2 = up(cols.resource_offsets), o3 = up(cols.ethics_offsets);
  auto i0 = up(cols.datasets), i1 = up(cols.country_share_prob), i2 = up(cols.standard_difficulty),
       i3 = up(cols.resource_share_prob), i4 = up(cols.ethics_difficulty);
  const batch_view<T> v{n, a.data(), g.data(), o0.data(), i0.data(), i1.data(), o1.data(), i2.data(),
                        o2.data(), i3.data(), o3.data(), i4.data()};
  device_buffer<metric_row<T>> d_rows(static_cast<std::size_t>(n));
  cuda_stream s;
  const double bytes = batch_bytes<T>(b.columns);
  const char* tname = std::is_same_v<T, float> ? "f32" : "f64";
  for (auto sched : kernels::all_batch_schedules) {
    // Correct first: poison, run, compare a sample with the reference.
    COOPGRID_CUDA_TRY(cudaMemset(d_rows.data(), 0xff, static_cast<std::size_t>(n) * sizeof(metric_row<T>)));
    kernels::launch_batch_rows_async(v, 0, n, d_rows.data(), sched, s.get());
    std::vector<metric_row<T>> h(static_cast<std::size_t>(std::min<index_t>(n, 2000)));
    COOPGRID_CUDA_TRY(cudaMemcpy(h.data(), d_rows.data(), h.size() * sizeof(metric_row<T>), cudaMemcpyDeviceToHost));
    const auto tol = tolerance_for(std::is_same_v<T, float> ? precision::f32 : precision::f64);
    index_t bad = 0;
    for (std::size_t k = 0; k < h.size(); ++k) {
      const auto ref = reference::evaluate(reference::batch_scenario(cols, static_cast<index_t>(k)));
      for (int m = 0; m < num_metrics; ++m) bad += !tol.agrees(static_cast<double>(h[k].v[m]), ref[m]);
    }
    const double t = time_device([&](cudaStream_t st) {
      kernels::launch_batch_rows_async(v, 0, n, d_rows.data(), sched, st);
    }, s.get());
    const bool chosen = sched == kernels::choose_schedule(n, cols.country_offsets.back() + cols.standard_offsets.back() +
                                                                cols.resource_offsets.back() + cols.ethics_offsets.back());
    table.push_back({"W1", fmt::format("{} resident, {} per scenario{}", tname, kernels::schedule_name(sched),
                                       chosen ? " (auto)" : ""),
                     static_cast<double>(n), t, bytes, "device copy", bytes / t / d2d_rate,
                     bad ? fmt::format("{} VALUES DISAGREE", bad) : "checked vs reference"});
  }
}

template <class T>
void w2_streamed(const source& src, bool pin_host) {
  backend_options opt;
  opt.chunk = index_t{1} << 20;  // forces the streaming pipeline (never resident)
  opt.pin_host = pin_host;       // page-locked columns (one DMA per column), or pinned staging
  auto be = make_cuda_backend<T>(src, opt);
  const index_t n = src.num_scenarios();
  std::vector<metric_row<T>> rows(static_cast<std::size_t>(n));
  const double t = time_host([&] { be->evaluate(0, n, rows.data()); }, std::min(repeats, 3));
  const double bytes = batch_bytes<T>(std::get<batch>(src.input).columns);
  table.push_back({"W2",
                   fmt::format("{} streamed from {} host memory", std::is_same_v<T, float> ? "f32" : "f64",
                               pin_host ? "page-locked" : "pageable"),
                   static_cast<double>(n), t, bytes, "pinned H2D", bytes / t / h2d_rate,
                   pin_host ? "columns -> device (2 streams, 2^20-scenario chunks) -> pinned rows"
                            : "columns -> pinned staging (host copy) -> device -> pinned rows"});
}

template <class T>
void w3_device(const source& g) {
  auto be = make_cuda_backend<T>(g, {});
  const auto spec = w3_spec();
  reduce_state st;
  const double t = time_host([&] { st = be->reduce(spec, 0, g.num_scenarios(), {}); }, std::min(repeats, 3));
  table.push_back({"W3", fmt::format("{} grid reduce + top 100 + where", std::is_same_v<T, float> ? "f32" : "f64"),
                   static_cast<double>(g.num_scenarios()), t, 0, "", 0,
                   fmt::format("selected {}", st.selected)});
}

void gpu_cases(double scale) {
  if (cuda_device_count() == 0) {
    table.push_back({"GPU", "skipped", 0, 0, 0, "", 0, "no CUDA device present"});
    return;
  }
  ceilings(scale);
  source src;
  src.path = "W1";
  src.input = make_w1_batch(std::max<index_t>(1000, static_cast<index_t>(1e7 * scale)), 7);
  w1_resident<float>(std::get<batch>(src.input));
  w1_resident<double>(std::get<batch>(src.input));
  w2_streamed<float>(src, true);
  w2_streamed<double>(src, true);
  w2_streamed<float>(src, false);
  source g;
  g.path = "W3";
  g.input = parse_grid(w3_grid(scale), "W3.toml");
  w3_device<float>(g);
  w3_device<double>(g);
}
#else
void gpu_cases(double) { table.push_back({"GPU", "skipped", 0, 0, 0, "", 0, "built without CUDA"}); }
#endif

void print_table() {
  fmt::print("{:<8} {:<50} {:>12} {:>11} {:>14} {:>10}  {}\n", "case", "variant", "size", "median s",
             "items/s", "GB/s", "ratio (to)  note");
  for (const auto& r : table) {
    fmt::print("{:<8} {:<50} {:>12.4g} {:>11.4g} {:>14.4g} {:>10}  {}{}\n", r.workload, r.variant, r.items, r.seconds,
               r.seconds > 0 ? r.items / r.seconds : 0.0,
               r.bytes > 0 ? fmt::format("{:.1f}", r.bytes / r.seconds / 1e9) : "-",
               r.baseline.empty() ? "" : fmt::format("{:.3g}x ({})  ", r.ratio, r.baseline), r.note);
  }
}

void write_json(const std::string& path) {
  std::ofstream out(path);
  out << "[\n";
  for (std::size_t i = 0; i < table.size(); ++i) {
    const auto& r = table[i];
    out << fmt::format(
        "  {{\"case\": \"{}\", \"variant\": \"{}\", \"size\": {}, \"seconds\": {}, \"bytes\": {}, "
        "\"baseline\": \"{}\", \"ratio\": {}, \"note\": \"{}\"}}{}\n",
        r.workload, r.variant, r.items, r.seconds, r.bytes, r.baseline, r.ratio, r.note,
        i + 1 < table.size() ? "," : "");
  }
  out << "]\n";
}


/// --time-batch DIR: coopgrid's cpu backend (f64 and f32, all threads, the default SIMD target) on
/// a binary batch already in memory, rows and --reduce (every metric's min/max/mean), for
/// bench/peers/cpu_peers.py's table: the same input the CPU peers time, ingest excluded as it is
/// for them (f32 converts the columns once, before the clock). One JSON line each.
template <class T>
void time_batch_in(const source& src, const char* precision) {
  const index_t n = src.num_scenarios();
  const int all = hardware_threads();
  auto be = make_cpu_backend<T>(src, {all, 0, 0, {}});
  std::vector<metric_row<T>> rows(static_cast<std::size_t>(n));
  const double t_rows = time_host([&] { be->evaluate(0, n, rows.data()); });
  const double t_reduce = time_host([&] { be->reduce(reduce_spec{}, 0, n, {}); });
  for (const auto& [what, t] : {std::pair{"rows", t_rows}, std::pair{"reduce", t_reduce}}) {
    fmt::print("{{\"implementation\": \"coopgrid cpu {} {} (in memory)\", \"workload\": \"w1-{}\", "
               "\"threads\": {}, \"scenarios\": {}, \"seconds\": {}, \"repeats\": {}, \"check\": \"(reference)\"}}\n",
               precision, simd_target_name(selected_simd_target()), what, all, n, t, repeats);
  }
}

void time_batch(const std::string& dir) {
  source src;
  src.path = dir;
  src.input = read_binary_batch(dir);
  time_batch_in<double>(src, "f64");
  time_batch_in<float>(src, "f32");
}
}  // namespace

int main(int argc, char** argv) {
  double scale = 1;
  std::string json;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--smoke") {
      scale = 1e-4;
      repeats = 1;
    } else if (a == "--scale" && i + 1 < argc) {
      scale = std::stod(argv[++i]);
    } else if (a == "--repeats" && i + 1 < argc) {
      repeats = std::stoi(argv[++i]);
    } else if (a == "--json" && i + 1 < argc) {
      json = argv[++i];
    } else if (a == "--write-w1" && i + 2 < argc) {
      // The W1 batch as a binary batch, for the Python peers and W4 (bench/run.sh).
      const std::string dir = argv[++i];
      const auto n = static_cast<index_t>(std::stod(argv[++i]));
      write_binary_batch(make_w1_batch(n, 7), dir);
      return 0;
    } else if (a == "--time-batch" && i + 1 < argc) {
      try {
        time_batch(argv[++i]);
      } catch (const std::exception& e) {
        fmt::print(stderr, "coopgrid_bench: error: {}\n", e.what());
        return 1;
      }
      return 0;
    } else if (a == "--write-w4" && i + 2 < argc) {
      // W4's batch in both formats: DIR/csv and DIR/bin.
      const std::string dir = argv[++i];
      const auto n = static_cast<index_t>(std::stod(argv[++i]));
      const auto b = make_w1_batch(n, 11, true);
      write_csv_batch(b, dir + "/csv");
      write_binary_batch(b, dir + "/bin");
      return 0;
    } else {
      fmt::print(stderr,
                 "usage: coopgrid_bench [--scale S] [--repeats N] [--json FILE] [--smoke]\n"
                 "       coopgrid_bench --write-w1 DIR N   (W1's batch of N scenarios as .npy columns)\n"
                 "       coopgrid_bench --write-w4 DIR N   (W4's batch: DIR/csv and DIR/bin)\n"
                 "       coopgrid_bench [--repeats N] --time-batch DIR   (cpu f64 and f32 rows and reduce on a binary batch, JSON)\n");
      return 2;
    }
  }
  try {
    cpu_cases(scale);
    gpu_cases(scale);
  } catch (const std::exception& e) {
    fmt::print(stderr, "coopgrid_bench: error: {}\n", e.what());
    print_table();
    return 1;
  }
  print_table();
  if (!json.empty()) write_json(json);
  return 0;
}
