"""Loading libNPLMC.so and calling it: ctypes, which releases the interpreter lock during every
foreign call (so other Python threads run while nplm trains), and takes it again for the
message callback."""
import ctypes
import json
import logging
import math
import os
import sys
import threading
from pathlib import Path

LIBRARY = "libNPLMC.dylib" if sys.platform == "darwin" else "libNPLMC.so"
INTERFACE_VERSION = 3

logger = logging.getLogger("nplm")


class NPLMError(ValueError):
    """An error reported by nplm. ``str(error)`` is nplm's one-line message: what the ``nplm``
    command prints after ``Error:`` for the same mistake. Options are named as the command line
    spells them (``--reference-weights`` is the keyword ``reference_weights``)."""


class Sample(ctypes.Structure):
    """``nplm_sample`` of nplm.h."""

    _fields_ = [
        ("values", ctypes.c_void_p),
        ("rows", ctypes.c_int64),
        ("columns", ctypes.c_int64),
        ("type", ctypes.c_int32),
        ("vector", ctypes.c_int32),
        ("path", ctypes.c_char_p),
        ("label", ctypes.c_char_p),
    ]


FLOAT32, FLOAT64 = 1, 2
NOTICE, PROGRESS = 0, 1
MESSAGE = ctypes.CFUNCTYPE(None, ctypes.c_int32, ctypes.c_char_p, ctypes.c_void_p)
_sample = ctypes.POINTER(Sample)
_out = ctypes.POINTER(ctypes.c_void_p)
_text = ctypes.c_char_p

_SIGNATURES = {
    "nplm_interface_version": ([], ctypes.c_int32),
    "nplm_free": ([ctypes.c_void_p], None),
    "nplm_fit": ([_text, _sample, _sample, _sample, MESSAGE, ctypes.c_void_p, _out], ctypes.c_int32),
    "nplm_fit_many": ([_text, _sample, ctypes.c_int64, _sample, _sample, MESSAGE, ctypes.c_void_p, _out], ctypes.c_int32),
    "nplm_two_sample": ([_text, _sample, _sample, MESSAGE, ctypes.c_void_p, _out], ctypes.c_int32),
    "nplm_permute": ([_text, _sample, _sample, MESSAGE, ctypes.c_void_p, _out], ctypes.c_int32),
    "nplm_toys": ([_text, _sample, _sample, _sample, _sample, MESSAGE, ctypes.c_void_p, _out], ctypes.c_int32),
    "nplm_read_campaign": ([_text, _out], ctypes.c_int32),
    "nplm_report": ([_text, _text, _out], ctypes.c_int32),
    "nplm_calibrate": ([_text, _sample, _sample, _sample, _sample, MESSAGE, ctypes.c_void_p, _out], ctypes.c_int32),
    "nplm_devices": ([_out], ctypes.c_int32),
    "nplm_load_model": ([_text, _out], ctypes.c_int32),
    "nplm_log_ratio": ([_text, ctypes.c_int32, _sample, ctypes.POINTER(ctypes.c_double), _out], ctypes.c_int32),
    "nplm_kernel_log_ratio": ([_sample, ctypes.POINTER(ctypes.c_double), ctypes.c_double, _sample,
                               ctypes.POINTER(ctypes.c_double), _out], ctypes.c_int32),
}

_lock = threading.Lock()
_library = None
_path = None


def candidates():
    """Where the library is looked for, in order: $NPLM_LIBRARY, the copy installed with the
    package, and (for a package used from the source tree) the repository's release build."""
    here = Path(__file__).resolve().parent
    paths = []
    if os.environ.get("NPLM_LIBRARY"):
        paths.append(Path(os.environ["NPLM_LIBRARY"]))
    paths.append(here / "_lib" / LIBRARY)
    root = here.parent.parent.parent
    if (root / "Package.swift").is_file():
        paths.append(root / ".build" / "release" / LIBRARY)
    return paths


def library():
    """The loaded libNPLMC (loaded on first use)."""
    global _library, _path
    with _lock:
        if _library is None:
            paths = candidates()
            found = next((p for p in paths if p.is_file()), None)
            if found is None:
                raise ImportError("nplm: cannot find " + LIBRARY + " (looked in " + ", ".join(map(str, paths))
                                  + "): install the package with `pip install ./python` from the nplm repository, "
                                  "or set NPLM_LIBRARY to a built library")
            lib = ctypes.CDLL(str(found))
            for name, (arguments, result) in _SIGNATURES.items():
                function = getattr(lib, name)
                function.argtypes = arguments
                function.restype = result
            version = lib.nplm_interface_version()
            if version != INTERFACE_VERSION:
                raise ImportError(f"nplm: {found} has C interface version {version}; this package needs "
                                  f"{INTERFACE_VERSION}: reinstall with `pip install ./python`")
            _library, _path = lib, found
    return _library


def library_path():
    """The path of the libNPLMC in use."""
    library()
    return str(_path)


def _numbers(value):
    """nplm's JSON writes non-finite numbers as the strings "inf", "-inf" and "nan"."""
    if isinstance(value, str):
        if value in ("inf", "-inf", "nan"):
            return float(value)
        return value
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    return value


def decode(text):
    """A JSON document of nplm, with its non-finite numbers as floats."""
    return _numbers(json.loads(text))


def _plain(value):
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def encode_document(document):
    """A document (a model) as nplm's JSON, non-finite floats as its strings."""
    return json.dumps(_plain(document)).encode()


def encode_options(options):
    """The options document: keys in snake_case, None left out (the command's default),
    non-finite floats as nplm's strings."""
    return json.dumps({k: _plain(v) for k, v in options.items() if v is not None}).encode()


class Messages:
    """The callback of a call: notices are logged on the "nplm" logger (warnings as warnings) and
    kept; progress goes to the caller's function. An exception raised in the caller's function
    cannot cross the C call: it is kept and raised when the call returns."""

    def __init__(self, progress=None):
        self.notices = []
        self.progress = progress
        self.error = None
        self.function = MESSAGE(self._receive)

    def _receive(self, kind, text, context):
        try:
            message = text.decode("utf-8", "replace")
            if kind == PROGRESS:
                if self.progress is not None and self.error is None:
                    self.progress(decode(message))
            else:
                self.notices.append(message)
                (logger.warning if message.startswith("warning") else logger.info)(message)
        except BaseException as error:  # noqa: BLE001 - kept and raised after the call
            if self.error is None:
                self.error = error


def call(name, *arguments, messages=None):
    """Calls the C function `name` with `arguments` (then the callback and the result pointer)
    and returns its decoded JSON answer; a failure raises NPLMError with nplm's message."""
    lib = library()
    function = getattr(lib, name)
    result = ctypes.c_void_p()
    if messages is not None:
        status = function(*arguments, messages.function, None, ctypes.byref(result))
    else:
        status = function(*arguments, ctypes.byref(result))
    text = ctypes.string_at(result.value).decode("utf-8", "replace") if result.value else ""
    if result.value:
        lib.nplm_free(result)
    if messages is not None and messages.error is not None:
        raise messages.error
    if status != 0:
        raise NPLMError(text)
    return decode(text)


def call_into(name, *arguments):
    """Calls a C function that writes into a caller's buffer and reports an error through its
    last argument (nplm_log_ratio, nplm_kernel_log_ratio)."""
    lib = library()
    error = ctypes.c_void_p()
    status = getattr(lib, name)(*arguments, ctypes.byref(error))
    if status != 0:
        text = ctypes.string_at(error.value).decode("utf-8", "replace") if error.value else "unknown error"
        if error.value:
            lib.nplm_free(error)
        raise NPLMError(text)
