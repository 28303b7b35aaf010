import Foundation
import OpenSSLWrapper
import Synchronization

/// A software FIDO2 security key: a CTAP 2.1 authenticator that speaks CTAPHID, for CI and for development
/// without hardware.
///
/// It has two seams, both synchronous and transport neutral:
/// - the HID report level, ``write(report:)`` and ``read()``, which is what a libfido2 custom-io bridge
///   (`fido_dev_set_io_functions`) plugs into: 65-byte reports in (report ID 0 first), 64-byte reports out;
/// - the command level, ``handle(command:payload:)``: a CTAP2 command byte and its CBOR parameters in, the
///   status byte and CBOR response out.
///
/// It implements authenticatorGetInfo, MakeCredential, GetAssertion, GetNextAssertion, ClientPIN (PIN/UV
/// auth protocols 1 and 2), Reset, CredentialManagement (also on the preview command 0x41) and Selection;
/// ES256 and EdDSA credentials; the hmac-secret and credProtect extensions; packed attestation from its own
/// CA (see ``exportRootPEM()``); and, when ``Protocols/u2f`` is on, U2F register and authenticate over
/// `CTAPHID_MSG`. Non-discoverable credential IDs carry their key sealed under the authenticator's master
/// key, so only discoverable credentials take room in the state.
///
/// ```swift
/// let authenticator = try VirtualAuthenticator(stateFile: "/tmp/key.json")
/// try authenticator.write(report: [0] + initPacket)      // 65 bytes
/// while let report = authenticator.read() { … }          // 64 bytes each
/// let info = authenticator.handle(command: 0x04, payload: [])   // [0x00] + CBOR
/// ```
///
/// Thread-safe: every call takes the authenticator's lock.
///
/// - Warning: This is a test device. Its keys sit in a file readable by whoever owns it, its "user presence"
///   is a callback, and its attestation proves nothing about hardware. Never trust its attestation root in
///   production.
public final class VirtualAuthenticator: Sendable {
    private struct Engine: ~Copyable {
        let core: AuthenticatorCore
        let framer: CTAPHIDFramer
    }

    private let engine: Mutex<Engine>

    /// The AAGUID of a new state unless ``Configuration/aaguid`` says otherwise:
    /// `6b657962-7269-4467-a576-697274756131`.
    public static let defaultAAGUID: [UInt8] = [
        0x6B, 0x65, 0x79, 0x62, 0x72, 0x69, 0x44, 0x67, 0xA5, 0x76, 0x69, 0x72, 0x74, 0x75, 0x61, 0x31,
    ]

    /// An authenticator with a fresh state kept in memory only: new master key, new attestation CA, no PIN,
    /// no credentials.
    ///
    /// - Parameter configuration: The behaviour (protocols, attestation, user presence, limits).
    /// - Throws: ``VirtualAuthenticatorError/Code/cryptographicFailure`` when OpenSSL cannot create the keys.
    public convenience init(configuration: Configuration = Configuration()) throws(VirtualAuthenticatorError) {
        let state = try AuthenticatorCore.freshState(aaguid: try Self.aaguid(configuration))
        try self.init(configuration: configuration, state: state, statePath: nil)
    }

    /// An authenticator whose state lives in `stateFile`: loaded when the file exists, created (and written
    /// with mode 0600) when it does not. Every change (PIN, counter, credentials) is saved at once, by writing
    /// a temporary file and renaming it.
    ///
    /// - Parameters:
    ///   - stateFile: The path of the JSON state file. It holds secrets: keep it private.
    ///   - configuration: The behaviour. The AAGUID setting applies only to a new state.
    /// - Throws: ``VirtualAuthenticatorError`` when the file cannot be read, is not a state, or cannot be
    ///   written.
    public convenience init(stateFile: String, configuration: Configuration = Configuration())
        throws(VirtualAuthenticatorError)
    {
        let state: PersistedState
        if let loaded = try StateFile.load(path: stateFile) {
            state = loaded
        } else {
            state = try AuthenticatorCore.freshState(aaguid: try Self.aaguid(configuration))
            try StateFile.save(state, path: stateFile)
        }
        try self.init(configuration: configuration, state: state, statePath: stateFile)
    }

    private init(configuration: Configuration, state: PersistedState, statePath: String?)
        throws(VirtualAuthenticatorError)
    {
        let core = try AuthenticatorCore(configuration: configuration, state: state, statePath: statePath)
        engine = Mutex(Engine(core: core, framer: CTAPHIDFramer(core: core)))
    }

    private static func aaguid(_ configuration: Configuration) throws(VirtualAuthenticatorError) -> [UInt8] {
        let aaguid = configuration.aaguid ?? defaultAAGUID
        guard aaguid.count == 16 else {
            throw VirtualAuthenticatorError(.cryptographicFailure, "an AAGUID is 16 bytes, got \(aaguid.count)")
        }
        return aaguid
    }

    // MARK: - HID report seam

