"""What the functions of nplm return: the records of the C interface (the JSON the command line
writes) with NumPy arrays for their numbers."""
import ctypes
import math

import numpy as np

from ._library import NPLMError, call_into, encode_document
from ._samples import sample


def _array(values, dtype=np.float64):
    return np.asarray(values, dtype=dtype)


def _evaluate(model_text, fit, x):
    descriptor, keep = sample(x, "x")
    out = np.empty(descriptor.rows, dtype=np.float64)
    call_into("nplm_log_ratio", model_text, fit, ctypes.byref(descriptor),
              out.ctypes.data_as(ctypes.POINTER(ctypes.c_double)))
    del keep
    return out


class Model:
    """A trained model, as ``nplm fit --save-model`` writes it (``nplm.load_model`` reads one).

    Attributes: ``test`` ("nplm", "symmetrized" or "crossentropy"), ``architecture`` (layer
    widths), ``t`` and ``dof`` of the fit, ``parameters`` (one array per fit of the test),
    ``preprocessing`` (dict or None), ``document`` (the whole model as a dict).
    """

    def __init__(self, document):
        self.document = document
        self._text = encode_document(document)
        self.test = document["test"]
        self.architecture = tuple(document["architecture"])
        self.t = document["t"]
        self.dof = document["dof"]
        self.parameters = [np.asarray(p, dtype=np.float64) for p in document["parameters"]]
        self.preprocessing = document.get("preprocessing")
        self.nuisances = document.get("nuisances")

    def log_ratio(self, x, fit=0):
        """The learned f at every event of ``x`` (an array of shape (N,) or (N, d) in the features
        the model was fitted on; its preprocessing is applied), evaluated in double precision by
        nplm's reference network. NPLM fits: f is the learned log(n(x|1)/n(x|R0)) (without
        nuisances). Two-sample models: ``fit`` 0 is f, 1 is g of the symmetrized test.
        Returns a float64 array of N values."""
        return _evaluate(self._text, int(fit), x)

    def __repr__(self):
        return f"<nplm.Model {self.test} {','.join(map(str, self.architecture))} t={self.t:.6g} dof={self.dof}>"


class KernelModel:
    """A kernel-model fit, as ``nplm fit --model kernel --save-model`` writes it (``nplm.load_model``
    reads one; ``KernelFitResult.model``).

    Attributes: ``widths`` (σ, in the features the fit saw), ``t`` (t per width as the fit computed
    it), ``centres`` (shape (M, d), after the preprocessing), ``centre_indices`` (among the fit's
    pooled events, reference first), ``coefficients`` (shape (widths, M)), ``jitter`` (ε per width),
    ``options`` (λ, precision, Newton and CG settings), ``normalisation``, ``expected_events``,
    ``preprocessing`` (dict or None), ``document`` (the whole model as a dict).
    """

    def __init__(self, document):
        self.document = document
        self._text = encode_document(document)
        self.widths = _array(document["widths"])
        self.t = _array(document["t"])
        self.dimension = document["dimension"]
        self.centres = np.asarray(document["centres"], dtype=np.float32).reshape(-1, self.dimension)
        self.centre_indices = np.asarray(document["centreIndices"], dtype=np.int64)
        self.coefficients = _array(document["coefficients"])
        self.jitter = _array(document["jitter"])
        self.options = document["options"]
        self.normalisation = document["normalisation"]
        self.expected_events = document.get("expectedEvents")
        self.preprocessing = document.get("preprocessing")

    def log_ratio(self, x, width=0):
        """f(x) = Σ_m c_m exp(−‖x − x̃_m‖² / 2σ²) of width number ``width`` (an index into
        ``widths``) at every event of ``x`` (shape (N,) or (N, d), in the features the model was
        fitted on: its preprocessing is applied), every kernel value in double precision.
        Returns a float64 array of N values."""
        return _evaluate(self._text, int(width), x)

    def __repr__(self):
        return f"<nplm.KernelModel widths={self.widths.tolist()} t={self.t.tolist()} M={len(self.centres)}>"


def model_of(document):
    """The model of a document of nplm_load_model or nplm_fit: a ``KernelModel`` or a ``Model``."""
    if document.get("format") == "nplm-kernel-model":
        return KernelModel(document)
    return Model(document)


