import CBOR
import Foundation
import Testing

/// Replays every input the fuzzer ever crashed on (Fuzz/FailCases/FuzzCBOR, see Fuzz/README.md).
///
/// Each file must decode to a value or throw a ``CBORError``, never trap; an accepted input must also keep
/// the invariants the fuzz target checks (``checkRoundTrip(input:value:inputIsCanonical:sourceLocation:)``).
/// A trap here crashes the test process, which fails the run.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    /// Fuzz/FailCases/FuzzCBOR in this checkout, found from this file's path.
    static let failCasesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/FailCases/FuzzCBOR")

    static func failCases() -> [URL] {
        let files = (try? FileManager.default.contentsOfDirectory(
            at: failCasesDirectory, includingPropertiesForKeys: nil)) ?? []
        return files.filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    @Test("The fail-case folder exists")
    func folderExists() {
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: Self.failCasesDirectory.path, isDirectory: &isDirectory))
        #expect(isDirectory.boolValue)
    }

    @Test("Every recorded fuzz crash now decodes to a value or a typed error")
    func replayFailCases() throws {
        for file in Self.failCases() {
            let input = [UInt8](try Data(contentsOf: file))
            for decoder in [
                CBORDecoder(), CBORDecoder(allowTags: true), CBORDecoder(requireCanonicalMapOrder: true, allowTags: true),
            ] {
                let result = Result { () throws(CBORError) in try decoder.decode(input) }
                _ = Result { () throws(CBORError) in try decoder.decodePrefix(input[...]) }
                if case .success(let value) = result {
                    let canonical = (try? CBORDecoder(requireCanonicalMapOrder: true, allowTags: true).decode(input)) != nil
                    checkRoundTrip(input: input, value: value, inputIsCanonical: canonical)
                }
            }
        }
    }
}
