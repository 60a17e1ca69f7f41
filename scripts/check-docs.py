#!/usr/bin/env python3
"""Check that the README and docs/ say what the code does, where it can be checked mechanically.

- every `--option` named in README.md and docs/*.md exists in some `--help` of the binaries
  (the trcli column of the migration table and a few cargo/docker/bench commands excepted),
- the README's exit-code table lists exactly the codes of src/exit.rs,
- the README's list of JSON summary keys is the fields of `Summary` in src/summary.rs,
- the README's `demo` sample is the real output of `testrail-report demo` (port aside),
- the README's two "Try it" commands are the ones .ci/run and the README promise.

Usage: check-docs.py [TARGET_DIR]   (default: target; the debug binaries must be built)
"""

import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
TARGET = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target"))
BIN = os.path.join(TARGET, "debug", "testrail-report")
SANDBOX = os.path.join(TARGET, "debug", "testrail-sandbox")
# Options of other tools that the documents quote (cargo, docker, curl, pytest, bench scripts).
FOREIGN = {"--all-targets", "--check", "--git", "--path", "--locked", "--release", "--rm",
           "--junitxml", "--bin", "--bench", "--tiny", "--skip-trcli", "--sizes", "--auto-sizes",
           "--rounds", "--rounds-large", "--startup-runs", "--update-docs", "--with-parser",
           "--models", "--model-sizes",
           "--shard-id", "--num-shards"}
problems = []


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def run(argv):
    return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)


def known_options():
    commands = [[], ["submit"], ["inspect"], ["demo"], ["run"], ["rerun"]] + [
        ["run", c] for c in ("get", "list", "create", "update", "close", "delete")] + [
        ["plan", c] for c in ("get", "list", "create", "add-entry", "close", "delete")]
    text = "".join(run([BIN, *c, "--help"]).stdout for c in commands)
    text += run([SANDBOX, "--help"]).stdout
    return set(re.findall(r"--[a-z][a-z-]+", text))


def check_options():
    known = known_options() | FOREIGN
    docs = ["README.md"] + [os.path.join("docs", f) for f in sorted(os.listdir(os.path.join(ROOT, "docs")))
                            if f.endswith(".md")]
    for doc in docs:
        text = read(doc)
        migration = (text.find("## Migrating from trcli"), text.find("\n## ", text.find("## Migrating from trcli") + 1))
        for n, line in enumerate(text.splitlines(), 1):
            for m in re.finditer(r"--[a-z][a-z-]+", line):
                if m.group(0) in known:
                    continue
                offset = sum(len(x) + 1 for x in text.splitlines()[:n - 1])
                in_migration = migration[0] <= offset < (migration[1] if migration[1] > 0 else len(text))
                # trcli's own options: its column of the table, and the "before" command.
                if in_migration and (line.startswith("| ") and m.start() < line.index("|", 1)
                                     or line.startswith("trcli ") or "parse_junit" in line):
                    continue
                problems.append(f"{doc}:{n}: {m.group(0)} is not an option of testrail-report or testrail-sandbox")


def check_exit_codes():
    exit_rs = read("src/exit.rs")
    codes = sorted(int(c) for c in re.findall(r"pub const \w+: i32 = (\d+);", exit_rs))
    readme = read("README.md")
    table = readme[readme.index("### Exit codes"):]
    table = table[:table.index("\n\n", table.index("| code |"))]
    documented = sorted(int(c) for c in re.findall(r"^\| (\d+) \|", table, re.M))
    if codes != documented:
        problems.append(f"README.md: exit codes {documented} but src/exit.rs has {codes}")


def check_json_keys():
    summary_rs = read("src/summary.rs")
    struct = summary_rs[summary_rs.index("pub struct Summary {"):]
    struct = struct[:struct.index("\n}")]
    fields = re.findall(r"pub (\w+):", struct)
    readme = read("README.md")
    para = readme[readme.index("The JSON summary of `submit` has the keys") + 41:]
    para = para[:para.index("\n\n")]
    head = para[:para.index("(")] if "(" in para else para
    listed = re.findall(r"`(\w+)`", head)
    if listed != fields:
        problems.append(f"README.md: JSON summary keys {listed} but Summary has {fields}")


def check_demo():
    out = run([BIN, "demo"])
    if out.returncode != 0:
        problems.append(f"testrail-report demo failed: {out.stderr}")
        return
    readme = read("README.md")
    sample = readme[readme.index("$ cargo run --release -- demo\n"):]
    sample = sample[sample.index("\n") + 1:sample.index("```")]
    # stderr and stdout interleave in the README as on a terminal: stage lines come first.
    real = out.stderr + out.stdout
    real = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", real)
    if sorted(sample.strip().splitlines()) != sorted(real.strip().splitlines()):
        problems.append("README.md: the demo sample is not what `testrail-report demo` prints:\n" + real)


def check_try_it():
    readme = read("README.md")
    block = readme[readme.index("## Try it"):]
    block = block[block.index("```sh\n") + 6:]
    block = block[:block.index("```")]
    commands = [line.split("#")[0].strip() for line in block.splitlines()]
    if commands != ["cargo run --release -- demo", "cargo test"]:
        problems.append(f"README.md: the Try it commands changed: {commands}")
    if not re.search(r"^cargo test( --locked)?$", read(".ci/run"), re.M):
        problems.append(".ci/run no longer runs the README's test command")


def main():
    if not os.access(BIN, os.X_OK):
        sys.exit(f"check-docs: build the binaries first (cargo build): {BIN} is missing")
    check_options()
    check_exit_codes()
    check_json_keys()
    check_demo()
    check_try_it()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    print("docs: options, exit codes, JSON keys, demo output and Try it commands match the code")


if __name__ == "__main__":
    main()
