"""The functions of nplm. Each marshals its arguments, calls one function of nplm's C interface
(libNPLMC.so, the Swift library) and wraps the answer; the method itself runs in the library."""
import ctypes
import math
import os

from . import _options as opt
import numpy as np

from ._library import Messages, NPLMError, Sample, call, encode_options
from ._results import (Calibration, Campaign, Device, Devices, FitResult, KernelFitResult, Model, PermutationResult,
                       Report, SampleFitResult, TwoSampleResult, model_of)
from ._samples import optional_samples, sample

CG_TOLERANCE = math.sqrt(1e-7)

_TRAINING = """\
architecture : sequence of int or str, default (1, 4, 1)
    Network layer widths, input first, output (1) last ("1,4,1" works too). The input width is
    the number of features d of the samples.
epochs : int, default 300000
    Full-batch training epochs (Adam steps).
{clip}history_every : int, default 0
    Record the loss every K epochs (0: final loss only).
learning_rate, beta1, beta2, epsilon : float, default 0.001, 0.9, 0.999, 1e-07
    Adam's learning rate, β₁, β₂ and ε (Keras' defaults, as the reference package).
backend : {"auto", "reference", "cpu", "opencl"}, default "auto"
    The engine: "reference" (plain double, slow: the ground truth), "cpu" (the fast CPU engine),
    "opencl" (an OpenCL device), "auto" (an OpenCL GPU when there is one, else the CPU engine).
    The result's ``backend`` and ``notices`` say what was chosen.
threads : int, optional
    Worker threads of the CPU engine (default: every core).
device : int, optional
    OpenCL device index, as ``nplm.devices()`` lists them."""

_KERNEL = """\
widths : float or sequence of float, optional
    Kernel model: the Gaussian widths σ, trained in one batch on the same centres (default: the
    90th percentile of the reference's pairwise distances).
centres : int, optional
    Kernel model: M, the Nyström centres (default: floor(sqrt(N)), at least 300, at most N).
lambda_ : float, default 1e-06
    Kernel model: λ of the penalty (λ/2)‖f‖² (``--lambda``).
newton_steps : int, default 1
    Kernel model: Newton steps from f = 0.
cg_tolerance : float, default sqrt(1e-7) = 0.000316…
    Kernel model: conjugate-gradient tolerance on the preconditioned residual.
cg_max_iterations : int, default 1000
    Kernel model: at most this many conjugate-gradient iterations per Newton step.
kernel_precision : {"float64", "float32"}, default "float64"
    Kernel model: precision of the kernel values with Falkon's jitter for it. "float64"
    reproduces the authors' code (Falkon on float64 data, jitter 1e-13·M on K_MM); "float32" is
    Falkon's float32 setting (jitter 1e-5·M, part of the objective: t moves by 1–20 % at small λ),
    for comparisons and because a pass over K_nM costs less.
jitter : float, optional
    Kernel model: ε of the jitter εM·I on K_MM (default: the precision's). Another ε changes the
    statistic; it is for studies of that dependence."""

_SAMPLES = """\
Samples are NumPy arrays (or anything ``numpy.asarray`` takes) of shape (N,) for one feature or
(N, d), one row per event. float32 and float64 arrays in C order are read in place, without a
copy; other arrays are converted once. Every value must be finite and within float32 range (the
precision nplm trains in). A str or os.PathLike is a file that nplm reads itself, as the command
line does: .npy, .csv with a header row, or an HDF5 dataset "file.h5:/group/name"."""


_CLIP = """\
clip : float, optional
    Clip weights to [-W, W] after every step (no clipping when None).
clip_biases : bool, default False
    Clip biases too (the reference Keras package clips weights only). Needs ``clip``.
"""


def _document(function, **parts):
    text = function.__doc__
    for key, value in parts.items():
        indent = " " * 4
        text = text.replace("{" + key + "}", value.replace("\n", "\n" + indent))
    function.__doc__ = text
    return function


def _training_options(architecture, epochs, clip, clip_biases, history_every, learning_rate, beta1, beta2, epsilon,
                      backend, threads, device):
    return opt.training(architecture, epochs, clip, clip_biases, history_every, learning_rate, beta1, beta2, epsilon,
                        backend, threads, device)


