/// A QR code symbol (ISO/IEC 18004:2015), encoded in byte mode by this module's own encoder.
///
/// The encoder picks the smallest version (1 to 40) that holds the data at the chosen error correction
/// level, adds Reed–Solomon codewords, places modules, and chooses the data mask with the lowest penalty
/// score (§7.8.3). Format and version information carry their BCH codes (Annex C and D). Byte mode writes
/// the bytes as they are, without an ECI header; readers take ASCII, and so the `otpauth://` URIs of
/// ``OTPAuthURI``, unambiguously.
///
/// Render it with ``terminalString(style:quietZone:)``, ``svg(moduleSize:quietZone:)`` or
/// ``png(moduleSize:quietZone:)``.
public struct QRCode: Sendable, Hashable {
    /// How much of the symbol can be damaged and still read (§5.3.8).
    public enum ErrorCorrectionLevel: String, Sendable, Hashable, CaseIterable, Codable {
        /// About 7 % of codewords recoverable.
        case low = "L"
        /// About 15 %: the default, as authenticator enrollment screens use.
        case medium = "M"
        /// About 25 %.
        case quartile = "Q"
        /// About 30 %.
        case high = "H"

        /// The two format-information bits (Table 12): L 01, M 00, Q 11, H 10.
        var formatBits: UInt32 {
            switch self {
            case .low: return 1
            case .medium: return 0
            case .quartile: return 3
            case .high: return 2
            }
        }

        var tableRow: Int {
            switch self {
            case .low: return 0
            case .medium: return 1
            case .quartile: return 2
            case .high: return 3
            }
        }
    }

    /// The version, 1 to 40: the symbol is 4 × version + 17 modules square.
    public let version: Int
    /// The error correction level.
    public let errorCorrectionLevel: ErrorCorrectionLevel
    /// The data mask pattern reference, 0 to 7.
    public let mask: Int
    /// Modules along a side (without the quiet zone).
    public var size: Int { 4 * version + 17 }
    /// Row-major, true for a dark module.
    let modules: [Bool]

    /// Encodes `data` in byte mode.
    ///
    /// - Parameters:
    ///   - data: The bytes to carry.
    ///   - errorCorrectionLevel: M unless you have a reason.
    ///   - versions: The versions to choose from; the smallest that fits is used.
    /// - Throws: ``OneTimeCodeError/Code/dataTooLong`` when no version in `versions` holds the data, and
    ///   ``OneTimeCodeError/Code/invalidParameter`` for a range outside 1...40.
    public init(
        encoding data: [UInt8], errorCorrectionLevel: ErrorCorrectionLevel = .medium, versions: ClosedRange<Int> = 1...40
    ) throws(OneTimeCodeError) {
        guard versions.lowerBound >= 1, versions.upperBound <= 40 else {
            throw OneTimeCodeError(.invalidParameter, "QR code versions run from 1 to 40")
        }
        guard let version = versions.first(where: { Self.byteCapacity(version: $0, level: errorCorrectionLevel) >= data.count })
        else {
            throw OneTimeCodeError(
                .dataTooLong,
                "\(data.count) bytes do not fit in a version \(versions.upperBound)-\(errorCorrectionLevel.rawValue) QR code")
        }
        self.init(data: data, version: version, level: errorCorrectionLevel, mask: nil)
    }

    /// Encodes the UTF-8 bytes of `text` in byte mode.
    ///
    /// - Parameters:
    ///   - text: The text, for example ``OTPAuthURI/uriString``.
    ///   - errorCorrectionLevel: M unless you have a reason.
    /// - Throws: ``OneTimeCodeError/Code/dataTooLong`` when it does not fit in version 40.
    public init(encoding text: String, errorCorrectionLevel: ErrorCorrectionLevel = .medium) throws(OneTimeCodeError) {
        try self.init(encoding: Array(text.utf8), errorCorrectionLevel: errorCorrectionLevel)
    }

