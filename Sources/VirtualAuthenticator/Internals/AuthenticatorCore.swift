import CBOR
import Foundation
import OpenSSLWrapper

/// What a command produced: its response, or a wait for user presence with the rest of the command to run
/// once the wait ends.
enum CommandOutcome {
    case response([UInt8])
    case awaitingUserPresence(PendingPresence)
}

/// A command stopped at its user-presence step.
struct PendingPresence {
    /// The operation, for the hook.
    let operation: UserPresence.Operation
    /// The relying party ID, for the hook.
    let rpID: String?
    /// Runs the rest of the command once the user touched the key.
    let resume: () -> [UInt8]
}

/// How a wait for user presence ended without a touch.
enum PresenceFailure {
    case denied, timedOut, cancelled

    /// The CTAP2 status for it (CTAP 2.1 §8.2).
    var status: CTAP2Status {
        switch self {
        case .denied: return .operationDenied
        case .timedOut: return .userActionTimeout
        case .cancelled: return .keepaliveCancel
        }
    }
}

/// The pinUvAuthToken state of CTAP 2.1 §6.5.2.1: the token, its permissions and its permissions RP ID.
struct PINUVAuthTokenState {
    var token: [UInt8]
    var permissions: UInt8
    var rpID: String?

    static let makeCredential: UInt8 = 0x01
    static let getAssertion: UInt8 = 0x02
    static let credentialManagement: UInt8 = 0x04
    static let bioEnrollment: UInt8 = 0x08
    static let largeBlobWrite: UInt8 = 0x10
    static let authenticatorConfiguration: UInt8 = 0x20
}

/// The CTAP2 and U2F command layer. Not thread-safe: ``VirtualAuthenticator`` owns one behind its lock.
final class AuthenticatorCore {
    let configuration: VirtualAuthenticator.Configuration
    private(set) var state: PersistedState
    private(set) var authority: AttestationAuthority
    /// Where the state is saved after every change, or nil to keep it in memory only.
    let statePath: String?

    // MARK: Volatile state (lost at power-off, as on a real key)

    /// The key-agreement key (CTAP 2.1 §6.5.6 initialize): new at power-up, after a PIN mismatch and at reset.
    var keyAgreementKey: EVPPrivateKey
    /// The pinUvAuthToken, once one was handed out.
    var pinToken: PINUVAuthTokenState?
    /// Consecutive wrong PINs since power-up (three block PIN entry until a power cycle).
    var consecutivePINMismatches = 0
    /// The credentials left for authenticatorGetNextAssertion.
    var pendingAssertions: PendingAssertions?
    /// The credential-management enumeration in progress.
    var pendingEnumeration: PendingEnumeration?
    /// When the authenticator was powered up (for the reset window).
    var poweredUpAt: ContinuousClock.Instant
    /// How many U2F requests in a row found the user not yet present.
    var u2fPresencePolls = 0

    init(configuration: VirtualAuthenticator.Configuration, state: PersistedState, statePath: String?)
        throws(VirtualAuthenticatorError)
    {
        self.configuration = configuration
        self.state = state
        self.statePath = statePath
        authority = try Self.authority(from: state)
        keyAgreementKey = try Self.newKeyAgreementKey()
        poweredUpAt = ContinuousClock.now
    }

    /// A brand-new state: random master key, a new attestation CA, no PIN, counter 0, no credentials.
    static func freshState(aaguid: [UInt8]) throws(VirtualAuthenticatorError) -> PersistedState {
        let authority: AttestationAuthority
        do {
            authority = try AttestationAuthority.generate(aaguid: aaguid, now: Int64(Date().timeIntervalSince1970))
        } catch {
            throw VirtualAuthenticatorError(.cryptographicFailure, "cannot create the attestation CA: \(error)")
        }
        return PersistedState(
            format: PersistedState.currentFormat, aaguid: Data(aaguid), masterKey: Data(SecureRandom.bytes(32)),
            rootKeyPEM: authority.rootKey.pkcs8PEM(), rootCertificatePEM: authority.root.pem,
            attestationKeyPEM: authority.attestationKey.pkcs8PEM(), packedCertificatePEM: authority.packedCertificate.pem,
            u2fCertificatePEM: authority.u2fCertificate.pem, pinHash: nil, pinRetries: 8, signatureCounter: 0,
            residentCredentials: [], nextCreationIndex: 0)
    }

    private static func authority(from state: PersistedState) throws(VirtualAuthenticatorError) -> AttestationAuthority {
        do {
            func certificate(_ pem: String) throws(OpenSSLError) -> X509Certificate {
                guard let first = try X509Certificate.certificates(fromPEM: pem).first else {
                    throw OpenSSLError(operation: "state", details: ["no certificate"])
                }
                return first
            }
            return AttestationAuthority(
                rootKey: try EVPPrivateKey(pem: state.rootKeyPEM), root: try certificate(state.rootCertificatePEM),
                attestationKey: try EVPPrivateKey(pem: state.attestationKeyPEM),
                packedCertificate: try certificate(state.packedCertificatePEM),
                u2fCertificate: try certificate(state.u2fCertificatePEM))
        } catch {
            throw VirtualAuthenticatorError(.stateFileInvalid, "the attestation keys or certificates in the state do not parse")
        }
    }

