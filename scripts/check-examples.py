#!/usr/bin/env python3
"""Check the VALUES of the CI examples and workflows, where schema validation only checks shape.

A schema accepts `TESTRAIL_RUN_NAME: ${{ github.workflow }} #${{ github.run_number }}` (YAML cuts
the value at ` #`, so every run gets the same name) and a job that runs `pip install` without
setting up Python. These checks parse each file and compare what it says with what it means:

- no value is cut by a YAML comment (a comment holding `${{` is a cut value),
- every `uses:` names a version (`owner/repo@v1`),
- every input given to this repository's action is one action.yml declares, required ones are
  there, and true/false inputs get true/false,
- `needs.<job>.outputs.<name>` and `steps.<id>.outputs.<name>` point at a job that is needed and
  declares that output, or at an earlier step with that id,
- a step running pip/pytest/python has Python set up earlier in its job,
- a run name set in a workflow tells runs apart (holds the run number or ID),
- a sharded job's matrix has as many shards as its `--num-shards`,
- GitLab: needed jobs exist, the dotenv artifact and summary file are the ones `submit` writes,
  the image's entrypoint is cleared, the test job keeps its reports even when tests fail,
- Jenkins: the `sh` step is single-quoted, so Groovy does not interpolate the credentials.

Usage: check-examples.py                 the examples and workflows of this repository
       check-examples.py --github FILE...  only these GitHub workflow files
(needs PyYAML; scripts/validate-schemas.sh installs it and runs both forms)
"""

import glob
import os
import re
import sys

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
OWN_ACTION = re.compile(r"^(\./?|[\w.-]+/testrail-report@.+)$")
EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)
problems = []


def problem(path, msg):
    problems.append(f"{os.path.relpath(path, ROOT)}: {msg}")


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return text, yaml.safe_load(text)


def cut_by_comment(path, text):
    """A plain scalar followed by ` #...${{`: YAML made the rest of the value a comment."""
    block_indent = None
    for n, line in enumerate(text.splitlines(), 1):
        indent = len(line) - len(line.lstrip())
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                continue  # inside a `|` or `>` block: shell text, not YAML
            block_indent = None
        stripped = line.strip()
        if re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", stripped) or re.fullmatch(r"-\s*[|>][-+0-9]*", stripped):
            block_indent = indent
            continue
        value = re.sub(r"^-\s+", "", stripped)
        key = re.match(r"^[\w.-]+:(\s+|$)", value)
        value = value[key.end():] if key else value
        if not value or value[0] in "'\"#":
            continue  # quoted values keep their ` #`; a line starting with # is a comment
        comment = re.search(r"\s#(.*)$", value)
        if comment and ("${{" in comment.group(1) or "}}" in comment.group(1)):
            problem(path, f"line {n}: the value is cut at ' #' (YAML comment); quote it: {stripped}")