def fit(data, reference, *, expected=None, reference_weights=None, model="network",
        architecture=(1, 4, 1), epochs=300000, clip=None, clip_biases=False, history_every=0,
        learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-07, backend="auto", threads=None, device=None,
        seed=1, preprocess="none",
        nuisances=None, nuisance_sigma=None, nuisance_central=None, shape_order=None, delta_model=None,
        widths=None, centres=None, lambda_=1e-06, newton_steps=1, cg_tolerance=CG_TOLERANCE, cg_max_iterations=1000,
        kernel_precision="float64", jitter=None, null=None, record_centres=False, output=None, save_model=None):
    """The NPLM test of ``data`` against ``reference``: ``nplm fit --data --reference``.

    One network (or the kernel model) learns f(x) = log n(x|1)/n(x|R0) by minimising the
    NPLM loss over the data and the weighted reference; t = −2 min L is judged against χ²_dof
    (D'Agnolo et al., Learning New Physics from an Imperfect Machine). The same inputs, options
    and seed give the same t as ``nplm fit``, bit for bit, on every backend.

    Parameters
    ----------
    data : array of shape (N_D,) or (N_D, d), or a file path
        The data sample.
    reference : array of shape (N_R,) or (N_R, d), or a file path
        The reference sample (the background model, usually a large simulated sample).
    expected : float, optional
        N(R0), the expected data count: reference weights N(R0)/N_R and dof = P (the network's
        parameter count). Default: the observed data count, dof = P − 1.
    reference_weights : array of shape (N_R,), or a file path, optional
        One weight per reference event (finite, ≥ 0, positive sum); their sum plays the role of
        N(R0); dof = P. Give ``expected`` or ``reference_weights``, not both.
    model : {"network", "kernel"}, default "network"
        The network of the NPLM papers, or the Gaussian kernel model with Nyström centres
        (Letizia et al. 2022; see the kernel options below).
    {training}
    seed : int, default 1
        Seed of the initial network parameters (the kernel model: of its centres).
    preprocess : {"none", "standardize", "mean", "auto"}, default "none"
        Feature preprocessing fitted on the reference and applied to every sample (and by
        ``result.log_ratio``): (x − mean)/std, x / mean (positive features), or x / mean where the
        reference is ≥ 0 and standardize elsewhere.
    nuisances : str or sequence of str, optional
        Fit nuisance parameters: "scale" (the shape nuisance: learned δ̂ of ``delta_model``, or the
        1-D benchmark's exact x → e^ν·x), "norm" (normalisation), or "scale,norm"; then
        t = τ − Δ against χ²_P (Imperfect Machine) and ``result.nuisances`` holds τ, Δ, the fitted ν
        and their pulls.
    nuisance_sigma : float or sequence of float, optional
        σ of each nuisance's auxiliary Gaussian: one value for all or one per nuisance (default 0.15).
    nuisance_central : float or sequence of float, optional
        The auxiliary measurements ν̂ (central values, in the units of ν; default 0).
    shape_order : int, optional
        Order 1–4 of the exact Taylor expansion of the benchmark's scale nuisance (default 2; 1-D only).
    delta_model : path, optional
        Learned δ̂ networks of the shape nuisance (a model file of ``nplm nuisance train``).
    {kernel}
    null : path, optional
        A null campaign for empirical p-values. The network: a campaign of ``nplm.toys`` with the
        same network, training, N(R0) (``expected``) and N_R; the result is then
        ``fit_many([data], …)[0]``, with ``empirical_p`` and ``empirical_Z``. The kernel model: a
        campaign of ``nplm.toys(model="kernel")`` with the same widths, for each width's
        empirical p-value (``result.empirical_p``, ``result.empirical_Z``).
    record_centres : bool, default False
        Kernel model: put the Nyström centres into the record (``centreIndices`` among the pooled
        events, reference first then data, and ``centreFeatures``), so that the fit can be checked
        independently.
    output : path, optional
        Also write the result as JSON to this file, byte for byte as ``nplm fit --output``.
    save_model : path, optional
        Also write the trained model as JSON (what ``nplm eval`` and ``nplm.load_model`` read): the
        network, or with ``model="kernel"`` the centres, every width's coefficients, σ, λ, the
        precision and jitter, the normalisation and the preprocessing.

    {samples}

    Returns
    -------
    FitResult (KernelFitResult for ``model="kernel"``)
        ``t``, ``dof``, ``p``, ``Z``, the loss history (``history_epochs``, ``loss_history``), the
        ``parameters``, ``log_ratio(x)``, the ``backend`` chosen and the ``record`` that
        ``--output`` writes.

    Raises
    ------
    NPLMError
        With nplm's one-line message for a bad input or option (an empty sample, a NaN entry,
        mismatched widths, ``expected`` and ``reference_weights`` together, …).

    Training releases the interpreter lock: other Python threads run meanwhile.
    """
    if null is not None and model == "network" and nuisances is None:
        return fit_many([data], reference, expected=expected, reference_weights=reference_weights, null=null,
                        architecture=architecture, epochs=epochs, clip=clip, clip_biases=clip_biases,
                        history_every=history_every, learning_rate=learning_rate, beta1=beta1, beta2=beta2,
                        epsilon=epsilon, backend=backend, threads=threads, device=device, seed=seed,
                        preprocess=preprocess, output=output, save_model=save_model)[0]
    options = _training_options(architecture, epochs, clip, clip_biases, history_every, learning_rate, beta1, beta2,
                                epsilon, backend, threads, device)
    options.update(opt.kernel(widths, centres, lambda_, newton_steps, cg_tolerance, cg_max_iterations, kernel_precision, jitter))
    options.update({
        "record_centres": opt.flag("record_centres", record_centres) or None,
        "expected": opt.number("expected", expected),
        "model": opt.text("model", model),
        "seed": opt.integer("seed", seed),
        "preprocess": opt.text("preprocess", preprocess),
        "nuisances": opt.listing("nuisances", nuisances),
        "nuisance_sigma": opt.listing("nuisance_sigma", nuisance_sigma),
        "nuisance_central": opt.listing("nuisance_central", nuisance_central),
        "shape_order": opt.integer("shape_order", shape_order),
        "delta_model": opt.path("delta_model", delta_model),
        "null": opt.path("null", null),
        "output": opt.path("output", output),
        "save_model": opt.path("save_model", save_model),
    })
    data_sample, keep_data = sample(data, "data")
    reference_sample, keep_reference = sample(reference, "reference")
    weights_sample, keep_weights = (None, None) if reference_weights is None else sample(reference_weights, "reference_weights")
    messages = Messages()
    response = call("nplm_fit", encode_options(options), ctypes.byref(data_sample), ctypes.byref(reference_sample),
                    None if weights_sample is None else ctypes.byref(weights_sample), messages=messages)
    del keep_data, keep_reference, keep_weights
    if response.get("kernel") is not None:
        return KernelFitResult(response, messages.notices)
    return FitResult(response, messages.notices)


