import CBOR
import OpenSSLWrapper
@_spi(ExpertsOnly) import WebAuthn

/// The rows of the table, in the order they are measured and printed.
enum BenchmarkSuite {
    static let referenceName = "OpenSSL ECDSA P-256 verify (reference)"
    static let es256AssertionName = "ES256 assertion"
    static let referenceSection = "Reference"

    static func rows(_ fixtures: Fixtures) -> [BenchmarkRow] {
        let setup = fixtures.setup
        var rows: [BenchmarkRow] = []

        // MARK: Reference
        rows.append(
            BenchmarkRow(referenceSection, referenceName, kind: .reference) { duration in
                try RawVerifyReference.ecdsaP256VerifiesPerSecond(minimumDuration: duration)
            })

        // MARK: Assertions: parse AuthenticationResponseJSON from bytes, fresh state, finishAuthentication.
        let assertionSection = "Assertions: parse JSON, fresh state, finishAuthentication"
        for (assertion, name, target) in [
            (fixtures.es256, es256AssertionName, 0.9), (fixtures.rs256, "RS256 assertion", nil),
            (fixtures.eddsa, "EdDSA (Ed25519) assertion", nil),
        ] as [(Fixtures.Assertion, String, Double?)] {
            rows.append(
                BenchmarkRow(assertionSection, name, kind: .verification(target: target)) { duration in
                    let party = RelyingParty(configuration: setup.configuration)
                    return try RateMeter.rate(for: duration, assertionOperation(assertion, setup: setup, party: party))
                })
        }

        // MARK: Registrations: parse RegistrationResponseJSON from bytes, fresh state, finishRegistration.
        let registrationSection = "Registrations: parse JSON, fresh state, finishRegistration; new credential key each"
        for (pool, target) in [
            (fixtures.none, nil), (fixtures.packedSelf, nil), (fixtures.packedFull, 0.45),
            (fixtures.packedFullNewLeaf, 0.45), (fixtures.packedFullLeafOnly, 0.45),
        ] as [(Fixtures.RegistrationPool, Double?)]
        {
            rows.append(
                BenchmarkRow(registrationSection, pool.name, kind: .verification(target: target)) {
                    duration in
                    let party = RelyingParty(configuration: setup.configuration)
                    return try RateMeter.rate(for: duration, registrationOperation(pool, setup: setup, party: party))
                })
        }

        // MARK: Parts of the assertion path, measured alone.
        let partsSection = "Parts of that work, each alone"
        let es256 = fixtures.es256
        rows.append(
            BenchmarkRow(partsSection, "AuthenticationState(challenge:...) (expert init: 16 random bytes, SHA-256)", kind: .cost) {
                duration in
                try RateMeter.rate(for: duration) {
                    let state = setup.authenticationState(allowing: es256.record.id)
                    guard state.expiresAt > 0 else { throw BenchmarkFailure("state without expiry") }
                }
            })
        rows.append(
            BenchmarkRow(partsSection, "state init + single-use ledger (finish refused right after consuming)", kind: .cost) {
                duration in
                let party = RelyingParty(configuration: setup.configuration)
                let response = try AuthenticationResponseJSON(jsonBytes: es256.responseJSON)
                // A record for another credential: finishAuthentication consumes the state, then refuses at §7.2 step 6.
                let other = CredentialRecord(uncheckedID: [0xFF], publicKey: es256.record.publicKey, signCount: 0)
                return try RateMeter.rate(for: duration) {
                    let outcome = Result { () throws(WebAuthnError) in
                        try party.finishAuthentication(
                            response, state: setup.authenticationState(allowing: es256.record.id), credential: other)
                    }
                    guard case .failure(let error) = outcome, error.code == .credentialIDMismatch else {
                        throw BenchmarkFailure("the mismatched record was not refused with credential-id-mismatch")
                    }
                }
            })
        rows.append(
            BenchmarkRow(
                partsSection, "AuthenticationResponseJSON(jsonBytes:) (ES256, \(es256.responseJSON.count) B)", kind: .cost
            ) { duration in
                try RateMeter.rate(for: duration) {
                    let response = try AuthenticationResponseJSON(jsonBytes: es256.responseJSON)
                    guard response.rawID == es256.record.id else { throw BenchmarkFailure("rawId changed") }
                }
            })
        for key in fixtures.coseKeys {
            rows.append(
                BenchmarkRow(partsSection, "COSEKey(map:encoded:) \(key.name), uncached: builds the OpenSSL key", kind: .cost) {
                    duration in
                    try RateMeter.rate(for: duration) {
                        let parsed = try COSEKey(map: key.map, encoded: key.encoded)
                        guard parsed.encoded.count == key.encoded.count else { throw BenchmarkFailure("COSE key changed") }
                    }
                })
            rows.append(
                BenchmarkRow(partsSection, "COSEKey(encoded:) \(key.name), cached: lookup by bytes", kind: .cost) {
                    duration in
                    try RateMeter.rate(for: duration) {
                        let parsed = try COSEKey(encoded: key.encoded)
                        guard parsed.encoded.count == key.encoded.count else { throw BenchmarkFailure("COSE key changed") }
                    }
                })
        }

        // MARK: CBOR decoding throughput.
        let cborSection = "CBOR decoding: CBORDecoder().decode"
        for (name, object) in [
            ("packed full attestation object", fixtures.packedFull.attestationObjects[0]),
            ("none attestation object", fixtures.none.attestationObjects[0]),
        ] {
            guard let items = try? itemCount(CBORDecoder().decode(object)) else { continue }
            rows.append(
                BenchmarkRow(
                    cborSection, "\(name) (\(object.count) B, \(items) items)",
                    kind: .throughput(bytes: object.count, items: items)
                ) { duration in
                    try RateMeter.rate(for: duration) {
                        guard case .map = try CBORDecoder().decode(object) else { throw BenchmarkFailure("not a map") }
                    }
                })
        }

        // MARK: Two threads.
        let threadSection = "Two threads, one relying party shared by both"
        rows.append(
            BenchmarkRow(threadSection, referenceName, threads: 2, kind: .reference, scalingBaseline: referenceName) {
                duration in
                try RateMeter.parallel(threads: 2) {
                    try RawVerifyReference.ecdsaP256VerifiesPerSecond(minimumDuration: duration)
                }
            })
        rows.append(
            BenchmarkRow(
                threadSection, es256AssertionName, threads: 2, kind: .verification(target: 0.9),
                scalingBaseline: es256AssertionName
            ) { duration in
                let party = RelyingParty(configuration: setup.configuration)
                return try RateMeter.parallel(threads: 2) {
                    try RateMeter.rate(for: duration, assertionOperation(es256, setup: setup, party: party))
                }
            })
        return rows
    }

