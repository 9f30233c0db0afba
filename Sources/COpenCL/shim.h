// The OpenCL C API for Swift (Debian: ocl-icd-opencl-dev, opencl-headers).
// OpenCL 1.2 as the target keeps clCreateCommandQueue free of deprecation warnings and runs on
// every ICD; CL_PLATFORM_NOT_FOUND_KHR (-1001) lives in cl_ext.h.
#ifndef NPLM_COPENCL_SHIM_H
#define NPLM_COPENCL_SHIM_H
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <CL/cl_ext.h>
#endif