def fit_many(samples, reference, *, expected=None, reference_weights=None, null=None,
             architecture=(1, 4, 1), epochs=300000, clip=None, clip_biases=False, history_every=0,
             learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-07, backend="auto", threads=None, device=None,
             seed=1, preprocess="none", output=None, save_model=None):
    """The NPLM test of several data samples against one reference: ``nplm fit --data … --data …``.

    Data-quality monitoring: one reference, a test per batch of detector data, the null
    calibrated once. Every sample is fitted by the network as ``nplm.fit`` fits it alone (the same
    initial network, weights and training: each result equals ``nplm.fit`` of that sample, bit for
    bit), all of them in one batched launch over the reference stored once. With ``null``, each t
    also gets its empirical p-value (1 + #{t_null ≥ t}) / (1 + N_null) against the null campaign.

    Parameters
    ----------
    samples : sequence of arrays of shape (N_k,) or (N_k, d) or file paths, or one path
        The data samples, in order. A path "file.h5:/group" naming an HDF5 group stands for the
        group's datasets, in name order (pad numbers: "b02" before "b10").
    reference : array of shape (N_R,) or (N_R, d), or a file path
        The reference sample, shared by every fit.
    expected : float, optional
        N(R0), the expected count of every sample: reference weights N(R0)/N_R and dof = P. Several
        samples (or ``null``) need ``expected`` or ``reference_weights``: normalised to its
        observed count, each sample would have a reference of its own.
    reference_weights : array of shape (N_R,), or a file path, optional
        One weight per reference event (finite, ≥ 0, positive sum); their sum plays the role of
        N(R0); dof = P.
    null : path, optional
        A null campaign of ``nplm.toys``/``nplm toys`` with the same network (``architecture``),
        training (``epochs``, Adam, ``clip``), N(R0) as ``expected`` and N_R as ``reference_size``
        (the history interval may differ); any other campaign is refused, saying what differs.
        Each result then has ``empirical_p`` and ``empirical_Z``.
    {training}
    seed : int, default 1
        Seed of the initial network parameters (the same network for every sample).
    preprocess : {"none", "standardize", "mean", "auto"}, default "none"
        Feature preprocessing fitted on the reference and applied to every sample.
    output : path, optional
        Also write the results as JSON Lines (one line per sample, in order), byte for byte as
        ``nplm fit --data … --output``.
    save_model : path, optional
        Also write the trained model (one sample only).

    {samples}

    Returns
    -------
    list of SampleFitResult
        One per sample, in order: the attributes of ``FitResult`` (``t``, ``dof``, ``p``, ``Z``,
        the loss history, ``parameters``, ``log_ratio(x)``, ``model``, ``record``), ``sample`` (its
        name), and with ``null`` ``empirical_p``, ``empirical_Z``, ``null_at_least`` (#{t_null ≥ t}),
        ``null_toys`` and ``is_bound`` (t above every null toy: p is an upper bound).

    Raises
    ------
    NPLMError
        With nplm's one-line message (no normalisation for several samples, a null campaign of
        another set-up, samples with different features, …).

    Training releases the interpreter lock: other Python threads run meanwhile.
    """
    if isinstance(samples, (str, os.PathLike)):
        samples = [samples]
    elif isinstance(samples, np.ndarray) or not hasattr(samples, "__iter__"):
        raise TypeError(f"samples must be a sequence of samples (arrays or paths) or one path, got {type(samples).__name__}: "
                        "for one array give [array], or use nplm.fit")
    samples = list(samples)
    options = _training_options(architecture, epochs, clip, clip_biases, history_every, learning_rate, beta1, beta2,
                                epsilon, backend, threads, device)
    options.update({
        "expected": opt.number("expected", expected),
        "seed": opt.integer("seed", seed),
        "preprocess": opt.text("preprocess", preprocess),
        "null": opt.path("null", null),
        "output": opt.path("output", output),
        "save_model": opt.path("save_model", save_model),
    })
    descriptors, keep = [], []
    for k, value in enumerate(samples):
        descriptor, kept = sample(value, f"samples[{k}]")
        descriptors.append(descriptor)
        keep.append(kept)
    array = (Sample * max(1, len(descriptors)))(*descriptors)
    reference_sample, keep_reference = sample(reference, "reference")
    weights_sample, keep_weights = (None, None) if reference_weights is None else sample(reference_weights, "reference_weights")
    messages = Messages()
    response = call("nplm_fit_many", encode_options(options), array, len(descriptors), ctypes.byref(reference_sample),
                    None if weights_sample is None else ctypes.byref(weights_sample), messages=messages)
    del keep, keep_reference, keep_weights
    return [SampleFitResult(item, response, messages.notices) for item in response["results"]]