class FitResult:
    """The result of ``nplm.fit``: the NPLM test of data against a reference.

    Attributes
    ----------
    t, dof, p, Z : the test statistic t = −2 min L, the degrees of freedom of its asymptotic χ²,
        the p-value P(χ²_dof ≥ t) and the significance Z = Φ⁻¹(1 − p) (``z`` is the same).
    diverged, diverged_at_epoch : whether the loss became non-finite, and at which epoch.
    history_epochs, loss_history : the loss every ``history_every`` epochs (NumPy arrays).
    parameters, initial_parameters : the network's final and initial parameters (NumPy arrays;
        with nuisances, those of the τ fit then the Δ fit, network and ν, as in the record).
    backend : the engine that trained, as ``nplm fit`` prints it ("cpu (AVX2, 2 threads)", …).
    notices : the lines nplm printed while fitting (which backend ``auto`` chose, …).
    record : the result as ``nplm fit --output`` writes it (a dict).
    model : the trained model (``nplm.Model``, what ``--save-model`` writes), None if it diverged.
    nuisances : with ``nuisances=``: τ, Δ, the fitted ν of both fits and their pulls (a dict).
    """

    def __init__(self, response, notices):
        record = response["record"]
        self.record = record
        self.t = record["t"]
        self.dof = record["dof"]
        self.p = record["p"]
        self.Z = record.get("z", math.nan)
        self.diverged = record["diverged"]
        self.diverged_at_epoch = record.get("divergedAtEpoch")
        self.epochs = record["epochs"]
        self.seed = record.get("seed")
        self.data_events = record.get("dataEvents")
        self.reference_events = record.get("referenceEvents")
        self.history_epochs = _array([h["epoch"] for h in record["history"]], np.int64)
        self.loss_history = _array([h["loss"] for h in record["history"]])
        self.parameters = _array(record["finalParameters"])
        self.initial_parameters = _array(record["initialParameters"])
        self.preprocessing = record.get("preprocessing")
        self.nuisances = record.get("nuisances")
        self.backend = response["backend"]
        self.notices = list(notices)
        self.model = model_of(response["model"]) if response.get("model") else None

    @property
    def z(self):
        return self.Z

    def log_ratio(self, x):
        """The learned log-ratio f(x) = log n(x|1)/n(x|R0) at every event of ``x`` (shape (N,) or
        (N, d), in the features of the samples given to fit; the fit's preprocessing is applied).
        Returns a float64 array of N values. Raises NPLMError when the fit diverged."""
        if self.model is None:
            raise NPLMError("the fit diverged, so there is no log-ratio to evaluate")
        return self.model.log_ratio(x)

    def __repr__(self):
        return (f"<nplm.FitResult t={self.t:.6g} dof={self.dof} p={self.p:.6g} Z={self.Z:.6g}"
                f"{' diverged' if self.diverged else ''} backend={self.backend!r}>")


class SampleFitResult(FitResult):
    """One sample's result of ``nplm.fit_many``: the attributes of ``FitResult`` (equal to those of
    ``nplm.fit`` on that sample alone), and

    Attributes
    ----------
    sample : the sample's name: its file, "file.h5:/group/name", or "samples[k]" for an array.
    empirical_p, empirical_Z : with ``null``: (1 + #{t_null ≥ t}) / (1 + N_null) and Φ⁻¹(1 − p); else None.
    null_at_least, null_toys : #{t_null ≥ t} and N_null (None without ``null``).
    is_bound : t is above every null toy: ``empirical_p`` is an upper bound (None without ``null``).
    null_campaign : the null campaign's hash (None without ``null``).
    record : the line ``nplm fit --output`` writes for the sample (the fit's record with "sample"
        and "null").
    """

    def __init__(self, item, response, notices):
        super().__init__({"record": item["record"], "model": item.get("model"), "backend": response["backend"]}, notices)
        self.sample = self.record["sample"]
        null = self.record.get("null")
        self.empirical_p = null["p"] if null else None
        self.empirical_Z = null["z"] if null else None
        self.null_at_least = null["atLeast"] if null else None
        self.null_toys = null["toys"] if null else None
        self.is_bound = null["isBound"] if null else None
        self.null_campaign = null["campaign"] if null else None

    def __repr__(self):
        empirical = "" if self.empirical_p is None else f" empirical_p={self.empirical_p:.6g} empirical_Z={self.empirical_Z:.6g}"
        return (f"<nplm.SampleFitResult {self.sample!r} t={self.t:.6g} dof={self.dof} p={self.p:.6g} Z={self.Z:.6g}"
                f"{empirical}{' diverged' if self.diverged else ''}>")


