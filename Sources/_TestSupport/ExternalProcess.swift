package import Foundation

/// Runs the independent tools the tests compare KeyBridge with (`oathtool`, `openssl`, `python3`, `zbarimg`, …):
/// the one place that starts such a process, feeds its stdin and drains its stdout and stderr together, so that
/// neither pipe can fill up and stall the tool.
package enum ExternalProcess {
    /// A tool that exited non-zero: its command line, status and stderr.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// Runs `executable` (a path, or a name looked up on PATH through `/usr/bin/env`) with `arguments`.
    ///
    /// - Parameters:
    ///   - executable: The tool.
    ///   - arguments: Its arguments.
    ///   - input: What it reads on stdin.
    ///   - directory: Its working directory; the test's by default.
    ///   - allowFailure: Return a non-zero status instead of throwing.
    /// - Returns: The exit status and stdout.
    /// - Throws: ``Failure`` when the tool exits non-zero (unless `allowFailure`), or when it cannot start.
    @discardableResult
    package static func run(
        _ executable: String, _ arguments: [String], input: [UInt8] = [], directory: URL? = nil,
        allowFailure: Bool = false
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        if let directory { process.currentDirectoryURL = directory }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errors = Drained()
        let reader = Thread { errors.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorText = String(decoding: errors.wait(), as: UTF8.self)
        if process.terminationStatus != 0 && !allowFailure {
            throw Failure(
                description: "\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                    + errorText)
        }
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// stderr's bytes, handed over from the reader thread.
    private final class Drained: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var data = Data()

        func set(_ value: Data) {
            data = value
            done.signal()
        }

        func wait() -> Data {
            done.wait()
            return data
        }
    }
}
