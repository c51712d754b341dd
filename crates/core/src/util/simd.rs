//! Run-time SIMD selection.
//!
//! Vectorisable loops are compiled several times with `multiversion` (AVX-512, AVX2+FMA and a
//! portable baseline on x86_64; simd128 on wasm32) and the best clone is picked once per process
//! from the CPU's features. `level()` reports which one this machine gets.

/// The instruction set the multiversioned kernels run with on this machine.
pub fn level() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("avx512bw") {
            return "avx512";
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            return "avx2";
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        return "simd128";
    }
    #[allow(unreachable_code)]
    "portable"
}
