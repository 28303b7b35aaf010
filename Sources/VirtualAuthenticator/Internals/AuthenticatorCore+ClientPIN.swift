import CBOR
import Foundation
import OpenSSLWrapper

extension AuthenticatorCore {
    /// The PIN retries a new or correctly entered PIN restores (CTAP 2.1 §6.5.2.2).
    static let maximumPINRetries = 8
    /// Wrong PINs in a row that block PIN entry until a power cycle (CTAP 2.1 §6.5.5.5).
    static let mismatchesBeforePowerCycle = 3

    /// authenticatorClientPIN (CTAP 2.1 §6.5.5).
    func clientPIN(_ request: CTAPRequest) throws(CTAP2Status) -> [UInt8] {
        let subCommand = try request.unsigned(0x02)
        // getPINRetries needs no protocol; every other subcommand does (CTAP 2.1 §6.5.5.1).
        if subCommand == 0x01 {
            return ctapResponse(intKeyedMap([(0x03, CBORValue(state.pinRetries)), (0x04, false)]))
        }
        let pinProtocol = try PINUVAuthProtocol(requested: try request.unsigned(0x01))
        switch subCommand {
        case 0x02:
            // getKeyAgreement (§6.5.5.4).
            return ctapResponse(intKeyedMap([(0x01, PINUVAuthProtocol.coseKeyAgreement(keyAgreementKey))]))
        case 0x03:
            return try setPIN(request, pinProtocol)
        case 0x04:
            return try changePIN(request, pinProtocol)
        case 0x05:
            // getPinToken (§6.5.5.7.1): permissions and rpId are not parameters of this subcommand.
            if request.has(0x09) || request.has(0x0A) { throw CTAP2Status.invalidParameter }
            return try pinToken(
                request, pinProtocol,
                permissions: PINUVAuthTokenState.makeCredential | PINUVAuthTokenState.getAssertion, rpID: nil)
        case 0x09:
            // getPinUvAuthTokenUsingPinWithPermissions (§6.5.5.7.2).
            let permissions = try request.unsigned(0x09)
            guard permissions != 0, permissions <= 0xFF else { throw CTAP2Status.invalidParameter }
            let supported = PINUVAuthTokenState.makeCredential | PINUVAuthTokenState.getAssertion
                | PINUVAuthTokenState.credentialManagement
            guard UInt8(permissions) & ~supported == 0 else { throw CTAP2Status.unauthorizedPermission }
            return try pinToken(request, pinProtocol, permissions: UInt8(permissions), rpID: try request.optionalText(0x0A))
        default:
            // getUVRetries and getPinUvAuthTokenUsingUvWithPermissions need built-in UV, which this key lacks.
            throw CTAP2Status.invalidSubcommand
        }
    }

    /// setPIN (§6.5.5.5): only when no PIN is set; pinUvAuthParam = authenticate(sharedSecret, newPinEnc).
    private func setPIN(_ request: CTAPRequest, _ pinProtocol: PINUVAuthProtocol) throws(CTAP2Status) -> [UInt8] {
        guard let keyAgreement = request.map[int: 0x03] else { throw CTAP2Status.missingParameter }
        let pinUvAuthParam = try request.bytes(0x04)
        let newPinEnc = try request.bytes(0x05)
        guard !isPINSet else { throw CTAP2Status.notAllowed }
        let sharedSecret = try pinProtocol.sharedSecret(
            authenticatorKey: keyAgreementKey, platformKey: try PINUVAuthProtocol.platformKey(keyAgreement))
        guard pinProtocol.verify(key: sharedSecret, newPinEnc, signature: pinUvAuthParam) else {
            throw CTAP2Status.pinAuthInvalid
        }
        let newPINHash = try decryptNewPIN(newPinEnc, pinProtocol: pinProtocol, sharedSecret: sharedSecret)
        try mutateState { state in
            state.pinHash = Data(newPINHash)
            state.pinRetries = Self.maximumPINRetries
        }
        return [CTAP2Status.ok.rawValue]
    }

