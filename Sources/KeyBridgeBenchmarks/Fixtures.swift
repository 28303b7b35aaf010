import CBOR
import OpenSSLWrapper
@_spi(ExpertsOnly) import WebAuthn
import _TestSupport

/// Everything the rows feed to the verifier, built once at start-up and checked to verify before any timing.
struct Fixtures: Sendable {
    /// How many distinct credentials each registration row cycles through: more than the COSE key cache holds
    /// (1024), so every registration parses a key it has never seen, as a server registering new credentials does.
    static let registrationPoolSize = 1031

    /// An assertion for one credential algorithm, and its record as a server would load it.
    struct Assertion: Sendable {
        let name: String
        /// `AuthenticationResponseJSON` bytes, as they arrive in a request body (sign count 1).
        let responseJSON: [UInt8]
        /// The record from the registration of the same credential, stored as JSON and decoded once (sign count 0).
        let record: CredentialRecord
    }

    /// A pool of registration responses of one attestation format, each for a different credential key.
    struct RegistrationPool: Sendable {
        let name: String
        /// `RegistrationResponseJSON` bytes.
        let responses: [[UInt8]]
        /// The attestation objects inside `responses`, in the same order.
        let attestationObjects: [[UInt8]]
        let format: String
        let type: AttestationType
        let trusted: Bool
    }

    /// A COSE_Key, as bytes and as the CBOR map decoded from them.
    struct COSEKeyInput: Sendable {
        let name: String
        let encoded: [UInt8]
        let map: CBORMap
    }

    let setup: CeremonySetup
    let es256: Assertion
    let rs256: Assertion
    let eddsa: Assertion
    let none: RegistrationPool
    let packedSelf: RegistrationPool
    /// x5c leaf + intermediate, root anchor; every registration with the same attestation certificate (as from
    /// one authenticator model), so the validated path is remembered after the first.
    let packedFull: RegistrationPool
    /// x5c leaf + intermediate, root anchor; every registration with a new leaf, so the path is validated each time.
    let packedFullNewLeaf: RegistrationPool
    /// x5c leaf only, issued by the root anchor; a new leaf each time.
    let packedFullLeafOnly: RegistrationPool
    let coseKeys: [COSEKeyInput]

    // MARK: - Building

    static func make() throws -> Fixtures {
        let pki = try AttestationPKI.make()
        var anchors = TrustAnchorStore()
        try anchors.add(der: pki.root.derEncoded)
        let setup = CeremonySetup(challenge: Array("KeyBridge benchmark challenge 32".utf8), trustAnchors: anchors)
        // Each pool has its own credentials, so one row never finds the keys of the row before in the cache.
        func keys() throws -> [EVPPrivateKey] {
            try (0..<registrationPoolSize).map { _ in try EVPPrivateKey.generate(.ec(.p256)) }
        }
        return Fixtures(
            setup: setup,
            es256: try assertion("ES256", key: .es256, setup: setup),
            rs256: try assertion("RS256", key: .rs256, setup: setup),
            eddsa: try assertion("EdDSA (Ed25519)", key: .eddsa, setup: setup),
            none: try registrationPool(.none, keys: try keys(), pki: pki, setup: setup),
            packedSelf: try registrationPool(.packedSelf, keys: try keys(), pki: pki, setup: setup),
            packedFull: try registrationPool(.packedFull(.sharedLeaf), keys: try keys(), pki: pki, setup: setup),
            packedFullNewLeaf: try registrationPool(.packedFull(.newLeafUnderIntermediate), keys: try keys(), pki: pki, setup: setup),
            packedFullLeafOnly: try registrationPool(.packedFull(.newLeafUnderRoot), keys: try keys(), pki: pki, setup: setup),
            coseKeys: try [("ES256", TestCredentialKey.es256), ("RS256", .rs256), ("EdDSA", .eddsa)].map { name, key in
                guard let map = try CBORDecoder().decode(key.coseKey).mapValue else {
                    throw BenchmarkFailure("the \(name) test key's COSE_Key is not a map")
                }
                return COSEKeyInput(name: name, encoded: key.coseKey, map: map)
            })
    }

    /// Registers `key` through the public path, stores the record as JSON, reads it back, and signs one assertion.
    private static func assertion(_ name: String, key: TestCredentialKey, setup: CeremonySetup) throws -> Assertion {
        var authenticator = TestAuthenticator(rpID: CeremonySetup.rpID, origin: CeremonySetup.origin, key: key)
        let registration = authenticator.registrationResponse(challenge: setup.challenge)
        let party = RelyingParty(configuration: setup.configuration)
        let registered = try party.finishRegistration(
            try RegistrationResponseJSON(jsonBytes: registration), state: setup.registrationState())
        let record = try CredentialRecord(jsonBytes: registered.jsonBytes())
        let response = authenticator.authenticationResponse(challenge: setup.challenge)
        let result = try party.finishAuthentication(
            try AuthenticationResponseJSON(jsonBytes: response), state: setup.authenticationState(allowing: record.id),
            credential: record)
        guard result.record.signCount == 1, record.signCount == 0 else {
            throw BenchmarkFailure("\(name): unexpected sign counts")
        }
        return Assertion(name: name, responseJSON: response, record: record)
    }

