/* The two variables every layer reads (shim.h): defined here, at the
 * bottom, so that the layers using them do not depend on the constructor
 * that sets one (process/init.c) to link. */
#include "core/shim.h"

bool sf_engaged; /* written only by the constructor, before main (or sf_fuzz_reset, between runs) */
__thread int sf_depth __attribute__((tls_model("initial-exec")));
