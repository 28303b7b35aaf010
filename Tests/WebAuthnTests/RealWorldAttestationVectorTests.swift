import CBOR
import Foundation
import OpenSSLWrapper
import Testing
import WebAuthn

/// One registration vector from `../shared/real-world-vectors/` (see its `INDEX.md` for provenance): responses
/// captured from real authenticators and browsers, and the W3C WebAuthn Level 3 §16 test vectors.
struct RealWorldRegistrationVector: Sendable, CustomTestStringConvertible {
    let id: String
    let format: String
    let verdict: String
    let reason: String
    let attestationObject: [UInt8]
    let clientDataJSON: [UInt8]
    let trustAnchorPEM: String?
    let verifyAtTime: Int64?

    var testDescription: String { "\(id) (\(format), \(verdict))" }

    /// `../shared/real-world-vectors`, relative to the package root (found from this file's real path).
    static let folder: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/real-world-vectors")

    static var folderExists: Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent("INDEX.md").path)
    }

    /// Every registration vector whose verdict is not disputed, sorted by id. Unreadable files become vectors
    /// that fail (rather than silently disappearing).
    static func all() -> [RealWorldRegistrationVector] {
        guard folderExists,
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [] }
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            let unreadable = RealWorldRegistrationVector(
                id: name, format: "?", verdict: "unreadable", reason: "", attestationObject: [], clientDataJSON: [],
                trustAnchorPEM: nil, verifyAtTime: nil)
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
                let json = try? JSONParser(limits: JSONLimits(maxBytes: 1 << 22)).parse(Array(data))
            else { return unreadable }
            guard json["kind"]?.stringValue == "registration" else { return nil }
            guard let verdict = json["expected"]?["verdict"]?.stringValue, verdict != "disputed" else { return nil }
            guard let id = json["id"]?.stringValue, let format = json["format"]?.stringValue,
                let attestationText = json["attestationObject"]?.stringValue,
                let clientDataText = json["clientDataJSON"]?.stringValue,
                let attestationObject = try? Base64URL.decode(attestationText),
                let clientDataJSON = try? Base64URL.decode(clientDataText)
            else { return unreadable }
            var time: Int64? = nil
            if let text = json["verify_at_time"]?.stringValue {
                guard let parsed = parseISO8601(text) else { return unreadable }
                time = parsed
            }
            return RealWorldRegistrationVector(
                id: id, format: format, verdict: verdict, reason: json["expected"]?["reason"]?.stringValue ?? "",
                attestationObject: attestationObject, clientDataJSON: clientDataJSON,
                trustAnchorPEM: json["trust_anchor_pem"]?.stringValue, verifyAtTime: time)
        }
    }

    /// Seconds since 1970 for `YYYY-MM-DDTHH:MM:SS[.fff]Z`.
    static func parseISO8601(_ text: String) -> Int64? {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = plain.date(from: text) ?? fractional.date(from: text) else { return nil }
        return Int64(date.timeIntervalSince1970.rounded(.down))
    }
}

/// Runs the attestation layer (attestation object, authenticator data, COSE key, attestation statement format,
/// trust path) over every undisputed registration vector and expects its verdict. The full ceremony (challenge,
/// origin, RP ID, flags) is the conformance runner's job.
@Suite("Real-world registration vectors at the attestation layer", .enabled(if: RealWorldRegistrationVector.folderExists))
struct RealWorldAttestationVectorTests {
    /// Verifies a vector's attestation as the registration ceremony would (WebAuthn L3 §7.1 steps 12, 20–24).
    ///
    /// - Parameters:
    ///   - anchors: Trust anchors to use instead of the vector's `trust_anchor_pem`.
    ///   - time: A verification time to use instead of the vector's `verify_at_time` (or the present).
    ///   - edit: A change to the attestation statement or client data hash before verification.
    static func verify(
        _ vector: RealWorldRegistrationVector, anchors replacement: TrustAnchorStore? = nil, time: Int64? = nil,
        policy: AllOfAttestationPolicies = AllOfAttestationPolicies([]),
        edit: (inout CBORMap, inout [UInt8]) -> Void = { _, _ in }
    ) throws(WebAuthnError) -> ValidatedAttestation {
        let object = try AttestationObject(bytes: vector.attestationObject)
        guard let attested = object.authenticatorData.attestedCredentialData else {
            throw WebAuthnError(.attestedCredentialDataMissing, "no attested credential data")
        }
        let key = try COSEKey(encoded: attested.credentialPublicKey)
        var anchors = TrustAnchorStore()
        if let pem = vector.trustAnchorPEM { try anchors.add(pem: pem) }
        if let replacement { anchors = replacement }
        var statement = object.statement
        var clientDataHash = Digest.sha256(vector.clientDataJSON)
        edit(&statement, &clientDataHash)
        var verifier = AttestationVerifier(trustAnchors: anchors)
        verifier.policy = policy
        let now = Int64(Date().timeIntervalSince1970)
        return try verifier.verify(
            AttestationContext(
                format: object.format, statement: statement, authenticatorData: object.authenticatorData,
                clientDataHash: clientDataHash, credentialPublicKey: key,
                verificationTime: time ?? vector.verifyAtTime ?? now, allowRS1: false))
    }

