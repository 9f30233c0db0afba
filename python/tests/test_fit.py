"""nplm.fit, two_sample and permute against the command line: the same inputs, options and seeds
give the same records, bit for bit (every number of the --output JSON), on every backend."""
import threading
import time

import numpy as np
import pytest

import nplm
from conftest import read_json, same

BACKENDS = ["reference", "cpu", "opencl"]
EPOCHS = {"reference": 60, "cpu": 300, "opencl": 300}


@pytest.mark.parametrize("backend", BACKENDS)
def test_fit_is_the_cli_bit_for_bit(cli, samples, tmp_path, backend):
    files = samples["files"]
    options = dict(epochs=EPOCHS[backend], clip=9.0, history_every=20, seed=3, expected=280.0, backend=backend)
    result = nplm.fit(samples["data"], samples["reference"], **options)
    process = cli("fit", "--data", files["data"], "--reference", files["reference"], "--epochs", EPOCHS[backend],
                  "--clip", 9, "--history-every", 20, "--seed", 3, "--expected", 280, "--backend", backend,
                  "--output", tmp_path / "fit.json")
    record = read_json(tmp_path / "fit.json")
    assert same(result.record, record)
    assert result.t == record["t"] and result.p == record["p"] and result.Z == record["z"]
    assert result.dof == 13 and len(result.loss_history) == EPOCHS[backend] // 20
    np.testing.assert_array_equal(result.parameters, record["finalParameters"])
    # The backend chosen, as the command line prints it.
    assert f"backend: {result.backend}" in process.stdout


@pytest.mark.parametrize("backend", ["cpu", "opencl"])
def test_fit_2d_float32_with_weights_and_preprocessing(cli, samples2d, tmp_path, backend):
    files = samples2d["files"]
    weights = np.full(2000, 0.125)
    np.save(tmp_path / "w.npy", weights)
    result = nplm.fit(samples2d["data"], samples2d["reference"], reference_weights=weights, architecture=(2, 3, 1),
                      epochs=200, preprocess="standardize", backend=backend, save_model=tmp_path / "py-model.json")
    cli("fit", "--data", files["data"], "--reference", files["reference"], "--reference-weights", tmp_path / "w.npy",
        "--architecture", "2,3,1", "--epochs", 200, "--preprocess", "standardize", "--backend", backend,
        "--output", tmp_path / "fit.json", "--save-model", tmp_path / "cli-model.json")
    assert same(result.record, read_json(tmp_path / "fit.json"))
    # The model file is written byte for byte as the command line writes it.
    assert (tmp_path / "py-model.json").read_bytes() == (tmp_path / "cli-model.json").read_bytes()
    assert result.model.document == read_json(tmp_path / "cli-model.json")


def test_arrays_and_files_give_the_same_fit(samples, tmp_path):
    """float64, float32, Fortran-order, integer and list inputs, and the files themselves."""
    reference = samples["reference"]
    data32 = samples["data"].astype(np.float32)
    np.save(tmp_path / "d32.npy", data32)
    options = dict(epochs=100, backend="cpu", expected=300)
    base = nplm.fit(data32, reference, **options)
    for data in (data32.astype(np.float64), data32.reshape(-1, 1), np.asfortranarray(data32.reshape(-1, 1)),
                 data32.astype(">f4"), list(data32.astype(np.float64)), str(tmp_path / "d32.npy")):
        assert nplm.fit(data, reference, **options).record == base.record
    rounded = np.round(samples["data"] * 4).astype(np.int64)
    assert nplm.fit(rounded, reference, **options).record == nplm.fit(rounded.astype(np.float64), reference, **options).record


def test_samples_are_passed_without_a_copy():
    from nplm._samples import as_array
    for dtype in (np.float32, np.float64):
        array = np.zeros((5, 2), dtype=dtype)
        assert as_array(array, "data") is array
        assert as_array(array[:, 0], "data").flags.c_contiguous  # a strided view is converted once
    assert as_array(np.zeros(3, dtype=np.int32), "data").dtype == np.float64
    assert as_array(np.zeros(3, dtype=">f8"), "data").dtype == np.dtype("=f8")


