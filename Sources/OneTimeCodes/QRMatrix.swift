/// The module grid of a QR code while it is built: function patterns, codeword placement, masking and the
/// penalty score (ISO/IEC 18004:2015 §6.3, §7.7, §7.8).
struct QRMatrix {
    let version: Int
    let size: Int
    /// Row-major, true for dark.
    private(set) var modules: [Bool]
    /// Row-major, true where a function pattern (or reserved format/version area) sits.
    private var isFunction: [Bool]

    /// A grid with every function pattern drawn and the format areas reserved.
    init(version: Int) {
        self.version = version
        size = 4 * version + 17
        modules = Array(repeating: false, count: size * size)
        isFunction = Array(repeating: false, count: size * size)
        drawFunctionPatterns()
    }

    private mutating func set(_ row: Int, _ column: Int, _ dark: Bool) {
        modules[row * size + column] = dark
        isFunction[row * size + column] = true
    }

    private func dark(_ row: Int, _ column: Int) -> Bool { modules[row * size + column] }

    // MARK: - Function patterns (§6.3)

    private mutating func drawFunctionPatterns() {
        // Timing patterns (§6.3.5): row 6 and column 6, dark on even indices. The finders overwrite the ends.
        for index in 0..<size {
            set(6, index, index % 2 == 0)
            set(index, 6, index % 2 == 0)
        }
        // Finder patterns with their separators (§6.3.3, §6.3.4).
        drawFinder(centerRow: 3, centerColumn: 3)
        drawFinder(centerRow: 3, centerColumn: size - 4)
        drawFinder(centerRow: size - 4, centerColumn: 3)
        // Alignment patterns (§6.3.6), except where they would overlap a finder.
        let positions = Self.alignmentPatternPositions(version: version)
        let last = positions.count - 1
        for (i, row) in positions.enumerated() {
            for (j, column) in positions.enumerated() {
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 {
                        set(row + dy, column + dx, max(abs(dy), abs(dx)) != 1)
                    }
                }
            }
        }
        // Format information areas (§7.9.1), reserved now and written per mask; and the dark module.
        for index in 0..<9 {
            reserve(8, index)
            reserve(index, 8)
        }
        for index in 0..<8 {
            reserve(8, size - 1 - index)
            reserve(size - 1 - index, 8)
        }
        set(size - 8, 8, true)
        // Version information (§7.10), versions 7 and up: two 6 × 3 blocks.
        if version >= 7 {
            let bits = QRCode.versionInformation(version: version)
            for index in 0..<18 {
                let bit = (bits >> UInt32(index)) & 1 == 1
                let near = index / 3
                let far = size - 11 + index % 3
                set(near, far, bit)  // top right: rows 0...5, columns size-11...size-9
                set(far, near, bit)  // bottom left: the transpose
            }
        }
    }

    private mutating func reserve(_ row: Int, _ column: Int) {
        isFunction[row * size + column] = true
    }

    /// A 7 × 7 finder pattern and the light separator around it (clipped at the symbol's edge).
    private mutating func drawFinder(centerRow: Int, centerColumn: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let row = centerRow + dy
                let column = centerColumn + dx
                guard (0..<size).contains(row), (0..<size).contains(column) else { continue }
                let ring = max(abs(dy), abs(dx))
                set(row, column, ring != 2 && ring != 4)
            }
        }
    }

    /// The row/column coordinates of alignment pattern centres (Annex E, Table E.1).
    ///
    /// Version 1 has none. Otherwise there are version ÷ 7 + 2 coordinates: 6, then evenly spaced ones ending
    /// at size − 7, the spacing being the distance rounded up to an even number — except version 32, where
    /// Table E.1 spaces them by 26 instead of the 28 that rule gives.
    static func alignmentPatternPositions(version: Int) -> [Int] {
        guard version >= 2 else { return [] }
        let count = version / 7 + 2
        let last = 4 * version + 10
        var step = (last - 6 + count - 2) / (count - 1)
        if step % 2 == 1 { step += 1 }
        if version == 32 { step = 26 }
        var positions = [6]
        for index in stride(from: count - 2, through: 0, by: -1) {
            positions.append(last - index * step)
        }
        return positions
    }

    /// The number of modules left for codewords, per version (index 0 unused).
    static let dataModuleCounts: [Int] = [0] + (1...40).map { version in
        QRMatrix(version: version).isFunction.lazy.filter { !$0 }.count
    }

    // MARK: - Codeword placement (§7.7.3)

    /// Places `codewords` in two-module-wide columns, from the bottom right, alternately upwards and
    /// downwards, skipping the vertical timing pattern and every function module. Remainder bits stay light.
    mutating func placeCodewords(_ codewords: [UInt8]) {
        let totalBits = codewords.count * 8
        var bitIndex = 0
        var right = size - 1
        var upward = true
        while right >= 1 {
            if right == 6 { right = 5 }  // column 6 is the vertical timing pattern
            for step in 0..<size {
                let row = upward ? size - 1 - step : step
                for column in [right, right - 1] where !isFunction[row * size + column] {
                    if bitIndex < totalBits {
                        let byte = codewords[bitIndex / 8]
                        modules[row * size + column] = (byte >> UInt8(7 - bitIndex % 8)) & 1 == 1
                        bitIndex += 1
                    }
                }
            }
            upward.toggle()
            right -= 2
        }
    }

    // MARK: - Masking (§7.8)

    /// Inverts every non-function module for which data mask `mask`'s condition holds (Table 10).
    mutating func applyMask(_ mask: Int) {
        for row in 0..<size {
            for column in 0..<size where !isFunction[row * size + column] {
                let i = row
                let j = column
                let invert: Bool
                switch mask {
                case 0: invert = (i + j) % 2 == 0
                case 1: invert = i % 2 == 0
                case 2: invert = j % 3 == 0
                case 3: invert = (i + j) % 3 == 0
                case 4: invert = (i / 2 + j / 3) % 2 == 0
                case 5: invert = (i * j) % 2 + (i * j) % 3 == 0
                case 6: invert = ((i * j) % 2 + (i * j) % 3) % 2 == 0
                default: invert = ((i + j) % 2 + (i * j) % 3) % 2 == 0
                }
                if invert { modules[row * size + column].toggle() }
            }
        }
    }

    /// Writes the 15 format bits in both copies (§7.9.1, Figure 25). Bit 14 is the most significant.
    mutating func drawFormatInformation(_ bits: UInt32) {
        func bit(_ index: Int) -> Bool { (bits >> UInt32(index)) & 1 == 1 }
        // Around the top-left finder: bits 0...5 down column 8 (rows 0...5), 6 and 7 at rows 7 and 8,
        // 8 at row 8 column 7, then 9...14 along row 8 from column 5 to column 0.
        for index in 0..<6 { set(index, 8, bit(index)) }
        set(7, 8, bit(6))
        set(8, 8, bit(7))
        set(8, 7, bit(8))
        for index in 9..<15 { set(8, 14 - index, bit(index)) }
        // The second copy: bits 0...7 along row 8 from the right edge leftwards, bits 8...14 down column 8
        // in the bottom seven rows.
        for index in 0..<8 { set(8, size - 1 - index, bit(index)) }
        for index in 8..<15 { set(size - 15 + index, 8, bit(index)) }
        set(size - 8, 8, true)  // the dark module
    }

    // MARK: - Penalty score (§7.8.3, Table 11)

    /// N1·(runs) + N2·(2 × 2 blocks) + N3·(finder-like patterns) + N4·(dark proportion), with N1 = 3,
    /// N2 = 3, N3 = 40, N4 = 10, over the whole symbol.
    func penaltyScore() -> Int {
        var penalty = 0
        for line in 0..<size {
            penalty += linePenalty { dark(line, $0) }
            penalty += linePenalty { dark($0, line) }
        }
        // Feature 2: each 2 × 2 block of one colour.
        for row in 0..<(size - 1) {
            for column in 0..<(size - 1) {
                let colour = dark(row, column)
                if dark(row, column + 1) == colour, dark(row + 1, column) == colour, dark(row + 1, column + 1) == colour {
                    penalty += 3
                }
            }
        }
        // Feature 4: 10 points per full 5 % that the dark share deviates from 50 %.
        let darkCount = modules.lazy.filter { $0 }.count
        let total = size * size
        penalty += 10 * (abs(darkCount * 100 - total * 50) / (total * 5))
        return penalty
    }

    /// Features 1 and 3 along one row or column, read through `module(index)`.
    private func linePenalty(_ module: (Int) -> Bool) -> Int {
        var penalty = 0
        // Feature 1: a run of 5 or more same-coloured modules scores 3 + (length − 5).
        var runColour = module(0)
        var runLength = 1
        for index in 1..<size {
            let colour = module(index)
            if colour == runColour {
                runLength += 1
            } else {
                if runLength >= 5 { penalty += runLength - 2 }
                runColour = colour
                runLength = 1
            }
        }
        if runLength >= 5 { penalty += runLength - 2 }
        // Feature 3: 1:1:3:1:1 (dark:light:dark:light:dark) with four light modules on one side, within the
        // symbol: 10111010000 or 00001011101.
        let pattern: [Bool] = [true, false, true, true, true, false, true]
        if size >= 11 {
            for start in 0...(size - 11) {
                var before = true
                var after = true
                for offset in 0..<4 {
                    if module(start + offset) { before = false }
                    if module(start + 7 + offset) { after = false }
                }
                let coreAfterLight = (0..<7).allSatisfy { module(start + 4 + $0) == pattern[$0] }
                let coreBeforeLight = (0..<7).allSatisfy { module(start + $0) == pattern[$0] }
                if before && coreAfterLight { penalty += 40 }
                if after && coreBeforeLight { penalty += 40 }
            }
        }
        return penalty
    }
}
