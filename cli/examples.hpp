#pragma once
// Each subcommand's Examples (its --help footer), taken from README.md's commands.
#include <string_view>

namespace coopgrid::cli {

inline std::string_view examples_of(std::string_view sub) {
  if (sub == "run") {
    return "Examples:\n"
           "  coopgrid run data/grid_main.toml --reduce --top 5 --by shared_expected\n"
           "  coopgrid run data/grid_small.toml -o rows.csv\n"
           "  coopgrid run data/grid_main.toml --reduce --where 'standards_p_all >= 0.5' --histogram "
           "shared_expected:20\n"
           "  coopgrid run data/problem_sharing.toml --design sobol --n 4096 -o rows.csv\n"
           "  coopgrid run data/grid_main.toml --reduce --marginal standards.count,standards.difficulty";
  }
  if (sub == "sobol") {
    return "Examples:\n"
           "  coopgrid sobol data/problem_sharing.toml --n 4096 --metrics shared_expected,standards_p_all\n"
           "  coopgrid sobol data/problem_sharing.toml --n 1024 --second-order -o sobol.json\n"
           "  coopgrid sobol data/problem_sharing.toml --n 1024 --until-conf 0.05";
  }
  if (sub == "morris") {
    return "Examples:\n"
           "  coopgrid morris data/problem_morris.toml --trajectories 1000\n"
           "  coopgrid morris data/problem_morris.toml --trajectories 200 --levels 6 -o morris.json";
  }
  if (sub == "prim") {
    return "Examples:\n"
           "  coopgrid prim data/grid_main.toml --where 'standards_p_any >= 0.5' --where 'shared_expected >= 1e6'\n"
           "  coopgrid prim data/problem_sharing.toml --design lhs --n 10000 --where 'shared_expected >= 3000'\n"
           "  coopgrid prim data/grid_big.toml --where 'standards_p_all >= 0.5' --inputs standards.count,"
           "standards.difficulty -o box.json";
  }
  if (sub == "sample") {
    return "Examples:\n"
           "  coopgrid sample data/problem_salib.txt --fixed data/problem_fixed.toml --design saltelli --n 1024 "
           "-o X.txt\n"
           "  coopgrid sample data/problem_sharing.toml --design lhs --n 1000 -o X.csv";
  }
  if (sub == "compare") {
    return "Examples:\n"
           "  coopgrid compare data/grid_small.toml --backend cpu\n"
           "  coopgrid compare data/grid_main.toml --backend cpu --sample 100000 --precision f32";
  }
  if (sub == "merge") {
    return "Examples:\n"
           "  coopgrid run data/grid_main.toml --reduce --shard 0/2 -o a.json\n"
           "  coopgrid run data/grid_main.toml --reduce --shard 1/2 -o b.json\n"
           "  coopgrid merge a.json b.json -o summary.json";
  }
  if (sub == "validate") {
    return "Examples:\n"
           "  coopgrid validate data/grid_main.toml\n"
           "  coopgrid validate data/problem_salib.txt --fixed data/problem_fixed.toml";
  }
  if (sub == "convert") return "Example:\n  coopgrid convert data/varied varied-binary";
  if (sub == "info") return "Example:\n  coopgrid info";
  return "";
}

}  // namespace coopgrid::cli