    enum RegistrationKind: Equatable {
        case none, packedSelf, packedFull(AttestationChain)
    }

    enum AttestationChain: Equatable {
        /// x5c [leaf, intermediate], the same leaf for every registration.
        case sharedLeaf
        /// x5c [leaf, intermediate], a new leaf for every registration.
        case newLeafUnderIntermediate
        /// x5c [leaf], a new leaf issued by the root for every registration.
        case newLeafUnderRoot
    }

    /// One registration response per key, each for a different credential, checked once through the ceremony.
    private static func registrationPool(
        _ kind: RegistrationKind, keys: [EVPPrivateKey], pki: AttestationPKI, setup: CeremonySetup
    ) throws -> RegistrationPool {
        let authenticator = TestAuthenticator(rpID: CeremonySetup.rpID, origin: CeremonySetup.origin)
        var responses: [[UInt8]] = []
        var objects: [[UInt8]] = []
        for key in keys {
            var knobs = TestAuthenticator.RegistrationKnobs()
            knobs.authenticatorData.credentialPublicKey = try Self.coseKey(es256: key.publicKey)
            let clientData = authenticator.clientDataJSON(
                type: "webauthn.create", challenge: setup.challenge, knobs: knobs.clientData)
            let authData = authenticator.authenticatorData(attested: true, knobs: knobs.authenticatorData)
            let signed = authData + Digest.sha256(clientData)
            var statement: [(CBORValue, CBORValue)] = []
            switch kind {
            case .none:
                break
            case .packedSelf:
                // WebAuthn L3 §8.2: self attestation is signed by the credential key itself.
                statement = [("alg", -7), ("sig", .bytes(try key.sign(message: signed, scheme: .ecdsa(.sha256))))]
            case .packedFull(let chain):
                // WebAuthn L3 §8.2: full attestation is signed by the attestation certificate's key, x5c leaf first.
                let leaf: (certificate: X509Certificate, key: EVPPrivateKey)
                let x5c: [X509Certificate]
                switch chain {
                case .sharedLeaf:
                    leaf = (pki.leaf, pki.leafKey)
                    x5c = [pki.leaf, pki.intermediate]
                case .newLeafUnderIntermediate:
                    leaf = try pki.newLeaf(underRoot: false)
                    x5c = [leaf.certificate, pki.intermediate]
                case .newLeafUnderRoot:
                    leaf = try pki.newLeaf(underRoot: true)
                    x5c = [leaf.certificate]
                }
                statement = [
                    ("alg", -7), ("sig", .bytes(try leaf.key.sign(message: signed, scheme: .ecdsa(.sha256)))),
                    ("x5c", .array(x5c.map { .bytes($0.derEncoded) })),
                ]
            }
            let object = CBOREncoder.encode(
                .map(CBORMap([
                    ("fmt", .text(kind == .none ? "none" : "packed")), ("attStmt", .map(CBORMap(statement))),
                    ("authData", .bytes(authData)),
                ])))
            knobs.attestationObject = object
            responses.append(authenticator.registrationResponse(challenge: setup.challenge, knobs: knobs))
            objects.append(object)
        }
        let pool: RegistrationPool
        switch kind {
        case .none:
            pool = RegistrationPool(
                name: "attestation none", responses: responses, attestationObjects: objects, format: "none", type: .none,
                trusted: false)
        case .packedSelf:
            pool = RegistrationPool(
                name: "packed self", responses: responses, attestationObjects: objects, format: "packed",
                type: .self, trusted: false)
        case .packedFull(let chain):
            let name: String
            switch chain {
            case .sharedLeaf: name = "packed full, x5c leaf + intermediate, same leaf (path remembered)"
            case .newLeafUnderIntermediate: name = "packed full, x5c leaf + intermediate, new leaf (path validated)"
            case .newLeafUnderRoot: name = "packed full, x5c leaf only under the root, new leaf (path validated)"
            }
            pool = RegistrationPool(
                name: name, responses: responses, attestationObjects: objects, format: "packed", type: .basic,
                trusted: true)
        }
        let party = RelyingParty(configuration: setup.configuration)
        for response in responses {
            let response = try RegistrationResponseJSON(jsonBytes: response)
            try pool.check(try party.finishRegistration(response, state: setup.registrationState()))
        }
        return pool
    }

    /// The COSE_Key (CTAP2 canonical) of an ES256 public key.
    private static func coseKey(es256 key: EVPKey) throws -> [UInt8] {
        guard let point = key.ecPublicPoint else { throw BenchmarkFailure("a generated P-256 key has no point") }
        return CBOREncoder.encode(
            .map(CBORMap([(1, 2), (3, -7), (-1, 1), (-2, .bytes(point.x)), (-3, .bytes(point.y))])))
    }
}

extension Fixtures.RegistrationPool {
    /// Checks that a record is what this pool's registrations must produce.
    func check(_ record: CredentialRecord) throws {
        guard record.attestationFormat == format, record.attestationType == type, record.attestationTrusted == trusted
        else {
            throw BenchmarkFailure(
                "\(name): got \(record.attestationFormat ?? "?") / \(record.attestationType?.rawValue ?? "?") / "
                    + "trusted \(record.attestationTrusted ?? false)")
        }
    }
}