    /// Issue 4's TOTP rows, beside libcrypto's raw HMAC-SHA-1.
    static func oneTimeCodeRows() -> [BenchmarkRow] {
        let section = OneTimeCodeBenchmark.section
        let reference = OneTimeCodeBenchmark.referenceName
        return [
            BenchmarkRow(section, reference, kind: .reference) { try OneTimeCodeBenchmark.referenceRate($0) },
            BenchmarkRow(
                section, OneTimeCodeBenchmark.wrongCodeName,
                kind: .versus(reference: reference, target: nil, absoluteTarget: OneTimeCodeBenchmark.target)
            ) { try OneTimeCodeBenchmark.wrongCodeRate($0) },
            BenchmarkRow(
                section, "TOTP verify, current code", kind: .versus(reference: reference, target: nil, absoluteTarget: nil)
            ) { try OneTimeCodeBenchmark.rightCodeRate($0) },
        ]
    }

    /// Issue 3's device rows, beside the raw cryptography one round trip needs.
    static func deviceRows() -> [BenchmarkRow] {
        let section = DeviceBenchmark.section
        let reference = DeviceBenchmark.referenceName
        let versus = BenchmarkRow.Kind.versus(reference: reference, target: nil, absoluteTarget: nil)
        return [
            BenchmarkRow(section, reference, kind: .reference) { try DeviceBenchmark.rawCryptoRoundTripsPerSecond($0) },
            BenchmarkRow(section, "register + authenticate round trip (makeCredential, getAssertion)", kind: versus) {
                try DeviceBenchmark.roundTripsPerSecond($0, verify: false)
            },
            BenchmarkRow(section, "round trip, both responses verified by the relying party", kind: versus) {
                try DeviceBenchmark.roundTripsPerSecond($0, verify: true)
            },
        ]
    }

