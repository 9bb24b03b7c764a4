// Cairo's C API for adviz's plots (Debian's libcairo2-dev): image, SVG and PDF surfaces.
// Nothing but CairoKit imports this module.
#ifndef ADVIZ_CCAIRO_SHIM_H
#define ADVIZ_CCAIRO_SHIM_H
#include <cairo/cairo.h>
#include <cairo/cairo-svg.h>
#include <cairo/cairo-pdf.h>
#endif
