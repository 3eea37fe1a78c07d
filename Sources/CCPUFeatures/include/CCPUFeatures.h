#ifndef CCPUFEATURES_H
#define CCPUFEATURES_H

// What Swift cannot say to the processor by itself: which x86-64 level it supports (CPUID,
// XGETBV) and a prefetch hint.

/// The x86-64 microarchitecture level this CPU and its operating system support, as the psABI
/// defines the levels (x86-64-v2, -v3, -v4): 1 for baseline x86-64, 2, 3 or 4; 0 on a processor
/// that is not x86-64. A level counts only when CPUID reports every instruction set it names and
/// XGETBV shows the OS saves the registers it uses (YMM for v3, ZMM and opmask for v4).
int cnncalc_x86_64_level(void);

/// Asks the processor to bring the cache line holding `address` closer (into every level), without
/// waiting for it and without faulting whatever the address: a hint, no effect on results.
static inline void cnncalc_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
