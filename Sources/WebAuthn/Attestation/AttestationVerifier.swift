import OpenSSLWrapper

/// Verifies attestation statements (WebAuthn L3 §8), assesses their trust paths against caller-supplied anchors and
/// applies the relying party's attestation policy (§7.1 steps 21 to 24).
///
/// The default verifier accepts every implemented format, has no trust anchors and no policy: a correctly signed
/// attestation is accepted and reported untrusted. Add anchors to learn whether paths are trusted, and a policy to
/// refuse what is not acceptable:
///
/// ```swift
/// var anchors = TrustAnchorStore()
/// try anchors.add(pem: pemText)
/// let verifier = AttestationVerifier(trustAnchors: anchors) {
///     RequireTrustedAttestation()
/// }
/// ```
///
/// Errors, the same for every format:
/// - ``WebAuthnError/Code/unsupportedAttestationFormat``: `fmt` is unknown or not enabled.
/// - ``WebAuthnError/Code/signatureInvalid``: an attestation signature (or the SafetyNet JWS signature) does not
///   verify.
/// - ``WebAuthnError/Code/attestationCertificateInvalid``: an attestation certificate does not parse or breaks its
///   format's certificate requirements (§8.2.1, §8.3.1, the SafetyNet host name, the AAGUID extension).
/// - ``WebAuthnError/Code/unsupportedAlgorithm``: the statement's `alg` is not implemented;
///   ``WebAuthnError/Code/algorithmNotAllowed``: RS1 where it is not allowed.
/// - ``WebAuthnError/Code/attestationInvalid``: anything else the procedure checks (statement structure, nonces,
///   challenges, key mismatches, TPM structures, SafetyNet verdicts and freshness).
/// - ``WebAuthnError/Code/attestedCredentialDataMissing``: the authenticator data has no attested credential data;
///   ``WebAuthnError/Code/malformedInput``: the client data hash is not 32 bytes.
/// - Whatever code a failing policy reports (``WebAuthnError/Code/attestationUntrusted``,
///   ``WebAuthnError/Code/aaguidNotAllowed``, ``WebAuthnError/Code/attestationPolicyRejected``, …).
///
/// Certificate validity periods are checked only as part of trust-path validation, that is when anchors apply:
/// without anchors nothing is trusted, and a path is never validated, so an expired attestation certificate is
/// accepted as untrusted. RS1 attestation signatures are accepted in the `tpm` format (Windows Hello TPMs produce
/// them; ``RejectSHA1AttestationSignatures`` refuses them) and in `packed` and `android-key` only when the ceremony
/// allows RS1. An `android-safetynet` response must be at most 60 seconds old at the verification time (see
/// ``SafetyNetTimestampWindow``).
public struct AttestationVerifier: Sendable {
    /// The trust anchors for trust-path validation.
    public var trustAnchors: TrustAnchorStore
    /// The formats accepted; any other `fmt` is ``WebAuthnError/Code/unsupportedAttestationFormat``.
    public var enabledFormats: Set<AttestationFormat>
    /// How fresh an `android-safetynet` response must be.
    public var safetyNetTimestampWindow: SafetyNetTimestampWindow
    /// The policy every verified attestation must meet (empty: accept everything verified).
    public var policy: AllOfAttestationPolicies

    /// Every implemented format, no trust anchors, no policy: correctly signed attestations are accepted and
    /// reported untrusted.
    public init() {
        self.init(trustAnchors: TrustAnchorStore())
    }

    /// A verifier with trust anchors and no policy: paths are validated and reported, never refused.
    ///
    /// - Parameters:
    ///   - trustAnchors: The anchors for trust-path validation.
    ///   - formats: The accepted formats.
    ///   - safetyNetTimestampWindow: How fresh an `android-safetynet` response must be.
    public init(
        trustAnchors: TrustAnchorStore, formats: Set<AttestationFormat> = AttestationFormat.allSupported,
        safetyNetTimestampWindow: SafetyNetTimestampWindow = .default
    ) {
        self.trustAnchors = trustAnchors
        self.enabledFormats = formats
        self.safetyNetTimestampWindow = safetyNetTimestampWindow
        self.policy = AllOfAttestationPolicies([])
    }