def strings(node):
    """Every string in a parsed document."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


def action_inputs():
    _, doc = load(os.path.join(ROOT, "action.yml"))
    return doc["inputs"]


def check_github(path, inputs):
    text, doc = load(path)
    cut_by_comment(path, text)
    jobs = doc.get("jobs") or {}
    for job_id, job in jobs.items():
        needs = job.get("needs") or []
        needs = [needs] if isinstance(needs, str) else needs
        for need in needs:
            if need not in jobs:
                problem(path, f"job {job_id} needs unknown job {need}")
        for expr in EXPR.findall(" ".join(strings(job))):
            for dep, out in re.findall(r"needs\.([\w-]+)\.outputs\.([\w-]+)", expr):
                if dep not in needs:
                    problem(path, f"job {job_id} reads needs.{dep} but does not need {dep}")
                elif out not in (jobs[dep].get("outputs") or {}):
                    problem(path, f"job {job_id} reads output {out} that job {dep} does not declare")
        for out, value in (job.get("outputs") or {}).items():
            for step_id in re.findall(r"steps\.([\w-]+)\.outputs", str(value)):
                if step_id not in [s.get("id") for s in job.get("steps") or []]:
                    problem(path, f"job {job_id} output {out} reads unknown step {step_id}")
        python_ready = "python" in str(job.get("container") or "")
        seen_ids = []
        for n, step in enumerate(job.get("steps") or [], 1):
            where = f"job {job_id}, step {step.get('name') or step.get('id') or n}"
            for expr in EXPR.findall(" ".join(strings(step))):
                for step_id in re.findall(r"steps\.([\w-]+)\.", expr):
                    if step_id not in seen_ids:
                        problem(path, f"{where}: steps.{step_id} is not an earlier step of the job")
            uses = step.get("uses")
            if uses:
                if not uses.startswith(("./", "docker://")) and not re.search(r"@[\w.-]+$", uses):
                    problem(path, f"{where}: `uses: {uses}` names no version (owner/repo@v1)")
                if uses.startswith("actions/setup-python@"):
                    python_ready = True
                if OWN_ACTION.match(uses):
                    check_action_step(path, where, step.get("with") or {}, inputs)
            run = step.get("run") or ""
            if re.search(r"(^|[\s;&|(])(pip3?|pytest|python3?)\s", run, re.M) and not python_ready:
                problem(path, f"{where}: runs pip/pytest/python but the job sets up no Python "
                              "(add actions/setup-python before it)")
            check_shards(path, where, job, run)
            for var, value in (step.get("env") or {}).items():
                if var == "TESTRAIL_RUN_NAME":
                    check_run_name(path, where, str(value))
            if step.get("id"):
                seen_ids.append(step["id"])
        for var, value in (job.get("env") or {}).items():
            if var == "TESTRAIL_RUN_NAME":
                check_run_name(path, f"job {job_id}", str(value))


def check_action_step(path, where, given, inputs):
    for name, value in given.items():
        if name not in inputs:
            problem(path, f"{where}: the action has no input {name}")
            continue
        if "true/false" in inputs[name].get("description", "") and str(value).lower() not in ("true", "false") \
                and "${{" not in str(value):
            problem(path, f"{where}: input {name} takes true or false, not {value!r}")
    for name, spec in inputs.items():
        if spec.get("required") and name not in given:
            problem(path, f"{where}: required input {name} is missing")
    if "run-name" in given:
        check_run_name(path, where, str(given["run-name"]))


def check_run_name(path, where, value):
    if not re.search(r"github\.run_(number|id)", value):
        problem(path, f"{where}: run name {value!r} is the same for every workflow run "
                      "(add ${{ github.run_number }})")


def check_shards(path, where, job, run):
    m = re.search(r"--num-shards[= ](\d+)", run)
    if not m:
        return
    matrix = (job.get("strategy") or {}).get("matrix") or {}
    shards = matrix.get("shard")
    if not isinstance(shards, list) or len(shards) != int(m.group(1)):
        problem(path, f"{where}: --num-shards={m.group(1)} but the matrix has shards {shards}")


def check_gitlab(path):
    text, doc = load(path)
    cut_by_comment(path, text)
    jobs = {k: v for k, v in doc.items() if isinstance(v, dict) and "script" in v}
    stages = doc.get("stages") or []
    for job_id, job in jobs.items():
        if stages and job.get("stage") not in stages:
            problem(path, f"job {job_id}: stage {job.get('stage')} is not in stages")
        for need in job.get("needs") or []:
            name = need["job"] if isinstance(need, dict) else need
            if name not in jobs:
                problem(path, f"job {job_id} needs unknown job {name}")
        script = "\n".join(job.get("script") or [])
        image = job.get("image")
        image_name = image.get("name") if isinstance(image, dict) else image or ""
        if re.search(r"(^|\s)(pip3?|pytest)\s", script) and "python" not in image_name:
            problem(path, f"job {job_id} runs pip/pytest in image {image_name!r}")
        if "testrail-report" in script:
            if "testrail-report" in image_name:
                if not isinstance(image, dict) or image.get("entrypoint") != [""]:
                    problem(path, f"job {job_id}: the image's entrypoint is the binary; set entrypoint: [\"\"]")
                if not re.search(r":v\d+$", image_name):
                    problem(path, f"job {job_id}: pin the image to a major tag like :v1, not {image_name!r}")
            artifacts = job.get("artifacts") or {}
            dotenv = re.search(r"--dotenv\s+(\S+)", script)
            if dotenv and (artifacts.get("reports") or {}).get("dotenv") != dotenv.group(1):
                problem(path, f"job {job_id}: --dotenv {dotenv.group(1)} is not the dotenv artifact")
            summary = re.search(r"--summary-json\s+(\S+)", script)
            if summary and summary.group(1) not in (artifacts.get("paths") or []):
                problem(path, f"job {job_id}: --summary-json {summary.group(1)} is not kept as an artifact")
            reports = (job.get("variables") or {}).get("TESTRAIL_REPORTS", "")
            for need in job.get("needs") or []:
                name = need["job"] if isinstance(need, dict) else need
                kept = (jobs.get(name, {}).get("artifacts") or {})
                if reports and not any(reports.startswith(p.rstrip("*")) for p in kept.get("paths") or []):
                    problem(path, f"job {name} does not keep {reports} for job {job_id}")
                if kept and kept.get("when") != "always":
                    problem(path, f"job {name} must keep its reports when tests fail (artifacts: when: always)")
            if job.get("when") != "always":
                problem(path, f"job {job_id} must report failed pipelines too (when: always)")


def check_jenkins(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for line in text.splitlines():
        m = re.search(r"\bsh\s+([\"'])(.*testrail-report.*)", line)
        if m and m.group(1) != "'":
            problem(path, f"sh step in double quotes: Groovy would interpolate the credentials: {line.strip()}")
    for var in ("TESTRAIL_USER", "TESTRAIL_API_KEY"):
        if f"'{var}'" not in text:
            problem(path, f"credentials are not bound to {var}")


def main():
    inputs = action_inputs()
    if sys.argv[1:2] == ["--github"]:
        files = [os.path.abspath(f) for f in sys.argv[2:]]
    else:
        files = sorted(glob.glob(os.path.join(ROOT, "examples", "github-*.yml")))
        files += sorted(glob.glob(os.path.join(ROOT, ".github", "workflows", "*.yml")))
        check_gitlab(os.path.join(ROOT, "examples", ".gitlab-ci.yml"))
        check_jenkins(os.path.join(ROOT, "examples", "Jenkinsfile"))
    for path in files:
        check_github(path, inputs)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    print(f"examples: values ok ({len(files)} GitHub workflow file(s){'' if sys.argv[1:2] else ', the GitLab CI file, the Jenkinsfile'})")


if __name__ == "__main__":
    main()
