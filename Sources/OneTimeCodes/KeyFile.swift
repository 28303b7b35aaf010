import Glibc
internal import OpenSSLWrapper

/// Reads a server key from a file: exactly 32 raw bytes, or 64 hexadecimal characters (surrounding
/// whitespace, such as a final newline, ignored).
///
/// The file must be a regular file that no user outside its owner and group can access (no "other"
/// permission bits) and that its group cannot write: mode 0600, 0400, 0640 or 0440. Symbolic links are
/// followed (deployment tools mount secrets through them); the check applies to the file they reach.
enum KeyFile {
    static let keyLength = 32

    static func load(path: String) throws(OneTimeCodeError) -> SecretBytes {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw OneTimeCodeError(.keyFileUnreadable, "cannot open the key file \(path): errno \(errno)")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw OneTimeCodeError(.keyFileUnreadable, "cannot stat the key file \(path): errno \(errno)")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw OneTimeCodeError(.keyFileUnreadable, "the key file \(path) is not a regular file")
        }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o027 == 0 else {
            throw OneTimeCodeError(
                .insecureKeyFile,
                "the key file \(path) has mode \(String(permissions, radix: 8)); other users must have no access "
                    + "and the group no write access (use chmod 600)")
        }
        // Read at most a little more than the longest valid content, so a wrong path to a huge file fails fast.
        var buffer = [UInt8](repeating: 0, count: 256)
        defer { secureZero(&buffer) }
        var filled = 0
        while filled < buffer.count {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress.map { $0 + filled }, $0.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                throw OneTimeCodeError(.keyFileUnreadable, "cannot read the key file \(path): errno \(errno)")
            }
            if count == 0 { break }
            filled += count
        }
        var content = Array(buffer[0..<filled])
        defer { secureZero(&content) }
        return try parse(content)
    }

    /// 32 raw bytes, or 64 hex characters with optional surrounding whitespace.
    static func parse(_ content: [UInt8]) throws(OneTimeCodeError) -> SecretBytes {
        if content.count == keyLength { return SecretBytes(copying: content) }
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let trimmed = content.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
        guard trimmed.count == keyLength * 2 else {
            throw OneTimeCodeError(
                .invalidKey, "a key file holds 32 raw bytes or 64 hexadecimal characters, not \(content.count) bytes")
        }
        var key = [UInt8](repeating: 0, count: keyLength)
        defer { secureZero(&key) }
        var index = 0
        var high: UInt8 = 0
        for (position, character) in trimmed.enumerated() {
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            default: throw OneTimeCodeError(.invalidKey, "the key file has a non-hexadecimal character")
            }
            if position % 2 == 0 {
                high = value
            } else {
                key[index] = high << 4 | value
                index += 1
            }
        }
        return SecretBytes(copying: key)
    }
}
