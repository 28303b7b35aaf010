import Foundation
import Glibc

/// An append-only file of JSON records, one per line: the storage of ``OutboxSMSGateway`` and
/// ``OutboxNotifier``.
///
/// Each append opens the file with `O_APPEND`, takes an exclusive `flock`, writes the whole line, calls
/// `fsync`, and closes. So concurrent writers, in this process or others, never interleave bytes within
/// a line, and a record is on disk when ``append(_:)`` returns. A line cut short by a crash has no
/// trailing newline; ``read(_:)`` skips it.
struct JSONLinesFile: Sendable {
    /// The file's path.
    let path: String

    // MARK: - Writing

    /// Appends `record` as one line of JSON (keys sorted, no raw newlines) and syncs it to disk.
    ///
    /// - Throws: ``MFAError/Code/outboxUnavailable`` when the file cannot be opened, locked, written
    ///   or synced.
    func append(_ record: some Encodable) throws(MFAError) {
        var line: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            line = Array(try encoder.encode(record))
        } catch {
            throw MFAError(.invalidMessage, "the record cannot be encoded as JSON: \(error)")
        }
        // JSONEncoder escapes control characters inside strings, so a raw newline would be a bug here.
        guard !line.contains(UInt8(ascii: "\n")) else {
            throw MFAError(.invalidMessage, "the encoded record contains a raw newline")
        }
        line.append(UInt8(ascii: "\n"))

        let (descriptor, created) = try openForAppending()
        // The descriptor is owned here and closed exactly once, by this defer.
        defer { _ = close(descriptor) }
        try retryingInterrupts("lock") { flock(descriptor, LOCK_EX) }
        // Returns 0, or the errno of the failed write.
        let writeError: Int32 = line.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
        if writeError != 0 {
            errno = writeError
            throw failure("write")
        }
        try retryingInterrupts("fsync") { fsync(descriptor) }
        if created { syncDirectory() }
    }

    /// Opens the file for appending, creating it (mode 0600: it holds one-time codes) when missing.
    /// Returns whether this call created it, so the directory entry can be synced too.
    private func openForAppending() throws(MFAError) -> (descriptor: Int32, created: Bool) {
        let flags = O_WRONLY | O_APPEND | O_CLOEXEC
        while true {
            let created = open(path, flags | O_CREAT | O_EXCL, 0o600)
            if created >= 0 { return (created, true) }
            if errno == EINTR { continue }
            guard errno == EEXIST else { throw failure("create") }
            let existing = open(path, flags)
            if existing >= 0 { return (existing, false) }
            if errno == EINTR || errno == ENOENT { continue }  // ENOENT: removed in between; create again
            throw failure("open")
        }
    }

    /// Syncs the directory that holds the file, so a newly created file survives a crash. Best effort:
    /// some file systems refuse `fsync` on a directory, and the record itself is already synced.
    private func syncDirectory() {
        var directory = "."
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        }
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }

    // MARK: - Reading

    /// Every complete record in the file, oldest first. A missing file holds no records.
    ///
    /// - Throws: ``MFAError/Code/outboxUnavailable`` when the file exists but cannot be read;
    ///   ``MFAError/Code/outboxCorrupt`` when a complete line does not decode as `Record`.
    func read<Record: Decodable>(_: Record.Type) throws(MFAError) -> [Record] {
        let bytes = try readAll()
        var records: [Record] = []
        let decoder = JSONDecoder()
        var lineNumber = 0
        var start = bytes.startIndex
        while let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            lineNumber += 1
            let line = bytes[start..<end]
            start = end + 1
            if line.isEmpty { continue }
            do {
                records.append(try decoder.decode(Record.self, from: Data(line)))
            } catch {
                throw MFAError(.outboxCorrupt, "line \(lineNumber) of \(path) is not an outbox record: \(error)")
            }
        }
        // Whatever follows the last newline is a line still being written, or cut short by a crash.
        return records
    }

    /// The file's bytes, read under a shared lock so no half-written line is seen as complete.
    private func readAll() throws(MFAError) -> [UInt8] {
        var descriptor: Int32
        repeat { descriptor = open(path, O_RDONLY | O_CLOEXEC) } while descriptor < 0 && errno == EINTR
        if descriptor < 0 {
            if errno == ENOENT { return [] }
            throw failure("open")
        }
        // Owned here; closed exactly once by this defer.
        defer { _ = close(descriptor) }
        try retryingInterrupts("lock") { flock(descriptor, LOCK_SH) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("read")
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    // MARK: - Errors

    /// Runs a system call that returns -1 on failure, again while it is interrupted by a signal.
    private func retryingInterrupts(_ operation: String, _ call: () -> Int32) throws(MFAError) {
        while call() != 0 {
            if errno == EINTR { continue }
            throw failure(operation)
        }
    }

    /// The one mapping of `errno` to ``MFAError`` for this file.
    private func failure(_ operation: String, file: String = #fileID, line: Int = #line) -> MFAError {
        let code = errno
        return MFAError(
            .outboxUnavailable, "cannot \(operation) \(path): \(String(cString: strerror(code))) (errno \(code))",
            file: file, line: line)
    }
}
