import Foundation
import Testing
@testable import OneTimeCodes

/// Known answers from ISO/IEC 18004:2015 and independent decoders (`zbarimg` from Debian's zbar-tools, and
/// Debian's `qrencode` as a second encoder).
@Suite struct QRCodeTests {
    // MARK: - Known answers from the standard

    @Test("Format information matches Annex C, Table C.1, for every level and mask")
    func formatInformation() {
        let table: [QRCode.ErrorCorrectionLevel: [String]] = [
            .low: ["111011111000100", "111001011110011", "111110110101010", "111100010011101",
                   "110011000101111", "110001100011000", "110110001000001", "110100101110110"],
            .medium: ["101010000010010", "101000100100101", "101111001111100", "101101101001011",
                      "100010111111001", "100000011001110", "100111110010111", "100101010100000"],
            .quartile: ["011010101011111", "011000001101000", "011111100110001", "011101000000110",
                        "010010010110100", "010000110000011", "010111011011010", "010101111101101"],
            .high: ["001011010001001", "001001110111110", "001110011100111", "001100111010000",
                    "000011101100010", "000001001010101", "000110100001100", "000100000111011"],
        ]
        for (level, row) in table {
            for (mask, bits) in row.enumerated() {
                #expect(QRCode.formatInformation(level: level, mask: mask) == UInt32(bits, radix: 2), "\(level) mask \(mask)")
            }
        }
        // Annex C's worked example: level M, mask 101 gives 100000011001110.
        #expect(QRCode.formatInformation(level: .medium, mask: 5) == 0b100000011001110)
    }

    @Test("Version information matches Annex D, Table D.1")
    func versionInformation() {
        let table: [Int: UInt32] = [7: 0x07C94, 8: 0x085BC, 9: 0x09A99, 10: 0x0A4D3, 40: 0x28C69]
        for (version, bits) in table {
            #expect(QRCode.versionInformation(version: version) == bits, "version \(version)")
        }
    }

    @Test("Alignment pattern centres match Annex E, Table E.1")
    func alignmentPatterns() {
        let table: [Int: [Int]] = [
            1: [], 2: [6, 18], 6: [6, 34], 7: [6, 22, 38], 10: [6, 28, 50], 15: [6, 26, 48, 70], 16: [6, 26, 50, 74],
            21: [6, 28, 50, 72, 94], 28: [6, 26, 50, 74, 98, 122], 32: [6, 34, 60, 86, 112, 138],
            36: [6, 24, 50, 76, 102, 128, 154], 40: [6, 30, 58, 86, 114, 142, 170],
        ]
        for (version, positions) in table {
            #expect(QRMatrix.alignmentPatternPositions(version: version) == positions, "version \(version)")
        }
    }