def test_log_ratio_is_the_fitted_function(samples):
    """With the reference engine (double precision) t = -2 L recomputed from log_ratio at the
    events matches the fit's t; log_ratio of the saved model agrees."""
    data, reference = samples["data"], samples["reference"]
    result = nplm.fit(data, reference, expected=280.0, epochs=60, backend="reference", preprocess="mean")
    weight = np.float32(280.0 / reference.size)
    f_data = result.log_ratio(data)
    f_reference = result.log_ratio(reference)
    loss = float(weight) * np.sum(np.expm1(f_reference)) - np.sum(f_data)
    assert -2 * loss == pytest.approx(result.t, rel=1e-9, abs=1e-9)
    grid = np.linspace(0, 5, 11)
    np.testing.assert_array_equal(result.log_ratio(grid), result.model.log_ratio(grid.reshape(-1, 1)))


@pytest.mark.parametrize("backend", BACKENDS)
def test_kernel_fit_is_the_cli(cli, samples, tmp_path, backend):
    files = samples["files"]
    result = nplm.fit(samples["data"], samples["reference"], model="kernel", widths=[0.4, 1.2], expected=280.0,
                      backend=backend, seed=5)
    cli("fit", "--data", files["data"], "--reference", files["reference"], "--model", "kernel", "--widths", "0.4,1.2",
        "--expected", 280, "--backend", backend, "--seed", 5, "--output", tmp_path / "kernel.json")
    assert same(result.record, read_json(tmp_path / "kernel.json"))
    np.testing.assert_array_equal(result.t_widths, result.record["kernel"]["t"])
    assert result.centres.shape == (result.record["kernel"]["centres"], 1)
    f = result.log_ratio(np.linspace(0, 4, 9), width=1)
    assert f.shape == (9,) and np.all(np.isfinite(f))


def test_kernel_model_saved_loaded_and_evaluated(cli, samples, tmp_path):
    """save_model writes the CLI's kernel model file byte for byte (with preprocessing and
    record_centres); load_model reads it; nplm eval of it gives the fit's t."""
    files = samples["files"]
    options = dict(model="kernel", widths=[0.4, 1.2], centres=120, lambda_=1e-8, expected=280.0, backend="cpu", seed=5,
                   preprocess="standardize", record_centres=True)
    result = nplm.fit(samples["data"], samples["reference"], save_model=tmp_path / "py-model.json", **options)
    cli("fit", "--data", files["data"], "--reference", files["reference"], "--model", "kernel", "--widths", "0.4,1.2",
        "--centres", 120, "--lambda", 1e-8, "--expected", 280, "--backend", "cpu", "--seed", 5, "--preprocess", "standardize",
        "--record-centres", "--output", tmp_path / "kernel.json", "--save-model", tmp_path / "cli-model.json")
    assert same(result.record, read_json(tmp_path / "kernel.json"))
    assert (tmp_path / "py-model.json").read_bytes() == (tmp_path / "cli-model.json").read_bytes()
    model = nplm.load_model(tmp_path / "py-model.json")
    assert isinstance(model, nplm.KernelModel) and isinstance(result.model, nplm.KernelModel)
    np.testing.assert_array_equal(model.t, result.t_widths)
    np.testing.assert_array_equal(model.centre_indices, result.record["kernel"]["centreIndices"])
    np.testing.assert_array_equal(model.centres, result.centres)
    assert model.preprocessing == result.record["preprocessing"] and model.preprocessing["method"] == "standardize"
    grid = np.linspace(0, 4, 9)
    np.testing.assert_array_equal(model.log_ratio(grid, 1), result.log_ratio(grid, width=1))
    # t by hand from f at the samples (the preprocessing applied by log_ratio), as eval computes it.
    weight = np.float32(280.0 / samples["reference"].size)
    data32, reference32 = samples["data"].astype(np.float32), samples["reference"].astype(np.float32)
    for width in range(2):
        t = 2 * (np.sum(model.log_ratio(data32, width)) - float(weight) * np.sum(np.expm1(model.log_ratio(reference32, width))))
        assert t == pytest.approx(result.t_widths[width], rel=1e-7)
    cli("eval", "--model", tmp_path / "py-model.json", "--data", files["data"], "--reference", files["reference"],
        "--output", tmp_path / "eval.json")
    evaluation = read_json(tmp_path / "eval.json")
    assert evaluation["kernel"]["t"] == result.t_widths.tolist()


