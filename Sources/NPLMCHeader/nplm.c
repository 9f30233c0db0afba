/* The declarations of nplm.h are implemented in Swift (Sources/NPLMC); SwiftPM needs one C file per C target. */
#include "nplm.h"
