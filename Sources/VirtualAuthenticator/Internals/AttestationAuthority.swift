import OpenSSLWrapper

/// The authenticator's own attestation CA: a self-signed P-256 root, and one attestation key with two
/// certificates issued by that root, one for packed attestation and one for U2F.
///
/// The packed certificate meets WebAuthn L3 §8.2.1: version 3; subject C, O, OU "Authenticator Attestation"
/// and CN; the AAGUID extension (1.3.6.1.4.1.45724.1.1.4) not critical; basicConstraints with CA false.
struct AttestationAuthority {
    let rootKey: EVPPrivateKey
    let root: X509Certificate
    let attestationKey: EVPPrivateKey
    let packedCertificate: X509Certificate
    let u2fCertificate: X509Certificate

    /// The OID of the FIDO AAGUID certificate extension (WebAuthn L3 §8.2.1).
    static let aaguidExtensionOID = "1.3.6.1.4.1.45724.1.1.4"

    /// A new CA for `aaguid`, valid from a day before `now` for 20 years.
    static func generate(aaguid: [UInt8], now: Int64) throws(OpenSSLError) -> AttestationAuthority {
        let rootKey = try EVPPrivateKey.generate(.ec(.p256))
        let attestationKey = try EVPPrivateKey.generate(.ec(.p256))
        let notBefore = now - 86_400
        let notAfter = now + 20 * 365 * 86_400
        let rootName: [(oid: String, value: String)] = [
            ("2.5.4.6", "US"), ("2.5.4.10", "KeyBridge"), ("2.5.4.11", "Authenticator Attestation"),
            ("2.5.4.3", "KeyBridge Virtual Authenticator Root CA"),
        ]
        var rootBuilder = X509CertificateBuilder(
            subject: rootName, publicKey: rootKey.publicKey, notBefore: notBefore, notAfter: notAfter,
            serialNumber: randomSerial())
        rootBuilder.addBasicConstraints(isCA: true, pathLength: 0)
        rootBuilder.addKeyUsage([.keyCertSign, .cRLSign])
        let root = try rootBuilder.sign(with: rootKey, scheme: .ecdsa(.sha256))

        var packedBuilder = X509CertificateBuilder(
            subject: [
                ("2.5.4.6", "US"), ("2.5.4.10", "KeyBridge"), ("2.5.4.11", "Authenticator Attestation"),
                ("2.5.4.3", "KeyBridge Virtual Authenticator"),
            ],
            issuer: rootName, publicKey: attestationKey.publicKey, notBefore: notBefore, notAfter: notAfter,
            serialNumber: randomSerial())
        packedBuilder.addBasicConstraints(isCA: false)
        packedBuilder.addKeyUsage([.digitalSignature])
        // The extension value is an OCTET STRING holding the 16 AAGUID bytes.
        packedBuilder.addExtension(oid: aaguidExtensionOID, critical: false, value: [0x04, 0x10] + aaguid)
        let packed = try packedBuilder.sign(with: rootKey, scheme: .ecdsa(.sha256))

        var u2fBuilder = X509CertificateBuilder(
            subject: [("2.5.4.10", "KeyBridge"), ("2.5.4.3", "KeyBridge Virtual U2F Authenticator")],
            issuer: rootName, publicKey: attestationKey.publicKey, notBefore: notBefore, notAfter: notAfter,
            serialNumber: randomSerial())
        u2fBuilder.addBasicConstraints(isCA: false)
        let u2f = try u2fBuilder.sign(with: rootKey, scheme: .ecdsa(.sha256))

        return AttestationAuthority(
            rootKey: rootKey, root: root, attestationKey: attestationKey, packedCertificate: packed,
            u2fCertificate: u2f)
    }

    /// A positive 16-byte serial number.
    private static func randomSerial() -> [UInt8] {
        var serial = SecureRandom.bytes(16)
        serial[0] = (serial[0] & 0x7F) | 0x01
        return serial
    }
}
