import Foundation
import MFA
import OneTimeCodes
import Testing

/// The seeds of the `FuzzMFAInputs` fuzz target (Fuzz/), pinned as ordinary tests (STYLE §6): each seed is a
/// valid input of the parser its first byte selects, so the fuzzer starts from inputs that get past the first
/// checks, and a parser that starts refusing them fails here.
@Suite struct MFAInputFuzzSeedTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Corpus/FuzzMFAInputs")

    static let seeds: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()

    @Test("The corpus has a seed for each of the seven parsers")
    func everyParserHasASeed() throws {
        var selectors: Set<UInt8> = []
        for name in Self.seeds {
            let bytes = try Data(contentsOf: Self.corpus.appendingPathComponent(name))
            if let first = bytes.first { selectors.insert(first % 7) }
        }
        #expect(selectors == Set(0..<7))
    }

    @Test("Each seed is accepted by the parser its first byte selects", arguments: seeds)
    func seedIsValid(_ name: String) throws {
        let bytes = Array(try Data(contentsOf: Self.corpus.appendingPathComponent(name)))
        let selector = try #require(bytes.first)
        let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
        switch selector % 7 {
        case 0: #expect((try? PhoneNumber(text)) != nil)
        case 1: #expect(IPAddress(text) != nil)
        case 2: #expect(IPRange(text) != nil)
        case 3: #expect((try? Base32.decode(text)) != nil)
        case 4: #expect((try? OTPAuthURI(parsing: text)) != nil)
        case 5: #expect(text.count == 6 && text.allSatisfy(\.isNumber))
        default:
            // A token is "id.secret": 32 and 64 lowercase hex digits.
            let parts = text.split(separator: ".")
            #expect(parts.map(\.count) == [32, 64])
        }
    }
}
