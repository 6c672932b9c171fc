#pragma once
/**
 * @file csv_reader.hpp
 * @brief A strict RFC 4180 reader: header row, quoted fields ("" escapes,
 *        embedded newlines), CRLF or LF line ends, an optional UTF-8 BOM,
 *        blank lines skipped. Every error is an input_error naming file and line.
 */
#include <cstdint>
#include <deque>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace coopgrid {

/// A run of whole records: bytes [begin, end) of the text, starting on `line` (1-based).
struct csv_span {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::int64_t line = 1;
};

class csv_reader {
 public:
  /// Reads the whole file; throws input_error if it is missing, unreadable or has no header.
  explicit csv_reader(const std::filesystem::path& file);
  /// Reads CSV text held in memory; `name` stands for the file in messages.
  csv_reader(std::string name, std::string content);
  /// Reads only the records of `span` (from whole.split()); shares whole's text, which must outlive it.
  csv_reader(const csv_reader& whole, const csv_span& span);
  // Views into the text are handed out: the reader stays where it was built.
  csv_reader(const csv_reader&) = delete;
  csv_reader& operator=(const csv_reader&) = delete;

  /**
   * @brief Splits the records not yet read into spans of about `chunk_bytes`
   *        (0: one span), each starting on a true record start, in file order,
   *        on up to `threads` threads. A newline ends a record exactly when an
   *        even number of quotes precede it ("" escapes come in pairs), so a
   *        first pass counts quotes and newlines per piece. Up to the first bad
   *        record the spans are exact, so every span before the one holding
   *        it parses clean and that one reports it as a serial read would.
   */
  std::vector<csv_span> split(std::size_t chunk_bytes, int threads) const;
  /// Bytes of text not yet read.
  std::size_t bytes_left() const { return limit_ - pos_; }

  /// Header names, trimmed, in file order.
  const std::vector<std::string>& header() const { return header_; }

  /**
   * @brief Reads the next non-blank record into `fields` (views valid until the
   *        next call). Returns false at end of file. Throws input_error when the
   *        record's field count differs from the header's.
   */
  bool next(std::vector<std::string_view>& fields);

  /// Line on which the current record starts (1-based).
  std::int64_t line() const { return record_line_; }
  const std::string& path() const { return path_; }

  /**
   * @brief Positions of the named columns in the header. Unknown, missing and
   *        duplicate columns are input errors naming the file and the column.
   */
  std::vector<int> require_columns(const std::vector<std::string_view>& names) const;

  /// "file:line" of the current record, for messages.
  std::string where() const;

 private:
  bool read_record(std::vector<std::string_view>& fields);

  std::string path_;
  std::string storage_;    // the text, owned by the whole-file reader
  std::string_view data_;  // the whole text (of the whole-file reader, for a span reader)
  std::size_t pos_ = 0;
  std::size_t limit_ = 0;  // no record starts at or after this byte
  std::int64_t next_line_ = 1;
  std::int64_t record_line_ = 0;
  std::vector<std::string> header_;
  std::deque<std::string> unescaped_;  // storage for quoted fields that held "" escapes
};

/// Parses a finite real; throws input_error (naming where, column and value) otherwise.
double parse_real(std::string_view text, const std::string& where, std::string_view column);
/// Parses an integer (an integral real such as 5.0 is accepted); throws on overflow or fraction.
std::int64_t parse_integer(std::string_view text, const std::string& where,
                           std::string_view column);

/// The same at the reader's current record: the location is formatted only for an error.
double parse_real(std::string_view text, const csv_reader& at, std::string_view column);
std::int64_t parse_integer(std::string_view text, const csv_reader& at, std::string_view column);

}  // namespace coopgrid