    /// Issue 3's replay rows, beside OpenSSL's raw verify.
    static func replayRows() -> [BenchmarkRow] {
        let section = ReplayBenchmark.section
        let reference = ReplayBenchmark.referenceName
        let versus = BenchmarkRow.Kind.versus(reference: reference, target: nil, absoluteTarget: nil)
        return [
            BenchmarkRow(section, reference, kind: .reference) { duration in
                try RawVerifyReference.ecdsaP256VerifiesPerSecond(minimumDuration: duration)
            },
            BenchmarkRow(section, "replay through libfido2, libfido2's checks (fido_cred/assert_verify)", kind: versus) {
                try ReplayBenchmark.replaysPerSecond($0, keybridgeVerifier: false)
            },
            BenchmarkRow(section, "replay through libfido2, libfido2's and KeyBridge's checks", kind: versus) {
                try ReplayBenchmark.replaysPerSecond($0, keybridgeVerifier: true)
            },
        ]
    }

    /// Issue 4's sign-in rows, beside SQLite's own write-transaction rate.
    static func mfaRows() -> [BenchmarkRow] {
        let section = MFABenchmark.section
        let reference = MFABenchmark.referenceName
        let versus = BenchmarkRow.Kind.versus(reference: reference, target: nil, absoluteTarget: nil)
        return [
            BenchmarkRow(section, reference, kind: .reference) { try MFABenchmark.referenceRate($0) },
            BenchmarkRow(section, "sign-in decision, trusted device (allow)", kind: versus) {
                try MFABenchmark.decisionsPerSecond($0, trusted: true)
            },
            BenchmarkRow(section, "sign-in decision, unknown device (challenge)", kind: versus) {
                try MFABenchmark.decisionsPerSecond($0, trusted: false)
            },
        ]
    }

    // MARK: - Operations

    /// One sign-in as a server runs it: parse the request body, make the state, verify against the stored record.
    static func assertionOperation(_ assertion: Fixtures.Assertion, setup: CeremonySetup, party: RelyingParty)
        -> Operation
    {
        let body = assertion.responseJSON
        let record = assertion.record
        return {
            let response = try AuthenticationResponseJSON(jsonBytes: body)
            let result = try party.finishAuthentication(
                response, state: setup.authenticationState(allowing: record.id), credential: record)
            guard result.record.signCount == 1 else { throw BenchmarkFailure("\(assertion.name): sign count not updated") }
        }
    }

    /// One registration as a server runs it, each time for a credential key the verifier has not seen recently.
    static func registrationOperation(
        _ pool: Fixtures.RegistrationPool, setup: CeremonySetup, party: RelyingParty
    ) -> Operation {
        var index = 0
        return {
            let response = try RegistrationResponseJSON(jsonBytes: pool.responses[index])
            index = index + 1 == pool.responses.count ? 0 : index + 1
            try pool.check(try party.finishRegistration(response, state: setup.registrationState()))
        }
    }

    /// The number of CBOR data items in `value`, itself, map keys and tag contents included.
    static func itemCount(_ value: CBORValue) -> Int {
        switch value {
        case .array(let elements): return 1 + elements.reduce(0) { $0 + itemCount($1) }
        case .map(let map): return 1 + map.reduce(0) { $0 + itemCount($1.key) + itemCount($1.value) }
        case .tagged(_, let inner): return 1 + itemCount(inner)
        default: return 1
        }
    }
}
