/// A COSE key type, the `kty` parameter (label 1) of a COSE_Key (IANA "COSE Key Types").
public enum COSEKeyType: Int, Sendable {
    /// Octet key pair: Ed25519 and Ed448 (RFC 9053 §7.2).
    case okp = 1
    /// Elliptic curve with x and y coordinates (RFC 9053 §7.1.1).
    case ec2 = 2
    /// RSA (RFC 8230 §4).
    case rsa = 3
}