class KernelFitResult(FitResult):
    """The result of ``nplm.fit(..., model="kernel")``: every width's test.

    Attributes as ``FitResult`` (``t`` is the first width's, ``dof`` 0 and ``p`` NaN: the kernel t
    has no asymptotic χ²), and ``widths``, ``t_widths`` (t per width), ``empirical_p`` and
    ``empirical_Z`` (per width, with ``null=``; else None), ``centres`` (the M Nyström centres,
    shape (M, d), in the features the fit saw: after ``preprocess``), ``coefficients`` (shape
    (widths, M)), ``cg`` (the conjugate-gradient traces), ``kernel`` (the record's kernel part, a
    dict), ``model`` (the ``KernelModel`` that ``save_model`` writes; None if a width diverged).
    """

    def __init__(self, response, notices):
        super().__init__(response, notices)
        kernel = self.record["kernel"]
        function = response["kernel"]
        self.kernel = kernel
        self.widths = _array(kernel["widths"])
        self.t_widths = _array(kernel["t"])
        self.cg = kernel["cg"]
        self.empirical_p = _array(kernel["empiricalP"]) if kernel.get("empiricalP") is not None else None
        self.empirical_Z = _array(response["empiricalZ"]) if response.get("empiricalZ") is not None else None
        d = function["dimension"]
        centres = np.asarray(function["centres"], dtype=np.float32).reshape(d, -1)
        self.centres = np.ascontiguousarray(centres.T)
        self.coefficients = _array(function["coefficients"])
        self.Z = math.nan

    def log_ratio(self, x, width=0):
        """f(x) = Σ_m c_m exp(−‖x − x̃_m‖² / 2σ²) of width number ``width`` (an index into
        ``widths``) at every event of ``x`` (shape (N,) or (N, d), in the features of the samples
        given to fit: the fit's preprocessing is applied). Returns N float64 values."""
        if self.model is not None:
            return self.model.log_ratio(x, width)
        if self.preprocessing is not None:
            raise NPLMError("a width's fit diverged, so there is no model to evaluate")
        descriptor, keep = sample(x, "x")
        centres, centres_keep = sample(self.centres if self.centres.shape[1] > 1 else self.centres[:, 0], "centres")
        coefficients = np.ascontiguousarray(self.coefficients[int(width)], dtype=np.float64)
        out = np.empty(descriptor.rows, dtype=np.float64)
        call_into("nplm_kernel_log_ratio", ctypes.byref(centres), coefficients.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                  float(self.widths[int(width)]), ctypes.byref(descriptor), out.ctypes.data_as(ctypes.POINTER(ctypes.c_double)))
        del keep, centres_keep
        return out

    def __repr__(self):
        return f"<nplm.KernelFitResult widths={self.widths.tolist()} t={self.t_widths.tolist()} backend={self.backend!r}>"


class TwoSampleResult:
    """The result of ``nplm.two_sample``.

    Attributes
    ----------
    t, dof, p, Z : the symmetrized t_{A+B} = t_f + t_g (or the cross-entropy t^δ), dof = P − 1,
        its asymptotic p-value and significance (``z`` is the same).
    statistic : "symmetrized" or "crossentropy".
    components : t of each fit (t_f, t_g for the symmetrized test), a NumPy array.
    fits : the records of the fits (dicts, as in ``record["fits"]``).
    diverged, a_events, b_events, seed, epochs, backend, notices : as their names say.
    nplm : with ``also_nplm=True``: the NPLM statistic t_B(A), a dict record (``t``, ``p``, ``z``…).
    record : the result as ``nplm fit --a --b --output`` writes it; model : the ``nplm.Model``.
    """

    def __init__(self, response, notices):
        record = response["record"]
        self.record = record
        self.t = record["t"]
        self.dof = record["dof"]
        self.p = record["p"]
        self.Z = record["z"]
        self.statistic = record["statistic"]
        self.diverged = record["diverged"]
        self.a_events = record["aEvents"]
        self.b_events = record["bEvents"]
        self.seed = record["seed"]
        self.epochs = record["epochs"]
        self.fits = record["fits"]
        self.components = _array([f["t"] for f in record["fits"]])
        self.nplm = response.get("nplm")
        self.backend = response["backend"]
        self.notices = list(notices)
        self.model = model_of(response["model"]) if response.get("model") else None

    @property
    def z(self):
        return self.Z

    def log_ratio(self, x, fit=0):
        """The learned function of fit ``fit`` (0: f, 1: g of the symmetrized test; 0: the
        cross-entropy fit) at every event of ``x``. Returns N float64 values."""
        if self.model is None:
            raise NPLMError("a fit of the test diverged, so there is no model to evaluate")
        return self.model.log_ratio(x, fit=fit)

    def __repr__(self):
        return f"<nplm.TwoSampleResult {self.statistic} t={self.t:.6g} dof={self.dof} p={self.p:.6g} Z={self.Z:.6g}>"