    static func newKeyAgreementKey() throws(VirtualAuthenticatorError) -> EVPPrivateKey {
        do {
            return try EVPPrivateKey.generate(.ec(.p256))
        } catch {
            throw VirtualAuthenticatorError(.cryptographicFailure, "cannot create the key-agreement key: \(error)")
        }
    }

    /// Replaces the key-agreement key (CTAP 2.1 §6.5.5.5: after every PIN mismatch).
    func regenerateKeyAgreementKey() {
        if let key = try? Self.newKeyAgreementKey() { keyAgreementKey = key }
    }

    /// Forgets everything volatile, as unplugging and replugging the key does.
    func powerCycle() {
        regenerateKeyAgreementKey()
        pinToken = nil
        consecutivePINMismatches = 0
        pendingAssertions = nil
        pendingEnumeration = nil
        poweredUpAt = ContinuousClock.now
        u2fPresencePolls = 0
    }

    // MARK: - Persistence

    /// Applies `change` to the state and saves it; on a save failure the change is rolled back and the command
    /// fails with CTAP1_ERR_OTHER.
    func mutateState(_ change: (inout PersistedState) -> Void) throws(CTAP2Status) {
        let previous = state
        change(&state)
        guard let statePath else { return }
        do {
            try StateFile.save(state, path: statePath)
        } catch {
            state = previous
            throw CTAP2Status.other
        }
    }

    /// Saves the state as it is.
    func save() throws(VirtualAuthenticatorError) {
        guard let statePath else { return }
        try StateFile.save(state, path: statePath)
    }

    /// Increments the global signature counter, saves it, and returns the new value.
    func nextSignatureCounter() throws(CTAP2Status) -> UInt32 {
        try mutateState { $0.signatureCounter &+= 1 }
        return state.signatureCounter
    }

    var masterKey: [UInt8] { Array(state.masterKey) }
    var aaguid: [UInt8] { Array(state.aaguid) }
    var isPINSet: Bool { state.pinHash != nil }

    // MARK: - Dispatch

    /// Runs the CTAP2 command `command` with its CBOR `payload`.
    func begin(command: UInt8, payload: ArraySlice<UInt8>) -> CommandOutcome {
        if command != CTAP2Command.getNextAssertion { pendingAssertions = nil }
        let isEnumerationStep =
            (command == CTAP2Command.credentialManagement || command == CTAP2Command.credentialManagementPreview)
        if !isEnumerationStep { pendingEnumeration = nil }
        do throws(CTAP2Status) {
            switch command {
            case CTAP2Command.getInfo:
                guard payload.isEmpty else { throw CTAP2Status.invalidLength }
                return .response(getInfo())
            case CTAP2Command.makeCredential:
                return try makeCredential(CTAPRequest(payload: payload))
            case CTAP2Command.getAssertion:
                return try getAssertion(CTAPRequest(payload: payload))
            case CTAP2Command.getNextAssertion:
                return .response(try getNextAssertion())
            case CTAP2Command.clientPIN:
                return .response(try clientPIN(CTAPRequest(payload: payload)))
            case CTAP2Command.reset:
                return try reset()
            case CTAP2Command.credentialManagement, CTAP2Command.credentialManagementPreview:
                return .response(try credentialManagement(CTAPRequest(payload: payload)))
            case CTAP2Command.selection:
                return awaitPresence(.selection, rpID: nil) { () throws(CTAP2Status) in [CTAP2Status.ok.rawValue] }
            default:
                // bioEnrollment (0x09 and the preview 0x40), largeBlobs, config and anything unknown.
                throw CTAP2Status.invalidCommand
            }
        } catch {
            return .response([error.rawValue])
        }
    }

    /// A wait for user presence; once the user is present, `then` runs and its status or response is returned.
    func awaitPresence(
        _ operation: UserPresence.Operation, rpID: String?, then: @escaping () throws(CTAP2Status) -> [UInt8]
    ) -> CommandOutcome {
        .awaitingUserPresence(
            PendingPresence(operation: operation, rpID: rpID) {
                do throws(CTAP2Status) {
                    return try then()
                } catch {
                    return [error.rawValue]
                }
            })
    }

    // MARK: - authenticatorGetInfo (CTAP 2.1 §6.4)

