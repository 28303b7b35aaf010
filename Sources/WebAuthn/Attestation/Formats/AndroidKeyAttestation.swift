import CBOR
import OpenSSLWrapper

/// The `android-key` attestation statement format (WebAuthn L3 §8.4).
enum AndroidKeyAttestation {
    static let format = "android-key"
    /// The key description extension (§8.4.1).
    static let keyDescriptionOID = "1.3.6.1.4.1.11129.2.1.17"

    /// Runs the verification procedure of WebAuthn L3 §8.4.
    ///
    /// `origin` and `purpose` are read from the union of `teeEnforced` and `softwareEnforced`;
    /// ``RequireHardwareBackedAndroidKey`` restricts them to `teeEnforced`.
    static func verify(_ context: AttestationContext) throws(WebAuthnError) -> AttestationStatementResult {
        let statement = context.statement
        // WebAuthn L3 §8.4 step 1: attStmt is {alg, sig, x5c}.
        let algorithm = try AttestationStatementFields.algorithm(in: statement, format: format)
        let signature = try AttestationStatementFields.bytes("sig", in: statement, format: format)
        guard let chain = try AttestationStatementFields.certificates(in: statement, format: format),
            let leaf = chain.first
        else {
            throw WebAuthnError(.attestationInvalid, "android-key attestation statement has no x5c")
        }
        try AttestationStatementFields.checkNoRepeatedExtensions(leaf, name: "android-key credCert")
        // Step 2: sig verifies over authenticatorData || clientDataHash with the first certificate's key and alg.
        let scheme = try AttestationStatementFields.signatureScheme(
            for: algorithm, allowRS1: context.allowRS1, format: format)
        let key = try AttestationStatementFields.publicKey(of: leaf, name: "android-key credCert")
        try AttestationStatementFields.verifySignature(
            signature, over: AttestationStatementFields.signedData(context), key: key, scheme: scheme,
            algorithm: algorithm, format: format)
        // Step 3: the first certificate's public key is the credential public key.
        guard AttestationStatementFields.sameKey(key, context.credentialPublicKey.evpKey) else {
            throw WebAuthnError(.attestationInvalid, "android-key certificate key is not the credential public key")
        }
        // Step 4: the key description extension (§8.4.1).
        guard let ext = leaf.extension(oid: keyDescriptionOID) else {
            throw WebAuthnError(.attestationCertificateInvalid, "android-key certificate has no key description extension")
        }
        let description: AndroidKeyDescription
        do {
            description = try AndroidKeyDescription(der: ext.value)
        } catch {
            throw WebAuthnError(.attestationCertificateInvalid, "android-key key description: \(error)")
        }
        // attestationChallenge is clientDataHash.
        guard constantTimeEquals(description.attestationChallenge, context.clientDataHash) else {
            throw WebAuthnError(.attestationInvalid, "android-key attestationChallenge is not clientDataHash")
        }
        // allApplications is in neither authorization list (the key is bound to the RP's app).
        guard !description.softwareEnforced.hasAllApplications, !description.teeEnforced.hasAllApplications else {
            throw WebAuthnError(.attestationInvalid, "android-key authorization list has allApplications")
        }
        // origin is KM_ORIGIN_GENERATED and purpose includes KM_PURPOSE_SIGN, in the union of both lists.
        let tee = description.teeEnforced
        let software = description.softwareEnforced
        let origin = tee.origin ?? software.origin
        guard origin == AndroidKeyDescription.originGenerated else {
            throw WebAuthnError(
                .attestationInvalid, "android-key origin is \(origin.map(String.init) ?? "absent"), not KM_ORIGIN_GENERATED")
        }
        guard (tee.purposes + software.purposes).contains(AndroidKeyDescription.purposeSign) else {
            throw WebAuthnError(.attestationInvalid, "android-key purpose does not include KM_PURPOSE_SIGN")
        }
        let details = AndroidKeyAttestationDetails(
            attestationVersion: description.attestationVersion,
            attestationSecurityLevel: .init(rawValue: Int(clamping: description.attestationSecurityLevel)),
            keymasterSecurityLevel: .init(rawValue: Int(clamping: description.keymasterSecurityLevel)),
            originAndPurposeHardwareEnforced: tee.origin == AndroidKeyDescription.originGenerated
                && tee.purposes.contains(AndroidKeyDescription.purposeSign))
        // Step 5: attestation type Basic, trust path x5c.
        return AttestationStatementResult(
            type: .basic, trustPath: chain, signatureAlgorithm: algorithm, androidKey: details)
    }
}
