import CBOR
import Foundation
import OpenSSLWrapper

extension AuthenticatorCore {
    /// authenticatorMakeCredential (CTAP 2.1 §6.1).
    func makeCredential(_ request: CTAPRequest) throws(CTAP2Status) -> CommandOutcome {
        let pinUvAuthParam = try request.optionalBytes(0x08)
        let pinUvAuthProtocol = try request.optionalUnsigned(0x09)
        let rp = try request.submap(0x02)
        guard let rpID = try rp.textMember("id") else { throw CTAP2Status.missingParameter }

        // CTAP 2.1 §6.1.2 step 1: a zero-length pinUvAuthParam is a request to blink and wait for a touch.
        if let pinUvAuthParam, pinUvAuthParam.isEmpty {
            return touchForSelection(rpID: rpID)
        }
        // Step 2: the protocol must accompany the param and be supported.
        if pinUvAuthParam != nil {
            guard let pinUvAuthProtocol else { throw CTAP2Status.missingParameter }
            _ = try PINUVAuthProtocol(requested: pinUvAuthProtocol)
        }
        // Step 3: required parameters and their types.
        let clientDataHash = try request.bytes(0x01)
        let user = try request.submap(0x03)
        guard let userIDValue = user.map[text: "id"] else { throw CTAP2Status.missingParameter }
        guard let userID = userIDValue.bytesValue else { throw CTAP2Status.cborUnexpectedType }
        guard userID.count <= 64 else { throw CTAP2Status.invalidLength }
        let userName = try user.textMember("name")
        let userDisplayName = try user.textMember("displayName")
        let rpName = try rp.textMember("name")
        guard let parameters = try request.optionalArray(0x04) else { throw CTAP2Status.missingParameter }

        // Step 3: the first supported algorithm in the platform's order of preference.
        var chosen: CredentialAlgorithm?
        for parameter in parameters {
            guard let map = parameter.mapValue else { throw CTAP2Status.cborUnexpectedType }
            let entry = CTAPRequest(map: map)
            guard let type = try entry.textMember("type"), let algValue = map[text: "alg"] else {
                throw CTAP2Status.missingParameter
            }
            guard let alg = algValue.intValue else { throw CTAP2Status.cborUnexpectedType }
            if chosen == nil, type == "public-key", let algorithm = CredentialAlgorithm(coseIdentifier: alg) {
                chosen = algorithm
            }
        }
        guard let algorithm = chosen else { throw CTAP2Status.unsupportedAlgorithm }

        // Step 4 and 5: options. There is no built-in UV, so "uv": true cannot be honoured; "up": false is
        // invalid for makeCredential.
        var residentKey = false
        if let options = try request.optionalSubmap(0x07) {
            residentKey = try options.option("rk") ?? false
            if try options.option("up") == false { throw CTAP2Status.invalidOption }
            if try options.option("uv") == true { throw CTAP2Status.invalidOption }
        }
        // Step 6: enterprise attestation is not supported.
        if request.has(0x0A) { throw CTAP2Status.invalidParameter }

        // Steps 7 to 11: user verification through the pinUvAuthToken. makeCredUvNotRqd is true, so without a
        // token only a non-discoverable credential may be made when a PIN is set.
        var userVerified = false
        if let pinUvAuthParam {
            try verifyPINUVAuthParam(
                pinUvAuthParam, protocolNumber: pinUvAuthProtocol, message: clientDataHash,
                permission: PINUVAuthTokenState.makeCredential, rpID: rpID)
            userVerified = true
        } else if isPINSet && residentKey {
            throw CTAP2Status.pinUvAuthTokenRequired
        }

        let rpIDHash = Digest.sha256(Array(rpID.utf8))

        // Step 12: the exclude list. A match waits for a touch, then fails with CREDENTIAL_EXCLUDED (a
        // userVerificationRequired credential counts only when the user was verified).
        if let excludeList = try request.optionalArray(0x05) {
            for entry in excludeList.prefix(Self.maximumCredentialCountInList) {
                let descriptor = try CredentialDescriptor(entry)
                guard descriptor.type == "public-key", let handle = liveCredential(descriptor.id, rpIDHash: rpIDHash)
                else { continue }
                if handle.credProtect == 3 && !userVerified { continue }
                return awaitPresence(.excludedCredential, rpID: rpID) { () throws(CTAP2Status) in
                    throw CTAP2Status.credentialExcluded
                }
            }
        }

        // Step 13: extensions. Unknown ones are ignored.
        var hmacSecret = false
        var credProtect = 1
        var extensionOutputs = CBORMap()
        if let extensions = try request.optionalSubmap(0x06) {
            if let value = extensions.map[text: "hmac-secret"] {
                guard let flag = value.boolValue else { throw CTAP2Status.cborUnexpectedType }
                hmacSecret = flag
                if flag { extensionOutputs[.text("hmac-secret")] = true }
            }
            if let value = extensions.map[text: "credProtect"] {
                guard let level = value.intValue else { throw CTAP2Status.cborUnexpectedType }
                guard (1...3).contains(level) else { throw CTAP2Status.invalidOption }
                credProtect = level
                extensionOutputs[.text("credProtect")] = CBORValue(level)
            }
        }

        if residentKey, !state.residentCredentials.contains(where: { $0.rpID == rpID && Array($0.userID) == userID }),
            state.residentCredentials.count >= configuration.maximumDiscoverableCredentials
        {
            throw CTAP2Status.keyStoreFull
        }

        // Step 14: user presence, then the credential.
        let outputs = extensionOutputs
        return awaitPresence(.makeCredential, rpID: rpID) { () throws(CTAP2Status) in
            let key = try CredentialKey.generate(algorithm)
            let handle = KeyHandle(key: key, discoverable: residentKey, hmacSecret: hmacSecret, credProtect: credProtect)
            let credentialID = try handle.seal(rpIDHash: rpIDHash, masterKey: self.masterKey)
            if residentKey {
                // A new discoverable credential replaces the one for the same RP ID and user ID.
                try self.mutateState { state in
                    state.residentCredentials.removeAll { $0.rpID == rpID && Array($0.userID) == userID }
                    state.residentCredentials.append(
                        ResidentCredential(
                            credentialID: Data(credentialID), rpID: rpID, rpName: rpName, userID: Data(userID),
                            userName: userName, userDisplayName: userDisplayName, creationIndex: state.nextCreationIndex))
                    state.nextCreationIndex += 1
                }
            }
            let counter = try self.nextSignatureCounter()
            let authData = self.authenticatorData(
                rpIDHash: rpIDHash, userPresent: true, userVerified: userVerified, counter: counter,
                attestedCredential: (credentialID, key.coseKey), extensions: outputs)
            if userVerified {
                // CTAP 2.1 §6.1.2 step 19: the token's mc and ga permissions are used up.
                self.pinToken?.permissions &= PINUVAuthTokenState.largeBlobWrite
            }
            let (format, statement) = try self.attestationStatement(
                authData: authData, clientDataHash: clientDataHash, credentialKey: key)
            return ctapResponse(intKeyedMap([(0x01, .text(format)), (0x02, .bytes(authData)), (0x03, .map(statement))]))
        }
    }