    /// changePIN (§6.5.5.6): pinUvAuthParam = authenticate(sharedSecret, newPinEnc || pinHashEnc), then the
    /// current PIN is checked like getPinToken does.
    private func changePIN(_ request: CTAPRequest, _ pinProtocol: PINUVAuthProtocol) throws(CTAP2Status) -> [UInt8] {
        guard let keyAgreement = request.map[int: 0x03] else { throw CTAP2Status.missingParameter }
        let pinUvAuthParam = try request.bytes(0x04)
        let newPinEnc = try request.bytes(0x05)
        let pinHashEnc = try request.bytes(0x06)
        guard isPINSet else { throw CTAP2Status.pinNotSet }
        guard state.pinRetries > 0 else { throw CTAP2Status.pinBlocked }
        let sharedSecret = try pinProtocol.sharedSecret(
            authenticatorKey: keyAgreementKey, platformKey: try PINUVAuthProtocol.platformKey(keyAgreement))
        guard pinProtocol.verify(key: sharedSecret, newPinEnc + pinHashEnc, signature: pinUvAuthParam) else {
            throw CTAP2Status.pinAuthInvalid
        }
        try checkPINHash(pinHashEnc, pinProtocol: pinProtocol, sharedSecret: sharedSecret)
        let newPINHash = try decryptNewPIN(newPinEnc, pinProtocol: pinProtocol, sharedSecret: sharedSecret)
        try mutateState { $0.pinHash = Data(newPINHash) }
        pinToken = nil
        return [CTAP2Status.ok.rawValue]
    }

    /// getPinToken and getPinUvAuthTokenUsingPinWithPermissions: check the PIN, then hand out a fresh token
    /// encrypted under the shared secret.
    private func pinToken(
        _ request: CTAPRequest, _ pinProtocol: PINUVAuthProtocol, permissions: UInt8, rpID: String?
    ) throws(CTAP2Status) -> [UInt8] {
        guard let keyAgreement = request.map[int: 0x03] else { throw CTAP2Status.missingParameter }
        let pinHashEnc = try request.bytes(0x06)
        guard isPINSet else { throw CTAP2Status.pinNotSet }
        guard state.pinRetries > 0 else { throw CTAP2Status.pinBlocked }
        let sharedSecret = try pinProtocol.sharedSecret(
            authenticatorKey: keyAgreementKey, platformKey: try PINUVAuthProtocol.platformKey(keyAgreement))
        try checkPINHash(pinHashEnc, pinProtocol: pinProtocol, sharedSecret: sharedSecret)
        // A new token replaces any earlier one (§6.5.5.7: resetPinUvAuthToken, beginUsingPinUvAuthToken).
        let token = SecureRandom.bytes(32)
        pinToken = PINUVAuthTokenState(token: token, permissions: permissions, rpID: rpID)
        return ctapResponse(intKeyedMap([(0x02, .bytes(try pinProtocol.encrypt(sharedSecret: sharedSecret, token)))]))
    }

    /// Compares the decrypted pinHashEnc with the stored hash (§6.5.5.5 "PIN hash check"): the retry counter
    /// drops first; a mismatch renews the key-agreement key and answers PIN_INVALID, PIN_AUTH_BLOCKED (three
    /// in a row) or PIN_BLOCKED (no retries left); a match restores the retries.
    private func checkPINHash(_ pinHashEnc: [UInt8], pinProtocol: PINUVAuthProtocol, sharedSecret: [UInt8])
        throws(CTAP2Status)
    {
        guard consecutivePINMismatches < Self.mismatchesBeforePowerCycle else { throw CTAP2Status.pinAuthBlocked }
        let expectedLength = pinProtocol == .one ? 16 : 32
        guard pinHashEnc.count == expectedLength else { throw CTAP2Status.invalidParameter }
        try mutateState { $0.pinRetries -= 1 }
        let pinHash = try pinProtocol.decrypt(sharedSecret: sharedSecret, pinHashEnc)
        guard let stored = state.pinHash, constantTimeEquals(pinHash, Array(stored)) else {
            regenerateKeyAgreementKey()
            consecutivePINMismatches += 1
            if state.pinRetries == 0 { throw CTAP2Status.pinBlocked }
            if consecutivePINMismatches >= Self.mismatchesBeforePowerCycle { throw CTAP2Status.pinAuthBlocked }
            throw CTAP2Status.pinInvalid
        }
        consecutivePINMismatches = 0
        try mutateState { $0.pinRetries = Self.maximumPINRetries }
    }

    /// Decrypts newPinEnc into the 64-byte padded PIN, checks the PIN policy (4 to 63 bytes of UTF-8, at
    /// least 4 code points) and returns LEFT(SHA-256(PIN), 16).
    private func decryptNewPIN(_ newPinEnc: [UInt8], pinProtocol: PINUVAuthProtocol, sharedSecret: [UInt8])
        throws(CTAP2Status) -> [UInt8]
    {
        let padded = try pinProtocol.decrypt(sharedSecret: sharedSecret, newPinEnc)
        guard padded.count == 64 else { throw CTAP2Status.invalidParameter }
        var pin = padded
        while let last = pin.last, last == 0 { pin.removeLast() }
        guard pin.count <= 63, let text = String(validating: pin, as: UTF8.self), text.unicodeScalars.count >= 4
        else { throw CTAP2Status.pinPolicyViolation }
        return Array(Digest.sha256(pin).prefix(16))
    }
}