    /// Encodes `data` in exactly `version` with exactly `mask` (for tests that compare with another encoder).
    package init(encoding data: [UInt8], errorCorrectionLevel: ErrorCorrectionLevel, version: Int, mask: Int)
        throws(OneTimeCodeError)
    {
        guard (1...40).contains(version), (0...7).contains(mask) else {
            throw OneTimeCodeError(.invalidParameter, "version 1...40 and mask 0...7")
        }
        guard Self.byteCapacity(version: version, level: errorCorrectionLevel) >= data.count else {
            throw OneTimeCodeError(.dataTooLong, "the data does not fit in this version")
        }
        self.init(data: data, version: version, level: errorCorrectionLevel, mask: mask)
    }

    private init(data: [UInt8], version: Int, level: ErrorCorrectionLevel, mask forcedMask: Int?) {
        let codewords = Self.dataCodewords(data, version: version, level: level)
        let interleaved = Self.addErrorCorrection(codewords, version: version, level: level)
        var matrix = QRMatrix(version: version)
        matrix.placeCodewords(interleaved)
        var best: (penalty: Int, mask: Int, matrix: QRMatrix)? = nil
        for mask in forcedMask.map({ [$0] }) ?? Array(0..<8) {
            var candidate = matrix
            candidate.applyMask(mask)
            candidate.drawFormatInformation(Self.formatInformation(level: level, mask: mask))
            // §7.8.3: the lowest penalty wins; on a tie, the lower mask reference.
            let penalty = forcedMask == nil ? candidate.penaltyScore() : 0
            if let current = best, penalty >= current.penalty { continue }
            best = (penalty, mask, candidate)
        }
        // `best` is set: the loop runs at least once.
        let chosen = best ?? (0, 0, matrix)
        self.version = version
        self.errorCorrectionLevel = level
        self.mask = chosen.mask
        self.modules = chosen.matrix.modules
    }

    /// Whether the module at `row`, `column` is dark; false outside the symbol (the quiet zone is light).
    ///
    /// - Parameters:
    ///   - row: 0 at the top.
    ///   - column: 0 at the left.
    /// - Returns: true for dark.
    public func isDark(row: Int, column: Int) -> Bool {
        guard (0..<size).contains(row), (0..<size).contains(column) else { return false }
        return modules[row * size + column]
    }

    // MARK: - Capacity (§7.4.10, Table 7 and Table 9)

    /// The number of bytes byte mode holds in `version` at `level`.
    ///
    /// - Parameters:
    ///   - version: 1 to 40.
    ///   - level: The error correction level.
    /// - Returns: The capacity in bytes (Table 7's "Byte" column).
    public static func byteCapacity(version: Int, level: ErrorCorrectionLevel) -> Int {
        guard (1...40).contains(version) else { return 0 }
        let bits = dataCodewordCount(version: version, level: level) * 8 - 4 - characterCountBits(version: version)
        return max(bits / 8, 0)
    }

    /// Byte mode's character count indicator length (Table 3): 8 bits up to version 9, then 16.
    static func characterCountBits(version: Int) -> Int {
        version <= 9 ? 8 : 16
    }

    /// All codewords of the symbol (data and error correction): the non-function modules ÷ 8 (Table 1).
    static func totalCodewordCount(version: Int) -> Int {
        QRMatrix.dataModuleCounts[version] / 8
    }

    /// The data codewords of `version` at `level` (Table 7).
    static func dataCodewordCount(version: Int, level: ErrorCorrectionLevel) -> Int {
        totalCodewordCount(version: version) - errorCorrectionCodewordsPerBlock[level.tableRow][version]
            * errorCorrectionBlockCounts[level.tableRow][version]
    }

