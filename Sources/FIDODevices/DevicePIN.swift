import Foundation

/// A security key PIN held in a buffer this object owns and zeroes when it goes away.
///
/// Read it from the terminal without echo (``readFromTerminal(prompt:)``) or from a file descriptor such as
/// stdin (``read(fileDescriptor:)``), never from the command line, where other users can see it in the
/// process list. The bytes reach libfido2 only as a C string lent for the duration of one call.
///
/// - Warning: ``init(utf8:)`` copies its argument; zero the caller's buffer yourself if it held the PIN.
///   Swift `String`s cannot be zeroed, which is why no initializer takes one.
public final class DevicePIN: @unchecked Sendable {
    // @unchecked Sendable: the buffer is written once in init, only read afterwards, and freed in deinit.
    private let storage: UnsafeMutablePointer<CChar>
    private let capacity: Int

    /// The largest PIN, in UTF-8 bytes (CTAP 2.1 §6.5.1: a PIN is at most 63 bytes).
    public static let maximumLength = 63

    /// A PIN from its UTF-8 bytes.
    ///
    /// The key enforces its own minimum length (4 code points or more) when a PIN is set or changed
    /// (``FIDOError/Code/pinPolicyViolation``).
    ///
    /// - Parameter bytes: The PIN, UTF-8, without a line terminator.
    /// - Throws: ``FIDOError/Code/invalidArgument`` when the PIN is empty, longer than 63 bytes, contains a
    ///   NUL byte or is not UTF-8.
    public init(utf8 bytes: some Collection<UInt8>) throws(FIDOError) {
        guard !bytes.isEmpty, bytes.count <= Self.maximumLength else {
            throw FIDOError(.invalidArgument, "a PIN is 1 to \(Self.maximumLength) bytes of UTF-8, got \(bytes.count)")
        }
        guard !bytes.contains(0) else { throw FIDOError(.invalidArgument, "a PIN cannot contain a NUL byte") }
        var validator = UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        parsing: while true {
            switch validator.parseScalar(from: &iterator) {
            case .valid: continue
            case .emptyInput: break parsing
            case .error: throw FIDOError(.invalidArgument, "the PIN is not valid UTF-8")
            }
        }
        capacity = bytes.count + 1
        storage = .allocate(capacity: capacity)
        var index = 0
        for byte in bytes {
            storage[index] = CChar(bitPattern: byte)
            index += 1
        }
        storage[index] = 0
    }

    deinit {
        explicit_bzero(storage, capacity)
        storage.deallocate()
    }

    /// The PIN's length in bytes.
    public var byteCount: Int { capacity - 1 }

    /// Lends the PIN as a NUL-terminated C string for the duration of `body`.
    func withCString<R, E: Error>(_ body: (UnsafePointer<CChar>) throws(E) -> R) throws(E) -> R {
        try body(UnsafePointer(storage))
    }

    /// Whether `other` holds the same PIN, compared in constant time: the time taken depends on the
    /// longer length only, never on where the PINs differ.
    ///
    /// - Parameter other: The PIN to compare with, for example the confirmation typed a second time.
    /// - Returns: True when both hold the same bytes.
    public func matches(_ other: DevicePIN) -> Bool {
        let length = max(byteCount, other.byteCount)
        var difference: UInt8 = byteCount == other.byteCount ? 0 : 1
        for index in 0..<length {
            let a = index < byteCount ? UInt8(bitPattern: storage[index]) : 0
            let b = index < other.byteCount ? UInt8(bitPattern: other.storage[index]) : 0
            difference |= a ^ b
        }
        return difference == 0
    }

