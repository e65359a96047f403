/// Elementary functions computed with IEEE basic operations only, so that their
/// results do not depend on the platform's libm. Used where bit-identical
/// results across machines matter (initialization), never in hot loops.
public enum PortableMath {
    /// Natural logarithm of a positive, finite, normal `x`.
    ///
    /// x = m · 2^e with m in [√½, √2); ln m = 2·atanh(s) with s = (m−1)/(m+1),
    /// |s| ≤ 0.1716, summed as a series to full double precision.
    public static func log(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite && x.isNormal, "PortableMath.log needs a positive normal number")
        var exponent = Int(x.exponent)
        var mantissa = x.significand  // in [1, 2)
        if mantissa > 1.4142135623730951 {
            mantissa /= 2
            exponent += 1
        }
        let s = (mantissa - 1) / (mantissa + 1)
        let s2 = s * s
        var term = s
        var sum = 0.0
        var k = 1.0
        // s² ≤ 0.0295: 14 odd terms bring the remainder below 1e-22 relative.
        for _ in 0..<14 {
            sum += term / k
            term *= s2
            k += 2
        }
        return 2 * sum + Double(exponent) * 0.6931471805599453
    }
}
