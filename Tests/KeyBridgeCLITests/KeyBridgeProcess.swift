import Foundation
import Testing

/// Runs the built `keybridge` executable, as a script would.
struct KeyBridgeProcess {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String

        /// stdout parsed as one JSON object (the record, or the rejection).
        var json: [String: Any]? {
            guard let data = stdout.data(using: .utf8) else { return nil }
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        }
    }

    /// The `keybridge` binary beside the test bundle in the build products folder.
    static let executable: URL = {
        let running = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = running.deletingLastPathComponent()
        // The test runner lives in KeyBridgePackageTests.xctest (a file on Linux) inside the products folder.
        while !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("keybridge").path),
            folder.path != "/"
        {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("keybridge")
    }()

    static func run(_ arguments: [String], stdin: [UInt8] = []) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let input = Pipe()
        let output = Pipe()
        let error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Write stdin and read both outputs concurrently, so no pipe buffer can fill and deadlock.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(stdin))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let errorData = LockedData()
        let errorReader = Thread { errorData.set(error.fileHandleForReading.readDataToEndOfFile()) }
        errorReader.start()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { usleep(1000) }
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errorData.value, as: UTF8.self))
    }

    static func run(_ arguments: [String], stdin: String) throws -> Result {
        try run(arguments, stdin: Array(stdin.utf8))
    }

    /// A temporary file with `contents`, removed by the caller.
    static func temporaryFile(_ contents: String, suffix: String = ".json") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("keybridge-test-\(UUID().uuidString)\(suffix)")
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

/// A Data value handed from a reader thread.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?

    func set(_ value: Data) {
        lock.lock()
        data = value
        lock.unlock()
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return data != nil
    }

    var value: Data {
        lock.lock()
        defer { lock.unlock() }
        return data ?? Data()
    }
}
