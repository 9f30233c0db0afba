"""Bad inputs raise NPLMError with nplm's one-line message: for a file, exactly the message the
command line prints after "Error: "; for an array, the same message naming the keyword."""
import numpy as np
import pytest

import nplm
from conftest import error_line


@pytest.fixture()
def bad_files(tmp_path):
    np.save(tmp_path / "nan.npy", np.array([0.5, np.nan, 1.0]))
    np.save(tmp_path / "empty.npy", np.zeros(0))
    np.save(tmp_path / "wide.npy", np.zeros((4, 2)))
    np.save(tmp_path / "ok.npy", np.linspace(0.1, 3, 50))
    np.save(tmp_path / "short-weights.npy", np.ones(3))
    (tmp_path / "text.txt").write_text("1\n2\n")
    return tmp_path


CASES = [
    # (description, Python keywords over fit(data=ok, reference=ok, epochs=5), CLI words)
    ("NaN entry", dict(data="nan.npy"), ["--data", "nan.npy"]),
    ("empty sample", dict(data="empty.npy"), ["--data", "empty.npy"]),
    ("feature count", dict(data="wide.npy"), ["--data", "wide.npy"]),
    ("unknown extension", dict(data="text.txt"), ["--data", "text.txt"]),
    ("missing file", dict(reference="none.npy"), ["--reference", "none.npy"]),
    ("weights count", dict(reference_weights="short-weights.npy"), ["--reference-weights", "short-weights.npy"]),
    ("epochs", dict(epochs=0), ["--epochs", "0"]),
    ("learning rate", dict(learning_rate=-1.0), ["--learning-rate", "-1"]),
    ("clip", dict(clip=float("inf")), ["--clip", "inf"]),
    ("clip biases", dict(clip_biases=True), ["--clip-biases"]),
    ("threads", dict(threads=0), ["--threads", "0"]),
    ("expected", dict(expected=-3.0), ["--expected", "-3"]),
    ("both normalisations", dict(expected=10.0, reference_weights="ok.npy"), ["--expected", "10", "--reference-weights", "ok.npy"]),
    ("architecture", dict(architecture=(1, 0, 1)), ["--architecture", "1,0,1"]),
    ("architecture width", dict(architecture=(2, 4, 1)), ["--architecture", "2,4,1"]),
    ("kernel option without the kernel", dict(widths=[1.0]), ["--widths", "1"]),
    ("kernel width", dict(model="kernel", widths=[-1.0]), ["--model", "kernel", "--widths", "-1"]),
    ("nuisance option without nuisances", dict(nuisance_sigma=0.1), ["--nuisance-sigma", "0.1"]),
    ("nuisance names", dict(nuisances="scale,lumi"), ["--nuisances", "scale,lumi"]),
    ("shape order", dict(nuisances="scale", shape_order=7), ["--nuisances", "scale", "--shape-order", "7"]),
]


@pytest.mark.parametrize("description,keywords,words", CASES, ids=[c[0] for c in CASES])
def test_fit_errors_are_the_cli_messages(cli, bad_files, monkeypatch, description, keywords, words):
    monkeypatch.chdir(bad_files)
    arguments = dict(data="ok.npy", reference="ok.npy", epochs=5, backend="cpu")
    arguments.update(keywords)
    with pytest.raises(nplm.NPLMError) as error:
        nplm.fit(arguments.pop("data"), arguments.pop("reference"), **arguments)
    cli_words = ["fit", "--data", "ok.npy", "--reference", "ok.npy", "--epochs", "5", "--backend", "cpu"]
    # The given words override the defaults: drop a default option that the case sets.
    for option in ("--data", "--reference", "--epochs"):
        if option in words:
            index = cli_words.index(option)
            del cli_words[index:index + 2]
    process = cli(*cli_words, *words, check=False)
    assert str(error.value) == error_line(process)
    assert "\n" not in str(error.value)


