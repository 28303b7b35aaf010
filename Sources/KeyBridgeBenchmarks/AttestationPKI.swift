import OpenSSLWrapper
import WebAuthn

/// A three-level attestation PKI for packed full attestation: root (the trust anchor), intermediate, leaf.
///
/// Every leaf meets WebAuthn L3 §8.2.1: version 3; subject C, O, OU "Authenticator Attestation", CN; basic
/// constraints CA false; the AAGUID extension (1.3.6.1.4.1.45724.1.1.4, not critical) naming the test AAGUID.
struct AttestationPKI: Sendable {
    static let rootName = [(oid: "2.5.4.3", value: "KeyBridge Benchmark Root")]
    static let intermediateName = [(oid: "2.5.4.3", value: "KeyBridge Benchmark Intermediate")]

    let root: X509Certificate
    let rootKey: EVPPrivateKey
    let intermediate: X509Certificate
    let intermediateKey: EVPPrivateKey
    let leaf: X509Certificate
    let leafKey: EVPPrivateKey
    let notBefore: Int64
    let notAfter: Int64

    static func make() throws -> AttestationPKI {
        let now = WebAuthnClock.system.now()
        let (notBefore, notAfter) = (now - 3600, now + 365 * 86400)
        let rootKey = try EVPPrivateKey.generate(.ec(.p256))
        let intermediateKey = try EVPPrivateKey.generate(.ec(.p256))
        let leafKey = try EVPPrivateKey.generate(.ec(.p256))

        var root = X509CertificateBuilder(
            subject: rootName, publicKey: rootKey.publicKey, notBefore: notBefore, notAfter: notAfter, serialNumber: [1])
        root.addBasicConstraints(isCA: true)
        root.addKeyUsage([.keyCertSign, .cRLSign])

        var intermediate = X509CertificateBuilder(
            subject: intermediateName, issuer: rootName, publicKey: intermediateKey.publicKey, notBefore: notBefore,
            notAfter: notAfter, serialNumber: [2])
        intermediate.addBasicConstraints(isCA: true, pathLength: 0)
        intermediate.addKeyUsage([.keyCertSign, .cRLSign])

        let leaf = try leafCertificate(
            key: leafKey.publicKey, serial: [3], issuer: intermediateName, signer: intermediateKey, notBefore: notBefore,
            notAfter: notAfter)
        return AttestationPKI(
            root: try root.sign(with: rootKey, scheme: .ecdsa(.sha256)), rootKey: rootKey,
            intermediate: try intermediate.sign(with: rootKey, scheme: .ecdsa(.sha256)), intermediateKey: intermediateKey,
            leaf: leaf, leafKey: leafKey, notBefore: notBefore, notAfter: notAfter)
    }

    /// A new attestation certificate and key, issued by the intermediate or directly by the root.
    func newLeaf(underRoot: Bool) throws -> (certificate: X509Certificate, key: EVPPrivateKey) {
        let key = try EVPPrivateKey.generate(.ec(.p256))
        let certificate = try Self.leafCertificate(
            key: key.publicKey, serial: SecureRandom.bytes(8), issuer: underRoot ? Self.rootName : Self.intermediateName,
            signer: underRoot ? rootKey : intermediateKey, notBefore: notBefore, notAfter: notAfter)
        return (certificate, key)
    }

    /// An attestation certificate that meets WebAuthn L3 §8.2.1.
    private static func leafCertificate(
        key: EVPKey, serial: [UInt8], issuer: [(oid: String, value: String)], signer: EVPPrivateKey, notBefore: Int64,
        notAfter: Int64
    ) throws -> X509Certificate {
        var leaf = X509CertificateBuilder(
            subject: [
                ("2.5.4.6", "AA"), ("2.5.4.10", "KeyBridge Benchmark"), ("2.5.4.11", "Authenticator Attestation"),
                ("2.5.4.3", "KeyBridge Benchmark Attestation"),
            ],
            issuer: issuer, publicKey: key, notBefore: notBefore, notAfter: notAfter, serialNumber: serial)
        leaf.addBasicConstraints(isCA: false)
        // The AAGUID extension's value is an OCTET STRING holding the 16 AAGUID bytes (TestAuthenticator: 0xAA...).
        leaf.addExtension(
            oid: "1.3.6.1.4.1.45724.1.1.4", critical: false, value: [0x04, 0x10] + [UInt8](repeating: 0xAA, count: 16))
        return try leaf.sign(with: signer, scheme: .ecdsa(.sha256))
    }
}
