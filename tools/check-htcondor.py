#!/usr/bin/env python3
"""tools/check-htcondor.py — checks the HTCondor files of nplm offline, with HTCondor's own parser.

    python3 tools/check-htcondor.py SHARDS OUTDIR [nplm toys options…]

Needs HTCondor's Python bindings (`pip install htcondor`: the module htcondor2 carries the real
submit-description and DAG parsers; Debian ships no HTCondor) and no HTCondor daemon. It

1. parses tools/htcondor.sub and tools/htcondor-merge.sub with htcondor2.Submit (the parser
   condor_submit uses) and checks what the jobs rely on: vanilla universe, no file transfer (a
   shared filesystem), an executable that exists in the submit folder, `queue $(shards)`;
2. runs `tools/nplm-shard.sh condor SHARDS OUTDIR options…` with a stand-in condor_submit_dag that
   only records the DAG file, and has htcondor2.Submit.from_dag parse that DAG (DAGMan's parser);
3. runs the DAG here as DAGMan and the execute nodes would: node by node in PARENT/CHILD order,
   each submit description with the node's VARS, every process $(Process) = 0 … count − 1 with its
   expanded executable, arguments (HTCondor's quoted syntax), output and error, in the node's DIR.

It prints one line per step and exits non-zero with one line naming what failed. OUTDIR then holds
what the cluster would have written (shard files, campaign.jsonl, report.txt); the nplm binary is
NPLM, else the repository's .build/release/nplm, else `nplm` on PATH (see tools/nplm-shard.sh).
"""
import os
import shlex
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
# Seconds one process of a node may run here before the check gives up.
PROCESS_TIMEOUT = 300


def fail(message):
    print(f"check-htcondor: {message}", file=sys.stderr)
    sys.exit(1)


def split_arguments(value, where):
    """The argument list of an `arguments` value in HTCondor's new syntax: the whole value in double
    quotes, arguments separated by whitespace, single quotes group (two single quotes inside are
    one), two double quotes are one double quote (condor_submit's manual, "arguments")."""
    value = value.strip()
    if len(value) < 2 or value[0] != '"' or value[-1] != '"':
        fail(f"{where}: arguments are not in double quotes (the new syntax): {value}")
    text, arguments, current, have, i = value[1:-1], [], "", False, 0
    while i < len(text):
        c = text[i]
        if c == '"':
            if text[i + 1:i + 2] != '"':
                fail(f"{where}: a lone double quote inside the arguments: {value}")
            current, have, i = current + '"', True, i + 2
        elif c == "'":
            i, have = i + 1, True
            while True:
                if i >= len(text):
                    fail(f"{where}: an unclosed single quote in the arguments: {value}")
                if text[i] == "'":
                    if text[i + 1:i + 2] == "'":
                        current, i = current + "'", i + 2
                        continue
                    i += 1
                    break
                current, i = current + text[i], i + 1
        elif c.isspace():
            if have:
                arguments.append(current)
            current, have, i = "", False, i + 1
        else:
            current, have, i = current + c, True, i + 1
    if have:
        arguments.append(current)
    return arguments


def submit_description(htcondor2, path, variables):
    """The parsed submit file with the macros `variables` set (as -a or a DAG's VARS would)."""
    try:
        description = htcondor2.Submit(path.read_text())
    except Exception as error:  # the bindings raise ValueError, HTCondorException, …
        fail(f"{path}: HTCondor's parser refused it: {error}")
    for name, value in variables.items():
        description[name] = value
    return description


def check_submit_file(htcondor2, path):
    description = submit_description(htcondor2, path, {})
    where = path.relative_to(REPOSITORY)
    for key, wanted in [("universe", "vanilla"), ("should_transfer_files", "NO")]:
        if description.expand(key).strip().lower() != wanted.lower():
            fail(f"{where}: {key} is '{description.expand(key)}', the scripts assume {wanted}")
    executable = REPOSITORY / description.expand("executable")
    if not (executable.is_file() and os.access(executable, os.X_OK)):
        fail(f"{where}: the executable {executable} is missing or not executable")
    split_arguments(description.expand("arguments"), where)
    print(f"ok: {where} parses (queue {description.getQArgs() or '1'}; executable {executable.relative_to(REPOSITORY)})")