    /// The attestation statement for the configured mode (WebAuthn L3 §8.2 packed; §8.7 none).
    func attestationStatement(authData: [UInt8], clientDataHash: [UInt8], credentialKey: CredentialKey)
        throws(CTAP2Status) -> (format: String, statement: CBORMap)
    {
        let signed = authData + clientDataHash
        switch configuration.attestation {
        case .none:
            return ("none", CBORMap())
        case .packedSelf:
            let signature = try credentialKey.sign(signed)
            return (
                "packed",
                CBORMap([(.text("alg"), CBORValue(credentialKey.algorithm.coseIdentifier)), (.text("sig"), .bytes(signature))])
            )
        case .packedFull:
            let signature: [UInt8]
            do {
                signature = try authority.attestationKey.sign(message: signed, scheme: .ecdsa(.sha256))
            } catch {
                throw CTAP2Status.other
            }
            return (
                "packed",
                CBORMap([
                    (.text("alg"), CBORValue(-7)), (.text("sig"), .bytes(signature)),
                    (.text("x5c"), .array([.bytes(authority.packedCertificate.derEncoded)])),
                ])
            )
        }
    }

    /// The credential `credentialID` names for `rpIDHash`, when it is one of ours and still exists: a
    /// discoverable credential must still be in the store (deleting it or a reset ends it).
    func liveCredential(_ credentialID: [UInt8], rpIDHash: [UInt8]) -> KeyHandle? {
        guard let handle = KeyHandle.open(credentialID, rpIDHash: rpIDHash, masterKey: masterKey) else { return nil }
        if handle.discoverable {
            guard state.residentCredentials.contains(where: { Array($0.credentialID) == credentialID }) else { return nil }
        }
        return handle
    }
}
