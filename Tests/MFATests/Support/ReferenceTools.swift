import Foundation
import _TestSupport

/// Runs the independent tools the delivery, GeoIP and risk tests compare against (Python's standard
/// library, and the `mmdb-writer` package in the build venv). Nothing here uses the code under test.
enum ReferenceTools {

    /// The package root: the directory that holds Tests/ (this file is Tests/MFATests/Support/ReferenceTools.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// This directory, where the Python helper scripts live.
    static let supportDirectory: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    /// Runs `executable` (a path, or a name looked up on PATH) and returns stdout; throws when it fails.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], input: [UInt8] = []) throws -> String {
        try ExternalProcess.run(executable, arguments, input: input).output
    }

    /// Runs a Python 3 script given inline, with `input` on stdin; returns stdout's non-empty lines.
    static func python(_ script: String, _ arguments: [String] = [], input: [UInt8] = []) throws -> [String] {
        try run("python3", ["-c", script] + arguments, input: input)
            .split(separator: "\n").map(String.init)
    }

    /// The Python that has `mmdb_writer`: `$KEYBRIDGE_PYTHON`, else the build venv's
    /// (`.build-venv/bin/python`, made by `python3 -m venv .build-venv`; `pip install mmdb-writer`), else
    /// `python3` on PATH. Nil when none of them can import it.
    static let mmdbWriterPython: String? = {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["KEYBRIDGE_PYTHON"] { candidates.append(configured) }
        candidates.append(packageRoot.appendingPathComponent(".build-venv/bin/python").path)
        candidates.append("python3")
        return candidates.first { (try? run($0, ["-c", "import mmdb_writer, netaddr"])) != nil }
    }()

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kb-mfa-delivery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
