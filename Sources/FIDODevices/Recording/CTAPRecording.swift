/// A recorded exchange with a security key at the CTAPHID report level, with what it was asked and what it
/// answered: the content of a `keybridge-ctap-recording/1` file (`keybridge record` writes them,
/// `keybridge replay` and ``CTAPReplayer`` play them back through libfido2 with no device).
///
/// A recording describes one device and holds a list of steps. Each step is one operation, exactly as the
/// `keybridge register` or `keybridge authenticate` command ran it: the request (relying party, challenge,
/// user, options), whether and how a PIN was given, every report that went to and came from the key from
/// `fido_dev_open` to the end of the operation, and the expected outcome (the Level 3 response JSON, or the
/// error code). Steps run in order, so a file can register a credential and then authenticate with it
/// several times.
///
/// ```swift
/// let recording = try CTAPRecording(jsonBytes: Array(try Data(contentsOf: url)))
/// let report = await CTAPReplayer().replay(recording)
/// print(report.passed)
/// ```
///
/// The file format is documented field by field in `Vectors/README.md`.
///
/// - Warning: A recording holds no PIN and no PIN-derived value (see ``CTAPRecordingTransport``), but it
///   does hold everything else the key said, including its attestation certificate.
public struct CTAPRecording: Sendable, Hashable {
    /// The `format` member this version writes and reads.
    public static let formatIdentifier = "keybridge-ctap-recording/1"

    /// The device the exchanges were recorded with.
    public var device: Device
    /// The operations, in the order they ran.
    public var steps: [Step]

    /// A recording of `device` with `steps`.
    ///
    /// - Parameters:
    ///   - device: The device description.
    ///   - steps: The steps, in order.
    public init(device: Device, steps: [Step] = []) {
        self.device = device
        self.steps = steps
    }

    /// What the key's getInfo answer among `frames` reports (`fido_dev_open` asks every CTAP2 key): its
    /// versions and AAGUID. Empty versions and no AAGUID when there is none (a U2F-only key).
    ///
    /// - Parameter frames: The frames of a step.
    /// - Returns: The versions and the AAGUID.
    public static func authenticatorInfo(in frames: [Frame]) -> (versions: [String], aaguid: [UInt8]?) {
        CTAPHID.authenticatorInfo(in: frames) ?? ([], nil)
    }

    // MARK: - Device

    /// What the recording was made with. Informational, except ``attestationRoots``, which a replay uses as
    /// trust anchors.
    public struct Device: Sendable, Hashable {
        /// Whether the exchanges come from a hardware key or from KeyBridge's software authenticator.
        public enum Kind: String, Sendable, Hashable {
            /// A USB security key.
            case hardware
            /// KeyBridge's software authenticator (`--virtual STATEFILE`).
            case virtual
        }

        /// The USB identity of a hardware key, as `keybridge devices` lists it.
        public struct USBIdentity: Sendable, Hashable {
            /// The USB vendor ID.
            public var vendorID: UInt16
            /// The USB product ID.
            public var productID: UInt16
            /// The manufacturer string.
            public var manufacturer: String
            /// The product string.
            public var product: String

            /// An identity from its parts.
            ///
            /// - Parameters:
            ///   - vendorID: The USB vendor ID.
            ///   - productID: The USB product ID.
            ///   - manufacturer: The manufacturer string.
            ///   - product: The product string.
            public init(vendorID: UInt16, productID: UInt16, manufacturer: String, product: String) {
                self.vendorID = vendorID
                self.productID = productID
                self.manufacturer = manufacturer
                self.product = product
            }
        }

        /// The software authenticator's settings.
        public struct VirtualSettings: Sendable, Hashable {
            /// The protocols it spoke: `ctap2`, `u2f`, or both.
            public var protocols: [String]
            /// Its attestation mode: `packed` (full), `self` or `none`.
            public var attestation: String

            /// Settings from their parts.
            ///
            /// - Parameters:
            ///   - protocols: `ctap2`, `u2f`, or both.
            ///   - attestation: `packed`, `self` or `none`.
            public init(protocols: [String], attestation: String) {
                self.protocols = protocols
                self.attestation = attestation
            }
        }

        /// Hardware or virtual.
        public var kind: Kind
        /// A free-text description, for people.
        public var description: String
        /// The AAGUID from the key's getInfo answer; nil for a U2F-only key.
        public var aaguid: [UInt8]?
        /// The versions from the key's getInfo answer (`FIDO_2_0`, `FIDO_2_1`, `U2F_V2`, …); empty for a U2F-only key.
        public var versions: [String]
        /// The USB identity; set for hardware keys only.
        public var usb: USBIdentity?
        /// The software authenticator's settings; set for virtual devices only.
        public var virtualSettings: VirtualSettings?
        /// Attestation root certificates (PEM). When there is at least one, a replay requires every
        /// registration's attestation to chain to one of them.
        public var attestationRoots: [String]

