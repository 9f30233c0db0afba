"""Campaigns: nplm.toys writes the command line's files (the same bytes), which resume from the
command line and back, shard and merge; read_campaign, report and calibrate read them as the
command line does."""
import numpy as np
import pytest

import nplm
from conftest import read_json, same

# Tiny toys: N(R0) 100, N_R 1000, few epochs.
SMALL = dict(expected=100.0, reference_size=1000, epochs=80, batch=3, backend="cpu", seed=4, signal="NP3",
             signal_events=30.0, history_every=40)
SMALL_CLI = ["--expected", 100, "--reference-size", 1000, "--epochs", 80, "--batch", 3, "--backend", "cpu", "--seed", 4,
             "--signal", "NP3", "--signal-events", 30, "--history-every", 40]


def test_python_campaign_resumes_from_the_cli_and_back(cli, tmp_path):
    mixed, single = tmp_path / "mixed.jsonl", tmp_path / "single.jsonl"
    first = nplm.toys(4, output=mixed, **SMALL)
    assert list(first.toy) == [0, 1, 2, 3]
    # The command line resumes the file: toys 4..7 only.
    process = cli("toys", "--toys", 8, "--output", mixed, *SMALL_CLI)
    assert "4 of the shard's 8 toys are already done" in process.stderr
    # And Python resumes the command line's file: toys 8..9 only.
    last = nplm.toys(10, output=mixed, **SMALL)
    assert any("8 of the shard's 10 toys are already done" in notice for notice in last.notices)
    assert list(last.toy) == list(range(10))
    # The file is byte for byte the one a single command-line run writes.
    process = cli("toys", "--toys", 10, "--output", single, *SMALL_CLI)
    assert mixed.read_bytes() == single.read_bytes()
    assert last.hash == read_json_lines(single)[0]["campaign"]
    # The summary nplm toys prints.
    assert process.stdout == f"campaign {last.hash}, shard {last.shard}\n{last.summary}\n"


