/* The declarations of nplm.h are implemented in Swift (Sources/CInterface); SwiftPM needs one C file per C target. */
#include "nplm.h"