        /// A device description.
        ///
        /// - Parameters:
        ///   - kind: Hardware or virtual.
        ///   - description: Free text.
        ///   - aaguid: The AAGUID, if the key has one.
        ///   - versions: The getInfo versions.
        ///   - usb: The USB identity (hardware keys).
        ///   - virtualSettings: The software authenticator's settings (virtual devices).
        ///   - attestationRoots: PEM root certificates a replay trusts.
        public init(
            kind: Kind, description: String, aaguid: [UInt8]? = nil, versions: [String] = [],
            usb: USBIdentity? = nil, virtualSettings: VirtualSettings? = nil, attestationRoots: [String] = []
        ) {
            self.kind = kind
            self.description = description
            self.aaguid = aaguid
            self.versions = versions
            self.usb = usb
            self.virtualSettings = virtualSettings
            self.attestationRoots = attestationRoots
        }

        /// Whether steps recorded with `other` may be appended to a recording of this device: the same kind,
        /// AAGUID, USB identity and software-authenticator settings, and the same attestation roots.
        public func isSameDevice(as other: Device) -> Bool {
            kind == other.kind && aaguid == other.aaguid && usb == other.usb
                && virtualSettings == other.virtualSettings && attestationRoots == other.attestationRoots
        }
    }

    // MARK: - Frames

    /// One HID report as it crossed the transport.
    public struct Frame: Sendable, Hashable {
        /// Which way the report went.
        public enum Direction: String, Sendable, Hashable {
            /// Host to key: 65 bytes, report ID 0 first (`"out"` in the file).
            case request = "out"
            /// Key to host: 64 bytes (`"in"` in the file).
            case reply = "in"
        }

        /// Which way the report went.
        public let direction: Direction
        /// The report: 65 bytes for a request, 64 for a reply.
        public let bytes: [UInt8]

        /// A frame.
        ///
        /// - Parameters:
        ///   - direction: Request or reply.
        ///   - bytes: The report.
        public init(direction: Direction, bytes: [UInt8]) {
            self.direction = direction
            self.bytes = bytes
        }
    }

    // MARK: - Steps

    /// How the PIN was supplied during a step. The PIN itself is never recorded.
    public enum PINUse: String, Sendable, Hashable {
        /// No PIN.
        case none
        /// A PIN was given up front (`--pin-stdin`).
        case given
        /// The operation ran without a PIN, the key answered CTAP2_ERR_PIN_REQUIRED, and it ran again with
        /// the PIN read from the terminal.
        case afterPINRequired = "after-pin-required"
    }

    /// What a step should produce.
    public enum Expected: Sendable, Hashable {
        /// The WebAuthn Level 3 response: `RegistrationResponseJSON` or `AuthenticationResponseJSON` (the first
        /// assertion, as `keybridge authenticate` prints it).
        case response(ResponseDocument)
        /// The operation fails with this code, for example ``FIDOError/Code/credentialExcluded``.
        case error(FIDOError.Code)
    }

    /// An expected response document: JSON, compared member by member with the one a replay produces.
    public struct ResponseDocument: Sendable, Hashable {
        let value: RecordingJSON

        init(value: RecordingJSON) { self.value = value }

        /// A document from JSON bytes, such as ``RegistrationResult/jsonBytes()``.
        ///
        /// - Parameter jsonBytes: One JSON object.
        /// - Throws: ``FIDOError/Code/recordingInvalid`` when it is not a JSON object.
        public init(jsonBytes: [UInt8]) throws(FIDOError) {
            let value = try RecordingJSON.parse(jsonBytes)
            guard case .object = value else { throw FIDOError(.recordingInvalid, "a response document is a JSON object") }
            self.value = value
        }

        /// The document as compact JSON.
        public var jsonBytes: [UInt8] { value.compactBytes() }
    }

    /// The operation of a step, with its request.
    public enum Operation: Sendable, Hashable {
        /// `keybridge register`: authenticatorMakeCredential (or U2F register).
        case registration(RegistrationRequest)
        /// `keybridge authenticate`: authenticatorGetAssertion (or U2F authenticate).
        case authentication(AssertionRequest)

        /// `register` or `authenticate`, as the file names it.
        public var commandName: String {
            switch self {
            case .registration: "register"
            case .authentication: "authenticate"
            }
        }
    }

    /// One recorded operation.
    public struct Step: Sendable, Hashable {
        /// The operation and its request.
        public var operation: Operation
        /// How the PIN was supplied.
        public var pin: PINUse
        /// When it was recorded (Unix seconds). A replay verifies certificates at this time, so a recording
        /// does not expire with its attestation certificate.
        public var time: Int64
        /// Every report, in the order it crossed the transport.
        public var frames: [Frame]
        /// The outcome.
        public var expected: Expected

        /// A step.
        ///
        /// - Parameters:
        ///   - operation: The operation and its request.
        ///   - pin: How the PIN was supplied.
        ///   - time: When it was recorded (Unix seconds).
        ///   - frames: The reports.
        ///   - expected: The outcome.
        public init(operation: Operation, pin: PINUse, time: Int64, frames: [Frame], expected: Expected) {
            self.operation = operation
            self.pin = pin
            self.time = time
            self.frames = frames
            self.expected = expected
        }

        /// The `clientDataJSON` the operation's request makes (WebAuthn L3 §5.8.1), as KeyBridge builds it.
        public var clientDataJSON: [UInt8] {
            switch operation {
            case .registration(let request):
                ClientData.json(type: "webauthn.create", challenge: request.challenge, origin: request.origin)
            case .authentication(let request):
                ClientData.json(type: "webauthn.get", challenge: request.challenge, origin: request.origin)
            }
        }
    }
}
