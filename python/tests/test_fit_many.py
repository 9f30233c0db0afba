"""nplm.fit_many (data-quality monitoring): several data samples in one batched launch, each
result equal to nplm.fit of that sample alone bit for bit; the command line's JSON Lines byte for
byte; HDF5 groups as samples; empirical p-values from a null campaign; bad inputs raise."""
import numpy as np
import pytest

import nplm
from conftest import error_line, same


def batches(samples):
    """Three batches of detector data: the fixture's data, a stretched part of it, a float32 one."""
    rng = np.random.default_rng(5)
    return [samples["data"], samples["data"][:200] * 1.1, rng.exponential(size=250).astype(np.float32)]


def without_sample_keys(record):
    return {k: v for k, v in record.items() if k not in ("sample", "null")}


@pytest.mark.parametrize("backend", ["reference", "cpu", "opencl"])
def test_fit_many_is_fit_of_each_sample_bit_for_bit(samples, backend):
    options = dict(expected=280.0, epochs=60 if backend == "reference" else 300, clip=9.0, seed=3, history_every=20,
                   backend=backend)
    data = batches(samples)
    results = nplm.fit_many(data, samples["reference"], **options)
    assert len(results) == 3
    for k, (batch, result) in enumerate(zip(data, results)):
        single = nplm.fit(batch, samples["reference"], **options)
        assert result.sample == f"samples[{k}]"
        assert same(without_sample_keys(result.record), single.record)
        assert result.t == single.t and result.p == single.p and result.Z == single.Z
        np.testing.assert_array_equal(result.parameters, single.parameters)
        assert result.model.document == single.model.document
        assert result.empirical_p is None and result.backend == single.backend
    # Reference weights instead of N(R0).
    weighted = nplm.fit_many(data[:2], samples["reference"], reference_weights=samples["weights"], epochs=40,
                             backend=backend)
    for batch, result in zip(data, weighted):
        single = nplm.fit(batch, samples["reference"], reference_weights=samples["weights"], epochs=40, backend=backend)
        assert same(without_sample_keys(result.record), single.record)


def test_fit_many_writes_the_lines_of_the_command_line(cli, samples, tmp_path):
    files = []
    for k, batch in enumerate(batches(samples)):
        files.append(tmp_path / f"b{k}.npy")
        np.save(files[-1], batch)
    options = dict(expected=280.0, epochs=100, clip=9.0, backend="cpu")
    results = nplm.fit_many(files, samples["files"]["reference"], output=tmp_path / "py.jsonl", **options)
    words = [w for f in files for w in ("--data", f)]
    process = cli("fit", *words, "--reference", samples["files"]["reference"], "--expected", 280, "--epochs", 100,
                  "--clip", 9, "--backend", "cpu", "--output", tmp_path / "cli.jsonl")
    assert (tmp_path / "py.jsonl").read_bytes() == (tmp_path / "cli.jsonl").read_bytes()
    assert [r.sample for r in results] == [str(f) for f in files]
    assert all(f"{f}: t = " in process.stdout for f in files)


def test_an_hdf5_group_is_its_datasets(samples, tmp_path):
    h5py = pytest.importorskip("h5py")
    data = batches(samples)
    with h5py.File(tmp_path / "runs.h5", "w") as f:
        for k, batch in enumerate(data):
            f.create_dataset(f"batches/b{k:02d}", data=batch, compression="gzip")
        f.create_group("batches/calibration")  # not a sample
        f.create_dataset("sm/reference", data=samples["reference"])
    options = dict(expected=280.0, epochs=80, clip=9.0, backend="cpu")
    group = nplm.fit_many(f"{tmp_path}/runs.h5:/batches", f"{tmp_path}/runs.h5:/sm/reference", **options)
    arrays = nplm.fit_many(data, samples["reference"], **options)
    assert [r.sample for r in group] == [f"{tmp_path}/runs.h5:/batches/b{k:02d}" for k in range(3)]
    for from_group, from_array in zip(group, arrays):
        assert same(without_sample_keys(from_group.record), without_sample_keys(from_array.record))


def test_a_null_campaign_gives_empirical_p_values(samples, tmp_path):
    training = dict(epochs=60, clip=9.0, backend="cpu", seed=2)
    nplm.toys(15, expected=280.0, reference_size=3000, history_every=20, output=tmp_path / "null.jsonl", **training)
    null_t = nplm.read_campaign(tmp_path / "null.jsonl").t
    results = nplm.fit_many(batches(samples), samples["reference"], expected=280.0, null=tmp_path / "null.jsonl", **training)
    for result in results:
        at_least = int(np.sum(null_t >= result.t))
        assert result.null_at_least == at_least and result.null_toys == 15
        assert result.empirical_p == (1 + at_least) / 16
        assert result.is_bound == (at_least == 0)
        assert result.empirical_Z is not None
    # nplm.fit with a null campaign is fit_many of the one sample.
    single = nplm.fit(batches(samples)[0], samples["reference"], expected=280.0, null=tmp_path / "null.jsonl", **training)
    assert isinstance(single, nplm.SampleFitResult)
    assert same(single.record, {**results[0].record, "sample": "samples[0]"})
    # A null campaign of another set-up is refused, saying what differs.
    with pytest.raises(nplm.NPLMError, match=r"null.jsonl: is not a null campaign of this fit: it differs in training \(epochs 60, not 70\)"):
        nplm.fit_many(batches(samples), samples["reference"], expected=280.0, null=tmp_path / "null.jsonl",
                      **{**training, "epochs": 70})


def test_bad_inputs_raise(cli, samples, tmp_path):
    data, reference = batches(samples), samples["reference"]
    with pytest.raises(nplm.NPLMError, match=r"^3 data samples need --expected or --reference-weights"):
        nplm.fit_many(data, reference, epochs=5)
    with pytest.raises(nplm.NPLMError, match=r"^--null needs --expected or --reference-weights"):
        nplm.fit_many(data[:1], reference, epochs=5, null=tmp_path / "none.jsonl")
    with pytest.raises(nplm.NPLMError, match=r"^samples\[1\]: has 2 feature\(s\) per event but samples\[0\] has 1"):
        nplm.fit_many([data[0], np.zeros((10, 2))], reference, expected=10.0, epochs=5)
    nan = data[1].copy()
    nan[3] = np.nan
    with pytest.raises(nplm.NPLMError, match=r"^samples\[1\]: entry \[3\] is NaN"):
        nplm.fit_many([data[0], nan], reference, expected=10.0, epochs=5)
    with pytest.raises(nplm.NPLMError, match=r"^samples: no data sample given"):
        nplm.fit_many([], reference, expected=10.0, epochs=5)
    with pytest.raises(nplm.NPLMError, match=r"^--save-model saves the model of one fit"):
        nplm.fit_many(data, reference, expected=10.0, epochs=5, save_model=tmp_path / "m.json")
    with pytest.raises(TypeError, match="samples must be a sequence"):
        nplm.fit_many(data[0], reference, expected=10.0, epochs=5)
    # A file among the samples: the command line's message.
    np.save(tmp_path / "wide.npy", np.zeros((4, 2)))
    np.save(tmp_path / "ok.npy", data[0])
    with pytest.raises(nplm.NPLMError) as raised:
        nplm.fit_many([tmp_path / "ok.npy", tmp_path / "wide.npy"], reference, expected=10.0, epochs=5)
    line = error_line(cli("fit", "--data", tmp_path / "ok.npy", "--data", tmp_path / "wide.npy", "--reference",
                          samples["files"]["reference"], "--expected", 10, "--epochs", 5, check=False))
    assert str(raised.value) == line
