"""The package's surface: keywords and defaults are the command line's, help texts explain every
argument, devices are listed as `nplm devices` lists them."""
import inspect
import json
import math

import pytest

import nplm

# Python function → the nplm command whose flags are its keywords; keywords with no flag of the
# command; flags of the command the function does not take (with the reason).
SURFACE = {
    "fit": (nplm.fit, "fit", {"data", "reference", "reference_weights"},
            {"a", "b", "statistic", "also-nplm", "plots", "data", "reference", "reference-weights"}),
    "fit_many": (nplm.fit_many, "fit", {"samples", "reference", "reference_weights"},
                 {"a", "b", "statistic", "also-nplm", "plots", "data", "reference", "reference-weights", "model", "widths",
                  "centres", "lambda", "newton-steps", "cg-tolerance", "cg-max-iterations", "kernel-precision", "jitter",
                  "record-centres", "nuisances", "nuisance-sigma", "nuisance-central", "shape-order", "delta-model"}),
    "two_sample": (nplm.two_sample, "fit", {"a", "b"},
                   {"data", "reference", "reference-weights", "expected", "plots", "model", "null", "widths", "centres",
                    "lambda", "newton-steps", "cg-tolerance", "cg-max-iterations", "kernel-precision", "jitter",
                    "record-centres", "nuisances", "nuisance-sigma", "nuisance-central", "shape-order", "delta-model",
                    "a", "b"}),
    "permute": (nplm.permute, "permute", {"a", "b"}, {"a", "b"}),
    "toys": (nplm.toys, "toys", {"progress"}, set()),
    "calibrate": (nplm.calibrate, "calibrate", set(), {"json", "clip", "clip-biases"}),
    "report": (nplm.report, "report", {"path"}, {"json", "plots", "files"}),
}


# Defaults that the command line leaves implicit (an absent flag) and Python writes out.
IMPLICIT = {("two_sample", "statistic"): "symmetrized"}


def flags(cli, command):
    dump = json.loads(cli(command, "--experimental-dump-help").stdout)
    result = {}
    for argument in dump["command"]["arguments"]:
        names = [n["name"] for n in argument.get("names", []) if n["kind"] == "long"]
        if names and names[0] != "help":
            result[names[0]] = argument.get("defaultValue")
        elif not names and argument.get("valueName"):
            result[argument["valueName"]] = argument.get("defaultValue")
    return result


def keyword(flag):
    return "lambda_" if flag == "lambda" else flag.replace("-", "_")


def same_default(python, cli_text):
    if cli_text is None:
        return python is None or python is False
    if isinstance(python, (tuple, list)):
        python = ",".join(map(str, python))
    if isinstance(python, bool):
        return False
    if isinstance(python, (int, float)):
        return math.isclose(float(cli_text), float(python), rel_tol=0, abs_tol=0)
    return str(python) == cli_text


@pytest.mark.parametrize("name", SURFACE)
def test_keywords_and_defaults_are_the_cli_flags(cli, name):
    function, command, extra, not_taken = SURFACE[name]
    cli_flags = flags(cli, command)
    parameters = inspect.signature(function).parameters
    for flag, default in cli_flags.items():
        if flag in not_taken:
            continue
        assert keyword(flag) in parameters, f"nplm.{name} has no keyword for --{flag}"
        python_default = parameters[keyword(flag)].default
        if python_default is inspect.Parameter.empty or IMPLICIT.get((name, keyword(flag))) == python_default:
            continue
        assert same_default(python_default, default), f"nplm.{name}({keyword(flag)}={python_default!r}) but --{flag} defaults to {default!r}"
    for parameter in parameters:
        flag = "lambda" if parameter == "lambda_" else parameter.replace("_", "-")
        assert flag in cli_flags or parameter in extra, f"nplm.{name}({parameter}=) is no flag of nplm {command}"


@pytest.mark.parametrize("name", ["fit", "fit_many", "two_sample", "permute", "toys", "calibrate", "report"])
def test_help_explains_every_argument(name):
    function = getattr(nplm, name)
    text = inspect.getdoc(function)
    for parameter in inspect.signature(function).parameters:
        assert parameter in text, f"help(nplm.{name}) does not explain {parameter}"
    assert "{" + "training}" not in text


def test_devices_are_listed_as_the_cli_lists_them(cli):
    devices = nplm.devices()
    assert str(devices) + "\n" == cli("devices").stdout
    for device in devices:
        assert device.index == devices.index(device) and device.layout in device.text


def test_the_library_in_use():
    assert nplm.library_path().endswith(("libNPLMC.so", "libNPLMC.dylib"))
