// Reads CPUID and XGETBV directly: what the processor executes, as an emulator such as
// qemu-user reports it too, unlike /proc/cpuinfo, which shows the host's flags.
// Feature bits: Intel SDM vol. 2A, CPUID; levels: the x86-64 psABI, section 3.1.1.
#include "CCPUFeatures.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <stdint.h>

static int has(unsigned int reg, int bit) { return (reg >> bit) & 1; }

static uint64_t enabled_state(void) {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return ((uint64_t)edx << 32) | eax;
}

int cnncalc_x86_64_level(void) {
  unsigned int eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 1;
  unsigned int ecx1 = ecx;
  // v2: CMPXCHG16B, LAHF-SAHF, POPCNT, SSE3, SSE4.1, SSE4.2, SSSE3.
  int v2 = has(ecx1, 13) && has(ecx1, 23) && has(ecx1, 0) && has(ecx1, 19) && has(ecx1, 20) && has(ecx1, 9);
  unsigned int ecx81 = 0;
  if (__get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx)) ecx81 = ecx;
  v2 = v2 && has(ecx81, 0);
  if (!v2) return 1;
  // v3: AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE, OSXSAVE with XMM and YMM state enabled.
  int osxsave = has(ecx1, 27);
  uint64_t state = osxsave ? enabled_state() : 0;
  unsigned int ebx7 = 0;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) ebx7 = ebx;
  int v3 = osxsave && (state & 0x6) == 0x6 && has(ecx1, 28) && has(ecx1, 29) && has(ecx1, 12) && has(ecx1, 22) &&
           has(ebx7, 5) && has(ebx7, 3) && has(ebx7, 8) && has(ecx81, 5);
  if (!v3) return 2;
  // v4: AVX512F, AVX512BW, AVX512CD, AVX512DQ, AVX512VL with opmask and ZMM state enabled.
  int v4 = (state & 0xe6) == 0xe6 && has(ebx7, 16) && has(ebx7, 30) && has(ebx7, 28) && has(ebx7, 17) &&
           has(ebx7, 31);
  return v4 ? 4 : 3;
}

#else

int cnncalc_x86_64_level(void) { return 0; }

#endif
