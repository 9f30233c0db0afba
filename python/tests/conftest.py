"""Shared fixtures: the `nplm` command line to compare with, and small samples.

The command line is $NPLM_CLI, else the repository's release build (.build/release/nplm). It must
come from the same build configuration as the library the package loads (`nplm.library_path()`):
.ci/run builds both in release mode.
"""
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

import nplm
from nplm._library import decode

ROOT = Path(__file__).resolve().parents[2]


def _cli_path():
    if os.environ.get("NPLM_CLI"):
        return Path(os.environ["NPLM_CLI"])
    return ROOT / ".build" / "release" / "nplm"


@pytest.fixture(scope="session")
def cli():
    """Runs `nplm ARGS...` and returns the finished process (stdout and stderr as text)."""
    path = _cli_path()
    if not path.is_file():
        pytest.fail(f"the nplm command line is needed to compare with: {path} is missing "
                    "(swift build -c release --product nplm, or set NPLM_CLI)")

    def run(*arguments, check=True):
        process = subprocess.run([str(path), *map(str, arguments)], capture_output=True, text=True, timeout=300)
        if check and process.returncode != 0:
            raise AssertionError(f"nplm {' '.join(map(str, arguments))} failed ({process.returncode}): {process.stderr}")
        return process
    return run


def read_json(path):
    """A JSON file of nplm, decoded as the package decodes nplm's answers."""
    return decode(Path(path).read_text())


def error_line(process):
    """The message of `nplm`'s one-line error ("Error: ..." on standard error)."""
    lines = [line for line in process.stderr.splitlines() if line.startswith("Error: ")]
    assert process.returncode != 0 and lines, process.stderr
    return lines[-1][len("Error: "):]


@pytest.fixture(scope="session")
def samples(tmp_path_factory):
    """A 1-D data sample with a small bump and a reference, as arrays and as .npy files."""
    folder = tmp_path_factory.mktemp("samples")
    rng = np.random.default_rng(7)
    reference = rng.exponential(size=3000)
    data = np.concatenate([rng.exponential(size=280), rng.normal(1.6, 0.16, size=20)])
    weights = rng.uniform(0.05, 0.15, size=reference.size)
    files = {}
    for name, values in [("data", data), ("reference", reference), ("weights", weights)]:
        files[name] = folder / f"{name}.npy"
        np.save(files[name], values)
    return {"data": data, "reference": reference, "weights": weights, "files": files, "folder": folder}


@pytest.fixture(scope="session")
def samples2d(tmp_path_factory):
    """2-D float32 samples as arrays and .npy files."""
    folder = tmp_path_factory.mktemp("samples2d")
    rng = np.random.default_rng(11)
    reference = rng.normal(size=(2000, 2)).astype(np.float32)
    data = (rng.normal(size=(250, 2)) + [0.3, 0.0]).astype(np.float32)
    files = {}
    for name, values in [("data", data), ("reference", reference)]:
        files[name] = folder / f"{name}.npy"
        np.save(files[name], values)
    return {"data": data, "reference": reference, "files": files}


def same(a, b):
    """Equal JSON documents, every number bit for bit (NaN equal to NaN)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