def two_sample(a, b, *, statistic="symmetrized", also_nplm=False,
               architecture=(1, 4, 1), epochs=300000, clip=None, clip_biases=False, history_every=0,
               learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-07, backend="auto", threads=None, device=None,
               seed=1, preprocess="none", output=None, save_model=None):
    """The two-sample test of ``a`` against ``b``: ``nplm fit --a --b``.

    The symmetrized test t_{A+B} = t_f + t_g (two fits over the pool A+B; no clipping needed) or
    the cross-entropy test t^δ (Bressler et al., Symmetrized Approach, eq. 34); dof = P − 1.

    Parameters
    ----------
    a, b : arrays of shape (N,) or (N, d), or file paths
        The two samples.
    statistic : {"symmetrized", "crossentropy"}, default "symmetrized"
        The two-sample statistic.
    also_nplm : bool, default False
        Also compute the NPLM statistic t_B(A): B as the reference with weights N_A/N_B
        (``result.nplm``, a record dict).
    {training}
    seed : int, default 1
        Seed of the initial network parameters.
    preprocess : {"none", "standardize", "mean", "auto"}, default "none"
        Feature preprocessing fitted on the pool A+B and applied to both.
    output, save_model : path, optional
        Also write the result, and the trained model, as ``nplm fit --output``/``--save-model``.

    {samples}

    Returns
    -------
    TwoSampleResult
        ``t``, ``dof``, ``p``, ``Z``, ``components`` (t_f, t_g), ``log_ratio(x, fit=0)``, ``record``.
    """
    options = _training_options(architecture, epochs, clip, clip_biases, history_every, learning_rate, beta1, beta2,
                                epsilon, backend, threads, device)
    options.update({
        "statistic": opt.text("statistic", statistic),
        "also_nplm": opt.flag("also_nplm", also_nplm),
        "seed": opt.integer("seed", seed),
        "preprocess": opt.text("preprocess", preprocess),
        "output": opt.path("output", output),
        "save_model": opt.path("save_model", save_model),
    })
    sample_a, keep_a = sample(a, "a")
    sample_b, keep_b = sample(b, "b")
    messages = Messages()
    response = call("nplm_two_sample", encode_options(options), ctypes.byref(sample_a), ctypes.byref(sample_b),
                    messages=messages)
    del keep_a, keep_b
    return TwoSampleResult(response, messages.notices)