    /// A verifier with trust anchors and a policy block, every policy of which must be met.
    ///
    /// - Parameters:
    ///   - trustAnchors: The anchors for trust-path validation.
    ///   - formats: The accepted formats.
    ///   - safetyNetTimestampWindow: How fresh an `android-safetynet` response must be.
    ///   - policy: The policies, for example ``RequireTrustedAttestation`` and ``AllowedAAGUIDs``.
    public init(
        trustAnchors: TrustAnchorStore = TrustAnchorStore(),
        formats: Set<AttestationFormat> = AttestationFormat.allSupported,
        safetyNetTimestampWindow: SafetyNetTimestampWindow = .default,
        @AttestationPolicyBuilder policy: () -> AllOfAttestationPolicies
    ) {
        self.trustAnchors = trustAnchors
        self.enabledFormats = formats
        self.safetyNetTimestampWindow = safetyNetTimestampWindow
        self.policy = policy()
    }

    /// Runs the format's verification procedure, then trust-path validation and the policy.
    ///
    /// - Parameter context: The statement, authenticator data, client data hash, credential key and time.
    /// - Returns: The validated attestation.
    /// - Throws: ``WebAuthnError`` with the codes listed on ``AttestationVerifier``.
    package func verify(_ context: AttestationContext) throws(WebAuthnError) -> ValidatedAttestation {
        let format = AttestationFormat(rawValue: context.format)
        // WebAuthn L3 §7.1 step 21: determine the attestation statement format by matching fmt against the
        // supported formats (those this verifier implements and the relying party enabled).
        guard AttestationFormat.allSupported.contains(format), enabledFormats.contains(format) else {
            throw WebAuthnError(.unsupportedAttestationFormat, "attestation statement format \"\(context.format)\" is not accepted")
        }
        guard let attested = context.authenticatorData.attestedCredentialData else {
            throw WebAuthnError(.attestedCredentialDataMissing, "attestation needs attested credential data")
        }
        guard context.clientDataHash.count == 32 else {
            throw WebAuthnError(.malformedInput, "clientDataHash has \(context.clientDataHash.count) bytes, not 32")
        }

        // WebAuthn L3 §7.1 step 22: the format's verification procedure over attStmt, authData and the hash.
        let statement: AttestationStatementResult
        switch format {
        case .none: statement = try NoneAttestation.verify(context)
        case .packed: statement = try PackedAttestation.verify(context)
        case .fidoU2F: statement = try FIDOU2FAttestation.verify(context)
        case .tpm: statement = try TPMAttestation.verify(context)
        case .androidKey: statement = try AndroidKeyAttestation.verify(context)
        case .androidSafetyNet:
            statement = try AndroidSafetyNetAttestation.verify(context, window: safetyNetTimestampWindow)
        case .apple: statement = try AppleAttestation.verify(context)
        default:
            throw WebAuthnError(.unsupportedAttestationFormat, "attestation statement format \"\(context.format)\" is not accepted")
        }

        // WebAuthn L3 §7.1 steps 23 and 24: obtain the trust anchors for this format and AAGUID, and assess the
        // trust path against them at the verification time.
        let trust = assessTrust(
            of: statement.trustPath, format: context.format, aaguid: attested.aaguid, at: context.verificationTime)
        let trustPath = statement.trustPath.map(\.derEncoded)
        let candidate = AttestationCandidate(
            format: context.format, type: statement.type, aaguid: attested.aaguid, trustPath: trustPath,
            isTrusted: trust.isTrusted, untrustedReason: trust.reason, signatureAlgorithm: statement.signatureAlgorithm,
            androidKey: statement.androidKey, authenticatorData: context.authenticatorData)
        // WebAuthn L3 §7.1 step 24: the relying party's policy decides whether this attestation is acceptable.
        var policy = self.policy
        if let failure = policy.evaluate(candidate).failure {
            throw WebAuthnError(failure.code, failure.reason)
        }
        return ValidatedAttestation(
            uncheckedFormat: context.format, type: statement.type, trustPath: trustPath, isTrusted: trust.isTrusted)
    }

    /// RFC 5280 path validation of `path` (leaf first) against the anchors that apply, at `time`.
    private func assessTrust(
        of path: [X509Certificate], format: String, aaguid: AAGUID, at time: Int64
    ) -> (isTrusted: Bool, reason: String?) {
        guard let leaf = path.first else { return (false, "no trust path") }
        let anchors = trustAnchors.anchors(format: format, aaguid: aaguid)
        guard !anchors.isEmpty else { return (false, "no trust anchors apply") }
        do {
            _ = try X509ChainVerifier.validate(
                leaf: leaf, intermediates: Array(path.dropFirst()), trustAnchors: anchors, at: time)
            return (true, nil)
        } catch {
            return (false, "path validation failed: \(error)")
        }
    }
}
