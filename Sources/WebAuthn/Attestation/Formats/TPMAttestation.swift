import CBOR
import OpenSSLWrapper

/// The `tpm` attestation statement format (WebAuthn L3 §8.3).
///
/// RS1 attestation signatures are accepted whatever the ceremony's RS1 setting, because Windows Hello TPMs sign
/// their `certInfo` with SHA-1 (the credential key's own algorithm is checked when the COSE key is parsed);
/// ``RejectSHA1AttestationSignatures`` refuses them. The `tpmManufacturer` of the AIK certificate is required but
/// not checked against the TCG vendor list, which changes over time.
enum TPMAttestation {
    static let format = "tpm"
    static let tpmManufacturerOID = "2.23.133.2.1"
    static let tpmModelOID = "2.23.133.2.2"
    static let tpmVersionOID = "2.23.133.2.3"
    static let aikCertificateEKU = "2.23.133.8.3"

    /// Runs the verification procedure of WebAuthn L3 §8.3.
    static func verify(_ context: AttestationContext) throws(WebAuthnError) -> AttestationStatementResult {
        let statement = context.statement
        // WebAuthn L3 §8.3 step 1: attStmt is {ver: "2.0", alg, x5c, sig, certInfo, pubArea}.
        guard let version = statement[text: "ver"]?.textValue else {
            throw WebAuthnError(.attestationInvalid, "tpm attestation statement has no text ver")
        }
        guard version == "2.0" else {
            throw WebAuthnError(.attestationInvalid, "tpm attestation statement ver is \"\(version)\", not \"2.0\"")
        }
        let algorithm = try AttestationStatementFields.algorithm(in: statement, format: format)
        let signature = try AttestationStatementFields.bytes("sig", in: statement, format: format)
        let certInfoBytes = try AttestationStatementFields.bytes("certInfo", in: statement, format: format)
        let pubAreaBytes = try AttestationStatementFields.bytes("pubArea", in: statement, format: format)
        guard let chain = try AttestationStatementFields.certificates(in: statement, format: format),
            let aikCertificate = chain.first
        else {
            throw WebAuthnError(.attestationInvalid, "tpm attestation statement has no x5c")
        }
        let scheme = try AttestationStatementFields.signatureScheme(for: algorithm, allowRS1: true, format: format)
        guard let hash = scheme.digest else {
            throw WebAuthnError(.unsupportedAlgorithm, "tpm attestation algorithm \(algorithm) has no hash for extraData")
        }

        // Step 2: the key in pubArea's parameters and unique fields is the credential public key.
        let publicArea = try TPMPublicArea(pubAreaBytes)
        try checkKey(publicArea, matches: context.credentialPublicKey.evpKey)

        // Step 3: attToBeSigned = authenticatorData || clientDataHash.
        let attToBeSigned = AttestationStatementFields.signedData(context)

        // Step 4: certInfo is valid: magic and type (checked while parsing), extraData is the hash of
        // attToBeSigned with alg's hash, and attested.name is a valid Name for pubArea (nameAlg || H(pubArea)).
        let certInfo = try TPMCertifyInfo(certInfoBytes)
        guard certInfo.extraData == Digest.hash(hash, attToBeSigned) else {
            throw WebAuthnError(.attestationInvalid, "TPM certInfo extraData is not the hash of attToBeSigned")
        }
        guard let nameHash = TPMAlgorithm.digest(publicArea.nameAlgorithm) else {
            throw WebAuthnError(
                .attestationInvalid, "TPM pubArea nameAlg 0x\(String(publicArea.nameAlgorithm, radix: 16)) is not supported")
        }
        let name = [UInt8(publicArea.nameAlgorithm >> 8), UInt8(publicArea.nameAlgorithm & 0xFF)]
            + Digest.hash(nameHash, pubAreaBytes)
        guard certInfo.attestedName == name else {
            throw WebAuthnError(.attestationInvalid, "TPM certInfo attested name is not the name of pubArea")
        }

        // Step 5: x5c is present; sig verifies over certInfo with the aikCert key and alg; aikCert meets §8.3.1;
        // its AAGUID extension, if any, matches authenticatorData.
        let key = try AttestationStatementFields.publicKey(of: aikCertificate, name: "tpm aikCert")
        try AttestationStatementFields.verifySignature(
            signature, over: certInfoBytes, key: key, scheme: scheme, algorithm: algorithm, format: format)
        try checkCertificateRequirements(aikCertificate)
        if let aaguid = context.authenticatorData.attestedCredentialData?.aaguid {
            try AttestationStatementFields.checkAAGUIDExtension(of: aikCertificate, matches: aaguid, format: format)
        }
        // Attestation type AttCA, trust path x5c.
        return AttestationStatementResult(type: .attca, trustPath: chain, signatureAlgorithm: algorithm)
    }

