// The OpenCL C API for Swift (headers: Debian opencl-headers). The binary does not link the ICD
// loader: loader.c opens libOpenCL.so.1 with dlopen on first use, so nplm starts, and trains on
// the CPU, on a machine without OpenCL.
// OpenCL 1.2 as the target keeps clCreateCommandQueue free of deprecation warnings and runs on
// every ICD; CL_PLATFORM_NOT_FOUND_KHR (-1001) lives in cl_ext.h.
#ifndef NPLM_COPENCL_SHIM_H
#define NPLM_COPENCL_SHIM_H
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <CL/cl_ext.h>

/// NULL when the OpenCL ICD loader is loaded (loading it on the first call), else a one-line
/// reason. NPLM_OPENCL_LIBRARY names another library file to load (tests point it at a missing
/// file). While it is not NULL every cl* function fails with CL_PLATFORM_NOT_FOUND_KHR.
const char *nplm_opencl_load_error(void);
#endif
