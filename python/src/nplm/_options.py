"""Keyword arguments → the options document of the C interface (the command line's flags in
snake_case). Only types are checked here; values are checked by nplm, with its messages."""
import numbers
import operator
import os

import numpy as np


def integer(name, value):
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {value!r}") from None


def number(name, value):
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    return float(value)


def flag(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def text(name, value):
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {value!r}")
    return value


def path(name, value):
    if value is None:
        return None
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (str or os.PathLike), got {value!r}")
    return os.fsdecode(value)


def _word(name, value):
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: {value!r} is not a number")
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    raise TypeError(f"{name}: {value!r} is not a number")


def listing(name, value):
    """A value or a sequence of values as the command line's comma-separated list ("1,4,1",
    "scale,norm", "0.1,0.2"); a string is passed as it is."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (numbers.Real, np.generic)):
        return _word(name, value)
    try:
        items = list(value)
    except TypeError:
        raise TypeError(f"{name} must be a value, a sequence of values or a comma-separated string, got {value!r}") from None
    return ",".join(_word(name, item) for item in items)


def numbers_list(name, value):
    """A number or a sequence of numbers as a list of floats (--widths)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [number(name, float(part)) for part in value.split(",")]
    if isinstance(value, numbers.Real):
        return [number(name, value)]
    return [number(name, item) for item in value]


def shard(value):
    """--shard: "i/n" or (i, n)."""
    if value is None or isinstance(value, str):
        return value
    try:
        index, count = value
    except (TypeError, ValueError):
        raise TypeError(f"shard must be 'i/n' or a pair (i, n), got {value!r}") from None
    return f"{integer('shard', index)}/{integer('shard', count)}"


def training(architecture, epochs, clip, clip_biases, history_every, learning_rate, beta1, beta2, epsilon, backend,
             threads, device):
    """The options every command that trains takes (the CLI's training options)."""
    return {
        "architecture": listing("architecture", architecture),
        "epochs": integer("epochs", epochs),
        "clip": number("clip", clip),
        "clip_biases": flag("clip_biases", clip_biases),
        "history_every": integer("history_every", history_every),
        "learning_rate": number("learning_rate", learning_rate),
        "beta1": number("beta1", beta1),
        "beta2": number("beta2", beta2),
        "epsilon": number("epsilon", epsilon),
        "backend": text("backend", backend),
        "threads": integer("threads", threads),
        "device": integer("device", device),
    }


def kernel(widths, centres, lambda_, newton_steps, cg_tolerance, cg_max_iterations, kernel_precision="float64", jitter=None):
    """The kernel model's options."""
    return {
        "widths": numbers_list("widths", widths),
        "centres": integer("centres", centres),
        "lambda": number("lambda_", lambda_),
        "newton_steps": integer("newton_steps", newton_steps),
        "cg_tolerance": number("cg_tolerance", cg_tolerance),
        "cg_max_iterations": integer("cg_max_iterations", cg_max_iterations),
        "kernel_precision": text("kernel_precision", kernel_precision),
        "jitter": number("jitter", jitter),
    }
