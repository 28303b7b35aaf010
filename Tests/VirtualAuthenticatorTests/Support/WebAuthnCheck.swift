import CBOR
import OpenSSLWrapper
@_spi(ExpertsOnly) import WebAuthn

/// Verifies the authenticator's output with KeyBridge's relying-party verifier, as `keybridge verify` does:
/// the test plays the WebAuthn client (it writes clientDataJSON and the Level 3 JSON forms).
enum WebAuthnCheck {
    /// clientDataJSON for `type`, with the origin `https://RPID`.
    static func clientDataJSON(type: String, challenge: [UInt8], rpID: String) -> [UInt8] {
        JSONWriter.bytes(.object(JSONObject([
            ("type", .string(type)), ("challenge", .string(Base64URL.encode(challenge))),
            ("origin", .string("https://\(rpID)")), ("crossOrigin", .bool(false)),
        ])))
    }

    /// The relying party for `rpID`, trusting `rootPEM` when given.
    static func relyingParty(rpID: String, rootPEM: String?, requireTrusted: Bool) throws -> RelyingParty {
        var configuration = RelyingParty.Configuration(rpID: rpID, rpName: rpID, allowedOrigins: ["https://\(rpID)"])
        configuration.allowedAlgorithms = [.es256, .eddsa]
        if let rootPEM {
            let store = try TrustAnchorStore(pem: rootPEM)
            configuration.attestationVerifier =
                requireTrusted
                ? AttestationVerifier(trustAnchors: store) { RequireTrustedAttestation() }
                : AttestationVerifier(trustAnchors: store)
        }
        return RelyingParty(configuration: configuration)
    }

    /// Runs finishRegistration on a response built from the authenticator's attestation.
    static func verifyRegistration(
        format: String, authData: [UInt8], statement: CBORMap, clientDataJSON: [UInt8], challenge: [UInt8],
        credentialID: [UInt8], rpID: String = "example.com", rootPEM: String? = nil, requireTrusted: Bool = false,
        requireUserVerification: Bool = false
    ) throws -> CredentialRecord {
        let attestationObject = CBOREncoder.encode(.map(CBORMap([
            (.text("fmt"), .text(format)), (.text("attStmt"), .map(statement)), (.text("authData"), .bytes(authData)),
        ])))
        let json = JSONWriter.bytes(.object(JSONObject([
            ("id", .string(Base64URL.encode(credentialID))), ("rawId", .string(Base64URL.encode(credentialID))),
            ("type", .string("public-key")), ("authenticatorAttachment", .string("cross-platform")),
            ("clientExtensionResults", .object(JSONObject())),
            ("response", .object(JSONObject([
                ("clientDataJSON", .string(Base64URL.encode(clientDataJSON))),
                ("attestationObject", .string(Base64URL.encode(attestationObject))),
                ("transports", .array([.string("usb")])),
            ]))),
        ])))
        let relyingParty = try relyingParty(rpID: rpID, rootPEM: rootPEM, requireTrusted: requireTrusted)
        let state = RegistrationState(
            challenge: challenge, rpID: rpID, allowedOrigins: ["https://\(rpID)"],
            requireUserVerification: requireUserVerification, allowedAlgorithms: [.es256, .eddsa],
            expiresAt: relyingParty.configuration.clock.now() + 300)
        return try relyingParty.finishRegistration(try RegistrationResponseJSON(jsonBytes: json), state: state)
    }

    /// Runs finishRegistration on a makeCredential result.
    static func verify(
        _ registration: Platform.Registration, rpID: String = "example.com", rootPEM: String? = nil,
        requireTrusted: Bool = false, requireUserVerification: Bool = false
    ) throws -> CredentialRecord {
        try verifyRegistration(
            format: registration.format, authData: registration.authData, statement: registration.statement,
            clientDataJSON: registration.clientDataJSON, challenge: registration.challenge,
            credentialID: registration.credentialID, rpID: rpID, rootPEM: rootPEM, requireTrusted: requireTrusted,
            requireUserVerification: requireUserVerification)
    }

    /// Runs finishAuthentication on an assertion against `record`.
    static func verifyAssertion(
        credentialID: [UInt8], authData: [UInt8], signature: [UInt8], userHandle: [UInt8]?, clientDataJSON: [UInt8],
        challenge: [UInt8], record: CredentialRecord, rpID: String = "example.com", requireUserVerification: Bool = false
    ) throws -> AuthenticationResult {
        var response = JSONObject([
            ("clientDataJSON", .string(Base64URL.encode(clientDataJSON))),
            ("authenticatorData", .string(Base64URL.encode(authData))),
            ("signature", .string(Base64URL.encode(signature))),
        ])
        if let userHandle { response["userHandle"] = .string(Base64URL.encode(userHandle)) }
        let json = JSONWriter.bytes(.object(JSONObject([
            ("id", .string(Base64URL.encode(credentialID))), ("rawId", .string(Base64URL.encode(credentialID))),
            ("type", .string("public-key")), ("clientExtensionResults", .object(JSONObject())),
            ("response", .object(response)),
        ])))
        let relyingParty = try relyingParty(rpID: rpID, rootPEM: nil, requireTrusted: false)
        let state = AuthenticationState(
            challenge: challenge, rpID: rpID, allowedOrigins: ["https://\(rpID)"],
            requireUserVerification: requireUserVerification, allowedAlgorithms: [.es256, .eddsa],
            allowCredentials: [credentialID], expiresAt: relyingParty.configuration.clock.now() + 300)
        return try relyingParty.finishAuthentication(
            try AuthenticationResponseJSON(jsonBytes: json), state: state, credential: record)
    }

    /// Runs finishAuthentication on a getAssertion result.
    static func verify(
        _ assertion: Platform.Assertion, record: CredentialRecord, rpID: String = "example.com",
        requireUserVerification: Bool = false
    ) throws -> AuthenticationResult {
        try verifyAssertion(
            credentialID: assertion.credentialID, authData: assertion.authData, signature: assertion.signature,
            userHandle: assertion.userHandle, clientDataJSON: assertion.clientDataJSON, challenge: assertion.challenge,
            record: record, rpID: rpID, requireUserVerification: requireUserVerification)
    }
}
