/*
 * nplm.h: the C interface of the nplm library (the dynamic library product NPLMC, libNPLMC.so).
 *
 * The functions are implemented in Swift (Sources/CInterface, `@_cdecl`) on the library's public API;
 * the Python package `nplm` (python/) calls them through ctypes. Every function that can fail
 * returns 0 on success and 1 on failure; `*result` then holds a newly allocated, NUL-terminated
 * UTF-8 string: on success the result as one JSON document (nplm's own encoding, NPLMJSON: sorted
 * keys, the non-finite numbers as the strings "inf", "-inf" and "nan"), on failure nplm's one-line
 * error message, the text `nplm` prints after "Error: ". Free it with nplm_free.
 *
 * Options are one JSON object whose keys are the command-line flags of the matching `nplm`
 * command in snake_case (`--reference-weights` is "reference_weights"), with the same meanings and
 * defaults; a key left out takes the command's default. Numbers may be given as "inf", "-inf" or
 * "nan" strings.
 *
 * Samples are passed as `nplm_sample`: either a C-contiguous (row-major) buffer of float32 or
 * float64 values, read in place (the library converts them once into its float32 feature-major
 * storage), or the path of a sample file that nplm reads itself (.npy, .csv, file.h5:/dataset).
 *
 * Long calls (training) never touch the caller's state: they may run on any thread, and a caller
 * that holds a lock (Python's interpreter lock) should release it around them (ctypes does).
 */
#ifndef NPLM_H
#define NPLM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Element types of an nplm_sample buffer. */
enum {
    NPLM_FLOAT32 = 1,
    NPLM_FLOAT64 = 2,
};

/* One sample (events, or per-event weights). */
typedef struct nplm_sample {
    /* Row-major values: entry (i, k) at values[i * columns + k]; NULL when `path` is given. */
    const void *values;
    /* N events (rows) and d features (columns; 1 for a vector). */
    int64_t rows;
    int64_t columns;
    /* NPLM_FLOAT32 or NPLM_FLOAT64. */
    int32_t type;
    /* 1 when the caller's array has shape (N,), 0 for (N, d): only how messages name an entry. */
    int32_t vector;
    /* A sample file read by nplm instead of `values` (.npy, .csv or file.h5:/group/dataset); NULL otherwise. */
    const char *path;
    /* How messages name the sample ("data", "--data d.npy"); NULL: the argument's name. */
    const char *label;
} nplm_sample;

/* Messages during a call: kind NPLM_NOTICE is one line for the user (which backend was chosen, a
 * campaign resumed), as `nplm` prints on standard error; kind NPLM_PROGRESS is one JSON object
 * (toys: {"finished", "total", "resumed", "batchFraction", "batchSize", "backend"}). `text` is only
 * valid during the callback. The callback may come from a thread other than the caller's. */
enum {
    NPLM_NOTICE = 0,
    NPLM_PROGRESS = 1,
};
typedef void (*nplm_message_fn)(int32_t kind, const char *text, void *context);

/* The version of this interface (an integer, raised when a function changes). */
int32_t nplm_interface_version(void);

/* Frees a string returned through `result`. */
void nplm_free(char *string);

/* `nplm fit --data --reference`: the NPLM test of `data` against `reference` (network, kernel
 * model, or with nuisances, as options "model" and "nuisances" say). `reference_weights` may be
 * NULL. Result: {"record": the fit's record, "model": its model file's content (a kernel model
 * for the kernel model) or null, "backend", "dof", and for the kernel model "kernel":
 * {"dimension", "centres" (feature-major), "widths", "coefficients", "engine"} and with "null"
 * "empiricalZ"}. Keys are camelCase, as in nplm's records. */
int32_t nplm_fit(const char *options, const nplm_sample *data, const nplm_sample *reference,
                 const nplm_sample *reference_weights, nplm_message_fn message, void *context, char **result);

/* `nplm fit` with several data samples (data-quality monitoring): the NPLM test of each of the
 * `count` samples `samples` against `reference` with the network, all in one batched launch; each
 * sample's record equals that of nplm_fit on it alone. A sample given as a path "file.h5:/group"
 * stands for the datasets of that HDF5 group (in name order). Several samples, or options "null",
 * need "expected" or `reference_weights`. Options as nplm_fit's (no kernel model, no nuisances;
 * "save_model" for one sample only); "null": a null campaign of `nplm toys` with the same network,
 * training and sizes, for each t's empirical p-value. Result: {"results": [{"record": the line
 * --output writes for the sample (the fit's record with "sample" and, with "null", "null": {"p",
 * "z", "atLeast", "toys", "campaign", "isBound"}), "model"}], "backend", "dof", "nullCampaign",
 * "nullToys"}. */
