#!/usr/bin/env python3
"""Mutation testing of one source file (REL-14 of the security checklist).

Makes one small change at a time to FILE (a comparison turned around, an
`&&` made `||`, a `!` dropped, a returned 0 made 1), rebuilds the given
tests (with ASan and UBSan) and runs them.  A mutant that every test survives is a change to the
code that no test notices: it is printed with its line, and the script
exits 1.  Mutants that do not compile are counted and skipped.

The work happens in a copy of the source tree under $TMPDIR, never in the
working tree, so that nothing else building from it sees a mutant.

Usage: scripts/mutate.py FILE TEST [TEST...]
  e.g. scripts/mutate.py src/core/policy.c test_policy test_http_access
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# (pattern, replacement): each match is one mutant
OPERATORS = [
    (r"==", "!="), (r"!=", "=="),
    (r"(?<![<>=!])<(?![<=])", "<="), (r"<=", "<"),
    (r"(?<![-<>=!])>(?![>=])", ">="), (r">=", ">"),
    (r"&&", "||"), (r"\|\|", "&&"),
    (r"!(?!=)(?=[a-z_(])", ""),
    (r"\breturn 0;", "return 1;"), (r"\breturn 1;", "return 0;"),
]

# What is left of a line once its strings, character literals and comments
# are blanked, so that only code is mutated.
BLANK = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|/\*.*?\*/|//.*$')


def code_spans(lines):
    """Yields (index, line with non-code blanked) for lines of code."""
    in_comment = False
    for i, line in enumerate(lines):
        if in_comment:
            end = line.find("*/")
            if end < 0:
                continue
            line = " " * (end + 2) + line[end + 2:]
            in_comment = False
        stripped = line.lstrip()
        if stripped.startswith("#"):
            continue
        blanked = BLANK.sub(lambda m: " " * len(m.group(0)), line)
        start = blanked.find("/*")
        if start >= 0:
            blanked = blanked[:start]
            in_comment = True
        yield i, blanked


def mutants(lines):
    for i, code in code_spans(lines):
        for pattern, repl in OPERATORS:
            for m in re.finditer(pattern, code):
                line = lines[i]
                yield i, line[:m.start()] + repl + line[m.end():]


def run(cmd, cwd):
    """1 when cmd succeeds; a mutant that makes a test hang fails it."""
    try:
        return subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=300).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    path, tests = sys.argv[1], sys.argv[2:]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    work = tempfile.mkdtemp(prefix="haven-mutate-")
    try:
        tree = os.path.join(work, "main")
        shutil.copytree(root, tree, ignore=shutil.ignore_patterns(
            "build*", "node_modules", ".git", "*.db*"))
        os.symlink(os.path.join(os.path.dirname(root), "shared"),
                   os.path.join(work, "shared"))
        build = os.path.join(tree, "build")
        # under ASan and UBSan: a comparison turned into an off-by-one
        # reads past an array, which a plain build may not notice
        if not (run(["cmake", "-S", tree, "-B", build, "-DCMAKE_BUILD_TYPE=Debug",
                     "-DHAVEN_SANITIZE=ON"], tree)
                and run(["cmake", "--build", build, "-j", str(os.cpu_count()),
                         "--target", "haven", *tests], tree)):
            sys.exit("mutate: the unchanged tree does not build")
        if not all(run([os.path.join(build, t)], build) for t in tests):
            sys.exit("mutate: the tests fail on the unchanged code")
        target = os.path.join(tree, path)
        with open(target) as f:
            original = f.read().split("\n")
        killed = survived = stillborn = 0
        for i, mutated in mutants(original):
            with open(target, "w") as f:
                f.write("\n".join(original[:i] + [mutated] + original[i + 1:]))
            if not run(["cmake", "--build", build, "--target", "haven", *tests], tree):
                stillborn += 1
            elif all(run([os.path.join(build, t)], build) for t in tests):
                survived += 1
                print(f"{path}:{i + 1}: survived: {mutated.strip()}")
            else:
                killed += 1
        with open(target, "w") as f:
            f.write("\n".join(original))
        print(f"mutate: {path}: {killed} killed, {survived} survived, "
              f"{stillborn} did not compile")
        sys.exit(1 if survived else 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
