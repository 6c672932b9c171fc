#pragma once
// Runs the coopgrid binary as a user would (tests/cli/): through bash, with stdout and stderr captured.
#include <sys/wait.h>

#include <cstdlib>
#include <string>

#include "tests/support/test_util.hpp"

namespace coopgrid::test {

struct cli_result {
  int code;
  std::string out;
  std::string err;
};

/// Runs `coopgrid ARGS` from a bash script (ARGS is shell text, `prefix` shell lines before it).
inline cli_result run_cli(const std::string& args, const std::string& prefix = "") {
  temp_dir d;
  const auto out = d / "stdout", err = d / "stderr", script = d / "cmd.sh";
  write_file(script, prefix + "exec '" + binary_path() + "' " + args + " >'" + out.string() + "' 2>'" +
                         err.string() + "'\n");
  const int status = std::system(("bash '" + script.string() + "'").c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), read_file(out), read_file(err)};
}

/// p quoted for the shell, with a trailing blank.
inline std::string q(const std::filesystem::path& p) { return "'" + p.string() + "' "; }

/// data/, and its problem_sharing.toml as a quoted CLI argument with a trailing blank.
inline const std::string data = data_dir();
inline const std::string sharing = "'" + data + "/problem_sharing.toml' ";

}  // namespace coopgrid::test
