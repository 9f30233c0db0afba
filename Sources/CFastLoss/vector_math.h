/*
 * Vector helpers and e^x shared by the chunk kernel (chunk_kernel.h) and the Gaussian-kernel
 * products of the kernel model (kernel_products.h). Included once per instruction-set variant,
 * with VW, V, VI, NAME, TARGET and HAS_FMA defined by the includer (see chunk_kernel.h); it
 * defines FMA and SPLAT, which the includer undefines at its end.
 */

INLINE TARGET V NAME(splat)(float s) { return (V){0} + s; }
INLINE TARGET V NAME(load)(const float *p) { V v; memcpy(&v, p, sizeof v); return v; }
INLINE TARGET void NAME(store)(float *p, V v) { memcpy(p, &v, sizeof v); }
/* m ? x : y, lane by lane (lanes of m are all ones or all zeros). */
INLINE TARGET V NAME(select)(VI m, V x, V y) { return (V)((m & (VI)x) | (~m & (VI)y)); }
INLINE TARGET V NAME(abs)(V z) { return (V)((VI)z & 0x7FFFFFFF); }
/* a·b + c, rounded once where the CPU has FMA. */
INLINE TARGET V NAME(fma)(V a, V b, V c) {
#if HAS_FMA
    return __builtin_elementwise_fma(a, b, c);
#else
    return a * b + c;
#endif
}
#define FMA NAME(fma)
#define SPLAT NAME(splat)

/*
 * e^x (the Cephes expf scheme): n = round(x·log2 e), r = x − n·ln 2 in two parts (Cody–Waite),
 * e^r by a polynomial on |r| ≤ ln 2 / 2, times 2^n built in the exponent bits. x is first clamped
 * to [−88, 89] (a NaN passes through the comparisons untouched), so that n ∈ [−127, 128]:
 * 2^−127 comes out as 0 (e^x below ≈ 2^−126.5 flushes to zero) and 2^128 as +∞ (e^x above
 * ≈ 2^127.5 overflows). Elsewhere the error is about 1 ulp (FastCPUMathTests).
 */
INLINE TARGET V NAME(exp)(V x) {
    x = NAME(select)(x < -88.0f, SPLAT(-88.0f), x);
    x = NAME(select)(x > 89.0f, SPLAT(89.0f), x);
    const V shifter = SPLAT(12582912.0f); /* 1.5·2^23: adding it rounds to an integer */
    const V t = FMA(x, SPLAT(1.44269504088896341f), shifter);
    const V n = t - shifter;
    V r = FMA(n, SPLAT(-0.693359375f), x);
    r = FMA(n, SPLAT(2.12194440e-4f), r);
    V p = SPLAT(1.9875691500e-4f);
    p = FMA(p, r, SPLAT(1.3981999507e-3f));
    p = FMA(p, r, SPLAT(8.3334519073e-3f));
    p = FMA(p, r, SPLAT(4.1665795894e-2f));
    p = FMA(p, r, SPLAT(1.6666665459e-1f));
    p = FMA(p, r, SPLAT(5.0000001201e-1f));
    p = FMA(p, r * r, r) + 1.0f;
    const VI scale = (((VI)t - 0x4B400000) + 127) << 23;
    return p * (V)scale;
}
