#!/usr/bin/env python3
"""End-to-end benchmark: `testrail-report submit` against the official `trcli parse_junit`.

Both tools read the same generated report and talk to the same kind of server: a fresh
`testrail-sandbox` seeded with the matching cases, started anew for every single run so that no
run sees another's state and the request log holds exactly one run's API calls. Runs alternate
between the tools (ours first in even rounds, trcli first in odd ones) so that a slow phase of a
shared machine hurts both alike. Every run is checked on the server afterwards: a run that did
not post its results is a failure, never a figure.

Measured per run: wall time (spawn to exit), peak RSS of the process (wait4's ru_maxrss) and the
number of TestRail API calls the server received. Reported: the median over rounds of each, and
trcli's figure divided by ours. Usually started through bench/compare.sh, which builds and installs.
"""

import argparse
import base64
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402

USER = "demo@example.com"
API_KEY = "sandbox-api-key"


# Server models: how a real TestRail spends its time. `delay` is per request, `cost` per posted
# result (it writes each result, its test's status and the run's counters), `workers` how many
# requests it works on at once, `rpm` TestRail Cloud's per-minute budget.
MODELS = {
    "plain": {"label": "local sandbox", "args": [], "delay": 0.0, "cost": 0.0,
              "workers": None, "rpm": None},
    "latency": {"label": "300 ms per request", "args": ["--delay", "300"],
                "delay": 0.3, "cost": 0.0, "workers": None, "rpm": None},
    "workers": {"label": "100 ms + 2 ms per result, 8 workers",
                "args": ["--delay", "100", "--result-cost", "2", "--workers", "8"],
                "delay": 0.1, "cost": 0.002, "workers": 8, "rpm": None},
    "budget": {"label": "250 ms + 1 ms per result, 8 workers, 180/min",
               "args": ["--delay", "250", "--result-cost", "1", "--workers", "8", "--rate-limit", "180"],
               "delay": 0.25, "cost": 0.001, "workers": 8, "rpm": 180},
}


