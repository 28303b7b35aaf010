import Foundation

/// Everything the authenticator keeps across restarts, as stored in the state file (JSON).
///
/// Secrets in it: the master key that wraps credential IDs, the attestation CA's private keys and the PIN
/// hash. Nothing here is ever logged or put in an error message; the file is written with mode 0600.
struct PersistedState: Codable, Sendable {
    /// The format of this structure; bumped on any incompatible change.
    static let currentFormat = 1

    var format: Int
    /// The AAGUID (16 bytes).
    var aaguid: Data
    /// The AES-256-GCM key that seals credential IDs (32 bytes). Replaced by authenticatorReset.
    var masterKey: Data
    /// The attestation CA root key (PKCS#8 PEM).
    var rootKeyPEM: String
    /// The attestation CA root certificate (PEM).
    var rootCertificatePEM: String
    /// The attestation key (PKCS#8 PEM).
    var attestationKeyPEM: String
    /// The packed attestation certificate (PEM).
    var packedCertificatePEM: String
    /// The U2F attestation certificate (PEM).
    var u2fCertificatePEM: String
    /// LEFT(SHA-256(PIN), 16), or nil when no PIN is set.
    var pinHash: Data?
    /// The PIN retries left (CTAP 2.1 §6.5.2: 8 after a successful PIN or a new PIN).
    var pinRetries: Int
    /// The global signature counter, incremented before each signature.
    var signatureCounter: UInt32
    /// The discoverable credentials, oldest first.
    var residentCredentials: [ResidentCredential]
    /// The creation index the next discoverable credential gets (orders them newest first in assertions).
    var nextCreationIndex: UInt64
}

/// A discoverable credential: its ID (which holds its key, sealed) and the account it is for.
struct ResidentCredential: Codable, Sendable, Hashable {
    var credentialID: Data
    var rpID: String
    var rpName: String?
    var userID: Data
    var userName: String?
    var userDisplayName: String?
    var creationIndex: UInt64
}

/// Reads and writes the state file: JSON, written to a temporary file in the same directory with mode 0600,
/// flushed, then renamed over the old one, so a crash leaves either the old or the new state.
enum StateFile {
    /// The state stored at `path`, or nil when there is no file there.
    static func load(path: String) throws(VirtualAuthenticatorError) -> PersistedState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VirtualAuthenticatorError(.stateFileUnreadable, "cannot read the state file \(path)")
        }
        let state: PersistedState
        do {
            state = try JSONDecoder().decode(PersistedState.self, from: data)
        } catch {
            throw VirtualAuthenticatorError(.stateFileInvalid, "the state file \(path) is not a virtual authenticator state")
        }
        guard state.format == PersistedState.currentFormat else {
            throw VirtualAuthenticatorError(
                .stateFileInvalid, "the state file \(path) has format \(state.format), not \(PersistedState.currentFormat)")
        }
        guard state.aaguid.count == 16, state.masterKey.count == 32, state.pinHash.map({ $0.count == 16 }) ?? true,
            (0...8).contains(state.pinRetries)
        else {
            throw VirtualAuthenticatorError(.stateFileInvalid, "the state file \(path) has fields of the wrong size")
        }
        return state
    }

    /// Writes `state` to `path` atomically with mode 0600.
    static func save(_ state: PersistedState, path: String) throws(VirtualAuthenticatorError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data: Data
        do {
            data = try encoder.encode(state)
        } catch {
            throw VirtualAuthenticatorError(.stateFileWriteFailed, "cannot encode the state")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let temporary = (directory.isEmpty ? "." : directory) + "/.\(base).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw VirtualAuthenticatorError(.stateFileWriteFailed, "cannot create \(temporary): errno \(errno)")
        }
        var written = 0
        let ok = data.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let result = write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += result
            }
            return true
        }
        let synced = ok && fsync(descriptor) == 0
        close(descriptor)
        guard synced, rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw VirtualAuthenticatorError(.stateFileWriteFailed, "cannot write the state file \(path): errno \(code)")
        }
    }
}
