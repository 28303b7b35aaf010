import OpenSSLWrapper

/// U2F (CTAP1) status words (FIDO U2F Raw Message Formats §3.3 and ISO 7816-4).
enum U2FStatus {
    static let noError: [UInt8] = [0x90, 0x00]
    static let conditionsNotSatisfied: [UInt8] = [0x69, 0x85]
    static let wrongData: [UInt8] = [0x6A, 0x80]
    static let wrongLength: [UInt8] = [0x67, 0x00]
    static let claNotSupported: [UInt8] = [0x6E, 0x00]
    static let insNotSupported: [UInt8] = [0x6D, 0x00]
    static let otherError: [UInt8] = [0x6F, 0x00]
}

extension AuthenticatorCore {
    /// Answers one U2F request APDU (FIDO U2F Raw Message Formats §4.1, §5.1 and §6.1), short or extended
    /// length; the response is the data followed by the status word.
    func u2f(apdu: [UInt8]) -> [UInt8] {
        guard let command = APDU(apdu) else { return U2FStatus.wrongLength }
        guard command.cla == 0x00 else { return U2FStatus.claNotSupported }
        switch command.ins {
        case 0x01: return u2fRegister(command.data)
        case 0x02: return u2fAuthenticate(command.data, control: command.p1)
        case 0x03: return command.data.isEmpty ? Array("U2F_V2".utf8) + U2FStatus.noError : U2FStatus.wrongLength
        default: return U2FStatus.insNotSupported
        }
    }

    /// U2F_REGISTER: a new P-256 key, its key handle, the U2F attestation certificate, and the attestation
    /// signature over `00 || application || challenge || keyHandle || publicKey`.
    private func u2fRegister(_ data: [UInt8]) -> [UInt8] {
        guard data.count == 64 else { return U2FStatus.wrongLength }
        let challenge = Array(data[0..<32])
        let application = Array(data[32..<64])
        guard u2fUserPresent(.u2fRegister) else { return U2FStatus.conditionsNotSatisfied }
        do {
            let key = try CredentialKey.generate(.es256)
            let keyHandle = try KeyHandle(key: key, discoverable: false, hmacSecret: false, credProtect: 1)
                .seal(rpIDHash: application, masterKey: masterKey)
            guard let publicKey = key.uncompressedPoint else { return U2FStatus.otherError }
            let signature = try authority.attestationKey.sign(
                message: [0x00] + application + challenge + keyHandle + publicKey, scheme: .ecdsa(.sha256))
            return [0x05] + publicKey + [UInt8(keyHandle.count)] + keyHandle + authority.u2fCertificate.derEncoded
                + signature + U2FStatus.noError
        } catch {
            return U2FStatus.otherError
        }
    }

    /// U2F_AUTHENTICATE: control 0x07 checks the key handle only; 0x03 needs a touch; 0x08 signs without one.
    private func u2fAuthenticate(_ data: [UInt8], control: UInt8) -> [UInt8] {
        guard data.count >= 65, Int(data[64]) == data.count - 65 else { return U2FStatus.wrongLength }
        let challenge = Array(data[0..<32])
        let application = Array(data[32..<64])
        let keyHandle = Array(data[65...])
        guard let handle = liveCredential(keyHandle, rpIDHash: application), handle.key.algorithm == .es256 else {
            return U2FStatus.wrongData
        }
        let userPresent: Bool
        switch control {
        case 0x07:
            // check-only: the key handle is ours, which U2F reports as "conditions not satisfied".
            return U2FStatus.conditionsNotSatisfied
        case 0x03:
            guard u2fUserPresent(.u2fAuthenticate) else { return U2FStatus.conditionsNotSatisfied }
            userPresent = true
        case 0x08:
            userPresent = false
        default:
            return U2FStatus.wrongData
        }
        do {
            let counter = try nextSignatureCounter()
            let counterBytes = withUnsafeBytes(of: counter.bigEndian, Array.init)
            let flags: UInt8 = userPresent ? 0x01 : 0x00
            let signature = try handle.key.sign(application + [flags] + counterBytes + challenge)
            return [flags] + counterBytes + signature + U2FStatus.noError
        } catch {
            return U2FStatus.otherError
        }
    }

    /// U2F has no keepalive: the host repeats the request until the key answers. Each request asks the hook
    /// once; the poll number counts the requests that found the user not yet present.
    private func u2fUserPresent(_ operation: UserPresence.Operation) -> Bool {
        let decision = configuration.userPresence.decision(
            for: UserPresence.Request(operation: operation, rpID: nil, poll: u2fPresencePolls))
        if decision == .approve {
            u2fPresencePolls = 0
            return true
        }
        u2fPresencePolls += 1
        return false
    }
}

/// A command APDU (ISO 7816-4 §5.1) in short or extended length form.
struct APDU {
    let cla: UInt8
    let ins: UInt8
    let p1: UInt8
    let p2: UInt8
    let data: [UInt8]

    /// Parses `bytes`, or returns nil when the lengths do not add up.
    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 4 else { return nil }
        cla = bytes[0]
        ins = bytes[1]
        p1 = bytes[2]
        p2 = bytes[3]
        let body = bytes[4...]
        if body.isEmpty {
            data = []
        } else if body.count == 1 {
            data = []  // Le only (short).
        } else if body.first == 0 && body.count >= 3 {
            // Extended: 00 Lc1 Lc2 data [Le1 Le2] (libfido2 writes Lc = 0 with an Le for empty data), or
            // 00 Le1 Le2 alone.
            let length = Int(body[body.startIndex + 1]) << 8 | Int(body[body.startIndex + 2])
            let rest = body.count - 3
            if rest == 0 {
                data = []
            } else {
                guard rest == length || rest == length + 2 else { return nil }
                data = Array(body[(body.startIndex + 3)..<(body.startIndex + 3 + length)])
            }
        } else {
            // Short: Lc data [Le].
            let length = Int(body[body.startIndex])
            let rest = body.count - 1
            guard length > 0, rest == length || rest == length + 1 else { return nil }
            data = Array(body[(body.startIndex + 1)..<(body.startIndex + 1 + length)])
        }
    }
}
