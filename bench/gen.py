#!/usr/bin/env python3
"""Generate the benchmark inputs: a JUnit report and a sandbox seed that matches it.

Both are deterministic for a given size and mode, so every run of bench/compare.sh (and every
tool within a run) sees byte-identical input.

Modes:
  ids         test names carry the TestRail case ID ("C123 test_..."), the mapping both tools
              default to for existing cases (ours: case ID in the name; trcli: --case-matcher name)
  automation  names carry no ID; a test is identified by "classname.name", which the seeded
              cases hold in custom_automation_id (ours: --case-matcher automation-id; trcli: auto)

The report mixes what real suites hold: ~85% passed, 8% failed and 2% errored with long stack
traces (with characters that need escaping), 5% skipped, some captured stdout.
"""

import argparse
import json
import random
from xml.sax.saxutils import escape, quoteattr

TESTS_PER_CLASS = 50
CLASSES_PER_SECTION = 20
PROJECT_ID = 1
SUITE_ID = 1
PROJECT_NAME = "Bench"


def identity(i, mode):
    """(classname, name) of test i (0-based); its case ID is i + 1."""
    cls = i // TESTS_PER_CLASS
    classname = f"com.example.area{cls // CLASSES_PER_SECTION:03d}.Module{cls:05d}Test"
    name = f"test_behaviour_{i:07d}"
    if mode == "ids":
        name = f"C{i + 1} {name}"
    return classname, name


def outcome(rng):
    r = rng.random()
    if r < 0.08:
        return "failure"
    if r < 0.10:
        return "error"
    if r < 0.15:
        return "skipped"
    return "passed"


def stack_trace(rng, classname, name):
    """A long failure body, like a JVM or pytest traceback (about 2-4 KB)."""
    frames = rng.randint(20, 50)
    lines = [f"AssertionError: expected <{rng.randint(0, 999)}> but was <{rng.randint(0, 999)}> & more"]
    for f in range(frames):
        lines.append(
            f"\tat {classname}.helper{f:02d}({classname.rsplit('.', 1)[-1]}.java:{rng.randint(10, 900)})"
        )
    lines.append(f"\tat {classname}.{name.split()[-1]}(Unknown Source)")
    return "\n".join(lines)


def write_report(path, size, mode, seed=8):
    rng = random.Random(seed)
    counts = {"failure": 0, "error": 0, "skipped": 0, "passed": 0}
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench">\n')
        start = 0
        while start < size:
            end = min(size, start + TESTS_PER_CLASS)
            classname, _ = identity(start, mode)
            cases = []
            suite_counts = {"failure": 0, "error": 0, "skipped": 0}
            for i in range(start, end):
                cls, name = identity(i, mode)
                kind = outcome(rng)
                counts[kind] += 1
                attrs = f"classname={quoteattr(cls)} name={quoteattr(name)} time=\"{rng.random() * 3:.3f}\""
                if kind == "passed":
                    if rng.random() < 0.05:
                        cases.append(f"    <testcase {attrs}><system-out>{escape('ok: ' + name)}</system-out></testcase>\n")
                    else:
                        cases.append(f"    <testcase {attrs}/>\n")
                    continue
                suite_counts[kind] += 1
                if kind == "skipped":
                    cases.append(f'    <testcase {attrs}><skipped message="not on this platform"/></testcase>\n')
                else:
                    body = escape(stack_trace(rng, cls, name))
                    msg = quoteattr(f"expected <true> but was <false> in {name}")
                    cases.append(
                        f'    <testcase {attrs}><{kind} message={msg} type="java.lang.AssertionError">'
                        f"{body}</{kind}></testcase>\n"
                    )
            out.write(
                f"  <testsuite name={quoteattr(classname)} tests=\"{end - start}\" "
                f"failures=\"{suite_counts['failure']}\" errors=\"{suite_counts['error']}\" "
                f"skipped=\"{suite_counts['skipped']}\">\n"
            )
            out.write("".join(cases))
            out.write("  </testsuite>\n")
            start = end
        out.write("</testsuites>\n")
    return counts


def seed_document(size, mode):
    """The sandbox seed (src/sandbox/seed.rs): one project, one suite, a section per area, and
    case i + 1 for test i, holding "classname.name" in custom_automation_id."""
    sections = {}
    for i in range(size):
        classname, name = identity(i, mode)
        area = classname.split(".")[2]
        section = sections.setdefault(area, {"id": len(sections) + 1, "name": area, "cases": []})
        section["cases"].append(
            {"id": i + 1, "title": name, "custom_automation_id": f"{classname}.{name}"}
        )
    return {
        "projects": [
            {
                "id": PROJECT_ID,
                "name": PROJECT_NAME,
                "suite_mode": 1,
                "suites": [{"id": SUITE_ID, "name": "Master", "sections": list(sections.values())}],
            }
        ]
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, required=True, help="number of testcases")
    ap.add_argument("--mode", choices=["ids", "automation"], default="ids")
    ap.add_argument("--report", help="write the JUnit report here")
    ap.add_argument("--seed-file", help="write the sandbox seed (JSON) here")
    args = ap.parse_args()
    if args.report:
        counts = write_report(args.report, args.size, args.mode)
        print(json.dumps(counts))
    if args.seed_file:
        with open(args.seed_file, "w", encoding="utf-8") as out:
            json.dump(seed_document(args.size, args.mode), out)


if __name__ == "__main__":
    main()
