"""nplm: the New Physics Learning Machine tests from Python.

In-process over the C interface of nplm's Swift library (libNPLMC.so): NumPy arrays are handed
over by pointer, the tests run in the library (the same code as the ``nplm`` command line, with
the same results bit for bit), errors come back as ``NPLMError`` with nplm's one-line message,
and the interpreter lock is released while training.

- ``fit(data, reference, ...)``: the NPLM test (network or kernel model, with nuisances);
- ``fit_many(samples, reference, ...)``: the NPLM test of several data samples in one batch, with
  p-values from a null campaign (data-quality monitoring);
- ``two_sample(a, b, ...)`` and ``permute(a, b, K, ...)``: the symmetrized two-sample test and its
  permutation null;
- ``toys(...)``, ``read_campaign(path)``, ``report(path)``, ``calibrate(...)``: toy campaigns, in
  the command line's files (resumable, shardable);
- ``devices()``: the OpenCL devices; ``load_model(path)``: a saved model (network or kernel).

Keyword arguments are the command line's flags in snake_case with its defaults
(``--reference-weights`` is ``reference_weights``). See docs/python.md in the repository.
"""
from ._api import calibrate, devices, fit, fit_many, load_model, permute, read_campaign, report, toys, two_sample
from ._library import NPLMError, library_path
from ._results import (Calibration, Campaign, Device, Devices, FitResult, KernelFitResult, KernelModel, Model,
                       PermutationResult, Report, SampleFitResult, TwoSampleResult)

__version__ = "0.1.0"

__all__ = [
    "fit", "fit_many", "two_sample", "permute", "toys", "read_campaign", "report", "calibrate", "devices", "load_model",
    "NPLMError", "library_path",
    "FitResult", "SampleFitResult", "KernelFitResult", "TwoSampleResult", "PermutationResult", "Campaign", "Report", "Calibration",
    "Device", "Devices", "Model", "KernelModel",
]