def permute(a, b, permutations, *, statistic="symmetrized", seed=1, batch=None, preprocess="none",
            architecture=(1, 4, 1), epochs=300000, clip=None, clip_biases=False, history_every=0,
            learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-07, backend="auto", threads=None, device=None,
            output=None):
    """The permutation null distribution of the two-sample test: ``nplm permute``.

    Pools A and B, relabels the pooled events K = ``permutations`` times keeping the sizes N_A and
    N_B (relabelling k drawn from (seed, k)), trains the observed labelling and every relabelling
    over the pool stored once, and reports the observed t with its empirical p-value
    (1 + #{t_perm ≥ t_obs}) / (1 + K) (Bressler et al., Symmetrized Approach, §III E). The observed t
    equals that of ``nplm.two_sample`` with the same seed and training options.

    Parameters
    ----------
    a, b : arrays of shape (N,) or (N, d), or file paths
        The two samples.
    permutations : int
        K, the number of relabellings.
    statistic : {"symmetrized", "crossentropy"}, default "symmetrized"
        The two-sample statistic.
    seed : int, default 1
        Seed of the relabellings and of the initial network parameters.
    batch : int, optional
        Labellings trained together (default: all in one batch); smaller batches bound memory,
        the results are the same.
    preprocess : {"none", "standardize", "mean", "auto"}, default "none"
        Feature preprocessing fitted on the pool A+B.
    {training}
    output : path, optional
        Also write the result as JSON, as ``nplm permute --output``.

    {samples}

    Returns
    -------
    PermutationResult
        ``t``, ``permutation_t``, ``p``, ``Z``, ``is_bound``, ``asymptotic_p``, ``record``.
    """
    options = _training_options(architecture, epochs, clip, clip_biases, history_every, learning_rate, beta1, beta2,
                                epsilon, backend, threads, device)
    options.update({
        "permutations": opt.integer("permutations", permutations),
        "statistic": opt.text("statistic", statistic),
        "seed": opt.integer("seed", seed),
        "batch": opt.integer("batch", batch),
        "preprocess": opt.text("preprocess", preprocess),
        "output": opt.path("output", output),
    })
    sample_a, keep_a = sample(a, "a")
    sample_b, keep_b = sample(b, "b")
    messages = Messages()
    response = call("nplm_permute", encode_options(options), ctypes.byref(sample_a), ctypes.byref(sample_b),
                    messages=messages)
    del keep_a, keep_b
    return PermutationResult(response, messages.notices)


