// The HDF5 C library for Swift (Debian libhdf5-dev: headers in /usr/include/hdf5/serial, library
// libhdf5_serial, both found through pkg-config `hdf5`). HDF5 names its predefined types, property
// lists and flags with macros that expand to library globals (H5T_NATIVE_DOUBLE is
// `(H5OPEN H5T_NATIVE_DOUBLE_g)`), which Swift cannot import; the inline functions below give
// them to Swift.
#ifndef NPLM_CHDF5_SHIM_H
#define NPLM_CHDF5_SHIM_H
#include <hdf5.h>

static inline hid_t nplm_h5_default(void) { return H5P_DEFAULT; }
static inline hid_t nplm_h5s_all(void) { return H5S_ALL; }
static inline hid_t nplm_h5e_default(void) { return H5E_DEFAULT; }
static inline unsigned nplm_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned nplm_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline hid_t nplm_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t nplm_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t nplm_h5t_native_int(void) { return H5T_NATIVE_INT; }
static inline hid_t nplm_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t nplm_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t nplm_h5t_ieee_f64be(void) { return H5T_IEEE_F64BE; }
static inline hid_t nplm_h5t_std_i32le(void) { return H5T_STD_I32LE; }
static inline hid_t nplm_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t nplm_h5p_link_create(void) { return H5P_LINK_CREATE; }

/// Silences HDF5's own error stack printing: nplm reports every failure itself, in one line.
static inline void nplm_h5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
#endif
