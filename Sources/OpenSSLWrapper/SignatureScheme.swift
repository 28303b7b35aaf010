/// How a signature is computed, as ``EVPKey/verify(signature:message:scheme:)`` and
/// ``EVPPrivateKey/sign(message:scheme:)`` take it.
package enum SignatureScheme: Sendable, Hashable {
    /// ECDSA over the digest; the signature is DER (X9.62 `Ecdsa-Sig-Value`).
    case ecdsa(DigestAlgorithm)
    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2).
    case rsaPKCS1v15(DigestAlgorithm)
    /// RSASSA-PSS (RFC 8017 §8.1) with MGF1 over the same digest and a salt as long as the digest.
    case rsaPSS(DigestAlgorithm)
    /// Pure Ed25519 or Ed448 (RFC 8032); the signature is raw.
    case eddsa

    /// The digest the scheme hashes the message with, or nil for pure EdDSA.
    package var digest: DigestAlgorithm? {
        switch self {
        case .ecdsa(let d), .rsaPKCS1v15(let d), .rsaPSS(let d): return d
        case .eddsa: return nil
        }
    }

    /// Whether the scheme applies to keys of `kind`.
    package func fits(_ kind: EVPKeyKind) -> Bool {
        switch (self, kind) {
        case (.ecdsa, .ec): return true
        case (.rsaPKCS1v15, .rsa), (.rsaPSS, .rsa): return true
        case (.eddsa, .ed25519), (.eddsa, .ed448): return true
        default: return false
        }
    }
}