def toys(toys=100, *, seed=1, preset="nplm", expected=None, reference_size=None, size_a=None, size_b=None,
         statistic=None, benchmark="1d", dimension=None, signal="none", signal_strength=None, signal_events=None,
         nuisances=None, nuisance_sigma=0.15, nuisance_truth=None, shape_order=None, delta_model=None,
         batch=64, shard=None, output=None, model="network", reference_sample="campaign", truncate=None,
         write_samples=None, reference=None, reference_weights=None, pool=None, pool_weights=None,
         architecture=(1, 4, 1), epochs=300000, clip=None, clip_biases=False, history_every=0,
         learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-07, backend="auto", threads=None, device=None,
         widths=None, centres=None, lambda_=1e-06, newton_steps=1, cg_tolerance=CG_TOLERANCE, cg_max_iterations=1000,
         kernel_precision="float64", jitter=None, progress=None):
    """A toy campaign on a built-in benchmark: ``nplm toys``.

    Preset "nplm": background e^-x with N(R0) expected events, a reference of N_R events with
    weights N(R0)/N_R shared by every toy (or one per toy: ``reference_sample``), Poisson data with an optional NP1, NP2 or NP3 signal;
    dof = P. Preset "symmetric": samples A and B of e^-x with Poisson sizes, the signal in A only,
    the symmetrized test; dof = P − 1. ``benchmark="gauss"``: a mixture of three correlated
    Gaussians in d = 4…30 features, the signal one component shifted, widened or correlated.
    Every toy is reproducible from (seed, toy index) alone.

    With ``output`` the records are appended to the file after every batch, exactly as
    ``nplm toys --output`` writes them: the same file can be resumed by rerunning the same call
    (or the same ``nplm toys`` command) after an interruption, extended with a larger ``toys``,
    split with ``shard`` and joined with ``nplm merge``. A rerun with other options into the same
    file is refused (every line carries the configuration's hash).

    Parameters
    ----------
    toys : int, default 100
        Number of toys in the campaign (toys 0..N-1; a shard trains its share).
    seed : int, default 1
        Campaign seed.
    preset : {"nplm", "symmetric"}, default "nplm"
        Data against a reference, or two samples A and B.
    expected : float, optional
        N(R0): expected background events in a data sample (preset nplm; default 2000).
    reference_size : int, optional
        N_R: events in the reference sample (preset nplm; default 200000, 20000 with gauss).
    size_a, size_b : float, optional
        N_A, N_B: expected events in samples A and B (preset symmetric).
    statistic : {"symmetrized", "crossentropy"}, optional
        Two-sample statistic of preset symmetric (default symmetrized).
    benchmark : {"1d", "gauss"}, default "1d"
        Built-in benchmark of preset nplm.
    dimension : int, optional
        Features d = 4..30 of benchmark gauss (default: the architecture's input width).
    signal : str, default "none"
        Signal in the data (in A for preset symmetric): none, NP1, NP2 or NP3; with gauss shift,
        widen or correlate.
    signal_strength : float, optional
        Strength s of a gauss signal: shift in σ, widen by 1 + s, correlate by the fraction s
        (defaults 0.15, 0.05, 0.13).
    signal_events : float, optional
        N_S: expected signal events (default: the papers' value for the signal).
    nuisances : str or sequence of str, optional
        Fit nuisance parameters (preset nplm): "scale", "norm" or "scale,norm"; t = τ − Δ.
    nuisance_sigma : float or sequence of float, default 0.15
        σ of each nuisance's auxiliary Gaussian: one value for all, or one per nuisance.
    nuisance_truth : float or sequence of float, optional
        True nuisances ν* of the toys' data, in units of σ (default 0).
    shape_order : int, optional
        Order 1–4 of the exact Taylor expansion of the scale nuisance (default 2).
    delta_model : path, optional
        Learned δ̂ networks of the scale nuisance (a model file of ``nplm nuisance train``).
    batch : int, default 64
        Toys trained together in one batch (the results are the same for any batch size).
    shard : str or (int, int), optional
        Train only shard i of n ("i/n" or (i, n)): the toys whose index is i mod n.
    output : path, optional
        Append one JSON line per toy to this file (resumes an interrupted run).
    model : {"network", "kernel"}, default "network"
        The NPLM network, or the kernel model (preset nplm; kernel options below).
    reference_sample : {"campaign", "toy"}, default "campaign"
        Reference sample of preset nplm: one for every toy, from (seed, 0), or each toy its own,
        from (seed, toy) — t's null distribution averaged over reference samples, as the kernel
        NPLM's authors draw their toys (not with ``nuisances``).
    truncate : float, optional
        Truncate the 1-D background (reference and data) to x < truncate, as the kernel NPLM's
        published 1-D generator (e^-8x on [0, 1]: 8 here); default not truncated.
    write_samples : path, optional
        Write the shard's toy samples into this folder as .npy instead of training them
        (``toy-K-data.npy``; ``toy-K-reference.npy`` with ``reference_sample="toy"``, else
        ``reference.npy`` once; ``toy-K-a.npy`` and ``toy-K-b.npy`` for preset symmetric): the
        samples the campaign trains on. Not with ``output``.
    reference : array of shape (N_R,) or (N_R, d), or path, optional
        Null toys of your own reference sample (an array, or a .npy, .csv or HDF5 file:/dataset)
        instead of a built-in benchmark: every toy against it with weights N(R0)/N_R
        (``expected`` required), its data Poisson(N(R0)) events drawn with replacement from
        ``pool`` (default: the reference). Named by the events, not the path: an array and a
        file of the same float32 values are one campaign, and ``fit_many(..., null=...)`` takes
        it for fits against the same reference.
    reference_weights : array of shape (N_R,), or path, optional
        One weight per event of ``reference``; N(R0) is their sum (no ``expected``), and without
        ``pool`` the toys' data are drawn in proportion to them.
    pool : array of shape (N,) or (N, d), or path, optional
        Events of the reference hypothesis apart from the reference, for the toys' data; only
        when many times larger than the reference (one as small raises t).
    pool_weights : array of shape (N,), or path, optional
        One weight (0 or positive) per event of ``pool``, which the toys' data are drawn in
        proportion to.
    {training}
    {kernel}
    progress : callable, optional
        Called with a dict {"finished", "total", "resumed", "batchFraction", "batchSize",
        "backend"} as the campaign advances (from the training thread, with the interpreter lock).

    Returns
    -------
    Campaign
        The shard's toys (found in ``output`` and new), in toy order, with ``summary`` the text
        ``nplm toys`` prints and ``hash`` the campaign's configuration hash; with
        ``write_samples``, the list of the files written instead.
    """
    options = _training_options(architecture, epochs, clip, clip_biases, history_every, learning_rate, beta1, beta2,
                                epsilon, backend, threads, device)
    options.update(opt.kernel(widths, centres, lambda_, newton_steps, cg_tolerance, cg_max_iterations, kernel_precision, jitter))
    options.update({
        "toys": opt.integer("toys", toys),
        "seed": opt.integer("seed", seed),
        "preset": opt.text("preset", preset),
        "expected": opt.number("expected", expected),
        "reference_size": opt.integer("reference_size", reference_size),
        "size_a": opt.number("size_a", size_a),
        "size_b": opt.number("size_b", size_b),
        "statistic": opt.text("statistic", statistic),
        "benchmark": opt.text("benchmark", benchmark),
        "dimension": opt.integer("dimension", dimension),
        "signal": opt.text("signal", signal),
        "signal_strength": opt.number("signal_strength", signal_strength),
        "signal_events": opt.number("signal_events", signal_events),
        "nuisances": opt.listing("nuisances", nuisances),
        "nuisance_sigma": opt.listing("nuisance_sigma", nuisance_sigma),
        "nuisance_truth": opt.listing("nuisance_truth", nuisance_truth),
        "shape_order": opt.integer("shape_order", shape_order),
        "delta_model": opt.path("delta_model", delta_model),
        "batch": opt.integer("batch", batch),
        "shard": opt.shard(shard),
        "output": opt.path("output", output),
        "model": opt.text("model", model),
        "reference_sample": opt.text("reference_sample", reference_sample),
        "truncate": opt.number("truncate", truncate),
        "write_samples": opt.path("write_samples", write_samples),
    })
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable, got {progress!r}")
    pointers, kept = optional_samples(reference=reference, reference_weights=reference_weights, pool=pool,
                                      pool_weights=pool_weights)
    messages = Messages(progress)
    response = call("nplm_toys", encode_options(options), *pointers, messages=messages)
    del kept
    if write_samples is not None:
        return response["samples"]
    campaign = Campaign(response["records"], summary=response["summary"])
    campaign.hash = response["campaign"]
    campaign.shard = response["shard"]
    campaign.notices = messages.notices
    return campaign


