"""Build hook of the nplm Python package: the Swift library's C interface (the SwiftPM product
NPLMC, libNPLMC.so) is built in release mode from the repository root when it is missing or older
than the sources, and shipped inside the package (nplm/_lib/). The package metadata is in
pyproject.toml.

NPLM_LIBRARY=/path/to/libNPLMC.so skips the build and ships that file instead.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PRODUCT = "NPLMC"
LIBRARY = "libNPLMC.dylib" if sys.platform == "darwin" else "libNPLMC.so"
# What the library is built from: a library older than any of these is rebuilt.
SOURCES = ["Package.swift", "Package.resolved", "Sources", "Kernels", "Plugins"]


def newest_source():
    newest = 0.0
    for name in SOURCES:
        path = ROOT / name
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
        elif path.is_dir():
            for folder, _, files in os.walk(path):
                for file in files:
                    newest = max(newest, (Path(folder) / file).stat().st_mtime)
    return newest


def swift_library():
    """The path of libNPLMC.so, built first when it is missing or out of date."""
    given = os.environ.get("NPLM_LIBRARY")
    if given:
        if not Path(given).is_file():
            sys.exit(f"nplm: NPLM_LIBRARY={given} is not a file")
        return Path(given)
    if not (ROOT / "Package.swift").is_file():
        sys.exit(f"nplm: {ROOT} is not the nplm repository (no Package.swift): install with `pip install ./python` "
                 "from the repository root, or set NPLM_LIBRARY to a built libNPLMC.so")
    built = ROOT / ".build" / "release" / LIBRARY
    if built.is_file() and built.stat().st_mtime >= newest_source():
        print(f"nplm: {built} is up to date", flush=True)
        return built
    swift = shutil.which("swift")
    if swift is None:
        sys.exit("nplm: `swift` is not on PATH: set up the Swift toolchain as the README says, "
                 "or set NPLM_LIBRARY to a built libNPLMC.so")
    command = [swift, "build", "-c", "release", "--product", PRODUCT]
    print(f"nplm: building the Swift library: {' '.join(command)} (in {ROOT}; a few minutes the first time)", flush=True)
    subprocess.run(command, cwd=ROOT, check=True)
    folder = subprocess.run([swift, "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    library = Path(folder) / LIBRARY
    if not library.is_file():
        sys.exit(f"nplm: swift build finished but {library} is missing")
    return library


class BuildWithSwiftLibrary(build_py):
    def run(self):
        super().run()
        library = swift_library()
        target = Path(self.build_lib) / "nplm" / "_lib"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(library, target / LIBRARY)


class BinaryDistribution(Distribution):
    """The wheel holds a native library: tag it for this platform and Python."""

    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithSwiftLibrary}, distclass=BinaryDistribution)
