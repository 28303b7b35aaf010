/// The type of an ``EVPKey`` or ``EVPPrivateKey``.
package enum EVPKeyKind: Sendable, Hashable {
    /// An elliptic-curve key on a NIST curve.
    case ec(ECCurve)
    /// An RSA key with a modulus of `bits` bits (for generation: public exponent 65537).
    case rsa(bits: Int)
    /// An Ed25519 key (RFC 8032).
    case ed25519
    /// An Ed448 key (RFC 8032).
    case ed448
}
