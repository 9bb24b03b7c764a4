// C library functions that Swift's Glibc module leaves out (they are GNU extensions).
#ifndef ADVIZ_CMATHEXTRAS_H
#define ADVIZ_CMATHEXTRAS_H

#if defined(__linux__)
// glibc's sin and cos at once: one range reduction, the same code as sin and cos, the same
// bits (AdvizCore's RuleTests holds it to them). libm is linked by every Swift program here.
void sincos(double x, double *sine, double *cosine);
#define ADVIZ_HAS_SINCOS 1
#endif

#endif
