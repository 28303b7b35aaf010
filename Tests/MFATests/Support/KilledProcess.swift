import Foundation

/// Runs a stress helper for a while and kills it with SIGKILL, for the kill -9 durability tests.
struct KilledProcess {
    /// The steps the helper reported committed (`committed N` lines), whole lines only.
    let reported: [Int]
    /// Whether SIGKILL ended it (false when it ended by itself first).
    let killed: Bool
    /// Its exit status when it ended by itself.
    let status: Int32
    /// What it wrote on stderr.
    let stderr: String

    /// The executable `name` in the build products folder, beside the test bundle.
    static func helper(named name: String) -> URL? {
        var folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return nil
    }

    /// Starts `helper` with `arguments`, lets it work for `milliseconds`, then kills it (unless it ended first).
    static func run(_ helper: URL, _ arguments: [String], killAfter milliseconds: Int) throws -> KilledProcess {
        let process = Process()
        process.executableURL = helper
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        usleep(useconds_t(milliseconds * 1000))
        let running = process.isRunning
        if running { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // Only whole lines count: the kill may cut the last one short.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let reported = lines.compactMap { line -> Int? in
            line.hasPrefix("committed ") ? Int(line.dropFirst("committed ".count)) : nil
        }
        return KilledProcess(
            reported: reported, killed: running && process.terminationReason == .uncaughtSignal,
            status: process.terminationStatus, stderr: errorText)
    }
}