def read_json_lines(path):
    from nplm._library import decode
    return [decode(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize("backend", ["reference", "cpu", "opencl"])
def test_toys_write_the_cli_file_on_every_backend(cli, tmp_path, backend):
    options = dict(SMALL, backend=backend, epochs=30)
    words = [*SMALL_CLI[:SMALL_CLI.index("--epochs")], "--epochs", 30, "--batch", 3, "--backend", backend,
             *SMALL_CLI[SMALL_CLI.index("--seed"):]]
    campaign = nplm.toys(3, output=tmp_path / "python.jsonl", **options)
    cli("toys", "--toys", 3, "--output", tmp_path / "cli.jsonl", *words)
    assert (tmp_path / "python.jsonl").read_bytes() == (tmp_path / "cli.jsonl").read_bytes()
    np.testing.assert_array_equal(campaign.t, nplm.read_campaign(tmp_path / "cli.jsonl").t)


def test_shards_from_python_and_the_cli_merge_into_the_single_run(cli, tmp_path):
    cli("toys", "--toys", 6, "--shard", "1/2", "--output", tmp_path / "shard1.jsonl", *SMALL_CLI)
    nplm.toys(6, shard=(0, 2), output=tmp_path / "shard0.jsonl", **SMALL)
    cli("merge", tmp_path / "shard0.jsonl", tmp_path / "shard1.jsonl", "--output", tmp_path / "merged.jsonl")
    single = nplm.toys(6, output=tmp_path / "single.jsonl", **SMALL)
    assert (tmp_path / "merged.jsonl").read_bytes() == (tmp_path / "single.jsonl").read_bytes()
    campaign = nplm.read_campaign(tmp_path / "merged.jsonl")
    np.testing.assert_array_equal(campaign.t, single.t)
    np.testing.assert_array_equal(campaign.toy, np.arange(6))


def test_a_rerun_with_other_options_is_refused(cli, tmp_path):
    path = tmp_path / "campaign.jsonl"
    nplm.toys(2, output=path, **SMALL)
    other = dict(SMALL, expected=101.0)
    with pytest.raises(nplm.NPLMError) as python_error:
        nplm.toys(3, output=path, **other)
    process = cli("toys", "--toys", 3, "--output", path, *SMALL_CLI[:1], 101, *SMALL_CLI[2:], check=False)
    assert process.returncode != 0
    assert f"Error: {python_error.value}" in process.stderr


def test_read_campaign_gives_arrays_of_the_records(cli, tmp_path):
    path = tmp_path / "campaign.jsonl"
    cli("toys", "--toys", 5, "--output", path, *SMALL_CLI)
    campaign = nplm.read_campaign(path)
    records = read_json_lines(path)
    assert len(campaign) == 5 and campaign.hash == records[0]["campaign"]
    np.testing.assert_array_equal(campaign.t, [r["t"] for r in records])
    np.testing.assert_array_equal(campaign.p, [r["p"] for r in records])
    np.testing.assert_array_equal(campaign.signal_events, [r["signalEvents"] for r in records])
    np.testing.assert_array_equal(campaign.history_epochs, [40, 80])
    assert campaign.loss_history.shape == (5, 2) and campaign.final_parameters.shape == (5, 13)
    assert campaign.configuration["benchmark"]["signal"] == "NP3"


def test_report_is_the_cli_report(cli, tmp_path):
    signal, null = tmp_path / "signal.jsonl", tmp_path / "null.jsonl"
    nplm.toys(6, output=signal, **SMALL)
    nplm.toys(6, output=null, **dict(SMALL, signal="none", signal_events=None))
    report = nplm.report(signal, null=null)
    process = cli("report", signal, "--null", null, "--json")
    from nplm._library import decode
    assert same(dict(report), decode(process.stdout))
    assert str(report) + "\n" == cli("report", signal, "--null", null).stdout
    assert report.kind == "network" and report["toys"] == 6


def test_kernel_and_nuisance_campaigns(cli, tmp_path):
    kernel = tmp_path / "kernel.jsonl"
    options = dict(expected=100.0, reference_size=1000, backend="cpu", model="kernel", widths=[0.3, 0.8])
    campaign = nplm.toys(3, output=kernel, **options)
    cli("toys", "--toys", 4, "--output", kernel, "--expected", 100, "--reference-size", 1000, "--backend", "cpu",
        "--model", "kernel", "--widths", "0.3,0.8")
    assert campaign.kernel_t.shape == (3, 2)
    assert nplm.read_campaign(kernel).kernel_t.shape == (4, 2)
    assert nplm.report(kernel).kind == "kernel"
    nuisance = tmp_path / "nuisance.jsonl"
    campaign = nplm.toys(2, output=nuisance, nuisances="scale,norm", nuisance_truth=[1, 0], **SMALL)
    cli("toys", "--toys", 3, "--output", nuisance, "--nuisances", "scale,norm", "--nuisance-truth", "1,0", *SMALL_CLI)
    read = nplm.read_campaign(nuisance)
    np.testing.assert_array_equal(read.tau[:2], campaign.tau)
    assert read.tau_pulls.shape == (3, 2) and read.nuisance_names == ["scale", "norm"]
    assert nplm.report(nuisance).kind == "nuisances"


def test_symmetric_and_gauss_presets_hash_as_the_cli(cli, tmp_path):
    symmetric = tmp_path / "symmetric.jsonl"
    nplm.toys(2, preset="symmetric", size_a=100, size_b=120, epochs=40, backend="cpu", output=symmetric)
    process = cli("toys", "--toys", 3, "--preset", "symmetric", "--size-a", 100, "--size-b", 120, "--epochs", 40,
                  "--backend", "cpu", "--output", symmetric)
    assert "2 of the shard's 3 toys are already done" in process.stderr
    gauss = tmp_path / "gauss.jsonl"
    nplm.toys(2, benchmark="gauss", architecture=(4, 3, 1), expected=100, reference_size=500, epochs=30,
              signal="shift", backend="cpu", output=gauss)
    process = cli("toys", "--toys", 3, "--benchmark", "gauss", "--architecture", "4,3,1", "--expected", 100,
                  "--reference-size", 500, "--epochs", 30, "--signal", "shift", "--backend", "cpu", "--output", gauss)
    assert "2 of the shard's 3 toys are already done" in process.stderr


def test_progress_is_reported_and_its_errors_raised(tmp_path):
    seen = []
    nplm.toys(4, progress=seen.append, **SMALL)
    assert seen[-1]["finished"] == 4 and seen[-1]["total"] == 4

    def fail(progress):
        raise RuntimeError("stop")
    with pytest.raises(RuntimeError, match="stop"):
        nplm.toys(2, progress=fail, **SMALL)


def test_calibrate_is_the_cli(cli):
    options = dict(expected=50.0, reference_size=500, epochs=40, root_toys=2, root_steps=0, toys=(2, 3), points=2,
                   backend="cpu", low=1.0, high=20.0)
    result = nplm.calibrate(**options)
    process = cli("calibrate", "--expected", 50, "--reference-size", 500, "--epochs", 40, "--root-toys", 2,
                  "--root-steps", 0, "--toys", "2,3", "--points", 2, "--backend", "cpu", "--low", 1, "--high", 20, "--json")
    from nplm._library import decode
    assert same(dict(result), decode(process.stdout))
    assert result.chosen == result["chosen"] and str(result)
    # Null toys with a reference sample each: the CLI's answer, and not the shared reference's.
    per_toy = nplm.calibrate(reference_sample="toy", **options)
    process = cli("calibrate", "--expected", 50, "--reference-size", 500, "--epochs", 40, "--root-toys", 2,
                  "--root-steps", 0, "--toys", "2,3", "--points", 2, "--backend", "cpu", "--low", 1, "--high", 20, "--json",
                  "--reference-sample", "toy")
    assert same(dict(per_toy), decode(process.stdout))
    assert not same(dict(per_toy), dict(result))


def test_calibrate_on_your_reference_is_the_cli(cli, tmp_path):
    reference = np.random.default_rng(4).exponential(size=500)
    np.save(tmp_path / "reference.npy", reference)
    options = dict(expected=50.0, epochs=40, root_toys=2, root_steps=0, toys=(2, 3), points=2, backend="cpu", low=1.0, high=20.0)
    result = nplm.calibrate(reference=reference, **options)
    process = cli("calibrate", "--reference", tmp_path / "reference.npy", "--expected", 50, "--epochs", 40, "--root-toys", 2,
                  "--root-steps", 0, "--toys", "2,3", "--points", 2, "--backend", "cpu", "--low", 1, "--high", 20, "--json")
    from nplm._library import decode
    assert same(dict(result), decode(process.stdout))
    # the toys of these events, not the built-in benchmark's of the same sizes
    assert not same(dict(result), dict(nplm.calibrate(reference_size=500, **options)))


def test_a_reference_sample_per_toy_is_the_cli(cli, tmp_path):
    path = tmp_path / "per-toy.jsonl"
    campaign = nplm.toys(2, reference_sample="toy", output=path, **SMALL)
    process = cli("toys", "--toys", 3, "--reference-sample", "toy", "--output", path, *SMALL_CLI)
    assert "2 of the shard's 3 toys are already done" in process.stderr
    assert read_json_lines(path)[0]["configuration"]["referenceSample"] == "toy"
    assert campaign.hash != nplm.toys(1, **SMALL).hash
    with pytest.raises(nplm.NPLMError, match="--reference-sample toy belongs to --preset nplm"):
        nplm.toys(1, preset="symmetric", size_a=50, size_b=50, epochs=10, reference_sample="toy")


def test_write_samples_writes_the_cli_files(cli, tmp_path):
    paths = nplm.toys(3, reference_sample="toy", write_samples=tmp_path / "py", shard="1/2", **SMALL)
    assert [p.rsplit("/", 1)[1] for p in paths] == ["toy-1-data.npy", "toy-1-reference.npy"]
    cli("toys", "--toys", 3, "--reference-sample", "toy", "--write-samples", tmp_path / "cli", "--shard", "1/2", *SMALL_CLI)
    for name in ("toy-1-data.npy", "toy-1-reference.npy"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
    reference = np.load(tmp_path / "py" / "toy-1-reference.npy")
    assert reference.shape == (1000,) and reference.dtype == np.float32 and (reference >= 0).all()
    with pytest.raises(nplm.NPLMError, match="--write-samples writes the toys' samples instead of training them"):
        nplm.toys(1, write_samples=tmp_path / "x", output=tmp_path / "x.jsonl", **SMALL)


def test_null_toys_of_your_reference_calibrate_fit_many(cli, tmp_path):
    rng = np.random.default_rng(3)
    np.save(tmp_path / "reference.npy", rng.exponential(size=1000).astype(np.float32))
    data = rng.exponential(size=100).astype(np.float32)
    small = dict(expected=100.0, epochs=40, backend="cpu", clip=9.0)
    null = nplm.toys(4, reference=tmp_path / "reference.npy", output=tmp_path / "null.jsonl", **small)
    process = cli("toys", "--toys", 4, "--reference", tmp_path / "reference.npy", "--expected", 100, "--epochs", 40,
                  "--backend", "cpu", "--clip", 9, "--output", tmp_path / "cli.jsonl")
    assert (tmp_path / "null.jsonl").read_bytes() == (tmp_path / "cli.jsonl").read_bytes()
    # the events name the campaign, not the path: an array (float64 too) is the same campaign
    nplm.toys(4, reference=np.load(tmp_path / "reference.npy").astype(np.float64), output=tmp_path / "array.jsonl", **small)
    assert (tmp_path / "array.jsonl").read_bytes() == (tmp_path / "cli.jsonl").read_bytes()
    fits = nplm.fit_many([data], np.load(tmp_path / "reference.npy"), null=tmp_path / "null.jsonl", **small)
    assert fits[0].null_toys == 4 and fits[0].null_campaign == null.hash
    with pytest.raises(nplm.NPLMError, match="it differs in the reference sample"):
        nplm.fit_many([data], np.load(tmp_path / "reference.npy")[1:], null=tmp_path / "null.jsonl", **small)


def test_toys_of_your_reference_take_arrays_as_files(cli, tmp_path):
    rng = np.random.default_rng(8)
    reference = rng.exponential(size=(600, 2)).astype(np.float32)
    weights = rng.uniform(0.05, 0.15, size=600)
    pool = rng.exponential(size=(3000, 2)).astype(np.float32)
    np.save(tmp_path / "r.npy", reference)
    np.save(tmp_path / "w.npy", weights)
    np.save(tmp_path / "p.npy", pool)
    small = dict(architecture=(2, 3, 1), epochs=30, backend="cpu", clip=9.0)
    pool_weights = rng.uniform(0, 2, size=3000)
    np.save(tmp_path / "pw.npy", pool_weights)
    from_arrays = nplm.toys(3, reference=reference, reference_weights=weights, pool=pool, pool_weights=pool_weights, **small)
    from_files = nplm.toys(3, reference=tmp_path / "r.npy", reference_weights=tmp_path / "w.npy", pool=tmp_path / "p.npy",
                           pool_weights=tmp_path / "pw.npy", **small)
    assert from_arrays.hash == from_files.hash
    assert [r["t"] for r in from_arrays.records] == [r["t"] for r in from_files.records]
    assert from_arrays.hash != nplm.toys(3, reference=reference, reference_weights=weights, pool=pool, **small).hash
    with pytest.raises(nplm.NPLMError, match="reference_weights"):
        nplm.toys(3, reference=reference, reference_weights=weights[1:], **small)


def test_report_of_several_kernel_campaigns_is_the_cli(cli, tmp_path):
    common = dict(model="kernel", reference_size=1500, expected=150.0, widths=(1.0, 2.5), centres=40, backend="cpu")
    nplm.toys(10, output=tmp_path / "null.jsonl", **common)
    nplm.toys(3, signal="NP3", signal_events=30, output=tmp_path / "np3.jsonl", **common)
    nplm.toys(3, signal="NP1", signal_events=20, output=tmp_path / "np1.jsonl", **common)
    both = nplm.report([tmp_path / "np3.jsonl", tmp_path / "np1.jsonl"], null=tmp_path / "null.jsonl", alpha=0.2)
    process = cli("report", tmp_path / "np3.jsonl", tmp_path / "np1.jsonl", "--null", tmp_path / "null.jsonl", "--alpha", 0.2, "--json")
    from nplm._library import decode
    assert both.kind == "kernel-comparison" and same(dict(both), decode(process.stdout))
    assert [c["signal"] for c in both["table"]["columns"]] == ["NP3", "NP1"]
    assert str(both) == cli("report", tmp_path / "np3.jsonl", tmp_path / "np1.jsonl", "--null", tmp_path / "null.jsonl",
                            "--alpha", 0.2).stdout.rstrip("\n")
    with pytest.raises(nplm.NPLMError, match="give --null"):
        nplm.report([tmp_path / "np3.jsonl", tmp_path / "np1.jsonl"])