    /// Whether pubArea describes exactly `key`.
    static func checkKey(_ area: TPMPublicArea, matches key: EVPKey) throws(WebAuthnError) {
        let matches: Bool
        switch area.key {
        case .rsa(let modulus, let exponent):
            guard case .rsa = key.kind, let components = key.rsaComponents else {
                throw WebAuthnError(.attestationInvalid, "TPM pubArea is RSA but the credential key is not")
            }
            // TPM_RSA_PARMS: an exponent of 0 means the default 2^16 + 1.
            let tpmExponent = UInt64(exponent == 0 ? 65537 : exponent)
            var credentialExponent: UInt64? = 0
            if components.exponent.count > 8 { credentialExponent = nil }
            for byte in components.exponent { credentialExponent = credentialExponent.map { $0 << 8 | UInt64(byte) } }
            matches = Array(modulus.drop { $0 == 0 }) == components.modulus && credentialExponent == tpmExponent
        case .ecc(let curveID, let x, let y):
            let curve: ECCurve
            switch curveID {
            case 0x0003: curve = .p256
            case 0x0004: curve = .p384
            case 0x0005: curve = .p521
            default:
                throw WebAuthnError(.attestationInvalid, "TPM pubArea curve 0x\(String(curveID, radix: 16)) is not supported")
            }
            guard key.kind == .ec(curve), let point = key.ecPublicPoint else {
                throw WebAuthnError(.attestationInvalid, "TPM pubArea ECC curve differs from the credential key's")
            }
            matches = leftPadded(x, to: curve.coordinateSize) == point.x
                && leftPadded(y, to: curve.coordinateSize) == point.y
        }
        guard matches else {
            throw WebAuthnError(.attestationInvalid, "TPM pubArea key is not the credential public key")
        }
    }

    private static func leftPadded(_ bytes: [UInt8], to size: Int) -> [UInt8]? {
        guard bytes.count <= size else { return nil }
        return [UInt8](repeating: 0, count: size - bytes.count) + bytes
    }

    /// WebAuthn L3 §8.3.1: TPM attestation statement certificate requirements.
    static func checkCertificateRequirements(_ certificate: X509Certificate) throws(WebAuthnError) {
        let name = "tpm aikCert"
        try AttestationStatementFields.checkNoRepeatedExtensions(certificate, name: name)
        // Version MUST be set to 3.
        guard certificate.version == 3 else {
            throw WebAuthnError(.attestationCertificateInvalid, "\(name) is X.509 version \(certificate.version), not 3")
        }
        // Subject field MUST be set to empty.
        guard certificate.subject.isEmpty else {
            throw WebAuthnError(.attestationCertificateInvalid, "\(name) subject is not empty")
        }
        // The Subject Alternative Name extension MUST be set as defined in the TPM EK profile §3.2.9: a
        // directoryName with tpmManufacturer, tpmModel and tpmVersion.
        guard let san = certificate.extension(oid: "2.5.29.17") else {
            throw WebAuthnError(.attestationCertificateInvalid, "\(name) has no subject alternative name")
        }
        let attributes: [String: String]
        do {
            attributes = try directoryNameAttributes(san.value)
        } catch {
            throw WebAuthnError(.attestationCertificateInvalid, "\(name) subject alternative name: \(error)")
        }
        for (oid, label) in [
            (tpmManufacturerOID, "tpmManufacturer"), (tpmModelOID, "tpmModel"), (tpmVersionOID, "tpmVersion"),
        ] {
            guard let value = attributes[oid], !value.isEmpty else {
                throw WebAuthnError(.attestationCertificateInvalid, "\(name) subject alternative name has no \(label)")
            }
        }
        // The Extended Key Usage extension MUST contain tcg-kp-AIKCertificate (2.23.133.8.3).
        guard certificate.extendedKeyUsage?.contains(aikCertificateEKU) == true else {
            throw WebAuthnError(.attestationCertificateInvalid, "\(name) extended key usage lacks \(aikCertificateEKU)")
        }
        // The Basic Constraints extension MUST have the CA component set to false.
        guard let constraints = certificate.basicConstraints else {
            throw WebAuthnError(.attestationCertificateInvalid, "\(name) has no readable basic constraints extension")
        }
        guard !constraints.isCA else {
            throw WebAuthnError(.attestationCertificateInvalid, "\(name) is a CA certificate")
        }
    }

    /// The attributes of every `directoryName` in a GeneralNames value (RFC 5280 §4.2.1.6), by dotted OID.
    ///
    /// - Throws: ``DERError`` for a malformed structure or an attribute that appears twice.
    static func directoryNameAttributes(_ der: [UInt8]) throws(DERError) -> [String: String] {
        var attributes: [String: String] = [:]
        for generalName in try DERElement.parse(exactly: der).sequenceElements() where generalName.isContextSpecific(4) {
            // directoryName [4] Name: EXPLICIT, since Name is a CHOICE. Name ::= SEQUENCE OF RelativeDistinguishedName.
            for rdn in try generalName.explicitlyTagged().sequenceElements() {
                for attribute in try rdn.setElements() {
                    let parts = try attribute.sequenceElements()
                    guard parts.count == 2 else { throw DERError("AttributeTypeAndValue needs two fields") }
                    let oid = try parts[0].objectIdentifierValue()
                    let value = try parts[1].stringValue()
                    guard attributes.updateValue(value, forKey: oid) == nil else {
                        throw DERError("attribute \(oid) appears twice")
                    }
                }
            }
        }
        return attributes
    }
}