    /// Reads a new PIN from the terminal twice, without echo, and returns it when both entries match.
    ///
    /// - Parameters:
    ///   - prompt: The first prompt, for example `"New PIN: "`.
    ///   - confirmationPrompt: The second prompt, for example `"Confirm the new PIN: "`.
    /// - Returns: The PIN.
    /// - Throws: ``FIDOError/Code/pinConfirmationMismatch`` when the entries differ, or the errors of
    ///   ``readFromTerminal(prompt:)``.
    public static func readNewFromTerminal(prompt: String, confirmationPrompt: String) throws(FIDOError) -> DevicePIN {
        let first = try readFromTerminal(prompt: prompt)
        let second = try readFromTerminal(prompt: confirmationPrompt)
        guard first.matches(second) else {
            throw FIDOError(.pinConfirmationMismatch, "the two entries of the new PIN differ; nothing was changed")
        }
        return first
    }

    // MARK: - Reading

    /// Reads a PIN from the controlling terminal (`/dev/tty`) with echo turned off, after writing `prompt`
    /// there. Works while stdin and stdout are redirected.
    ///
    /// - Parameter prompt: The prompt, for example `"PIN: "`.
    /// - Returns: The PIN.
    /// - Throws: ``FIDOError/Code/ioFailed`` when there is no terminal, ``FIDOError/Code/invalidArgument`` for
    ///   an empty or too long PIN.
    public static func readFromTerminal(prompt: String) throws(FIDOError) -> DevicePIN {
        let terminal = Glibc.open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard terminal >= 0 else {
            throw FIDOError(
                .ioFailed, "cannot open the terminal to ask for the PIN (\(Errno.text(errno))); use --pin-stdin")
        }
        defer { Glibc.close(terminal) }
        var saved = termios()
        guard tcgetattr(terminal, &saved) == 0 else {
            throw FIDOError(.ioFailed, "cannot read the terminal settings (\(Errno.text(errno)))")
        }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ICANON)
        // Echo goes off (and typeahead is discarded) before the prompt appears, so that nothing typed after the
        // prompt is ever thrown away or echoed.
        guard tcsetattr(terminal, TCSAFLUSH, &silent) == 0 else {
            throw FIDOError(.ioFailed, "cannot turn off the terminal's echo (\(Errno.text(errno)))")
        }
        defer {
            _ = tcsetattr(terminal, TCSADRAIN, &saved)
            _ = Glibc.write(terminal, "\n", 1)
        }
        _ = Array(prompt.utf8).withUnsafeBytes { Glibc.write(terminal, $0.baseAddress, $0.count) }
        return try read(fileDescriptor: terminal)
    }

    /// Reads a PIN from `fileDescriptor` up to the first line feed or the end of input, without buffering
    /// anything beyond it (for `--pin-stdin`). A trailing carriage return is dropped.
    ///
    /// - Parameter fileDescriptor: The descriptor; stdin (0) by default.
    /// - Returns: The PIN.
    /// - Throws: ``FIDOError/Code/ioFailed`` when reading fails, ``FIDOError/Code/invalidArgument`` for an
    ///   empty or too long PIN.
    public static func read(fileDescriptor: Int32 = 0) throws(FIDOError) -> DevicePIN {
        let capacity = maximumLength + 2
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        buffer.initialize(repeating: 0, count: capacity)
        defer {
            explicit_bzero(buffer, capacity)
            buffer.deallocate()
        }
        var count = 0
        var byte: UInt8 = 0
        while true {
            let got = Glibc.read(fileDescriptor, &byte, 1)
            if got < 0 {
                if errno == EINTR { continue }
                throw FIDOError(.ioFailed, "cannot read the PIN (\(Errno.text(errno)))")
            }
            if got == 0 || byte == UInt8(ascii: "\n") { break }
            guard count < capacity else {
                byte = 0
                throw FIDOError(.invalidArgument, "the PIN is longer than \(maximumLength) bytes")
            }
            buffer[count] = byte
            count += 1
        }
        byte = 0
        if count > 0 && buffer[count - 1] == UInt8(ascii: "\r") { count -= 1 }
        return try DevicePIN(utf8: UnsafeBufferPointer(start: buffer, count: count))
    }
}

/// `errno` text.
enum Errno {
    /// `strerror`'s text for `code`.
    static func text(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
