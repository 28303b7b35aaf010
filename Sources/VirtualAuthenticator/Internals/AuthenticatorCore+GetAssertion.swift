import CBOR
import Foundation
import OpenSSLWrapper

/// The state authenticatorGetNextAssertion continues from (CTAP 2.1 §6.3).
struct PendingAssertions {
    let rpIDHash: [UInt8]
    let clientDataHash: [UInt8]
    let userPresent: Bool
    let userVerified: Bool
    let hmacSecret: HMACSecretRequest?
    /// The credentials not yet returned, in order.
    var remaining: [AssertionCandidate]
    /// When the first assertion was returned; the continuation lapses 30 seconds later.
    let startedAt: ContinuousClock.Instant
}

/// A credential an assertion may use.
struct AssertionCandidate {
    let credentialID: [UInt8]
    let handle: KeyHandle
    /// The account, for a discoverable credential.
    let resident: ResidentCredential?
}

/// The decrypted hmac-secret input (CTAP 2.1 §12.5): the shared secret and the one or two salts.
struct HMACSecretRequest {
    let pinProtocol: PINUVAuthProtocol
    let sharedSecret: [UInt8]
    let salts: [UInt8]
}

extension AuthenticatorCore {
    /// authenticatorGetAssertion (CTAP 2.1 §6.2).
    func getAssertion(_ request: CTAPRequest) throws(CTAP2Status) -> CommandOutcome {
        let pinUvAuthParam = try request.optionalBytes(0x06)
        let pinUvAuthProtocol = try request.optionalUnsigned(0x07)
        let rpID = try request.text(0x01)

        // CTAP 2.1 §6.2.2 step 1: a zero-length pinUvAuthParam asks for a touch.
        if let pinUvAuthParam, pinUvAuthParam.isEmpty {
            return touchForSelection(rpID: rpID)
        }
        // Step 2: the protocol accompanies the param.
        if pinUvAuthParam != nil {
            guard let pinUvAuthProtocol else { throw CTAP2Status.missingParameter }
            _ = try PINUVAuthProtocol(requested: pinUvAuthProtocol)
        }
        // Step 3: required parameters.
        let clientDataHash = try request.bytes(0x02)
        let allowList = try request.optionalArray(0x03) ?? []

        // Step 5: options. "rk" is not an option of getAssertion; "uv" needs built-in UV, which this key lacks.
        var userPresent = true
        if let options = try request.optionalSubmap(0x05) {
            if options.map[text: "rk"] != nil { throw CTAP2Status.unsupportedOption }
            if try options.option("uv") == true { throw CTAP2Status.invalidOption }
            userPresent = try options.option("up") ?? true
        }

        // Step 6: user verification through the pinUvAuthToken.
        var userVerified = false
        if let pinUvAuthParam {
            try verifyPINUVAuthParam(
                pinUvAuthParam, protocolNumber: pinUvAuthProtocol, message: clientDataHash,
                permission: PINUVAuthTokenState.getAssertion, rpID: rpID)
            userVerified = true
        }

        let rpIDHash = Digest.sha256(Array(rpID.utf8))

        // Step 7: locate the credentials. With an allow list, the first applicable one; without, every
        // discoverable credential for the RP, newest first. credProtect filters both (CTAP 2.1 §12.1).
        var candidates: [AssertionCandidate] = []
        if !allowList.isEmpty {
            for entry in allowList.prefix(Self.maximumCredentialCountInList) {
                let descriptor = try CredentialDescriptor(entry)
                guard descriptor.type == "public-key", let handle = liveCredential(descriptor.id, rpIDHash: rpIDHash)
                else { continue }
                if handle.credProtect == 3 && !userVerified { continue }
                let resident = state.residentCredentials.first { Array($0.credentialID) == descriptor.id }
                candidates = [AssertionCandidate(credentialID: descriptor.id, handle: handle, resident: resident)]
                break
            }
        } else {
            for resident in state.residentCredentials.reversed() where resident.rpID == rpID {
                let id = Array(resident.credentialID)
                guard let handle = KeyHandle.open(id, rpIDHash: rpIDHash, masterKey: masterKey) else { continue }
                if handle.credProtect >= 2 && !userVerified { continue }
                candidates.append(AssertionCandidate(credentialID: id, handle: handle, resident: resident))
            }
        }

        // Step 8 (extensions): hmac-secret input is checked and decrypted before anything is signed.
        var hmacSecret: HMACSecretRequest?
        if let extensions = try request.optionalSubmap(0x04), let input = extensions.map[text: "hmac-secret"] {
            hmacSecret = try decodeHMACSecretInput(input)
        }

        guard !candidates.isEmpty else { throw CTAP2Status.noCredentials }

        let finish: () throws(CTAP2Status) -> [UInt8] = { () throws(CTAP2Status) in
            let first = candidates[0]
            let response = try self.assertionResponse(
                first, rpIDHash: rpIDHash, clientDataHash: clientDataHash, userPresent: userPresent,
                userVerified: userVerified, hmacSecret: hmacSecret,
                numberOfCredentials: allowList.isEmpty && candidates.count > 1 ? candidates.count : nil)
            if userVerified {
                // The token's mc and ga permissions are used up (see makeCredential).
                self.pinToken?.permissions &= PINUVAuthTokenState.largeBlobWrite
            }
            if allowList.isEmpty && candidates.count > 1 {
                self.pendingAssertions = PendingAssertions(
                    rpIDHash: rpIDHash, clientDataHash: clientDataHash, userPresent: userPresent,
                    userVerified: userVerified, hmacSecret: hmacSecret, remaining: Array(candidates.dropFirst()),
                    startedAt: ContinuousClock.now)
            }
            return response
        }
        // Step 9: user presence, unless "up" is false.
        if userPresent { return awaitPresence(.getAssertion, rpID: rpID, then: finish) }
        return .response(try finish())
    }

