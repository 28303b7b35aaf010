/// An attestation statement format identifier (IANA "WebAuthn Attestation Statement Format Identifiers").
///
/// Any string is representable, so an unknown `fmt` can be named in errors; the static members are the formats
/// ``AttestationVerifier`` implements.
public struct AttestationFormat: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The identifier as it appears in `fmt`, for example `packed`.
    public let rawValue: String

    /// The format called `rawValue`.
    ///
    /// - Parameter rawValue: An attestation statement format identifier.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// `none` (WebAuthn L3 §8.7).
    public static let none = AttestationFormat(rawValue: "none")
    /// `packed` (WebAuthn L3 §8.2).
    public static let packed = AttestationFormat(rawValue: "packed")
    /// `tpm` (WebAuthn L3 §8.3).
    public static let tpm = AttestationFormat(rawValue: "tpm")
    /// `android-key` (WebAuthn L3 §8.4).
    public static let androidKey = AttestationFormat(rawValue: "android-key")
    /// `android-safetynet` (WebAuthn L3 §8.5).
    public static let androidSafetyNet = AttestationFormat(rawValue: "android-safetynet")
    /// `fido-u2f` (WebAuthn L3 §8.6).
    public static let fidoU2F = AttestationFormat(rawValue: "fido-u2f")
    /// `apple` (WebAuthn L3 §8.8).
    public static let apple = AttestationFormat(rawValue: "apple")

    /// Every format this verifier implements.
    public static let allSupported: Set<AttestationFormat> = [
        .none, .packed, .tpm, .androidKey, .androidSafetyNet, .fidoU2F, .apple,
    ]

    /// The identifier, for example `packed`.
    public var description: String { rawValue }
}