    /// The accepted vectors.
    static let accepted = RealWorldRegistrationVector.all().filter { $0.verdict == "accept" }

    /// The certificates of a vector's attStmt x5c.
    static func chain(_ vector: RealWorldRegistrationVector) -> [[UInt8]] {
        let statement = (try? AttestationObject(bytes: vector.attestationObject))?.statement
        return statement?[text: "x5c"]?.arrayValue?.compactMap(\.bytesValue) ?? []
    }

    @Test("The folder holds undisputed registration vectors of every implemented format")
    func vectorsArePresent() {
        let formats = Set(RealWorldRegistrationVector.all().map(\.format))
        for format in ["none", "packed", "fido-u2f", "tpm", "android-key", "android-safetynet", "apple"] {
            #expect(formats.contains(format), "no undisputed registration vector of format \(format)")
        }
    }

    @Test("Each undisputed registration vector gets its expected verdict", arguments: RealWorldRegistrationVector.all())
    func expectedVerdict(_ vector: RealWorldRegistrationVector) {
        switch vector.verdict {
        case "accept":
            do {
                let attestation = try Self.verify(vector)
                #expect(attestation.format == vector.format)
                // A vector that names its trust anchor chains to it.
                #expect(attestation.isTrusted == (vector.trustAnchorPEM != nil))
            } catch {
                Issue.record("\(vector.id) should be accepted: \(error)")
            }
        case "reject":
            #expect(throws: WebAuthnError.self, "\(vector.id) should be rejected") { try Self.verify(vector) }
        default:
            Issue.record("\(vector.id): unreadable vector or unknown verdict \(vector.verdict)")
        }
    }

    @Test(
        "A vector's signature altered in its last byte is signature-invalid",
        arguments: accepted.filter { (try? AttestationObject(bytes: $0.attestationObject))?.statement[text: "sig"] != nil })
    func alteredSignature(_ vector: RealWorldRegistrationVector) {
        #expect { try Self.verify(vector) { statement, _ in
            guard var signature = statement[text: "sig"]?.bytesValue, !signature.isEmpty else { return }
            signature[signature.count - 1] ^= 0x01
            statement[.text("sig")] = .bytes(signature)
        } } throws: { error in
            (error as? WebAuthnError)?.code == .signatureInvalid
        }
    }

    @Test(
        "A vector verified against another clientDataHash is rejected (every format but none binds it)",
        arguments: accepted.filter { $0.format != "none" })
    func otherClientDataHash(_ vector: RealWorldRegistrationVector) {
        #expect(throws: WebAuthnError.self) {
            try Self.verify(vector) { _, hash in hash[0] ^= 0x01 }
        }
    }

    @Test(
        "A time-pinned vector chains to its own last x5c certificate at verify_at_time, and no longer at the present",
        arguments: accepted.filter { $0.verifyAtTime != nil && chain($0).count >= 2 })
    func pinnedTimeTrust(_ vector: RealWorldRegistrationVector) throws {
        var anchors = TrustAnchorStore()
        try anchors.add(der: try #require(Self.chain(vector).last))
        let strict = AllOfAttestationPolicies([RequireTrustedAttestation()])
        #expect(try Self.verify(vector, anchors: anchors, policy: strict).isTrusted)
        let now = Int64(Date().timeIntervalSince1970)
        #expect(try !Self.verify(vector, anchors: anchors, time: now).isTrusted)
        #expect { try Self.verify(vector, anchors: anchors, time: now, policy: strict) } throws: { error in
            (error as? WebAuthnError)?.code == .attestationUntrusted
        }
    }
}