def read_campaign(path):
    """The toys of a campaign file of ``nplm toys`` (or ``nplm.toys``, ``nplm merge``), checked as
    nplm reads them (a cut last line of an interrupted run is refused: resume it first).

    Returns
    -------
    Campaign
        Per-toy NumPy arrays (``t``, ``p``, ``toy``, ``diverged``, …) and the records as dicts.
    """
    return Campaign(call("nplm_read_campaign", os.fsencode(opt.path("path", path)))["records"])


def report(path, *, null=None, alpha=0.05):
    """The summary of a campaign file: ``nplm report FILE --json``; of several kernel-model signal
    campaigns against ``null``: ``nplm report FILE1 FILE2 … --null NULL --json``.

    ⟨t⟩ ± its error against dof, the 5/16/50/84/95 % percentiles of t at every history checkpoint
    against χ²_dof, the Kolmogorov–Smirnov p-value of t against χ²_dof, and for a signal campaign
    the median Z with its error (asymptotic, and empirical against ``null``) beside the ideal Z_id.
    Kernel and nuisance campaigns get their own reports, as from the command line.

    Parameters
    ----------
    path : path or sequence of paths
        A campaign file (``nplm toys``, ``nplm merge``); several: kernel-model signal campaigns
        against ``null``, each one's report, then their power per width and per combination side
        by side (``report["table"]``; ``alpha=0.00135``: the probability of Z ≥ 3).
    null : path, optional
        A null campaign (same options, no signal) for the empirical significance.
    alpha : float, default 0.05
        Kernel campaigns: the level α of the power (fraction of signal toys with empirical p ≤ α).

    Returns
    -------
    Report
        A dict (the JSON ``nplm report --json`` prints); ``str(report)`` is the text report;
        ``kind`` "network", "kernel", "nuisances" or, for several files, "kernel-comparison"
        (``report["reports"]``, ``report["table"]``).
    """
    paths = [path] if isinstance(path, (str, os.PathLike)) else list(path)
    if not paths:
        raise NPLMError("path: name a campaign file")
    options = {"null": opt.path("null", null), "alpha": opt.number("alpha", alpha),
               "others": [opt.path("path", p) for p in paths[1:]] or None}
    response = call("nplm_report", os.fsencode(opt.path("path", paths[0])), encode_options(options))
    return Report(response["report"], response["text"], response["kind"])


