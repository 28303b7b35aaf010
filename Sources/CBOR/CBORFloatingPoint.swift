/// Conversions between `Double` and the three IEEE 754 widths CBOR carries (RFC 8949 §3.3), done on bit
/// patterns so that NaN payloads and signs survive exactly (hardware conversions may quiet a signalling NaN).
enum CBORFloatingPoint {
    /// The shortest exact wire form of a double (RFC 8949 §4.2.1 "preferred serialization").
    enum Encoded: Equatable {
        case half(UInt16)
        case single(UInt32)
        case double(UInt64)
    }

    /// The value of an IEEE 754 binary16 bit pattern.
    static func double(fromHalf bits: UInt16) -> Double {
        let negative = bits & 0x8000 != 0
        let exponent = Int((bits >> 10) & 0x1f)
        let mantissa = UInt64(bits & 0x3ff)
        if exponent == 0x1f {
            // Infinity (mantissa 0) or NaN: move the payload to the top of the double's mantissa.
            return Double(bitPattern: (negative ? 1 << 63 : 0) | 0x7ff0_0000_0000_0000 | mantissa << 42)
        }
        let magnitude: Double
        if exponent == 0 {
            magnitude = Double(mantissa) * 0x1p-24  // subnormal (or zero): mantissa × 2^-24
        } else {
            magnitude = Double(sign: .plus, exponent: exponent - 25, significand: Double(0x400 | mantissa))
        }
        return negative ? -magnitude : magnitude
    }

    /// The value of an IEEE 754 binary32 bit pattern.
    static func double(fromSingle bits: UInt32) -> Double {
        if bits & 0x7f80_0000 == 0x7f80_0000 && bits & 0x007f_ffff != 0 {
            let sign = UInt64(bits >> 31) << 63
            return Double(bitPattern: sign | 0x7ff0_0000_0000_0000 | UInt64(bits & 0x007f_ffff) << 29)
        }
        return Double(Float(bitPattern: bits))  // exact for every non-NaN value
    }

    /// The shortest of half, single and double precision that encodes `value` exactly (NaN payload included).
    static func shortest(_ value: Double) -> Encoded {
        let bits = value.bitPattern
        let exponent = (bits >> 52) & 0x7ff
        let mantissa = bits & 0x000f_ffff_ffff_ffff
        if exponent == 0x7ff {
            let halfSign = UInt16(truncatingIfNeeded: bits >> 48) & 0x8000
            let singleSign = UInt32(truncatingIfNeeded: bits >> 32) & 0x8000_0000
            if mantissa & ((1 << 42) - 1) == 0 {
                return .half(halfSign | 0x7c00 | UInt16(truncatingIfNeeded: mantissa >> 42))
            }
            if mantissa & ((1 << 29) - 1) == 0 {
                return .single(singleSign | 0x7f80_0000 | UInt32(truncatingIfNeeded: mantissa >> 29))
            }
            return .double(bits)
        }
        let single = Float(value)
        guard Double(single) == value else { return .double(bits) }
        let singleBits = single.bitPattern
        let sign = UInt16(truncatingIfNeeded: singleBits >> 16) & 0x8000
        let singleExponent = Int((singleBits >> 23) & 0xff)
        let singleMantissa = singleBits & 0x007f_ffff
        if singleExponent == 0 {
            // Zero fits a half; a single-precision subnormal (< 2^-126) is far below the half range.
            return singleMantissa == 0 ? .half(sign) : .single(singleBits)
        }
        let unbiased = singleExponent - 127
        if (-14...15).contains(unbiased) {
            // A normal half: 10 mantissa bits, so the low 13 bits of the single's mantissa must be zero.
            guard singleMantissa & 0x1fff == 0 else { return .single(singleBits) }
            return .half(sign | UInt16(unbiased + 15) << 10 | UInt16(truncatingIfNeeded: singleMantissa >> 13))
        }
        if (-24 ..< -14).contains(unbiased) {
            // A subnormal half m × 2^-24 with m = (1.mantissa × 2^23) × 2^(unbiased + 1).
            let full = 0x0080_0000 | singleMantissa
            let shift = UInt32(-(unbiased + 1))
            guard full & ((1 << shift) - 1) == 0 else { return .single(singleBits) }
            return .half(sign | UInt16(truncatingIfNeeded: full >> shift))
        }
        return .single(singleBits)
    }
}