def test_array_errors_name_the_keyword():
    reference = np.linspace(0.1, 3, 50)
    cases = [
        (np.array([0.5, np.nan]), "data: entry [1] is NaN: remove or fix the event"),
        (np.array([[0.5], [np.inf]]), "data: entry [1, 0] is infinite: remove or fix the event"),
        (np.zeros(0), "data: holds no events (shape (0,)): a sample needs at least one event"),
        (np.array([1e39]), "data: entry [0] = 1e+39 is outside the float32 range the fits use"),
        (np.zeros((2, 2, 2)), "data: an array of shape (2, 2, 2): give shape (N,) for one feature or (N, d), one row per event"),
        (np.array(["a", "b"]), "data: an array of <U1 values: give numbers (float32 or float64 arrays are passed without a copy)"),
    ]
    for data, message in cases:
        with pytest.raises(nplm.NPLMError) as error:
            nplm.fit(data, reference, epochs=5, backend="cpu")
        assert str(error.value) == message
    with pytest.raises(nplm.NPLMError, match=r"^reference_weights: holds 3 weights for the 50 events of reference"):
        nplm.fit(reference, reference, reference_weights=np.ones(3), epochs=5)
    with pytest.raises(nplm.NPLMError, match="weights must be 0 or positive"):
        nplm.fit(reference, reference, reference_weights=-np.ones(50), epochs=5)


def test_wrong_types_raise_type_errors():
    x = np.ones(10)
    with pytest.raises(TypeError, match="epochs must be an integer"):
        nplm.fit(x, x, epochs=1.5)
    with pytest.raises(TypeError, match="clip_biases must be True or False"):
        nplm.fit(x, x, clip_biases="yes")


def test_other_commands_raise_the_cli_messages(cli, tmp_path):
    x = np.linspace(0.1, 3, 40)
    np.save(tmp_path / "x.npy", x)
    checks = [
        (lambda: nplm.permute(x, x, 0, epochs=5), ["permute", "--a", tmp_path / "x.npy", "--b", tmp_path / "x.npy",
                                                  "--permutations", 0, "--epochs", 5]),
        (lambda: nplm.two_sample(x, x, statistic="other", epochs=5), None),
        (lambda: nplm.toys(0), ["toys", "--toys", 0]),
        (lambda: nplm.toys(4, shard="5/8"), ["toys", "--toys", 4, "--shard", "5/8"]),
        (lambda: nplm.toys(4, preset="symmetric"), ["toys", "--toys", 4, "--preset", "symmetric"]),
        (lambda: nplm.toys(4, benchmark="gauss", dimension=3), ["toys", "--toys", 4, "--benchmark", "gauss", "--dimension", 3]),
        (lambda: nplm.toys(4, signal_strength=0.2), ["toys", "--toys", 4, "--signal-strength", 0.2]),
        (lambda: nplm.calibrate(low=5.0, high=2.0), ["calibrate", "--low", 5, "--high", 2]),
        (lambda: nplm.calibrate(toys=(5, 3)), ["calibrate", "--toys", "5,3"]),
        (lambda: nplm.calibrate(pool=tmp_path / "x.npy"), ["calibrate", "--pool", tmp_path / "x.npy"]),
        (lambda: nplm.calibrate(reference=tmp_path / "x.npy"), ["calibrate", "--reference", tmp_path / "x.npy"]),
        (lambda: nplm.calibrate(reference=tmp_path / "x.npy", expected=50.0, reference_size=500),
         ["calibrate", "--reference", tmp_path / "x.npy", "--expected", 50, "--reference-size", 500]),
        (lambda: nplm.report(tmp_path / "missing.jsonl"), ["report", tmp_path / "missing.jsonl"]),
        (lambda: nplm.read_campaign(tmp_path / "x.npy"), ["report", tmp_path / "x.npy"]),
        (lambda: nplm.load_model(tmp_path / "x.npy"), ["eval", "--model", tmp_path / "x.npy", "--data", tmp_path / "x.npy",
                                                      "--reference", tmp_path / "x.npy"]),
    ]
    for call, words in checks:
        with pytest.raises(nplm.NPLMError) as error:
            call()
        if words is not None:
            assert str(error.value) == error_line(cli(*words, check=False)), words
