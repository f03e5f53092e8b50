#ifndef BESPOKE_COPENBLAS_SHIM_H
#define BESPOKE_COPENBLAS_SHIM_H
// Debian's libopenblas-dev (CBLAS, and openblas_set_num_threads) and liblapacke-dev (LAPACKE).
#include <cblas.h>
#include <lapacke.h>
#endif
