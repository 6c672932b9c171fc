#pragma once
/**
 * @file errors.hpp
 * @brief Exception types and precondition checks. The CLI maps input_error
 *        and usage_error to exit 2 and every other exception to exit 1.
 */
#include <stdexcept>
#include <string>

namespace coopgrid {

/// Bad input: the message names the file, line or key, the value and the rule broken.
class input_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad command-line usage (an option combination that cannot work).
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A broken internal precondition (a bug, not bad input).
class logic_error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace coopgrid

#define COOPGRID_STRINGIFY_DETAIL(x) #x
#define COOPGRID_STRINGIFY(x) COOPGRID_STRINGIFY_DETAIL(x)

/// Throws coopgrid::logic_error naming the condition, file and line when cond is false.
#define COOPGRID_EXPECTS(cond, msg)                                                        \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      throw ::coopgrid::logic_error(std::string(__FILE__ ":" COOPGRID_STRINGIFY(__LINE__)) \
                                    + ": expected " #cond ": " + (msg));                   \
    }                                                                                      \
  } while (0)
