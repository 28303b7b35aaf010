/// Reed–Solomon error correction codewords over GF(2^8) for QR codes (ISO/IEC 18004:2015 §7.5.2).
///
/// The field is built on the primitive polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D); the generator
/// polynomial of degree n is (x − α^0)(x − α^1)…(x − α^(n−1)).
enum ReedSolomon {
    /// α^i for i in 0..<255 (doubled to 510 entries so products need no reduction modulo 255).
    private static let exponents: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for index in 0..<255 {
            table[index] = UInt8(value)
            table[index + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        return table
    }()

    /// log_α(v) for v in 1...255 (entry 0 unused).
    private static let logarithms: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for index in 0..<255 { table[Int(exponents[index])] = index }
        return table
    }()

    /// The product of `a` and `b` in GF(2^8).
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exponents[logarithms[Int(a)] + logarithms[Int(b)]]
    }

    /// The coefficients of the generator polynomial of `degree`, highest power first, the leading 1 omitted.
    static func generator(degree: Int) -> [UInt8] {
        // Start from the polynomial 1 and multiply by (x − α^i), i.e. (x + α^i) in characteristic 2.
        var coefficients: [UInt8] = [1]
        for power in 0..<degree {
            let root = exponents[power]
            var next = [UInt8](repeating: 0, count: coefficients.count + 1)
            for (index, coefficient) in coefficients.enumerated() {
                next[index] ^= coefficient
                next[index + 1] ^= multiply(coefficient, root)
            }
            coefficients = next
        }
        return Array(coefficients.dropFirst())
    }

    /// The `generator.count` error correction codewords of `data`: the remainder of data(x)·x^n ÷ g(x).
    static func remainder(of data: ArraySlice<UInt8>, generator: [UInt8]) -> [UInt8] {
        var remainder = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for index in 0..<generator.count {
                remainder[index] ^= multiply(generator[index], factor)
            }
        }
        return remainder
    }
}
