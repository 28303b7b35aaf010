package import CBOR
import OpenSSLWrapper
package import WebAuthn

/// A software authenticator and client in one, for tests: it builds `clientDataJSON`, authenticator data,
/// attestation objects (`none` and `packed` self attestation) and assertions, and wraps them in the Level 3
/// JSON forms a browser sends. Every field can be broken on purpose through the knobs.
///
/// ```swift
/// var authenticator = TestAuthenticator()
/// let json = authenticator.registrationResponse(challenge: challenge)   // RegistrationResponseJSON bytes
/// var knobs = TestAuthenticator.AssertionKnobs()
/// knobs.clientData.origin = "https://evil.example"
/// let bad = authenticator.authenticationResponse(challenge: challenge2, knobs: knobs)
/// ```
package struct TestAuthenticator: Sendable {
    /// The RP ID the authenticator scopes credentials to.
    package var rpID: String
    /// The origin the client reports.
    package var origin: String
    /// The credential key.
    package var key: TestCredentialKey
    /// The credential ID.
    package var credentialID: [UInt8]
    /// The AAGUID.
    package var aaguid: [UInt8]
    /// The signature counter; each assertion increments it before signing (unless a knob fixes the count).
    package var signCount: UInt32
    /// The user handle returned in assertions (nil: none).
    package var userHandle: [UInt8]?

    /// An authenticator for `example.org` with the ES256 test key.
    package init(
        rpID: String = "example.org", origin: String = "https://example.org", key: TestCredentialKey = .es256,
        credentialID: [UInt8] = Array(0..<32), aaguid: [UInt8] = Array(repeating: 0xAA, count: 16),
        signCount: UInt32 = 0, userHandle: [UInt8]? = Array("user-1".utf8)
    ) {
        self.rpID = rpID
        self.origin = origin
        self.key = key
        self.credentialID = credentialID
        self.aaguid = aaguid
        self.signCount = signCount
        self.userHandle = userHandle
    }

    // MARK: - Knobs

    /// How to build `clientDataJSON`. Members are written in the order browsers use.
    package struct ClientDataKnobs: Sendable {
        /// The type; nil: the ceremony's (`webauthn.create` / `webauthn.get`).
        package var type: String? = nil
        /// The challenge text; nil: the base64url of the challenge given.
        package var challenge: String? = nil
        /// The origin; nil: the authenticator's.
        package var origin: String? = nil
        /// crossOrigin; nil omits the member.
        package var crossOrigin: Bool? = false
        /// topOrigin; nil omits the member.
        package var topOrigin: String? = nil
        /// Members appended after the standard ones.
        package var extraMembers: [(String, JSONValue)] = []
        /// When set, these exact bytes are the clientDataJSON.
        package var replacement: [UInt8]? = nil
        package init() {}
    }

    /// How to build authenticator data.
    package struct AuthenticatorDataKnobs: Sendable {
        /// Hash this RP ID instead of the authenticator's.
        package var rpID: String? = nil
        /// Use these bytes as rpIdHash.
        package var rpIDHash: [UInt8]? = nil
        package var userPresent = true
        package var userVerified = true
        package var backupEligible = false
        package var backupState = false
        /// Flag bits added after the ones above (e.g. AT or ED without the data).
        package var setFlags: UInt8 = 0
        /// Flag bits removed after the ones above (e.g. AT while the data stays).
        package var clearFlags: UInt8 = 0
        /// The counter to write; nil: the authenticator's.
        package var signCount: UInt32? = nil
        /// Whether attested credential data is included; nil: for registrations only.
        package var includeAttestedCredentialData: Bool? = nil
        /// The credential ID in the attested credential data; nil: the authenticator's.
        package var credentialID: [UInt8]? = nil
        /// The COSE_Key in the attested credential data; nil: the authenticator's key.
        package var credentialPublicKey: [UInt8]? = nil
        /// An extensions value to append (the ED flag is set for it).
        package var extensions: CBORValue? = nil
        /// Bytes appended at the very end.
        package var trailingBytes: [UInt8] = []
        /// When set, these exact bytes are the authenticator data (signatures still cover them).
        package var replacement: [UInt8]? = nil
        package init() {}
    }

    /// The attestation statement format of a registration.
    package enum AttestationFormat: Sendable {
        /// `none`, with an empty statement.
        case none
        /// `packed` self attestation, signed with the credential key.
        case packedSelf
    }

    /// How to build a registration response.
    package struct RegistrationKnobs: Sendable {
        package var clientData = ClientDataKnobs()
        package var authenticatorData = AuthenticatorDataKnobs()
        package var format: AttestationFormat = .none
        /// Replace the `fmt` text.
        package var formatName: String? = nil
        /// Replace the whole attStmt.
        package var statement: CBORMap? = nil
        /// For packed self: the alg written in attStmt; nil: the key's.
        package var packedAlgorithm: Int? = nil
        /// For packed self: flip a bit of the signature.
        package var corruptAttestationSignature = false
        /// When set, these exact bytes are the attestation object.
        package var attestationObject: [UInt8]? = nil
        /// `id` text; nil: base64url of the credential ID.
        package var id: String? = nil
        /// `rawId` text; nil: base64url of the credential ID.
        package var rawID: String? = nil
        package var type = "public-key"
        package var transports: [String] = ["usb"]
        package var clientExtensionResults = JSONObject()
        package init() {}
    }

    /// How to build an authentication response.
    package struct AssertionKnobs: Sendable {
        package var clientData = ClientDataKnobs()
        package var authenticatorData = AuthenticatorDataKnobs()
        /// Sign with this key instead.
        package var signingKey: TestCredentialKey? = nil
        /// Flip a bit of the signature.
        package var corruptSignature = false
        /// `id` text; nil: base64url of the credential ID.
        package var id: String? = nil
        /// `rawId` text; nil: base64url of the credential ID.
        package var rawID: String? = nil
        package var type = "public-key"
        /// Override the user handle: `.some(nil)` omits it.
        package var userHandle: [UInt8]?? = nil
        package var clientExtensionResults = JSONObject()
        package init() {}
    }

    // MARK: - Building blocks

    /// `clientDataJSON` for a ceremony of `type` with `challenge`.
    package func clientDataJSON(type: String, challenge: [UInt8], knobs: ClientDataKnobs = ClientDataKnobs()) -> [UInt8] {
        if let replacement = knobs.replacement { return replacement }
        var object = JSONObject()
        object["type"] = .string(knobs.type ?? type)
        object["challenge"] = .string(knobs.challenge ?? Base64URL.encode(challenge))
        object["origin"] = .string(knobs.origin ?? origin)
        if let crossOrigin = knobs.crossOrigin { object["crossOrigin"] = .bool(crossOrigin) }
        if let topOrigin = knobs.topOrigin { object["topOrigin"] = .string(topOrigin) }
        for (k, v) in knobs.extraMembers { object[k] = v }
        return JSONWriter.bytes(.object(object))
    }

    /// Authenticator data for a registration (`attested` true) or an assertion.
    package func authenticatorData(attested: Bool, knobs: AuthenticatorDataKnobs = AuthenticatorDataKnobs()) -> [UInt8] {
        if let replacement = knobs.replacement { return replacement }
        var out = knobs.rpIDHash ?? Digest.sha256(Array((knobs.rpID ?? rpID).utf8))
        let includeAttested = knobs.includeAttestedCredentialData ?? attested
        var flags: UInt8 = 0
        if knobs.userPresent { flags |= 0x01 }
        if knobs.userVerified { flags |= 0x04 }
        if knobs.backupEligible { flags |= 0x08 }
        if knobs.backupState { flags |= 0x10 }
        if includeAttested { flags |= 0x40 }
        if knobs.extensions != nil { flags |= 0x80 }
        flags |= knobs.setFlags
        flags &= ~knobs.clearFlags
        out.append(flags)
        let count = knobs.signCount ?? signCount
        out.append(contentsOf: [UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)])
        if includeAttested {
            let id = knobs.credentialID ?? credentialID
            out.append(contentsOf: aaguid)
            out.append(contentsOf: [UInt8(id.count >> 8), UInt8(id.count & 0xFF)])
            out.append(contentsOf: id)
            out.append(contentsOf: knobs.credentialPublicKey ?? key.coseKey)
        }
        if let extensions = knobs.extensions { out.append(contentsOf: CBOREncoder.encode(extensions)) }
        out.append(contentsOf: knobs.trailingBytes)
        return out
    }

    /// An attestation object over `authData` and the hash of `clientDataJSON`.
    package func attestationObject(authData: [UInt8], clientDataJSON: [UInt8], knobs: RegistrationKnobs) -> [UInt8] {
        if let replacement = knobs.attestationObject { return replacement }
        var statement = CBORMap()
        var format = "none"
        switch knobs.format {
        case .none:
            break
        case .packedSelf:
            format = "packed"
            var signature = key.sign(authData + Digest.sha256(clientDataJSON))
            if knobs.corruptAttestationSignature { signature[signature.count / 2] ^= 0x01 }
            statement = CBORMap([
                ("alg", CBORValue(knobs.packedAlgorithm ?? key.algorithm.rawValue)), ("sig", .bytes(signature)),
            ])
        }
        let object = CBORMap([
            ("fmt", .text(knobs.formatName ?? format)), ("attStmt", .map(knobs.statement ?? statement)),
            ("authData", .bytes(authData)),
        ])
        return CBOREncoder.encode(.map(object))
    }

    // MARK: - Responses

    /// A `RegistrationResponseJSON` document answering `challenge`.
    package func registrationResponse(challenge: [UInt8], knobs: RegistrationKnobs = RegistrationKnobs()) -> [UInt8] {
        let clientData = clientDataJSON(type: "webauthn.create", challenge: challenge, knobs: knobs.clientData)
        let authData = authenticatorData(attested: true, knobs: knobs.authenticatorData)
        let attestation = attestationObject(authData: authData, clientDataJSON: clientData, knobs: knobs)
        var response = JSONObject()
        response["clientDataJSON"] = .string(Base64URL.encode(clientData))
        response["authenticatorData"] = .string(Base64URL.encode(authData))
        response["transports"] = .array(knobs.transports.map { .string($0) })
        response["publicKey"] = .string(Base64URL.encode(key.privateKey.publicKey.subjectPublicKeyInfoDER()))
        response["publicKeyAlgorithm"] = .integer(key.algorithm.rawValue)
        response["attestationObject"] = .string(Base64URL.encode(attestation))
        return credentialJSON(id: knobs.id, rawID: knobs.rawID, type: knobs.type, response: response,
                              extensions: knobs.clientExtensionResults)
    }

    /// An `AuthenticationResponseJSON` document answering `challenge`; increments ``signCount`` first.
    package mutating func authenticationResponse(challenge: [UInt8], knobs: AssertionKnobs = AssertionKnobs()) -> [UInt8] {
        signCount &+= 1
        return assertion(challenge: challenge, knobs: knobs)
    }

    /// An `AuthenticationResponseJSON` document answering `challenge` with the current ``signCount``.
    package func assertion(challenge: [UInt8], knobs: AssertionKnobs = AssertionKnobs()) -> [UInt8] {
        let clientData = clientDataJSON(type: "webauthn.get", challenge: challenge, knobs: knobs.clientData)
        let authData = authenticatorData(attested: false, knobs: knobs.authenticatorData)
        var signature = (knobs.signingKey ?? key).sign(authData + Digest.sha256(clientData))
        if knobs.corruptSignature { signature[signature.count / 2] ^= 0x01 }
        var response = JSONObject()
        response["clientDataJSON"] = .string(Base64URL.encode(clientData))
        response["authenticatorData"] = .string(Base64URL.encode(authData))
        response["signature"] = .string(Base64URL.encode(signature))
        let handle = knobs.userHandle ?? userHandle
        if let handle { response["userHandle"] = .string(Base64URL.encode(handle)) }
        return credentialJSON(id: knobs.id, rawID: knobs.rawID, type: knobs.type, response: response,
                              extensions: knobs.clientExtensionResults)
    }

    private func credentialJSON(id: String?, rawID: String?, type: String, response: JSONObject, extensions: JSONObject)
        -> [UInt8]
    {
        var object = JSONObject()
        object["id"] = .string(id ?? Base64URL.encode(credentialID))
        object["rawId"] = .string(rawID ?? Base64URL.encode(credentialID))
        object["response"] = .object(response)
        object["authenticatorAttachment"] = .string("cross-platform")
        object["clientExtensionResults"] = .object(extensions)
        object["type"] = .string(type)
        return JSONWriter.bytes(.object(object))
    }
}
