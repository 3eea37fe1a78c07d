#ifndef CCPUFEATURES_H
#define CCPUFEATURES_H

/// The x86-64 microarchitecture level this CPU and its operating system support, as the psABI
/// defines the levels (x86-64-v2, -v3, -v4): 1 for baseline x86-64, 2, 3 or 4; 0 on a processor
/// that is not x86-64. A level counts only when CPUID reports every instruction set it names and
/// XGETBV shows the OS saves the registers it uses (YMM for v3, ZMM and opmask for v4).
int cnncalc_x86_64_level(void);

#endif