def test_nuisance_fit_is_the_cli(cli, samples, tmp_path):
    files = samples["files"]
    result = nplm.fit(samples["data"], samples["reference"], expected=280.0, epochs=150, backend="cpu",
                      nuisances=["scale", "norm"], nuisance_sigma=[0.1, 0.2], nuisance_central=0.05)
    cli("fit", "--data", files["data"], "--reference", files["reference"], "--expected", 280, "--epochs", 150,
        "--backend", "cpu", "--nuisances", "scale,norm", "--nuisance-sigma", "0.1,0.2", "--nuisance-central", "0.05",
        "--output", tmp_path / "nuisance.json")
    assert same(result.record, read_json(tmp_path / "nuisance.json"))
    assert result.nuisances["names"] == ["scale", "norm"]
    assert result.t == pytest.approx(result.nuisances["tau"] - result.nuisances["delta"])


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_sample_is_the_cli(cli, samples, tmp_path, backend):
    files = samples["files"]
    a, b = samples["data"], samples["reference"][:400]
    np.save(tmp_path / "b.npy", b)
    epochs = EPOCHS[backend]
    result = nplm.two_sample(a, b, epochs=epochs, backend=backend, also_nplm=True, seed=2)
    cli("fit", "--a", files["data"], "--b", tmp_path / "b.npy", "--epochs", epochs, "--backend", backend, "--also-nplm",
        "--seed", 2, "--output", tmp_path / "two.json")
    assert same(result.record, read_json(tmp_path / "two.json"))
    assert result.t == pytest.approx(result.components.sum())
    cross = nplm.two_sample(a, b, statistic="crossentropy", epochs=epochs, backend=backend)
    cli("fit", "--a", files["data"], "--b", tmp_path / "b.npy", "--statistic", "crossentropy", "--epochs", epochs,
        "--backend", backend, "--output", tmp_path / "cross.json")
    assert same(cross.record, read_json(tmp_path / "cross.json"))


def test_permute_is_the_cli(cli, samples, tmp_path):
    files = samples["files"]
    b = samples["reference"][:400]
    np.save(tmp_path / "b.npy", b)
    result = nplm.permute(samples["data"], b, 4, epochs=100, backend="cpu", batch=3)
    cli("permute", "--a", files["data"], "--b", tmp_path / "b.npy", "--permutations", 4, "--epochs", 100,
        "--backend", "cpu", "--output", tmp_path / "permute.json")
    record = read_json(tmp_path / "permute.json")
    assert same(result.record, record)
    assert result.t == nplm.two_sample(samples["data"], b, epochs=100, backend="cpu").t
    assert len(result.permutation_t) == 4


def test_training_releases_the_interpreter_lock():
    """Another Python thread keeps running while nplm trains: the main thread ticks all through
    the call (with the lock held it could not run at all until the call returned)."""
    rng = np.random.default_rng(3)
    reference, data = rng.exponential(size=20000), rng.exponential(size=2000)
    span = {}
    ticks = []

    def train():
        span["start"] = time.monotonic()
        nplm.fit(data, reference, epochs=6000, backend="cpu", threads=1)
        span["end"] = time.monotonic()

    worker = threading.Thread(target=train)
    worker.start()
    while worker.is_alive():
        ticks.append(time.monotonic())
        time.sleep(0.002)
    worker.join()
    # Inside the call, leaving 10 ms at each end for the Python code around it.
    start, end = span["start"] + 0.01, span["end"] - 0.01
    assert end - start > 0.1, f"the fit took {span['end'] - span['start']:.3f} s: too quick to tell"
    inside = [t for t in ticks if start < t < end]
    assert len(inside) >= 10, f"{len(inside)} ticks of the main thread during {end - start:.3f} s of training"
