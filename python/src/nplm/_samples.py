"""Samples handed to nplm: NumPy arrays by pointer, or files that nplm reads itself."""
import ctypes
import os

import numpy as np

from ._library import FLOAT32, FLOAT64, NPLMError, Sample

_TYPES = {np.dtype(np.float32): FLOAT32, np.dtype(np.float64): FLOAT64}


def as_array(value, keyword):
    """`value` as an array nplm reads in place: float32 and float64 arrays that are C-contiguous,
    aligned and in the machine's byte order are used as they are (no copy); anything else is
    converted once (float32 and float64 keep their type, other numbers become float64)."""
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise NPLMError(f"{keyword}: an array of {array.dtype} values: give numbers (float32 or float64 arrays are passed without a copy)")
    if array.ndim not in (1, 2):
        raise NPLMError(f"{keyword}: an array of shape {array.shape}: give shape (N,) for one feature or (N, d), one row per event")
    native = array.dtype.newbyteorder("=")
    if native in _TYPES:
        if array.dtype != native or not (array.flags.c_contiguous and array.flags.aligned):
            array = np.ascontiguousarray(array, dtype=native)
    else:
        array = np.ascontiguousarray(array, dtype=np.float64)
    return array


def sample(value, keyword):
    """The nplm_sample for `value` and what must stay alive while nplm reads it. A str or
    os.PathLike is a file nplm reads (.npy, .csv, or file.h5:/dataset), named in messages as the
    command line names it; anything else is taken as an array, named `keyword` in messages."""
    if isinstance(value, (str, os.PathLike)):
        path = os.fsencode(value)
        return Sample(values=None, rows=0, columns=0, type=FLOAT64, vector=0, path=path, label=None), path
    array = as_array(value, keyword)
    label = keyword.encode()
    descriptor = Sample(values=array.ctypes.data, rows=array.shape[0], columns=1 if array.ndim == 1 else array.shape[1],
                        type=_TYPES[array.dtype], vector=1 if array.ndim == 1 else 0, path=None, label=label)
    return descriptor, (array, label)


def optional_samples(**values):
    """Pointers to the nplm_sample of each given value (None for None), in keyword order, and
    what must stay alive while nplm reads them."""
    given = [(None, None) if value is None else sample(value, keyword) for keyword, value in values.items()]
    return [None if descriptor is None else ctypes.byref(descriptor) for descriptor, _ in given], given
