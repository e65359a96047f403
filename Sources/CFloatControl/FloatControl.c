#include "CFloatControl.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define FTZ_DAZ_BITS 0x8040u  /* bit 15: flush to zero, bit 6: denormals are zero */

int lottery_flush_denormals_to_zero(void) {
    _mm_setcsr(_mm_getcsr() | FTZ_DAZ_BITS);
    return 1;
}

int lottery_denormals_are_flushed(void) {
    return (_mm_getcsr() & FTZ_DAZ_BITS) == FTZ_DAZ_BITS;
}

unsigned long long lottery_flush_denormals_saving(void) {
    unsigned int saved = _mm_getcsr();
    _mm_setcsr(saved | FTZ_DAZ_BITS);
    return saved;
}

void lottery_restore_float_control(unsigned long long saved) {
    _mm_setcsr((unsigned int)saved);
}
#elif defined(__aarch64__)
#include <stdint.h>
#define FPCR_FZ (1ull << 24)

int lottery_flush_denormals_to_zero(void) {
    uint64_t fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    fpcr |= FPCR_FZ;
    __asm__ volatile("msr fpcr, %0" : : "r"(fpcr));
    return 1;
}

int lottery_denormals_are_flushed(void) {
    uint64_t fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    return (fpcr & FPCR_FZ) != 0;
}

unsigned long long lottery_flush_denormals_saving(void) {
    uint64_t fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    lottery_flush_denormals_to_zero();
    return fpcr;
}

void lottery_restore_float_control(unsigned long long saved) {
    uint64_t fpcr = saved;
    __asm__ volatile("msr fpcr, %0" : : "r"(fpcr));
}
#else
int lottery_flush_denormals_to_zero(void) { return 0; }
int lottery_denormals_are_flushed(void) { return 0; }
unsigned long long lottery_flush_denormals_saving(void) { return 0; }
void lottery_restore_float_control(unsigned long long saved) { (void)saved; }
#endif
