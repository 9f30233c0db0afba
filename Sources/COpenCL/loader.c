// The OpenCL functions nplm calls, forwarded to the ICD loader (libOpenCL.so.1) opened with dlopen
// on first use instead of linked: without it the binary still starts, `auto` falls back to the CPU
// and `--backend opencl` says what is missing.
//
// The definitions are hidden (not exported from the binary), so the ICD loader and the drivers it
// loads keep resolving cl* to their own functions. Each forwards through a pointer found with
// dlsym; while the library is missing each fails with CL_PLATFORM_NOT_FOUND_KHR (and NULL objects).
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#pragma GCC visibility push(hidden)
#include "shim.h"

#define NPLM_OPENCL_FUNCTIONS(X)                                                                      \
    X(clGetPlatformIDs) X(clGetPlatformInfo) X(clGetDeviceIDs) X(clGetDeviceInfo) X(clCreateContext)  \
    X(clReleaseContext) X(clCreateCommandQueue) X(clReleaseCommandQueue) X(clCreateBuffer)            \
    X(clReleaseMemObject) X(clCreateProgramWithSource) X(clBuildProgram) X(clGetProgramBuildInfo)     \
    X(clReleaseProgram) X(clCreateKernel) X(clSetKernelArg) X(clGetKernelInfo) X(clReleaseKernel) X(clWaitForEvents)    \
    X(clReleaseEvent) X(clGetEventProfilingInfo) X(clFlush) X(clFinish) X(clEnqueueReadBuffer)       \
    X(clEnqueueWriteBuffer) X(clEnqueueNDRangeKernel) X(clEnqueueMarkerWithWaitList)

// One pointer per function, typed from the header's own declaration.
#define NPLM_POINTER(name) static __typeof__(&name) p_##name;
NPLM_OPENCL_FUNCTIONS(NPLM_POINTER)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[600];

static void load(void) {
    const char *path = getenv("NPLM_OPENCL_LIBRARY");
    if (path == NULL || *path == 0) path = "libOpenCL.so.1";
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(failure, sizeof failure, "not found (%s); install ocl-icd-libopencl1 and a driver such as pocl-opencl-icd",
                 reason ? reason : path);
        return;
    }