    @Test("Codeword counts match Table 1 and byte capacities match Table 7")
    func capacities() {
        let codewords: [Int: Int] = [1: 26, 2: 44, 3: 70, 4: 100, 5: 134, 6: 172, 7: 196, 8: 242, 9: 292, 10: 346, 40: 3706]
        for (version, count) in codewords {
            #expect(QRCode.totalCodewordCount(version: version) == count, "version \(version)")
        }
        let mediumBytes = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]
        for (index, bytes) in mediumBytes.enumerated() {
            #expect(QRCode.byteCapacity(version: index + 1, level: .medium) == bytes, "version \(index + 1)-M")
        }
        #expect(QRCode.byteCapacity(version: 1, level: .low) == 17)
        #expect(QRCode.byteCapacity(version: 1, level: .quartile) == 11)
        #expect(QRCode.byteCapacity(version: 1, level: .high) == 7)
        #expect(QRCode.byteCapacity(version: 40, level: .low) == 2953)
        #expect(QRCode.byteCapacity(version: 40, level: .medium) == 2331)
        #expect(QRCode.byteCapacity(version: 40, level: .quartile) == 1663)
        #expect(QRCode.byteCapacity(version: 40, level: .high) == 1273)
    }

    @Test("Reed–Solomon codewords match Annex I's worked example (01234567, version 1-M)")
    func reedSolomon() {
        let data = [UInt8](hex: "10 20 0C 56 61 80 EC 11 EC 11 EC 11 EC 11 EC 11")
        let ecc = ReedSolomon.remainder(of: data[...], generator: ReedSolomon.generator(degree: 10))
        #expect(ecc == [UInt8](hex: "A5 24 D4 C1 ED 36 C7 87 2C 55"))
    }

    @Test("Data that fits no allowed version is refused with data-too-long")
    func tooLong() {
        #expect(throws: OneTimeCodeError(.dataTooLong, "")) {
            try QRCode(encoding: [UInt8](repeating: 0x41, count: 214), versions: 1...10)
        }
        #expect(throws: OneTimeCodeError(.dataTooLong, "")) {
            try QRCode(encoding: [UInt8](repeating: 0x41, count: 2332), errorCorrectionLevel: .medium)
        }
        #expect(throws: OneTimeCodeError(.invalidParameter, "")) { try QRCode(encoding: [1], versions: 0...3) }
    }

    // MARK: - Independent decoder

    static let zbarAvailable = Tool.exists("zbarimg")

    /// Payloads that fill versions 1 to 10 (and a few larger ones) at every level.
    static let decodeCases: [(level: QRCode.ErrorCorrectionLevel, length: Int)] =
        QRCode.ErrorCorrectionLevel.allCases.flatMap { level in
            ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 22, 30].map { QRCode.byteCapacity(version: $0, level: level) } + [1])
                .map { (level, $0) }
        }

    @Test("zbarimg decodes the PNG of every version 1 to 10 (and 14, 22, 30) at every level",
          .enabled(if: zbarAvailable))
    func zbarDecodes() throws {
        let directory = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SplitMix64(state: 18004)
        for (index, testCase) in Self.decodeCases.enumerated() {
            // Printable ASCII, so the decoder's character set guess cannot change the text.
            let text = String(decoding: random.bytes(testCase.length).map { 0x21 + $0 % 94 }, as: UTF8.self)
            let code = try QRCode(encoding: Array(text.utf8), errorCorrectionLevel: testCase.level)
            let file = directory.appendingPathComponent("\(index).png")
            try Data(code.png(moduleSize: 3)).write(to: file)
            let output = try Tool.run("zbarimg", ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", file.path]).output
            #expect(output == text + "\n", "version \(code.version)-\(testCase.level.rawValue), \(testCase.length) bytes")
        }
    }

    @Test("zbarimg decodes an otpauth URI from the default PNG rendering at level M",
          .enabled(if: zbarAvailable))
    func zbarDecodesURI() throws {
        let uri = try OTPAuthURI(
            totpSecret: OTPSecret.generate(), issuer: "KeyBridge", accountName: "alice@example.org"
        ).uriString
        let code = try QRCode(encoding: uri)
        #expect(code.errorCorrectionLevel == .medium)
        let directory = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("uri.png")
        try Data(code.png()).write(to: file)
        #expect(try Tool.run("zbarimg", ["--raw", "-q", file.path]).output == uri + "\n")
    }

    // MARK: - A second encoder

    static let qrencodeAvailable = Tool.exists("qrencode")

    @Test("Every module equals qrencode's symbol for the same data, version, level and mask (versions 1 to 40)",
          .enabled(if: qrencodeAvailable))
    func matchesQrencode() throws {
        var random = SplitMix64(state: 2015)
        var sameMask = 0
        var total = 0
        for version in 1...40 {
            for level in QRCode.ErrorCorrectionLevel.allCases {
                let capacity = QRCode.byteCapacity(version: version, level: level)
                let previous = version == 1 ? 0 : QRCode.byteCapacity(version: version - 1, level: level)
                let length = previous + 1 + Int(random.next() % UInt64(capacity - previous))
                let data = random.bytes(length).map { 0x20 + $0 % 95 }
                let output = try Tool.run(
                    "qrencode", ["-8", "-l", level.rawValue, "-v", "\(version)", "-m", "0", "-t", "ASCII", "-o", "-"],
                    input: data
                ).output
                let rows = output.split(separator: "\n").map { line in
                    stride(from: 0, to: line.count, by: 2).map { line[line.index(line.startIndex, offsetBy: $0)] == "#" }
                }
                let size = 4 * version + 17
                try #require(rows.count == size && rows.allSatisfy { $0.count == size }, "qrencode chose another version")
                // Read qrencode's mask from its format information (row 8, columns 0...5, 7 and 8: bits 14...7).
                var bits: UInt32 = 0
                for column in [0, 1, 2, 3, 4, 5, 7, 8] { bits = bits << 1 | (rows[8][column] ? 1 : 0) }
                let mask = Int(((bits ^ (0x5412 >> 7)) >> 3) & 0b111)  // bits 12...10 of the word
                let ours = try QRCode(encoding: data, errorCorrectionLevel: level, version: version, mask: mask)
                var differences = 0
                for row in 0..<size {
                    for column in 0..<size where ours.isDark(row: row, column: column) != rows[row][column] {
                        differences += 1
                    }
                }
                #expect(differences == 0, "version \(version)-\(level.rawValue), mask \(mask)")
                let automatic = try QRCode(encoding: data, errorCorrectionLevel: level, versions: version...version)
                if automatic.mask == mask { sameMask += 1 }
                total += 1
            }
        }
        // Both apply §7.8.3; implementations differ in how they read feature 3, so only most masks agree.
        #expect(sameMask * 2 > total, "\(sameMask) of \(total) mask choices agree with qrencode")
    }

    // MARK: - Renderers

    @Test("The terminal rendering holds every module and the quiet zone, in both styles")
    func terminal() throws {
        let code = try QRCode(encoding: "otpauth://totp/KeyBridge:alice?secret=MZXW6YTBOIMZXW6YTBOI")
        for style in [QRCode.TerminalStyle.lightOnDark, .darkOnLight] {
            for quietZone in [0, 2, 4] {
                let text = code.terminalString(style: style, quietZone: quietZone)
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                let extent = code.size + 2 * quietZone
                #expect(lines.count == (extent + 1) / 2)
                for (lineIndex, line) in lines.enumerated() {
                    let characters = Array(line)
                    #expect(characters.count == extent)
                    for (column, character) in characters.enumerated() {
                        let (top, bottom): (Bool, Bool) = switch character {
                        case "█": (true, true)
                        case "▀": (true, false)
                        case "▄": (false, true)
                        default: (false, false)
                        }
                        for (row, inked) in [(lineIndex * 2, top), (lineIndex * 2 + 1, bottom)] {
                            let expected: Bool
                            if row >= extent {
                                expected = false
                            } else {
                                let dark = code.isDark(row: row - quietZone, column: column - quietZone)
                                expected = style == .lightOnDark ? !dark : dark
                            }
                            #expect(inked == expected, "row \(row) column \(column)")
                        }
                    }
                }
            }
        }
    }

    @Test("The PNG has valid CRCs and zlib data (checked by Python) and its pixels are the modules")
    func pngStructure() throws {
        let code = try QRCode(encoding: String(repeating: "KeyBridge ", count: 30), errorCorrectionLevel: .high)
        let png = code.png(moduleSize: 5, quietZone: 4)
        let lines = try Tool.python(
            """
            import sys, struct, zlib, binascii
            data = sys.stdin.buffer.read()
            assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
            pos, idat = 8, b''
            while pos < len(data):
                length, kind = struct.unpack('>I4s', data[pos:pos + 8])
                body = data[pos + 8:pos + 8 + length]
                crc, = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
                assert binascii.crc32(kind + body) == crc, kind
                if kind == b'IHDR': width, height, depth, colour = struct.unpack('>IIBB', body[:10])
                if kind == b'IDAT': idat += body
                pos += 12 + length
            raw = zlib.decompress(idat)
            stride = (width + 7) // 8 + 1
            print(width, height, depth, colour)
            for y in range(height):
                row = raw[y * stride + 1:(y + 1) * stride]
                print(''.join('1' if row[x // 8] >> (7 - x % 8) & 1 else '0' for x in range(width)))
            """, input: png)
        let pixels = (code.size + 8) * 5
        #expect(lines.first == "\(pixels) \(pixels) 1 0")
        for (y, line) in lines.dropFirst().enumerated() {
            let expected = (0..<pixels).map { x in code.isDark(row: y / 5 - 4, column: x / 5 - 4) ? "0" : "1" }.joined()
            #expect(line == expected, "pixel row \(y)")
        }
    }

    @Test("The SVG path covers exactly the dark modules")
    func svg() throws {
        let code = try QRCode(encoding: "otpauth://totp/A:b?secret=MZXW6YTBOIMZXW6YTBOIMZXW6YTB")
        let svg = code.svg(moduleSize: 4, quietZone: 4)
        let extent = code.size + 8
        #expect(svg.contains("viewBox=\"0 0 \(extent) \(extent)\""))
        #expect(svg.contains("width=\"\(extent * 4)\""))
        // Python's XML parser reads the document; each run is "M x y h n v1 h-n z".
        let runs = try Tool.python(
            """
            import sys, re, xml.etree.ElementTree as ET
            root = ET.fromstring(sys.stdin.read())
            path = root.find('{http://www.w3.org/2000/svg}path').get('d')
            for m in re.finditer(r'M(\\d+) (\\d+)h(\\d+)v1h-(\\d+)z', path):
                assert m.group(3) == m.group(4)
                print(m.group(1), m.group(2), m.group(3))
            """, input: Array(svg.utf8))
        var drawn = Set<Int>()
        for run in runs {
            let numbers = run.split(separator: " ").compactMap { Int($0) }
            for column in numbers[0]..<(numbers[0] + numbers[2]) { drawn.insert((numbers[1] - 4) * code.size + column - 4) }
        }
        let dark = Set((0..<(code.size * code.size)).filter { code.isDark(row: $0 / code.size, column: $0 % code.size) })
        #expect(drawn == dark)
    }
}
