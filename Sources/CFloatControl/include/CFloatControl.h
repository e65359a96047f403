#ifndef LOTTERY_CFLOATCONTROL_H
#define LOTTERY_CFLOATCONTROL_H

/// Makes the calling thread flush subnormal floats to zero (FTZ) and treat
/// subnormal inputs as zero (DAZ). Adam's moment estimates drift into the
/// subnormal range during long runs, and every operation on them then costs
/// a microcode assist. Returns 1 when the flags were set, 0 on architectures
/// where this build does not know how.
int lottery_flush_denormals_to_zero(void);

/// Like `lottery_flush_denormals_to_zero`, returning the thread's previous
/// floating-point control state for `lottery_restore_float_control`, so that code
/// run later on the same thread (Swift's cooperative pool reuses threads) computes
/// with subnormals as usual.
unsigned long long lottery_flush_denormals_saving(void);

/// Puts back the state `lottery_flush_denormals_saving` returned.
void lottery_restore_float_control(unsigned long long saved);

/// 1 when the calling thread currently flushes subnormals to zero.
int lottery_denormals_are_flushed(void);

#endif
