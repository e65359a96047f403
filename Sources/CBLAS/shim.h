// OpenBLAS's CBLAS interface. Debian keeps cblas.h in a per-variant folder that
// pkg-config `openblas` puts on the include path.
#include <cblas.h>