    /// authenticatorGetNextAssertion (CTAP 2.1 §6.3).
    func getNextAssertion() throws(CTAP2Status) -> [UInt8] {
        guard var pending = pendingAssertions, !pending.remaining.isEmpty else { throw CTAP2Status.notAllowed }
        guard ContinuousClock.now - pending.startedAt <= .seconds(30) else {
            pendingAssertions = nil
            throw CTAP2Status.notAllowed
        }
        let next = pending.remaining.removeFirst()
        pendingAssertions = pending.remaining.isEmpty ? nil : pending
        return try assertionResponse(
            next, rpIDHash: pending.rpIDHash, clientDataHash: pending.clientDataHash, userPresent: pending.userPresent,
            userVerified: pending.userVerified, hmacSecret: pending.hmacSecret, numberOfCredentials: nil)
    }

    /// One assertion: counter, authenticator data, signature, credential and user (CTAP 2.1 §6.2.2 step 12).
    private func assertionResponse(
        _ candidate: AssertionCandidate, rpIDHash: [UInt8], clientDataHash: [UInt8], userPresent: Bool,
        userVerified: Bool, hmacSecret: HMACSecretRequest?, numberOfCredentials: Int?
    ) throws(CTAP2Status) -> [UInt8] {
        var extensions = CBORMap()
        if let hmacSecret, candidate.handle.hmacSecret {
            extensions[.text("hmac-secret")] = .bytes(
                try hmacSecretOutput(hmacSecret, credential: candidate.handle, userVerified: userVerified))
        }
        let counter = try nextSignatureCounter()
        let authData = authenticatorData(
            rpIDHash: rpIDHash, userPresent: userPresent, userVerified: userVerified, counter: counter,
            attestedCredential: nil, extensions: extensions)
        let signature = try candidate.handle.key.sign(authData + clientDataHash)
        var user: CBORValue?
        if let resident = candidate.resident {
            var map = CBORMap([(.text("id"), .bytes(Array(resident.userID)))])
            // User-identifiable information only after user verification (CTAP 2.1 §6.2.2 step 12).
            if userVerified {
                if let name = resident.userName { map[.text("name")] = .text(name) }
                if let displayName = resident.userDisplayName { map[.text("displayName")] = .text(displayName) }
            }
            user = .map(map)
        }
        return ctapResponse(intKeyedMap([
            (0x01, CredentialDescriptor.encode(id: candidate.credentialID)),
            (0x02, .bytes(authData)),
            (0x03, .bytes(signature)),
            (0x04, user),
            (0x05, numberOfCredentials.map { CBORValue($0) }),
        ]))
    }

    // MARK: - hmac-secret (CTAP 2.1 §12.5)

    /// Checks and decrypts the hmac-secret input `{1: keyAgreement, 2: saltEnc, 3: saltAuth, 4: protocol}`.
    private func decodeHMACSecretInput(_ value: CBORValue) throws(CTAP2Status) -> HMACSecretRequest {
        guard let map = value.mapValue else { throw CTAP2Status.cborUnexpectedType }
        let input = CTAPRequest(map: map)
        guard let keyAgreement = map[int: 1] else { throw CTAP2Status.missingParameter }
        let saltEnc = try input.bytes(2)
        let saltAuth = try input.bytes(3)
        let pinProtocol = try PINUVAuthProtocol(requested: try input.optionalUnsigned(4) ?? 1)
        let platformKey = try PINUVAuthProtocol.platformKey(keyAgreement)
        let sharedSecret = try pinProtocol.sharedSecret(authenticatorKey: keyAgreementKey, platformKey: platformKey)
        guard pinProtocol.verify(key: sharedSecret, saltEnc, signature: saltAuth) else {
            throw CTAP2Status.pinAuthInvalid
        }
        let salts = try pinProtocol.decrypt(sharedSecret: sharedSecret, saltEnc)
        guard salts.count == 32 || salts.count == 64 else { throw CTAP2Status.invalidLength }
        return HMACSecretRequest(pinProtocol: pinProtocol, sharedSecret: sharedSecret, salts: salts)
    }

    /// `encrypt(sharedSecret, HMAC-SHA-256(CredRandom, salt1) [|| HMAC-SHA-256(CredRandom, salt2)])`, with
    /// CredRandomWithUV or CredRandomWithoutUV derived from the credential's secret.
    private func hmacSecretOutput(_ request: HMACSecretRequest, credential: KeyHandle, userVerified: Bool)
        throws(CTAP2Status) -> [UInt8]
    {
        let label = userVerified ? "KeyBridge CredRandomWithUV" : "KeyBridge CredRandomWithoutUV"
        guard
            let credRandom = HKDF.deriveKey(
                .sha256, inputKeyMaterial: credential.key.secret, salt: [], info: Array(label.utf8), outputByteCount: 32)
        else { throw CTAP2Status.other }
        var output = HMAC.authenticationCode(.sha256, key: credRandom, message: Array(request.salts.prefix(32)))
        if request.salts.count == 64 {
            output += HMAC.authenticationCode(.sha256, key: credRandom, message: Array(request.salts.suffix(32)))
        }
        return try request.pinProtocol.encrypt(sharedSecret: request.sharedSecret, output)
    }
}
