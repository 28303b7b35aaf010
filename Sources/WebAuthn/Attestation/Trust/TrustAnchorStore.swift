package import OpenSSLWrapper

/// The certificates a relying party trusts as roots of attestation trust paths (WebAuthn L3 §7.1 step 23).
///
/// The caller supplies every anchor: the store starts empty and KeyBridge ships no vendor roots. An anchor can
/// apply to every format, to one format, or to one AAGUID; a trust path is validated against the union of the
/// anchors that apply to its attestation. An anchor need not be self-signed: an intermediate works too.
///
/// ```swift
/// var anchors = TrustAnchorStore()
/// try anchors.add(pem: yubicoRootPEM)
/// try anchors.add(pem: appleWebAuthnRootPEM, for: .format(.apple))
/// ```
public struct TrustAnchorStore: Sendable {
    /// Which attestations an anchor applies to.
    public struct Scope: Hashable, Sendable {
        fileprivate enum Kind: Hashable, Sendable {
            case all
            case format(AttestationFormat)
            case aaguid(AAGUID)
        }

        fileprivate let kind: Kind

        /// Every attestation, whatever its format and AAGUID.
        public static let allFormats = Scope(kind: .all)

        /// Attestations of one format.
        ///
        /// - Parameter format: The attestation statement format.
        /// - Returns: The scope.
        public static func format(_ format: AttestationFormat) -> Scope { Scope(kind: .format(format)) }

        /// Attestations whose attested credential data carries one AAGUID.
        ///
        /// - Parameter aaguid: The authenticator model.
        /// - Returns: The scope.
        public static func aaguid(_ aaguid: AAGUID) -> Scope { Scope(kind: .aaguid(aaguid)) }
    }

    private var entries: [(scope: Scope, certificate: X509Certificate)] = []

    /// An empty store: every attestation with a trust path is reported untrusted.
    public init() {}

    /// A store with every certificate of a PEM text, for every format.
    ///
    /// - Parameter pem: One or more `CERTIFICATE` PEM blocks.
    /// - Throws: ``WebAuthnError/Code/malformedInput`` when there is no certificate or a block does not parse.
    public init(pem: String) throws(WebAuthnError) {
        try add(pem: pem)
    }

    /// Adds every certificate of a PEM text.
    ///
    /// - Parameters:
    ///   - pem: One or more `CERTIFICATE` PEM blocks (other blocks are skipped).
    ///   - scope: The attestations the anchors apply to.
    /// - Throws: ``WebAuthnError/Code/malformedInput`` when there is no certificate or a block does not parse.
    public mutating func add(pem: String, for scope: Scope = .allFormats) throws(WebAuthnError) {
        let certificates: [X509Certificate]
        do {
            certificates = try X509Certificate.certificates(fromPEM: pem)
        } catch {
            throw WebAuthnError(.malformedInput, "trust anchor PEM: \(error)")
        }
        for certificate in certificates { entries.append((scope, certificate)) }
    }

    /// Adds one DER certificate.
    ///
    /// - Parameters:
    ///   - der: An X.509 certificate in DER.
    ///   - scope: The attestations the anchor applies to.
    /// - Throws: ``WebAuthnError/Code/malformedInput`` when `der` is not one certificate.
    public mutating func add(der: [UInt8], for scope: Scope = .allFormats) throws(WebAuthnError) {
        do {
            entries.append((scope, try X509Certificate(derEncoded: der)))
        } catch {
            throw WebAuthnError(.malformedInput, "trust anchor DER: \(error)")
        }
    }

    /// Adds a parsed certificate.
    package mutating func add(_ certificate: X509Certificate, for scope: Scope = .allFormats) {
        entries.append((scope, certificate))
    }

    /// The number of anchors (a certificate added for two scopes counts twice).
    public var count: Int { entries.count }

    /// Whether the store has no anchor.
    public var isEmpty: Bool { entries.isEmpty }

    /// The anchors that apply to an attestation of `format` from an authenticator with `aaguid`.
    package func anchors(format: String, aaguid: AAGUID) -> [X509Certificate] {
        var result: [X509Certificate] = []
        for entry in entries {
            let applies: Bool
            switch entry.scope.kind {
            case .all: applies = true
            case .format(let scoped): applies = scoped.rawValue == format
            case .aaguid(let scoped): applies = scoped == aaguid
            }
            if applies, !result.contains(entry.certificate) { result.append(entry.certificate) }
        }
        return result
    }
}