    /// Error correction codewords per block, by level (L, M, Q, H) and version (Table 9; index 0 unused).
    static let errorCorrectionCodewordsPerBlock: [[Int]] = [
        [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
         28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
         26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
         28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
         30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    /// Error correction blocks, by level (L, M, Q, H) and version (Table 9; index 0 unused).
    static let errorCorrectionBlockCounts: [[Int]] = [
        [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
         8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
         17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
         23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
         25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]

    // MARK: - Data encoding (§7.4)

    /// Mode indicator, character count, the bytes, terminator and pad codewords (§7.4.2 to §7.4.10).
    static func dataCodewords(_ data: [UInt8], version: Int, level: ErrorCorrectionLevel) -> [UInt8] {
        let capacityBits = dataCodewordCount(version: version, level: level) * 8
        var bits = BitWriter()
        bits.append(0b0100, count: 4)  // byte mode (Table 2)
        bits.append(UInt32(data.count), count: characterCountBits(version: version))
        for byte in data { bits.append(UInt32(byte), count: 8) }
        bits.append(0, count: min(4, capacityBits - bits.count))  // terminator, shortened when full
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        var pad: UInt8 = 0xEC
        while codewords.count * 8 < capacityBits {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits the data codewords into blocks, appends each block's Reed–Solomon codewords, and interleaves
    /// them (§7.5.2, §7.6): the short blocks come first, and long blocks have one more data codeword.
    static func addErrorCorrection(_ data: [UInt8], version: Int, level: ErrorCorrectionLevel) -> [UInt8] {
        let blockCount = errorCorrectionBlockCounts[level.tableRow][version]
        let eccCount = errorCorrectionCodewordsPerBlock[level.tableRow][version]
        let total = totalCodewordCount(version: version)
        let longBlocks = total % blockCount
        let shortBlocks = blockCount - longBlocks
        let shortDataLength = total / blockCount - eccCount
        let generator = ReedSolomon.generator(degree: eccCount)

        var dataBlocks: [ArraySlice<UInt8>] = []
        var eccBlocks: [[UInt8]] = []
        var start = 0
        for block in 0..<blockCount {
            let length = shortDataLength + (block < shortBlocks ? 0 : 1)
            let slice = data[start..<(start + length)]
            dataBlocks.append(slice)
            eccBlocks.append(ReedSolomon.remainder(of: slice, generator: generator))
            start += length
        }
        var result: [UInt8] = []
        result.reserveCapacity(total)
        for index in 0...shortDataLength {
            for block in dataBlocks where index < block.count {
                result.append(block[block.startIndex + index])
            }
        }
        for index in 0..<eccCount {
            for block in eccBlocks { result.append(block[index]) }
        }
        return result
    }

    // MARK: - Format and version information (Annex C, Annex D)

    /// The 15 format-information bits for `level` and `mask`: 5 data bits, 10 BCH(15,5) bits with the
    /// generator x^10 + x^8 + x^5 + x^4 + x^2 + x + 1 (0x537), XORed with 101010000010010 (0x5412).
    static func formatInformation(level: ErrorCorrectionLevel, mask: Int) -> UInt32 {
        let data = level.formatBits << 3 | UInt32(mask)
        return (data << 10 | bchRemainder(data << 10, generator: 0x537, degree: 10)) ^ 0x5412
    }

    /// The 18 version-information bits for `version` (7 and up): 6 data bits and 12 BCH(18,6) bits with the
    /// generator x^12 + x^11 + x^10 + x^9 + x^8 + x^5 + x^2 + 1 (0x1F25).
    static func versionInformation(version: Int) -> UInt32 {
        let data = UInt32(version)
        return data << 12 | bchRemainder(data << 12, generator: 0x1F25, degree: 12)
    }

    /// The remainder of the polynomial `value` divided by `generator` over GF(2).
    private static func bchRemainder(_ value: UInt32, generator: UInt32, degree: Int) -> UInt32 {
        var remainder = value
        var bit = 31
        while bit >= degree {
            if remainder & (1 << UInt32(bit)) != 0 { remainder ^= generator << UInt32(bit - degree) }
            bit -= 1
        }
        return remainder
    }
}
