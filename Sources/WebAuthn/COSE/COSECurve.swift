/// A COSE elliptic curve, the `crv` parameter (label -1) of an EC2 or OKP key (IANA "COSE Elliptic Curves").
public enum COSECurve: Int, Sendable {
    /// NIST P-256 (EC2).
    case p256 = 1
    /// NIST P-384 (EC2).
    case p384 = 2
    /// NIST P-521 (EC2).
    case p521 = 3
    /// Ed25519 (OKP).
    case ed25519 = 6
    /// Ed448 (OKP).
    case ed448 = 7
}
