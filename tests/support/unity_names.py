#!/usr/bin/env python3
"""Names that two units of one unity-built target define at file scope (COOPGRID_UNITY,
scripts/sanitize.sh, the device-math build): in one batch they collide, and which units share a
batch changes whenever a file is added. Exit 1, naming each, so that the collision shows in the
CTest suite instead of 20 minutes into CI's ASan build. Heuristic (lines at column 0: functions,
types, constants, aliases, in anonymous namespaces); identical alias lines are allowed (a repeated typedef is legal).
  unity_names.py FILE.cpp...
"""
import collections
import re
import sys

PATTERNS = [
    re.compile(r'^(?:template <[^>]*>\s*)?(?:static\s+|inline\s+|constexpr\s+|const\s+)*[\w:<>,\s\*&]+?[\s\*&](\w+)\s*\([^;]*\)\s*(?:const\s*)?\{'),
    re.compile(r'^(?:struct|class|enum(?: class)?|union)\s+(\w+)\b[^;]*$'),
    re.compile(r'^(?:static\s+)?(?:inline\s+)?(?:constexpr|const)\s+[\w:<>,\s]+?\s(\w+)(?:\[\])?\s*[={]'),
    re.compile(r'^using\s+(\w+)\s*='),
]
SKIP = ('TEST', 'INSTANTIATE', 'TYPED_TEST', 'namespace', '}', ' ', '\t', '//', 'using namespace', '#')


def definitions(path):
    """Names defined at column 0 inside the file's anonymous namespaces (`namespace {` ...
    `}  // namespace`, the house convention) or `static` at file scope."""
    found = {}
    anonymous = False
    with open(path, errors='replace') as f:
        for line in f:
            if line.startswith('namespace {'):
                anonymous = True
            elif line.rstrip() == '}  // namespace':
                anonymous = False
            if line.startswith(SKIP) or not (anonymous or line.startswith('static ')):
                continue
            for p in PATTERNS:
                m = p.match(line)
                if m:
                    found.setdefault(m.group(1), line.strip())
                    break
    return found


def main(files):
    where = collections.defaultdict(list)
    for path in files:
        for name, line in definitions(path).items():
            where[name].append((path, line))
    bad = 0
    for name, defs in sorted(where.items()):
        lines = {line for _, line in defs}
        if len(defs) > 1 and not (len(lines) == 1 and next(iter(lines)).startswith('using ')):
            bad += 1
            print(f"unity_names: '{name}' defined in {len(defs)} units: " + ", ".join(p for p, _ in defs))
    print(f"unity_names: {len(files)} units, {bad} names defined in more than one")
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