    func getInfo() -> [UInt8] {
        var versions: [CBORValue] = []
        if configuration.protocols.contains(.u2f) { versions.append("U2F_V2") }
        versions.append(contentsOf: ["FIDO_2_0", "FIDO_2_1"])
        var options = CBORMap()
        options[.text("rk")] = true
        options[.text("up")] = true
        options[.text("plat")] = false
        options[.text("clientPin")] = .bool(isPINSet)
        options[.text("credMgmt")] = true
        options[.text("credentialMgmtPreview")] = true
        options[.text("pinUvAuthToken")] = true
        options[.text("makeCredUvNotRqd")] = true
        let remaining = max(0, configuration.maximumDiscoverableCredentials - state.residentCredentials.count)
        let info = intKeyedMap([
            (0x01, .array(versions)),
            (0x02, .array(["credProtect", "hmac-secret"])),
            (0x03, .bytes(aaguid)),
            (0x04, .map(options)),
            (0x05, CBORValue(CTAPHIDFramer.maximumMessageSize)),
            (0x06, .array([CBORValue(2), CBORValue(1)])),
            (0x07, CBORValue(Self.maximumCredentialCountInList)),
            (0x08, CBORValue(KeyHandle.length)),
            (0x09, .array(["usb"])),
            (0x0A, .array(CredentialAlgorithm.allCases.map { algorithm in
                .map(CBORMap([(.text("alg"), CBORValue(algorithm.coseIdentifier)), (.text("type"), "public-key")]))
            })),
            (0x0E, CBORValue(configuration.firmwareVersion)),
            (0x14, CBORValue(remaining)),
        ])
        return ctapResponse(info)
    }

    /// The most entries of an allow or exclude list the authenticator reads.
    static let maximumCredentialCountInList = 16

    // MARK: - authenticatorReset (CTAP 2.1 §6.6)

    func reset() throws(CTAP2Status) -> CommandOutcome {
        if let window = configuration.resetWindow, ContinuousClock.now - poweredUpAt > window {
            throw CTAP2Status.notAllowed
        }
        return awaitPresence(.reset, rpID: nil) { () throws(CTAP2Status) in
            try self.mutateState { state in
                state.masterKey = Data(SecureRandom.bytes(32))
                state.pinHash = nil
                state.pinRetries = 8
                state.residentCredentials = []
            }
            self.regenerateKeyAgreementKey()
            self.pinToken = nil
            self.consecutivePINMismatches = 0
            return [CTAP2Status.ok.rawValue]
        }
    }

    // MARK: - Shared pieces

    /// Authenticator data (WebAuthn L3 §6.1): rpIdHash, flags, counter, then attested credential data and
    /// extensions when given.
    func authenticatorData(
        rpIDHash: [UInt8], userPresent: Bool, userVerified: Bool, counter: UInt32,
        attestedCredential: (id: [UInt8], publicKey: CBORValue)?, extensions: CBORMap?
    ) -> [UInt8] {
        var flags: UInt8 = 0
        if userPresent { flags |= 0x01 }
        if userVerified { flags |= 0x04 }
        if attestedCredential != nil { flags |= 0x40 }
        if let extensions, extensions.count > 0 { flags |= 0x80 }
        var data = rpIDHash
        data.append(flags)
        data.append(contentsOf: withUnsafeBytes(of: counter.bigEndian, Array.init))
        if let attestedCredential {
            data.append(contentsOf: aaguid)
            data.append(UInt8(attestedCredential.id.count >> 8))
            data.append(UInt8(attestedCredential.id.count & 0xFF))
            data.append(contentsOf: attestedCredential.id)
            data.append(contentsOf: CBOREncoder.encode(attestedCredential.publicKey))
        }
        if let extensions, extensions.count > 0 { data.append(contentsOf: CBOREncoder.encode(.map(extensions))) }
        return data
    }

    /// Checks `pinUvAuthParam` over `message` against the current pinUvAuthToken (CTAP 2.1 §6.1.2 step 11,
    /// §6.2.2 step 6), and that the token has `permission` and, when bound, is bound to `rpID` (binding it
    /// otherwise). Every failure is CTAP2_ERR_PIN_AUTH_INVALID.
    func verifyPINUVAuthParam(
        _ param: [UInt8], protocolNumber: Int?, message: [UInt8], permission: UInt8, rpID: String?
    ) throws(CTAP2Status) {
        guard let protocolNumber else { throw CTAP2Status.missingParameter }
        let pinProtocol = try PINUVAuthProtocol(requested: protocolNumber)
        guard let token = pinToken, pinProtocol.verify(key: token.token, message, signature: param) else {
            throw CTAP2Status.pinAuthInvalid
        }
        guard token.permissions & permission != 0 else { throw CTAP2Status.pinAuthInvalid }
        if let rpID {
            if let bound = token.rpID {
                guard bound == rpID else { throw CTAP2Status.pinAuthInvalid }
            } else {
                pinToken?.rpID = rpID
            }
        }
    }

    /// A zero-length pinUvAuthParam asks the key to blink and wait for a touch (CTAP 2.1 §6.1.2 step 1): the
    /// answer, once touched, is CTAP2_ERR_PIN_NOT_SET or CTAP2_ERR_PIN_INVALID.
    func touchForSelection(rpID: String?) -> CommandOutcome {
        awaitPresence(.selection, rpID: rpID) { () throws(CTAP2Status) in
            [self.isPINSet ? CTAP2Status.pinInvalid.rawValue : CTAP2Status.pinNotSet.rawValue]
        }
    }
}
