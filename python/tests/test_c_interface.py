"""The C header (Sources/CNPLM/include/nplm.h) is the library's: a C program compiled
against it calls libNPLMC.so and gets the t that Python gets, and nplm's message on failure."""
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import nplm
from conftest import ROOT

PROGRAM = r"""
#include <stdio.h>
#include <stdlib.h>
#include "nplm.h"

static void message(int32_t kind, const char *text, void *context) {
    if (kind == NPLM_NOTICE) fprintf(stderr, "notice: %s\n", text);
    ++*(int *)context;
}

int main(int argc, char **argv) {
    int count = 0;
    double reference[400], data[60];
    for (int i = 0; i < 400; ++i) reference[i] = (i + 0.5) / 100.0;
    for (int i = 0; i < 60; ++i) data[i] = (i + 0.5) / 20.0;
    nplm_sample r = {reference, 400, 1, NPLM_FLOAT64, 1, NULL, "reference"};
    nplm_sample d = {data, 60, 1, NPLM_FLOAT64, 1, NULL, "data"};
    char *result = NULL;
    int32_t status = nplm_fit("{\"epochs\": 50, \"backend\": \"cpu\", \"expected\": 60}", &d, &r, NULL, message, &count, &result);
    printf("%d %s\n", status, result);
    nplm_free(result);
    status = nplm_fit("{\"epochs\": 0}", &d, &r, NULL, NULL, NULL, &result);
    printf("%d %s\n", status, result);
    nplm_free(result);
    status = nplm_toys("{\"toys\": 2, \"epochs\": 20, \"backend\": \"cpu\", \"expected\": 60}", &r, NULL, NULL, NULL, NULL, NULL, &result);
    printf("%d %s\n", status, result);
    nplm_free(result);
    (void)argc; (void)argv;
    return nplm_interface_version() == 3 ? 0 : 1;
}
"""


def test_a_c_program_uses_the_header(tmp_path):
    compiler = shutil.which("cc") or shutil.which("clang") or shutil.which("gcc")
    if compiler is None:
        pytest.fail("no C compiler (cc, clang or gcc) to build the header test with")
    library = Path(nplm.library_path())
    (tmp_path / "program.c").write_text(PROGRAM)
    subprocess.run([compiler, "-std=c11", "-Wall", "-Werror", "-I", str(ROOT / "Sources" / "CNPLM" / "include"),
                    str(tmp_path / "program.c"), "-o", str(tmp_path / "program"), str(library),
                    f"-Wl,-rpath,{library.parent}"], check=True, capture_output=True, text=True)
    process = subprocess.run([str(tmp_path / "program")], capture_output=True, text=True, check=True, timeout=120)
    first, second, third = process.stdout.splitlines()
    assert first.startswith("0 {")
    from nplm._library import decode
    record = decode(first[2:])["record"]
    reference = (np.arange(400) + 0.5) / 100.0
    data = (np.arange(60) + 0.5) / 20.0
    assert record["t"] == nplm.fit(data, reference, epochs=50, backend="cpu", expected=60).t
    assert second == "1 --epochs must be at least 1, got 0"
    # null toys of the caller's reference buffer: the campaign of the same events from Python
    assert third.startswith("0 {")
    toys = decode(third[2:])
    campaign = nplm.toys(2, reference=reference, epochs=20, backend="cpu", expected=60)
    assert toys["campaign"] == campaign.hash
    assert [r["t"] for r in toys["records"]] == [r["t"] for r in campaign.records]