def floor_seconds(model, results, batch=250, other_calls=3):
    """The least time any client needs: the server's work spread over its workers (or one
    request's time when workers are unlimited), bounded below by the per-minute budget, plus
    one round trip for opening the run and one for closing it."""
    requests = -(-results // batch)
    delay, cost = model["delay"], model["cost"]
    if model["workers"]:
        work = (requests * delay + results * cost) / model["workers"]
    else:
        work = delay + min(results, batch) * cost
    if model["rpm"]:
        # A window's worth goes at once; each further window's worth waits a minute.
        windows = -(-(requests + other_calls) // model["rpm"]) - 1
        work = max(work, windows * 60.0)
    return work + 2 * delay


class Sandbox:
    """A `testrail-sandbox` process on a free port, seeded from a file."""

    def __init__(self, binary, seed_file, log_path, extra=()):
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [binary, "--port", "0", "--seed", seed_file, "--user", USER, "--api-key", API_KEY, *extra],
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        line = self.proc.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/?)", line)
        if not match:
            self.stop()
            raise RuntimeError(f"sandbox did not announce its address (said {line!r}); see {log_path}")
        self.url = match.group(1).rstrip("/") + "/"

    def get(self, path):
        request = urllib.request.Request(self.url + path.lstrip("/"))
        token = base64.b64encode(f"{USER}:{API_KEY}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)

    def cpu_seconds(self):
        """CPU time the server has used so far (Linux; None elsewhere)."""
        try:
            with open(f"/proc/{self.proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None

    def api(self, endpoint):
        return self.get(f"index.php?/api/v2/{endpoint}")

    def api_calls(self):
        """The TestRail API requests the server received (its control endpoint is not counted)."""
        log = self.get("__sandbox/requests")
        if isinstance(log, dict):
            log = log.get("requests", [])
        return [entry for entry in log if entry.get("api_method") or "/api/v2/" in entry.get("path", "")]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run_measured(argv, env, cwd, log_path):
    """Run argv to completion; return (wall seconds, peak RSS in MB, CPU seconds, exit code).

    Peak RSS comes from GNU time when installed: a child forked from this Python process carries
    the harness's own pages until it execs, and the kernel counts those in its ru_maxrss, so
    wait4 alone would report ~25 MB for a tool that never uses that much. GNU time's own
    footprint (~1 MB) is the remaining bias, the same for both tools.
    """
    usage_file = log_path + ".rusage"
    wrapped = [GNU_TIME, "-f", "%M", "-o", usage_file, *argv] if GNU_TIME else argv
    with open(log_path, "w") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    # CPU from wait4: microseconds, and it includes the tool GNU time waited for.
    cpu = usage.ru_utime + usage.ru_stime
    if GNU_TIME:
        with open(usage_file) as f:
            # GNU time prefixes a "Command exited with non-zero status" line when the tool fails.
            kb = f.read().split()[-1]
        return elapsed, int(kb) / 1024.0, cpu, code
    return elapsed, usage.ru_maxrss / 1024.0, cpu, code


def run_counts(sandbox):
    """(tests in the run, tests holding a result) of the only run on the fresh server."""
    runs = sandbox.api(f"get_runs/{gen.PROJECT_ID}")
    if isinstance(runs, dict):
        runs = runs.get("runs", [])
    if len(runs) != 1:
        return 0, 0
    run = sandbox.api(f"get_run/{runs[0]['id']}")
    counts = {k: v for k, v in run.items() if k.endswith("_count") and isinstance(v, int)}
    untested = counts.pop("untested_count", 0)
    tested = sum(counts.values())
    return tested + untested, tested


class Tool:
    """How to run one tool on one scenario."""

    def __init__(self, name, argv_for, env):
        self.name = name
        self.argv_for = argv_for
        self.env = env


def ours(binary):
    def argv_for(scenario, url):
        argv = [binary, "submit", scenario["report"], "--project-id", str(gen.PROJECT_ID),
                "--suite-id", str(gen.SUITE_ID), "--close-run"]
        if scenario["mode"] == "automation":
            argv += ["--case-matcher", "automation-id"]
        return argv

    def env(url):
        return dict(os.environ, TESTRAIL_URL=url, TESTRAIL_USER=USER, TESTRAIL_API_KEY=API_KEY)

    return Tool("testrail-report", argv_for, env)


def trcli(binary, home):
    def argv_for(scenario, url):
        matcher = "auto" if scenario["mode"] == "automation" else "name"
        return [binary, "-n", "-h", url, "--project", gen.PROJECT_NAME, "--project-id", str(gen.PROJECT_ID),
                "-u", USER, "-k", API_KEY, "parse_junit", "-f", scenario["report"],
                "--suite-id", str(gen.SUITE_ID), "--case-matcher", matcher,
                "--title", "bench", "--close-run"]

    def env(url):
        # HOME holds a fresh version-check cache, so trcli does not ask PyPI at start-up (which it
        # does at most once a day on a user's machine) and the figures measure its work alone.
        return dict(os.environ, HOME=home)

    return Tool("trcli", argv_for, env)


def prepare_trcli_home(trcli_binary):
    home = tempfile.mkdtemp(prefix="bench-trcli-home-")
    version = subprocess.run([os.path.join(os.path.dirname(trcli_binary), "python"), "-c",
                              "import trcli; print(trcli.__version__)"],
                             capture_output=True, text=True, check=True).stdout.strip()
    os.makedirs(os.path.join(home, ".trcli"))
    with open(os.path.join(home, ".trcli", "version_cache.json"), "w") as out:
        json.dump({"last_check": datetime.now().isoformat(), "latest_version": version}, out)
    return home, version


def make_scenario(data_dir, mode, size, model="plain"):
    """Generate (once) the report and seed of a scenario."""
    tag = f"{mode}-{size}"
    report = os.path.join(data_dir, f"report-{tag}.xml")
    seed = os.path.join(data_dir, f"seed-{tag}.json")
    counts_file = os.path.join(data_dir, f"counts-{tag}.json")
    if not (os.path.exists(report) and os.path.exists(seed) and os.path.exists(counts_file)):
        counts = gen.write_report(report, size, mode)
        with open(seed, "w") as out:
            json.dump(gen.seed_document(size, mode), out)
        with open(counts_file, "w") as out:
            json.dump(counts, out)
    with open(counts_file) as f:
        counts = json.load(f)
    label = ("case ID in name" if mode == "ids" else "automation ID") + f", {size:,} tests"
    if model != "plain":
        label = f"{MODELS[model]['label']}, {size:,} tests"
    return {"mode": mode, "size": size, "report": report, "seed": seed, "counts": counts,
            "model": model, "label": label}


def measure_once(tool, scenario, sandbox_bin, work, tag):
    logs = os.path.join(work, "logs")
    sandbox = Sandbox(sandbox_bin, scenario["seed"], os.path.join(logs, f"{tag}.sandbox.log"),
                      MODELS[scenario["model"]]["args"])
    try:
        log_path = os.path.join(logs, f"{tag}.log")
        argv = tool.argv_for(scenario, sandbox.url)
        server_before = sandbox.cpu_seconds()
        seconds, rss, cpu, code = run_measured(argv, tool.env(sandbox.url), work, log_path)
        server_after = sandbox.cpu_seconds()
        server_cpu = None if server_before is None else server_after - server_before
        calls = sandbox.api_calls()
        with open(os.path.join(logs, f"{tag}.calls.json"), "w") as out:
            json.dump(calls, out, indent=0)
        largest_body = max((c.get("body_size", 0) for c in calls), default=0)
        refused = sum(1 for c in calls if c.get("status") == 429)
        in_flight = max((c.get("in_flight", 0) for c in calls), default=0)
        calls = len(calls)
        total, tested = run_counts(sandbox)
    finally:
        sandbox.stop()
    size = scenario["size"]
    expected = size - scenario["counts"]["skipped"]
    ok = code == 0 and total == size and tested >= expected
    if not ok:
        with open(log_path) as f:
            tail = f.read()[-2000:]
        raise SystemExit(
            f"{tool.name} failed on {scenario['label']}: exit {code}, run holds {total} tests "
            f"({tested} with a result; expected {size} and at least {expected}).\n"
            f"command: {' '.join(argv)}\nlast output:\n{tail}"
        )
    return {"seconds": seconds, "cpu": cpu, "server_cpu": server_cpu, "rss_mb": rss, "calls": calls, "tests": total, "results": tested,
            "largest_body_kb": largest_body / 1024.0, "refused": refused, "in_flight": in_flight}


def startup(argv, env, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {cpu}, {mem:.0f} GB RAM, {platform.system()} {platform.release()}"


def commit():
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=HERE,
                               capture_output=True, text=True).stdout.strip()
        return rev + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def fmt_seconds(value):
    return "n/a" if value is None else f"{value:.2f} s"


def fmt_ratio(theirs, mine):
    if not mine:
        return "n/a"
    return f"{theirs / mine:.1f}×" if theirs / mine < 100 else f"{theirs / mine:.0f}×"


def render(meta, rows, start_rows):
    out = [f"Measured {meta['date']} on {meta['machine']}; load average {meta['load_before']} before, "
           f"{meta['load_after']} after. Commit {meta['commit']} ({meta['build']} build), trcli {meta['trcli']}, "
           f"{meta['rounds']} round(s), medians; each run against a fresh `testrail-sandbox` on 127.0.0.1.",
           "",
           "| scenario | tool | wall time | CPU time | peak RSS | API calls | results posted | sandbox CPU |",
           "|---|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        for tool in row["tools"]:
            m = row["tools"][tool]
            out.append(f"| {row['label']} | {tool} | {m['seconds']:.3f} s | {m['cpu']:.3f} s | {m['rss_mb']:.1f} MB | "
                       f"{m['calls']} | {m['results']:,} | {fmt_seconds(m['server_cpu'])} |")
    out += ["", "Wall time runs from spawn to exit and so includes the sandbox's answers; CPU time is the "
            "tool's own (user + system); sandbox CPU is what the server spent during that run; peak "
            "RSS is the tool's (GNU time's %M); API calls are counted in the sandbox's request log."]
    have_trcli = any("trcli" in row["tools"] for row in rows)
    if have_trcli:
        out += ["", "| scenario | wall time (trcli ÷ ours) | CPU time | peak RSS | API calls |",
                "|---|---:|---:|---:|---:|"]
        for row in rows:
            t = row["tools"]
            if "trcli" in t:
                a, b = t["testrail-report"], t["trcli"]
                out.append(f"| {row['label']} | {fmt_ratio(b['seconds'], a['seconds'])} | {fmt_ratio(b['cpu'], a['cpu'])} | "
                           f"{fmt_ratio(b['rss_mb'], a['rss_mb'])} | {fmt_ratio(b['calls'], a['calls'])} |")
    modelled = [row for row in rows if row.get("model", "plain") != "plain"]
    if modelled:
        out += ["", "Against server models (the sandbox's `--delay`, `--result-cost`, `--workers`, `--rate-limit`). "
                "The floor is the server's work spread over its workers (at 250 results a request), bounded below "
                "by the per-minute budget, plus one round trip to open the run and one to close it.", "",
                "| server model, results | floor | testrail-report | ÷ floor | 429s | most in flight | trcli | ÷ floor | 429s | trcli ÷ ours |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for row in modelled:
            floor = row["floor"]
            a = row["tools"]["testrail-report"]
            b = row["tools"].get("trcli")
            theirs = (f"{b['seconds']:.2f} s | {b['seconds'] / floor:.2f}× | {b['refused']:.0f} | {fmt_ratio(b['seconds'], a['seconds'])}"
                      if b else "not run | | |")
            out.append(f"| {row['label']} | {floor:.2f} s | {a['seconds']:.2f} s | {a['seconds'] / floor:.2f}× | "
                       f"{a['refused']:.0f} | {a['in_flight']:.0f} | {theirs} |")
    if start_rows:
        out += ["", "| start-up | median of runs |", "|---|---:|"]
        for name, argv, seconds in start_rows:
            out.append(f"| `{argv}` | {seconds * 1000:.1f} ms |")
    return "\n".join(out) + "\n"


def median_of(samples):
    out = {}
    for key in samples[0]:
        values = [s[key] for s in samples if s[key] is not None]
        out[key] = statistics.median(values) if values else None
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ours", required=True, help="path to the testrail-report binary")
    ap.add_argument("--sandbox", required=True, help="path to the testrail-sandbox binary")
    ap.add_argument("--trcli", help="path to the trcli executable (omit to skip trcli)")
    ap.add_argument("--sizes", default="1000,10000,100000", help="sizes for the case-ID scenario")
    ap.add_argument("--auto-sizes", default="10000,20000", help="sizes for the automation-ID scenario")
    ap.add_argument("--models", default="",
                    help="server models to run (comma-separated: " + ", ".join(m for m in MODELS if m != "plain") + ")")
    ap.add_argument("--model-sizes", default="10000", help="sizes for the server-model scenarios")
    ap.add_argument("--trcli-max", type=int, default=None,
                    help="skip trcli on scenarios larger than this (it needs minutes there)")
    ap.add_argument("--build", default="release", help="which build of ours is measured (stamped on the table)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rounds-large", type=int, default=None,
                    help="rounds for scenarios above 10,000 tests (default: --rounds); trcli needs minutes there")
    ap.add_argument("--startup-runs", type=int, default=30)
    ap.add_argument("--doc", help="replace the table between the bench-results markers of this file "
                                  "(docs/BENCHMARKS.md)")
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    args = ap.parse_args()

    work = os.path.abspath(args.out)
    data_dir = os.path.join(work, "data")
    os.makedirs(os.path.join(work, "logs"), exist_ok=True)
    os.makedirs(data_dir, exist_ok=True)

    tools = [ours(os.path.abspath(args.ours))]
    trcli_version = "not run"
    if args.trcli:
        home, trcli_version = prepare_trcli_home(args.trcli)
        tools.append(trcli(os.path.abspath(args.trcli), home))

    sizes = [int(s) for s in args.sizes.split(",") if s]
    auto_sizes = [int(s) for s in args.auto_sizes.split(",") if s]
    scenarios = [make_scenario(data_dir, "ids", n) for n in sizes]
    scenarios += [make_scenario(data_dir, "automation", n) for n in auto_sizes]
    for model in [m for m in args.models.split(",") if m]:
        if model not in MODELS:
            raise SystemExit(f"unknown --models entry {model!r}; known: {', '.join(MODELS)}")
        scenarios += [make_scenario(data_dir, "ids", int(n), model) for n in args.model_sizes.split(",") if n]

    meta = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
            "commit": commit(), "trcli": trcli_version, "build": args.build,
            "rounds": str(args.rounds) if args.rounds_large in (None, args.rounds)
            else f"{args.rounds} (above 10,000 tests: {args.rounds_large})",
            "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg())}

    rows = []
    for scenario in scenarios:
        samples = {tool.name: [] for tool in tools}
        active = [t for t in tools
                  if t.name != "trcli" or args.trcli_max is None or scenario["size"] <= args.trcli_max]
        rounds = args.rounds
        if scenario["size"] > 10_000 and args.rounds_large is not None:
            rounds = args.rounds_large
        for r in range(rounds):
            order = active if r % 2 == 0 else list(reversed(active))
            for tool in order:
                tag = f"{scenario['model']}-{scenario['mode']}-{scenario['size']}-r{r}-{tool.name}"
                sample = measure_once(tool, scenario, os.path.abspath(args.sandbox), work, tag)
                samples[tool.name].append(sample)
                print(f"  {scenario['label']:<32} round {r + 1} {tool.name:<16} {sample['seconds']:8.3f} s {sample['cpu']:7.3f} s CPU "
                      f"{sample['rss_mb']:7.1f} MB {sample['calls']:6d} calls {sample['refused']:4d} 429s", file=sys.stderr, flush=True)
        rows.append({"label": scenario["label"], "mode": scenario["mode"], "size": scenario["size"],
                     "model": scenario["model"], "floor": floor_seconds(MODELS[scenario["model"]], scenario["size"]),
                     "tools": {name: median_of(s) for name, s in samples.items() if s},
                     "samples": samples})

    start_rows = []
    if args.startup_runs:
        # What spawning any process costs from this harness: the floor under both figures.
        start_rows.append(("floor", "true (spawn cost of the harness)",
                           startup(["true"], dict(os.environ), args.startup_runs)))
        argv = [os.path.abspath(args.ours), "--version"]
        start_rows.append(("testrail-report", "testrail-report --version",
                           startup(argv, dict(os.environ), args.startup_runs)))
        if args.trcli:
            # trcli has no --version; --help is its cheapest complete start (it prints its version too).
            start_rows.append(("trcli", "trcli --help",
                               startup([args.trcli, "--help"], tools[1].env(""), args.startup_runs)))

    meta["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    table = render(meta, rows, [(n, a, s) for n, a, s in start_rows])
    with open(os.path.join(work, "results.md"), "w") as out:
        out.write(table)
    with open(os.path.join(work, "results.json"), "w") as out:
        json.dump({"meta": meta, "rows": rows, "startup": start_rows}, out, indent=1)
    if args.doc:
        update_doc(args.doc, table)
    print(table)


def update_doc(path, table):
    """Put the table between `<!-- bench-results:start -->` and `<!-- bench-results:end -->`."""
    start, end = "<!-- bench-results:start -->\n", "<!-- bench-results:end -->"
    with open(path) as f:
        text = f.read()
    if start not in text or end not in text:
        raise SystemExit(f"{path} has no {start.strip()} ... {end} markers")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w") as f:
        f.write(head + start + table + end + tail)


if __name__ == "__main__":
    main()