#define NPLM_RESOLVE(name)                                                                          \
    if (failure[0] == 0 && (p_##name = (__typeof__(&name))dlsym(library, #name)) == NULL)         \
        snprintf(failure, sizeof failure, "the OpenCL library %s has no %s (OpenCL 1.2 is needed)", path, #name);
    NPLM_OPENCL_FUNCTIONS(NPLM_RESOLVE)
}

const char *nplm_opencl_load_error(void) {
    pthread_once(&once, load);
    return failure[0] ? failure : NULL;
}

#define NPLM_STATUS(name, ...) return nplm_opencl_load_error() ? CL_PLATFORM_NOT_FOUND_KHR : p_##name(__VA_ARGS__)
#define NPLM_OBJECT(name, errcode, ...)                                                             \
    if (nplm_opencl_load_error()) {                                                               \
        if (errcode) *(errcode) = CL_PLATFORM_NOT_FOUND_KHR;                                      \
        return NULL;                                                                              \
    }                                                                                             \
    return p_##name(__VA_ARGS__)

cl_int clGetPlatformIDs(cl_uint num_entries, cl_platform_id *platforms, cl_uint *num_platforms) {
    NPLM_STATUS(clGetPlatformIDs, num_entries, platforms, num_platforms);
}

cl_int clGetPlatformInfo(cl_platform_id platform, cl_platform_info param_name, size_t param_value_size,
                         void *param_value, size_t *param_value_size_ret) {
    NPLM_STATUS(clGetPlatformInfo, platform, param_name, param_value_size, param_value, param_value_size_ret);
}

cl_int clGetDeviceIDs(cl_platform_id platform, cl_device_type device_type, cl_uint num_entries,
                      cl_device_id *devices, cl_uint *num_devices) {
    NPLM_STATUS(clGetDeviceIDs, platform, device_type, num_entries, devices, num_devices);
}

cl_int clGetDeviceInfo(cl_device_id device, cl_device_info param_name, size_t param_value_size,
                       void *param_value, size_t *param_value_size_ret) {
    NPLM_STATUS(clGetDeviceInfo, device, param_name, param_value_size, param_value, param_value_size_ret);
}

cl_context clCreateContext(const cl_context_properties *properties, cl_uint num_devices, const cl_device_id *devices,
                           void(CL_CALLBACK *pfn_notify)(const char *, const void *, size_t, void *),
                           void *user_data, cl_int *errcode_ret) {
    NPLM_OBJECT(clCreateContext, errcode_ret, properties, num_devices, devices, pfn_notify, user_data, errcode_ret);
}

cl_int clReleaseContext(cl_context context) { NPLM_STATUS(clReleaseContext, context); }

cl_command_queue clCreateCommandQueue(cl_context context, cl_device_id device, cl_command_queue_properties properties,
                                      cl_int *errcode_ret) {
    NPLM_OBJECT(clCreateCommandQueue, errcode_ret, context, device, properties, errcode_ret);
}

cl_int clReleaseCommandQueue(cl_command_queue command_queue) { NPLM_STATUS(clReleaseCommandQueue, command_queue); }

cl_mem clCreateBuffer(cl_context context, cl_mem_flags flags, size_t size, void *host_ptr, cl_int *errcode_ret) {
    NPLM_OBJECT(clCreateBuffer, errcode_ret, context, flags, size, host_ptr, errcode_ret);
}

cl_int clReleaseMemObject(cl_mem memobj) { NPLM_STATUS(clReleaseMemObject, memobj); }

cl_program clCreateProgramWithSource(cl_context context, cl_uint count, const char **strings, const size_t *lengths,
                                     cl_int *errcode_ret) {
    NPLM_OBJECT(clCreateProgramWithSource, errcode_ret, context, count, strings, lengths, errcode_ret);
}

cl_int clBuildProgram(cl_program program, cl_uint num_devices, const cl_device_id *device_list, const char *options,
                      void(CL_CALLBACK *pfn_notify)(cl_program, void *), void *user_data) {
    NPLM_STATUS(clBuildProgram, program, num_devices, device_list, options, pfn_notify, user_data);
}

cl_int clGetProgramBuildInfo(cl_program program, cl_device_id device, cl_program_build_info param_name,
                             size_t param_value_size, void *param_value, size_t *param_value_size_ret) {
    NPLM_STATUS(clGetProgramBuildInfo, program, device, param_name, param_value_size, param_value, param_value_size_ret);
}

cl_int clReleaseProgram(cl_program program) { NPLM_STATUS(clReleaseProgram, program); }

cl_kernel clCreateKernel(cl_program program, const char *kernel_name, cl_int *errcode_ret) {
    NPLM_OBJECT(clCreateKernel, errcode_ret, program, kernel_name, errcode_ret);
}

cl_int clSetKernelArg(cl_kernel kernel, cl_uint arg_index, size_t arg_size, const void *arg_value) {
    NPLM_STATUS(clSetKernelArg, kernel, arg_index, arg_size, arg_value);
}

cl_int clGetKernelInfo(cl_kernel kernel, cl_kernel_info param_name, size_t param_value_size, void *param_value,
                       size_t *param_value_size_ret) {
    NPLM_STATUS(clGetKernelInfo, kernel, param_name, param_value_size, param_value, param_value_size_ret);
}

cl_int clReleaseKernel(cl_kernel kernel) { NPLM_STATUS(clReleaseKernel, kernel); }

cl_int clWaitForEvents(cl_uint num_events, const cl_event *event_list) {
    NPLM_STATUS(clWaitForEvents, num_events, event_list);
}

cl_int clReleaseEvent(cl_event event) { NPLM_STATUS(clReleaseEvent, event); }

cl_int clGetEventProfilingInfo(cl_event event, cl_profiling_info param_name, size_t param_value_size,
                               void *param_value, size_t *param_value_size_ret) {
    NPLM_STATUS(clGetEventProfilingInfo, event, param_name, param_value_size, param_value, param_value_size_ret);
}

cl_int clFlush(cl_command_queue command_queue) { NPLM_STATUS(clFlush, command_queue); }

cl_int clFinish(cl_command_queue command_queue) { NPLM_STATUS(clFinish, command_queue); }

cl_int clEnqueueReadBuffer(cl_command_queue command_queue, cl_mem buffer, cl_bool blocking_read, size_t offset,
                           size_t size, void *ptr, cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
                           cl_event *event) {
    NPLM_STATUS(clEnqueueReadBuffer, command_queue, buffer, blocking_read, offset, size, ptr, num_events_in_wait_list,
                event_wait_list, event);
}

cl_int clEnqueueWriteBuffer(cl_command_queue command_queue, cl_mem buffer, cl_bool blocking_write, size_t offset,
                            size_t size, const void *ptr, cl_uint num_events_in_wait_list,
                            const cl_event *event_wait_list, cl_event *event) {
    NPLM_STATUS(clEnqueueWriteBuffer, command_queue, buffer, blocking_write, offset, size, ptr, num_events_in_wait_list,
                event_wait_list, event);
}

cl_int clEnqueueNDRangeKernel(cl_command_queue command_queue, cl_kernel kernel, cl_uint work_dim,
                              const size_t *global_work_offset, const size_t *global_work_size,
                              const size_t *local_work_size, cl_uint num_events_in_wait_list,
                              const cl_event *event_wait_list, cl_event *event) {
    NPLM_STATUS(clEnqueueNDRangeKernel, command_queue, kernel, work_dim, global_work_offset, global_work_size,
                local_work_size, num_events_in_wait_list, event_wait_list, event);
}

cl_int clEnqueueMarkerWithWaitList(cl_command_queue command_queue, cl_uint num_events_in_wait_list,
                                   const cl_event *event_wait_list, cl_event *event) {
    NPLM_STATUS(clEnqueueMarkerWithWaitList, command_queue, num_events_in_wait_list, event_wait_list, event);
}

#pragma GCC visibility pop
