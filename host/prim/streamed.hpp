#pragma once
// PRIM over rows that need not fit in memory: each step is one pass over the
// rows that histograms every input inside the box, and, for every input, the
// rows that only that input keeps out of the box (the quasi-p-values' and the
// pastes' rows). Memory: the histograms and one bit a row (the cases of
// interest, found once by evaluating the model; 12.5 MB at 10^8 rows), and
// the rows' bin numbers where they fit in stream_options::cache_bytes.
//
// Each input's bins come from evenly spaced rows (`sample`): one bin per
// distinct value when there are at most `bins` of them, else bins of equal
// share of the sample, cut halfway between two different values. A bin is
// never split: EMA's quantile is taken over the box's rows with a bin's rows
// as ties, and a cut lies between bins (halfway between the largest value of
// one and the smallest of the next, as EMA's midpoint of two values). So
// every count, coverage, density and quasi-p-value is exact for the box
// reported; only the cuts are coarser than EMA's. Where an input has at most
// `bins` values and every row is in the sample, the bins are its values and
// the search is EMA's exactly (tests/host/prim/streamed_test.cpp).
#include <cstdint>
#include <functional>
#include <vector>

#include "host/prim/prim.hpp"

namespace coopgrid::prim {

// Rows the streamed search reads, as often as it takes steps.
class row_stream {
 public:
  virtual ~row_stream() = default;
  virtual std::int64_t rows() const = 0;
  virtual std::int64_t columns() const = 0;
  // Whether rows [first, first + count) are cases of interest (out[i] != 0):
  // called once a row, in row order, from one thread.
  virtual void interest(std::int64_t first, std::int64_t count, std::uint8_t* out) = 0;
  // The inputs of rows [first, first + count), out[j * count + i]; called
  // from several threads at once.
  virtual void inputs(std::int64_t first, std::int64_t count, double* out) const = 0;
};

inline constexpr std::int64_t max_stream_bins = 65536;  // bin numbers fit 16 bits

// Processes (MPI ranks) that each stream a share of the rows: every pass's
// counts are summed and the bins' extremes taken over all of them, and the
// bins come from the same sample of all rows, so each process finds the box
// that one process finds over every row.
struct stream_group {
  std::int64_t first = 0, last = -1;  // this process's rows [first, last); -1: to the end
  std::function<void(std::int64_t* values, std::size_t n)> sum;         // in place, over every process
  std::function<void(double* lo, double* hi, std::size_t n)> extremes;  // min of lo, max of hi, in place
};

struct stream_options {
  std::int64_t bins = 1024;     // per input, at most (2 .. max_stream_bins)
  std::int64_t sample = 65536;  // evenly spaced rows that place the bins' edges
  int threads = 0;              // 0: every hardware thread
  bool progress = false;        // a progress line on stderr, per pass
  // Every row's bins are kept (2 bytes an input and row) where they fit in
  // this many bytes: then only the first pass reads the inputs.
  std::int64_t cache_bytes = 0;
  stream_group group;           // one process over every row unless set
};

struct stream_stats {
  std::int64_t passes = 0;          // over the inputs (the model is evaluated in one more)
  std::vector<std::int64_t> bins;   // per input, those in use
  bool cached = false;              // the rows' bins were kept: one pass read the inputs
  // The most bins any input has (reports say "B bins kept").
  std::int64_t most_bins() const {
    std::int64_t most = 0;
    for (std::int64_t b : bins) most = b > most ? b : most;
    return most;
  }
};

// Throws input_error as find_box does, and for bins outside 2 .. 65536.
prim_result find_box_streamed(row_stream& rows, const prim_options& options, const stream_options& so,
                              stream_stats* stats = nullptr);

// Rows held in memory, streamed (Python's own rows, a batch's inputs, tests).
class memory_stream : public row_stream {
 public:
  explicit memory_stream(const prim_data_view& data) : data_(data) {}
  std::int64_t rows() const override { return data_.rows; }
  std::int64_t columns() const override { return static_cast<std::int64_t>(data_.columns.size()); }
  void interest(std::int64_t first, std::int64_t count, std::uint8_t* out) override;
  void inputs(std::int64_t first, std::int64_t count, double* out) const override;

 private:
  const prim_data_view& data_;
};

}  // namespace coopgrid::prim