def write_dag(shards, outdir, options):
    """Runs `nplm-shard.sh condor` with a stand-in condor_submit_dag; returns the DAG it submitted."""
    with tempfile.TemporaryDirectory() as stubs:
        record = Path(stubs) / "submitted"
        stub = Path(stubs) / "condor_submit_dag"
        stub.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {shlex.quote(str(record))}\n')
        stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
        environment = dict(os.environ, PATH=f"{stubs}:{os.environ.get('PATH', '/usr/bin:/bin')}")
        run = subprocess.run([str(REPOSITORY / "tools/nplm-shard.sh"), "condor", shards, outdir] + options,
                             env=environment, capture_output=True, text=True, timeout=60)
        if run.returncode != 0:
            fail(f"tools/nplm-shard.sh condor failed: {run.stderr.strip()}")
        if not record.exists():
            fail("tools/nplm-shard.sh condor did not call condor_submit_dag")
        return Path(record.read_text().split("\n")[-2])


def check_dag(htcondor2, dag):
    """DAGMan's parser, through Submit.from_dag (which looks for condor_dagman on PATH: a stand-in)."""
    with tempfile.TemporaryDirectory() as stubs:
        stub = Path(stubs) / "condor_dagman"
        stub.write_text("#!/bin/sh\nexit 0\n")
        stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
        path = os.environ.get("PATH", "/usr/bin:/bin")
        os.environ["PATH"] = f"{stubs}:{path}"
        try:
            htcondor2.Submit.from_dag(str(dag), {"force": True})
        except Exception as error:
            fail(f"{dag}: DAGMan's parser refused it: {error}")
        finally:
            os.environ["PATH"] = path
    print(f"ok: {dag} parses as a DAG")


def dag_nodes(dag):
    """The nodes of the DAG nplm-shard.sh writes, in an order that runs every PARENT before its
    CHILD: (name, submit file, DIR, VARS)."""
    nodes, children = {}, {}
    for number, line in enumerate(dag.read_text().splitlines(), 1):
        words = shlex.split(line, comments=True)
        if not words:
            continue
        if words[0] == "JOB":
            directory = Path(words[words.index("DIR") + 1]) if "DIR" in words else dag.parent
            nodes[words[1]] = (words[2], directory, {})
        elif words[0] == "VARS":
            for pair in words[2:]:
                name, _, value = pair.partition("=")
                nodes[words[1]][2][name] = value
        elif words[0] == "PARENT":
            split = words.index("CHILD")
            for parent in words[1:split]:
                children.setdefault(parent, []).extend(words[split + 1:])
        else:
            fail(f"{dag}:{number}: '{words[0]}' is not a command this check runs")
    order, seen = [], set()

    def visit(name):  # depth first, children after parents
        if name in seen:
            return
        seen.add(name)
        for child in children.get(name, []):
            visit(child)
        order.insert(0, name)

    for name in list(nodes):
        visit(name)
    return [(name,) + nodes[name] for name in order]


def run_node(htcondor2, name, submit_file, directory, variables):
    path = directory / submit_file
    description = submit_description(htcondor2, path, variables)
    queue = description.getQArgs().strip() or "1"
    count_text = queue
    if queue.startswith("$("):
        count_text = description.expand(queue[2:-1])
    if not count_text.isdigit():
        fail(f"node {name}: queue '{queue}' is not a count ({count_text})")
    for process in range(int(count_text)):
        description["Process"] = str(process)
        where = f"node {name}, process {process}"
        arguments = split_arguments(description.expand("arguments"), where)
        executable = directory / description.expand("executable")
        streams = [directory / description.expand(key) for key in ("output", "error")]
        with open(streams[0], "w") as output, open(streams[1], "w") as error:
            try:
                status = subprocess.run([str(executable)] + arguments, cwd=directory, stdout=output, stderr=error,
                                        stdin=subprocess.DEVNULL, timeout=PROCESS_TIMEOUT).returncode
            except subprocess.TimeoutExpired:
                fail(f"{where}: still running after {PROCESS_TIMEOUT} s")
        if status != 0:
            fail(f"{where} exited with {status}: {streams[1].read_text().strip()[-300:]}")
    print(f"ok: node {name} ran {count_text} process(es) of {submit_file}")


def main():
    if len(sys.argv) < 3:
        fail("usage: python3 tools/check-htcondor.py SHARDS OUTDIR [nplm toys options…]")
    try:
        import htcondor2
    except ImportError as error:
        fail(f"HTCondor's Python bindings are missing ({error}): pip install htcondor")
    shards, outdir, options = sys.argv[1], sys.argv[2], sys.argv[3:]
    for submit_file in sorted((REPOSITORY / "tools").glob("htcondor*.sub")):
        check_submit_file(htcondor2, submit_file)
    dag = write_dag(shards, outdir, options)
    check_dag(htcondor2, dag)
    for node in dag_nodes(dag):
        run_node(htcondor2, *node)
    print(f"ok: the DAG ran; results in {dag.parent}")


if __name__ == "__main__":
    main()