class PermutationResult:
    """The result of ``nplm.permute``.

    Attributes
    ----------
    t (also ``observed_t``) : the observed labelling's t.
    permutation_t : t of every relabelling, in order (a NumPy array; +inf for a diverged fit).
    p, Z : the empirical p-value (1 + #{t_perm ≥ t}) / (1 + K) and its significance.
    is_bound : t is above every permutation: p is then an upper bound and Z a lower bound;
        ``max_Z`` is the largest Z that K permutations can show.
    asymptotic_p, dof : the χ²_dof p-value of the observed t.
    at_least_observed, diverged_permutations, backend, notices, record : as their names say.
    """

    def __init__(self, response, notices):
        record = response["record"]
        self.record = record
        self.t = self.observed_t = record["observedT"]
        self.permutation_t = _array(record["permutationT"])
        self.p = record["p"]
        self.Z = record["z"]
        self.max_Z = record["maxZ"]
        self.dof = record["dof"]
        self.asymptotic_p = record["asymptoticP"]
        self.at_least_observed = record["atLeastObserved"]
        self.diverged_permutations = record["divergedPermutations"]
        self.statistic = record["statistic"]
        self.permutations = record["permutations"]
        self.is_bound = response["isBound"]
        self.backend = response["backend"]
        self.notices = list(notices)

    @property
    def z(self):
        return self.Z

    def __repr__(self):
        bound = " (bound)" if self.is_bound else ""
        return f"<nplm.PermutationResult t={self.t:.6g} p={self.p:.6g}{bound} Z={self.Z:.6g}{bound} K={self.permutations}>"


def _column(records, get, dtype=np.float64, missing=math.nan):
    values = [get(r) for r in records]
    if dtype is not np.float64 and all(v is not None for v in values):
        return np.asarray(values, dtype=dtype)
    return np.asarray([missing if v is None else v for v in values], dtype=np.float64)


def _matrix(rows):
    """Rows of possibly different lengths as a 2-D float array, NaN-padded."""
    width = max((len(r) for r in rows), default=0)
    out = np.full((len(rows), width), math.nan)
    for i, row in enumerate(rows):
        out[i, :len(row)] = row
    return out