def calibrate(*, benchmark="1d", dimension=None, seed=1, expected=None, reference_size=None, low=1.0, high=100.0,
              root_toys=20, root_steps=4, toys=(40, 100), points=5, batch=64, calibrate_biases=False,
              reference_sample="campaign", reference=None, reference_weights=None, pool=None, pool_weights=None,
              architecture=(1, 4, 1), epochs=300000, history_every=0,
              learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-07, backend="auto", threads=None, device=None):
    """Selects the weight clipping W so that null toys follow χ²_dof: ``nplm calibrate``.

    Null toys of a built-in benchmark, or of your own reference sample (``reference``), at several
    W (D'Agnolo et al., Imperfect Machine, §3.1):
    bracket W between ``low`` and ``high``, bisect on ⟨t⟩ = dof with ``root_toys`` toys, then scan
    ``points`` values of W inside the window with each toy count of ``toys``, keeping the largest
    Kolmogorov–Smirnov p-value against χ²_dof. Reduced sizes run in minutes (``expected=200,
    reference_size=2000, epochs=20000``: about 5 minutes on one core), but W means something only
    with the training of the fits it is for: too few epochs leave ⟨t⟩ below dof at every W.

    Parameters
    ----------
    benchmark : {"1d", "gauss"}, default "1d"
        Built-in benchmark whose null toys are trained.
    dimension : int, optional
        Features d = 4..30 of benchmark gauss (default: the architecture's input width).
    seed : int, default 1
        Campaign seed.
    expected : float, optional
        N(R0): expected background events in a data sample (default 2000; required with
        ``reference`` unless ``reference_weights``).
    reference_size : int, optional
        N_R: events in the reference sample (default 200000, 20000 with gauss).
    low, high : float, default 1.0, 100.0
        The bracket of W to start from.
    root_toys : int, default 20
        Toys of the bracketing and root-finding steps.
    root_steps : int, default 4
        Largest number of bisection steps.
    toys : sequence of int or str, default (40, 100)
        Toy counts of the KS scans, increasing.
    points : int, default 5
        W values per KS scan.
    batch : int, default 64
        Toys trained together in one batch.
    calibrate_biases : bool, default False
        Clip the biases too at every W.
    reference_sample : {"campaign", "toy"}, default "campaign"
        Reference sample of the null toys: one for every toy, from (seed, 0), or each toy its own,
        from (seed, toy), as ``toys``.
    reference : array of shape (N_R,) or (N_R, d), or path, optional
        Null toys of your own reference sample, drawn as ``toys(reference=...)`` draws them: W
        calibrated for fits against these events.
    reference_weights : array of shape (N_R,), or path, optional
        One weight per event of ``reference``; N(R0) is their sum (no ``expected``).
    pool : array of shape (N,) or (N, d), or path, optional
        Events the toys' data are drawn from instead of the reference (only when many times larger).
    pool_weights : array of shape (N,), or path, optional
        One weight (0 or positive) per event of ``pool``, which the toys' data are drawn in
        proportion to.
    {training}

    Returns
    -------
    Calibration
        A dict (``nplm calibrate --json``: ``chosen`` W, ``rows``, ``window``, …); ``str()`` is the table.
    """
    options = _training_options(architecture, epochs, None, False, history_every, learning_rate, beta1, beta2, epsilon,
                                backend, threads, device)
    options.update({
        "benchmark": opt.text("benchmark", benchmark),
        "dimension": opt.integer("dimension", dimension),
        "seed": opt.integer("seed", seed),
        "expected": opt.number("expected", expected),
        "reference_size": opt.integer("reference_size", reference_size),
        "low": opt.number("low", low),
        "high": opt.number("high", high),
        "root_toys": opt.integer("root_toys", root_toys),
        "root_steps": opt.integer("root_steps", root_steps),
        "toys": opt.listing("toys", toys),
        "points": opt.integer("points", points),
        "batch": opt.integer("batch", batch),
        "calibrate_biases": opt.flag("calibrate_biases", calibrate_biases),
        "reference_sample": opt.text("reference_sample", reference_sample),
    })
    pointers, kept = optional_samples(reference=reference, reference_weights=reference_weights, pool=pool,
                                      pool_weights=pool_weights)
    messages = Messages()
    response = call("nplm_calibrate", encode_options(options), *pointers, messages=messages)
    del kept
    return Calibration(response["result"], response["text"], messages.notices)


def devices():
    """The OpenCL platforms and devices, as ``nplm devices`` lists them (``str()`` of the list is
    its output), with the limits and the kernel layout nplm would use on each. A device's ``index``
    is what ``device=`` selects; ``backend="auto"`` takes the first GPU, else the CPU engine."""
    response = call("nplm_devices")
    return Devices([Device(d) for d in response["devices"]], response["text"])


def load_model(path):
    """A model file written by ``nplm fit --save-model`` (or ``nplm.fit(..., save_model=)``),
    checked as ``nplm eval`` reads it: an ``nplm.Model`` with ``log_ratio(x)``, or for a kernel
    model an ``nplm.KernelModel`` with ``log_ratio(x, width=0)``."""
    return model_of(call("nplm_load_model", os.fsencode(opt.path("path", path)))["model"])


for _function in (fit, fit_many, two_sample, permute, toys):
    _document(_function, training=_TRAINING.replace("{clip}", _CLIP), kernel=_KERNEL, samples=_SAMPLES)
_document(calibrate, training=_TRAINING.replace("{clip}", ""))