    /// Takes one output report from the host: 65 bytes, report ID 0 first, then a 64-byte CTAPHID packet.
    ///
    /// Protocol faults (unknown channel, bad sequence, wrong length, busy) are not thrown: they are answered
    /// with CTAPHID `ERROR` packets, as a real key answers them. Packets for other channels' partial
    /// messages are ignored.
    ///
    /// - Parameter report: The 65-byte report.
    /// - Throws: ``VirtualAuthenticatorError/Code/invalidReport`` when the report is not 65 bytes or its
    ///   report ID is not 0.
    public func write(report: [UInt8]) throws(VirtualAuthenticatorError) {
        guard report.count == CTAPHIDFramer.packetSize + 1, report[0] == 0 else {
            throw VirtualAuthenticatorError(
                .invalidReport, "a report is 65 bytes starting with report ID 0, got \(report.count) bytes")
        }
        engine.withLock { $0.framer.receive(report[1...]) }
    }

    /// The next 64-byte input report for the host, or nil when the authenticator has nothing to say.
    ///
    /// While a request waits for user presence, each call asks the ``UserPresence`` hook once and returns a
    /// `KEEPALIVE` packet (status 2) until the hook approves or denies; then the response follows.
    ///
    /// - Returns: A 64-byte CTAPHID packet, or nil.
    public func read() -> [UInt8]? {
        engine.withLock { $0.framer.nextPacket() }
    }

    // MARK: - Command seam

    /// Runs one CTAP2 command without CTAPHID framing.
    ///
    /// A wait for user presence polls the hook every millisecond until it decides or
    /// ``Configuration/userPresenceTimeout`` passes. Malformed CBOR and bad parameters come back as CTAP
    /// status bytes, never as a crash.
    ///
    /// - Parameters:
    ///   - command: The command byte (0x01 makeCredential, 0x02 getAssertion, 0x04 getInfo, 0x06 clientPIN,
    ///     0x07 reset, 0x08 getNextAssertion, 0x0A or 0x41 credentialManagement, 0x0B selection).
    ///   - payload: The CBOR-encoded parameter map (empty for none).
    /// - Returns: The status byte, followed by the CBOR response map on success.
    public func handle(command: UInt8, payload: [UInt8]) -> [UInt8] {
        engine.withLock { engine in
            let core = engine.core
            switch core.begin(command: command, payload: payload[...]) {
            case .response(let response):
                return response
            case .awaitingUserPresence(let presence):
                let start = ContinuousClock.now
                var poll = 0
                while true {
                    let decision = core.configuration.userPresence.decision(
                        for: UserPresence.Request(operation: presence.operation, rpID: presence.rpID, poll: poll))
                    switch decision {
                    case .approve: return presence.resume()
                    case .deny: return [PresenceFailure.denied.status.rawValue]
                    case .wait:
                        if ContinuousClock.now - start > core.configuration.userPresenceTimeout {
                            return [PresenceFailure.timedOut.status.rawValue]
                        }
                        poll += 1
                        Thread.sleep(forTimeInterval: 0.001)
                    }
                }
            }
        }
    }

    /// Answers one U2F (CTAP1) request APDU without CTAPHID framing, whatever ``Configuration/protocols`` says.
    ///
    /// - Parameter apdu: The command APDU (short or extended length).
    /// - Returns: The response data followed by the two-byte status word.
    public func handleU2F(apdu: [UInt8]) -> [UInt8] {
        engine.withLock { $0.core.u2f(apdu: apdu) }
    }

    // MARK: - Device management

    /// The attestation CA root certificate, PEM: give it to a verifier as a trust anchor so that this
    /// authenticator's packed and U2F attestations validate.
    ///
    /// - Returns: One `CERTIFICATE` PEM block.
    public func exportRootPEM() -> String {
        engine.withLock { $0.core.authority.root.pem }
    }

    /// The AAGUID (16 bytes).
    public var aaguid: [UInt8] {
        engine.withLock { $0.core.aaguid }
    }

    /// The global signature counter (the value the last signature carried).
    public var signatureCounter: UInt32 {
        engine.withLock { $0.core.state.signatureCounter }
    }

    /// The number of discoverable credentials stored.
    public var discoverableCredentialCount: Int {
        engine.withLock { $0.core.state.residentCredentials.count }
    }

    /// The number of CTAPHID_WINK requests received since creation.
    public var winkCount: Int {
        engine.withLock { $0.framer.winkCount }
    }

    /// Simulates unplugging and replugging the key: channels, partial messages, the pinUvAuthToken, the
    /// key-agreement key, the consecutive-wrong-PIN block and pending assertions are forgotten; the state
    /// (PIN, retries, counter, credentials) stays.
    public func powerCycle() {
        engine.withLock { engine in
            engine.core.powerCycle()
            engine.framer.powerCycle()
        }
    }

    /// Writes the state to the state file now (changes are already saved as they happen; this is for a
    /// caller that wants to be sure).
    ///
    /// - Throws: ``VirtualAuthenticatorError/Code/stateFileWriteFailed`` when the file cannot be written.
    public func save() throws(VirtualAuthenticatorError) {
        try engine.withLock { engine throws(VirtualAuthenticatorError) in try engine.core.save() }
    }
}