class Campaign:
    """The toys of a campaign file (``nplm.read_campaign``) or of a run (``nplm.toys``), in the
    file's order (``toys`` returns them in toy order).

    Per-toy NumPy arrays: ``toy``, ``t``, ``p``, ``dof``, ``diverged``, ``diverged_at_epoch``
    (NaN where the fit did not diverge), ``data_events``, ``reference_events``,
    ``background_events``, ``signal_events``, ``a_events``, ``b_events`` (NaN where a record has no
    such field), ``components`` (toys × fits: t_f, t_g of the symmetric preset), ``final_parameters``
    and ``initial_parameters`` (toys × P), ``loss_history`` (toys × checkpoints, at the epochs of
    ``history_epochs``). Kernel campaigns: ``widths`` and ``kernel_t`` (toys × widths). Campaigns with
    nuisances: ``tau``, ``delta``, ``tau_nuisances``, ``delta_nuisances``, ``tau_pulls``,
    ``delta_pulls``, ``central`` (toys × nuisances), ``nuisance_names``.

    Also ``hash`` (the configuration hash every line carries), ``configuration`` (a dict),
    ``shards`` (the shards that wrote the records), ``records`` (the records as dicts) and, for a
    run, ``summary`` (what ``nplm toys`` prints at the end).
    """

    def __init__(self, records, summary=None):
        self.records = records
        self.summary = summary
        self.hash = records[0].get("campaign") if records else None
        self.configuration = records[0].get("configuration") if records else None
        self.shards = sorted({r.get("shard") for r in records if r.get("shard")})
        self.toy = _column(records, lambda r: r.get("toy"), np.int64)
        self.t = _column(records, lambda r: r["t"])
        self.p = _column(records, lambda r: r["p"])
        self.dof = _column(records, lambda r: r["dof"], np.int64)
        self.diverged = np.asarray([r["diverged"] for r in records], dtype=bool)
        self.diverged_at_epoch = _column(records, lambda r: r.get("divergedAtEpoch"))
        self.epochs = _column(records, lambda r: r["epochs"], np.int64)
        self.seed = _column(records, lambda r: r.get("seed"), np.uint64)
        for name, key in [("data_events", "dataEvents"), ("reference_events", "referenceEvents"),
                          ("background_events", "backgroundEvents"), ("signal_events", "signalEvents"),
                          ("a_events", "aEvents"), ("b_events", "bEvents")]:
            setattr(self, name, _column(records, lambda r, key=key: r.get(key), np.int64))
        self.components = _matrix([r.get("components") or [] for r in records])
        self.final_parameters = _matrix([r["finalParameters"] for r in records])
        self.initial_parameters = _matrix([r["initialParameters"] for r in records])
        epochs = max((r["history"] for r in records), key=len, default=[])
        self.history_epochs = np.asarray([h["epoch"] for h in epochs], dtype=np.int64)
        self.loss_history = _matrix([[h["loss"] for h in r["history"]] for r in records])
        kernels = [r.get("kernel") for r in records]
        self.widths = _array(kernels[0]["widths"]) if kernels and kernels[0] else None
        self.kernel_t = _matrix([k["t"] for k in kernels]) if kernels and all(kernels) else None
        nuisances = [r.get("nuisances") for r in records]
        self.nuisance_names = nuisances[0]["names"] if nuisances and nuisances[0] else None
        if nuisances and all(nuisances):
            self.tau = _array([n["tau"] for n in nuisances])
            self.delta = _array([n["delta"] for n in nuisances])
            for name, key in [("tau_nuisances", "tauNuisances"), ("delta_nuisances", "deltaNuisances"),
                              ("tau_pulls", "tauPulls"), ("delta_pulls", "deltaPulls"), ("central", "central")]:
                setattr(self, name, _matrix([n[key] for n in nuisances]))
        else:
            self.tau = self.delta = None
            self.tau_nuisances = self.delta_nuisances = self.tau_pulls = self.delta_pulls = self.central = None

    def __len__(self):
        return len(self.records)

    def __repr__(self):
        return f"<nplm.Campaign {self.hash} toys={len(self)} diverged={int(self.diverged.sum())}>"


class Report(dict):
    """``nplm report --json`` as a dict; ``text`` (and ``str()``) is what ``nplm report`` prints,
    ``kind`` is "network", "kernel" or "nuisances"."""

    def __init__(self, report, text, kind):
        super().__init__(report)
        self.text = text
        self.kind = kind

    def __str__(self):
        return self.text


class Calibration(dict):
    """``nplm calibrate --json`` as a dict (``chosen``: the selected W, ``rows``, ``window``, …);
    ``text`` (and ``str()``) is the table ``nplm calibrate`` prints."""

    def __init__(self, result, text, notices):
        super().__init__(result)
        self.text = text
        self.notices = list(notices)

    @property
    def chosen(self):
        return self["chosen"]

    def __str__(self):
        return self.text


class Device:
    """An OpenCL device as ``nplm devices`` lists it: ``index`` (what ``device=`` takes),
    ``name``, ``kind`` ("cpu", "gpu", …), ``platform``, memory sizes in bytes, ``fp64``,
    ``layout`` (the kernel layout nplm would use), and ``str()`` the lines ``nplm devices`` prints."""

    def __init__(self, document):
        self.document = document
        self.index = document["index"]
        self.name = document["name"]
        self.kind = document["kind"]
        self.platform = document["platform"]
        self.platform_version = document["platformVersion"]
        self.vendor = document["vendor"]
        self.version = document["version"]
        self.driver_version = document["driverVersion"]
        self.compute_units = document["computeUnits"]
        self.max_work_group_size = document["maxWorkGroupSize"]
        self.max_work_item_sizes = tuple(document["maxWorkItemSizes"])
        self.global_memory = document["globalMemory"]
        self.max_allocation = document["maxAllocation"]
        self.local_memory = document["localMemory"]
        self.fp64 = document["fp64"]
        self.preferred_float_width = document["preferredFloatWidth"]
        self.layout = document["layout"]
        self.text = document["text"]

    def __str__(self):
        return self.text

    def __repr__(self):
        return f"<nplm.Device {self.index}: {self.name} [{self.kind}]>"


class Devices(list):
    """The OpenCL devices (``nplm.Device``) in the order ``nplm devices`` lists them;
    ``str()`` is what ``nplm devices`` prints."""

    def __init__(self, devices, text):
        super().__init__(devices)
        self.text = text

    def __str__(self):
        return self.text
