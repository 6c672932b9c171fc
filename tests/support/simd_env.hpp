#pragma once
// COOPGRID_SIMD for one scope: the cpu backend reads it when it is built
// (host/backends/cpu_simd.hpp), so a test pins a target around make_cpu_backend.
#include <cstdlib>
#include <optional>
#include <string>

namespace coopgrid::test {

class simd_env {
 public:
  explicit simd_env(const char* value) {
    if (const char* old = std::getenv("COOPGRID_SIMD")) old_ = old;
    setenv("COOPGRID_SIMD", value, 1);
  }
  simd_env(const simd_env&) = delete;
  simd_env& operator=(const simd_env&) = delete;
  ~simd_env() {
    if (old_) {
      setenv("COOPGRID_SIMD", old_->c_str(), 1);
    } else {
      unsetenv("COOPGRID_SIMD");
    }
  }

 private:
  std::optional<std::string> old_;
};

}  // namespace coopgrid::test