int32_t nplm_fit_many(const char *options, const nplm_sample *samples, int64_t count, const nplm_sample *reference,
                      const nplm_sample *reference_weights, nplm_message_fn message, void *context, char **result);

/* `nplm fit --a --b`: the two-sample test. Result: {"record", "model", "backend", "nplm": t_B(A)'s
 * record or null}. */
int32_t nplm_two_sample(const char *options, const nplm_sample *a, const nplm_sample *b,
                        nplm_message_fn message, void *context, char **result);

/* `nplm permute`: the permutation null distribution of the two-sample test. Result: {"record",
 * "backend", "isBound"}. */
int32_t nplm_permute(const char *options, const nplm_sample *a, const nplm_sample *b,
                     nplm_message_fn message, void *context, char **result);

/* `nplm toys`: a toy campaign, appended to options "output" when given (the CLI's file: resumable,
 * shardable). `reference`, `reference_weights`, `pool` and `pool_weights` (each may be NULL): null
 * toys of the caller's own reference sample, its weights, and the events (and their weights) the
 * toys' data are drawn from, as the command's options of those names (the campaign is named by
 * the events, not by a path). Result: {"campaign": hash, "shard", "records": [...],
 * "summary": the text nplm prints}, or with option "write_samples" {"samples": the paths written}. */
int32_t nplm_toys(const char *options, const nplm_sample *reference, const nplm_sample *reference_weights,
                  const nplm_sample *pool, const nplm_sample *pool_weights, nplm_message_fn message, void *context,
                  char **result);

/* The records of a campaign file (`nplm toys`, `nplm merge`): {"records": [...]} in file order. */
int32_t nplm_read_campaign(const char *path, char **result);

/* `nplm report FILE` as JSON: options {"null", "alpha", "others"}. Result: {"report": the JSON report,
 * "text", "kind": "network", "kernel" or "nuisances"}. With option "others", further kernel-model
 * signal campaign files reported beside `path` against the null campaign, as `nplm report` with
 * several files: "kind" is "kernel-comparison" and "report" holds {"reports", "table"}. */
int32_t nplm_report(const char *path, const char *options, char **result);

/* `nplm calibrate`: the weight-clipping calibration, on null toys of a built-in benchmark or, with
 * `reference` (and optionally `reference_weights`, `pool`, `pool_weights`; each may be NULL), of the
 * caller's reference sample as nplm_toys draws them. Result: {"result": the table as JSON (what
 * `nplm calibrate` prints with its JSON option), "text"}. */
int32_t nplm_calibrate(const char *options, const nplm_sample *reference, const nplm_sample *reference_weights,
                       const nplm_sample *pool, const nplm_sample *pool_weights, nplm_message_fn message, void *context,
                       char **result);

/* `nplm devices`: {"devices": [{index, platform, name, kind, ..., "layout"}], "text": what nplm
 * devices prints}. */
int32_t nplm_devices(char **result);

/* A model file of `nplm fit --save-model`, checked: {"model": the model}, a network model or a kernel
 * model ("format": "nplm-kernel-model"). */
int32_t nplm_load_model(const char *path, char **result);

/* f, the learned log-ratio, of fit `fit` (0; two-sample models: 0 for f, 1 for g; kernel models:
 * the index of the width) of the saved model `model` (JSON, as nplm_fit returns it or
 * nplm_load_model reads it) at every event of `x`, in the model's input features (its
 * preprocessing is applied): x->rows values written to `out`. On failure `*error` holds the message. */
int32_t nplm_log_ratio(const char *model, int32_t fit, const nplm_sample *x, double *out, char **error);

/* f(x) = sum_m c_m exp(-|x - centre_m|^2 / (2 width^2)) of a kernel-model fit (the centres and
 * coefficients nplm_fit returns, in the features the fit saw: no preprocessing is applied) at every
 * event of `x`: x->rows values written to `out`. */
int32_t nplm_kernel_log_ratio(const nplm_sample *centres, const double *coefficients, double width,
                              const nplm_sample *x, double *out, char **error);

#ifdef __cplusplus
}
#endif

#endif /* NPLM_H */
