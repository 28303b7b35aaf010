import Foundation
import OpenSSLWrapper
import Testing

/// root (CA) -> intermediate (CA, pathLen 0) -> leaf, all P-256, built with fixed validity periods.
/// `name` keeps the subject names of two PKIs apart (OpenSSL looks issuers up by name).
struct TestPKI {
    static let rootValidity: (Int64, Int64) = (1_600_000_000, 2_000_000_000)
    static let leafValidity: (Int64, Int64) = (1_700_000_000, 1_800_000_000)
    static let insideValidity: Int64 = 1_750_000_000

    let rootKey: EVPPrivateKey
    let intermediateKey: EVPPrivateKey
    let root: X509Certificate
    let intermediate: X509Certificate
    let leaf: X509Certificate

    init(_ name: String = "A", intermediateIsCA: Bool = true) throws {
        rootKey = try EVPPrivateKey.generate(.ec(.p256))
        intermediateKey = try EVPPrivateKey.generate(.ec(.p256))
        let leafKey = try EVPPrivateKey.generate(.ec(.p256))
        root = try Self.certificate(
            "Test Root \(name)", issuer: "Test Root \(name)", key: rootKey.publicKey, signer: rootKey, isCA: true, validity: Self.rootValidity)
        intermediate = try Self.certificate(
            "Test Intermediate \(name)", issuer: "Test Root \(name)", key: intermediateKey.publicKey, signer: rootKey, isCA: intermediateIsCA,
            pathLength: 0, validity: Self.rootValidity)
        leaf = try Self.certificate(
            "Test Leaf \(name)", issuer: "Test Intermediate \(name)", key: leafKey.publicKey, signer: intermediateKey, isCA: false,
            validity: Self.leafValidity)
    }

    static func certificate(
        _ subject: String, issuer: String, key: EVPKey, signer: EVPPrivateKey, isCA: Bool, pathLength: Int? = nil,
        validity: (Int64, Int64), serial: [UInt8] = [1]
    ) throws -> X509Certificate {
        var builder = X509CertificateBuilder(
            subject: [("2.5.4.10", "KeyBridge Test"), ("2.5.4.3", subject)],
            issuer: [("2.5.4.10", "KeyBridge Test"), ("2.5.4.3", issuer)], publicKey: key,
            notBefore: validity.0, notAfter: validity.1, serialNumber: serial)
        builder.addBasicConstraints(isCA: isCA, pathLength: isCA ? pathLength : nil)
        builder.addKeyUsage(isCA ? [.keyCertSign, .cRLSign] : [.digitalSignature])
        return try builder.sign(with: signer, scheme: .ecdsa(.sha256))
    }
}

@Suite struct X509ChainVerifierTests {
    /// The verification error text, or nil when validation succeeded.
    func failure(_ body: () throws -> [X509Certificate]) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as OpenSSLError {
            #expect(error.operation == "X509_verify_cert")
            return error.details.joined()
        } catch {
            Issue.record("unexpected error type: \(error)")
            return "\(error)"
        }
    }

    /// What `openssl verify` says for the same inputs (true when it prints OK).
    func opensslAccepts(
        leaf: X509Certificate, intermediates: [X509Certificate], anchors: [X509Certificate], at time: Int64,
        partialChain: Bool = false
    ) throws -> Bool {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try leaf.pem.write(to: directory.appendingPathComponent("leaf.pem"), atomically: true, encoding: .utf8)
        try anchors.map(\.pem).joined().write(to: directory.appendingPathComponent("anchors.pem"), atomically: true, encoding: .utf8)
        var arguments = ["verify", "-attime", String(time), "-CAfile", "anchors.pem"]
        if !intermediates.isEmpty {
            try intermediates.map(\.pem).joined().write(
                to: directory.appendingPathComponent("untrusted.pem"), atomically: true, encoding: .utf8)
            arguments += ["-untrusted", "untrusted.pem"]
        }
        if partialChain { arguments.append("-partial_chain") }
        let result = try ExternalTool.run("openssl", arguments + ["leaf.pem"], directory: directory, allowFailure: true)
        return result.status == 0 && result.output.contains("leaf.pem: OK")
    }

    @Test("a complete chain validates at a time inside every validity period, leaf first and anchor last, as openssl verify agrees")
    func validChain() throws {
        let pki = try TestPKI()
        let chain = try X509ChainVerifier.validate(
            leaf: pki.leaf, intermediates: [pki.intermediate], trustAnchors: [pki.root], at: TestPKI.insideValidity)
        #expect(chain == [pki.leaf, pki.intermediate, pki.root])
        #expect(chain[0] === pki.leaf && chain[2] === pki.root)
        #expect(try opensslAccepts(leaf: pki.leaf, intermediates: [pki.intermediate], anchors: [pki.root], at: TestPKI.insideValidity))
    }

    @Test("a leaf that has expired at the given time is rejected with OpenSSL's 'certificate has expired'")
    func expired() throws {
        let pki = try TestPKI()
        let time = TestPKI.leafValidity.1 + 1
        let message = failure {
            try X509ChainVerifier.validate(leaf: pki.leaf, intermediates: [pki.intermediate], trustAnchors: [pki.root], at: time)
        }
        #expect(message?.contains("certificate has expired") == true)
        #expect(try !opensslAccepts(leaf: pki.leaf, intermediates: [pki.intermediate], anchors: [pki.root], at: time))
        // The same chain is fine one second earlier: the clock decides, not the wall time.
        #expect(failure {
            try X509ChainVerifier.validate(
                leaf: pki.leaf, intermediates: [pki.intermediate], trustAnchors: [pki.root], at: TestPKI.leafValidity.1 - 1)
        } == nil)
    }

    @Test("a leaf that is not yet valid at the given time is rejected")
    func notYetValid() throws {
        let pki = try TestPKI()
        let message = failure {
            try X509ChainVerifier.validate(
                leaf: pki.leaf, intermediates: [pki.intermediate], trustAnchors: [pki.root], at: TestPKI.leafValidity.0 - 1)
        }
        #expect(message?.contains("not yet valid") == true)
    }

    @Test("a chain to a different root is rejected, as openssl verify rejects it")
    func wrongAnchor() throws {
        let pki = try TestPKI()
        let other = try TestPKI("B")
        let message = failure {
            try X509ChainVerifier.validate(
                leaf: pki.leaf, intermediates: [pki.intermediate], trustAnchors: [other.root], at: TestPKI.insideValidity)
        }
        #expect(message?.contains("unable to get local issuer certificate") == true)
        #expect(try !opensslAccepts(leaf: pki.leaf, intermediates: [pki.intermediate], anchors: [other.root], at: TestPKI.insideValidity))
    }

    @Test("an intermediate as the anchor validates a partial chain (X509_V_FLAG_PARTIAL_CHAIN), as openssl verify -partial_chain does")
    func partialChain() throws {
        let pki = try TestPKI()
        let chain = try X509ChainVerifier.validate(
            leaf: pki.leaf, intermediates: [], trustAnchors: [pki.intermediate], at: TestPKI.insideValidity)
        #expect(chain == [pki.leaf, pki.intermediate])
        #expect(try opensslAccepts(leaf: pki.leaf, intermediates: [], anchors: [pki.intermediate], at: TestPKI.insideValidity, partialChain: true))
        #expect(try !opensslAccepts(leaf: pki.leaf, intermediates: [], anchors: [pki.intermediate], at: TestPKI.insideValidity))
        // The leaf itself as an anchor is a one-certificate path.
        #expect(try X509ChainVerifier.validate(leaf: pki.leaf, intermediates: [], trustAnchors: [pki.leaf], at: TestPKI.insideValidity) == [pki.leaf])
    }

    @Test("without the intermediate the path to the root cannot be built")
    func missingIntermediate() throws {
        let pki = try TestPKI()
        let message = failure {
            try X509ChainVerifier.validate(leaf: pki.leaf, intermediates: [], trustAnchors: [pki.root], at: TestPKI.insideValidity)
        }
        #expect(message?.contains("unable to get local issuer certificate") == true)
    }

    @Test("unrelated extra intermediates and several anchors do not disturb a valid path")
    func extraCandidates() throws {
        let pki = try TestPKI()
        let other = try TestPKI("B")
        let chain = try X509ChainVerifier.validate(
            leaf: pki.leaf, intermediates: [other.intermediate, pki.intermediate, other.leaf],
            trustAnchors: [other.root, pki.root], at: TestPKI.insideValidity)
        #expect(chain == [pki.leaf, pki.intermediate, pki.root])
    }

    @Test("an intermediate whose basicConstraints says it is not a CA cannot issue the leaf")
    func intermediateNotCA() throws {
        let pki = try TestPKI(intermediateIsCA: false)
        let message = failure {
            try X509ChainVerifier.validate(
                leaf: pki.leaf, intermediates: [pki.intermediate], trustAnchors: [pki.root], at: TestPKI.insideValidity)
        }
        #expect(message?.contains("invalid CA certificate") == true)
        #expect(try !opensslAccepts(leaf: pki.leaf, intermediates: [pki.intermediate], anchors: [pki.root], at: TestPKI.insideValidity))
    }

    @Test("a leaf with the right issuer name but signed by another key fails the signature check")
    func forgedSignature() throws {
        let pki = try TestPKI()
        let forger = try EVPPrivateKey.generate(.ec(.p256))
        let forged = try TestPKI.certificate(
            "Test Leaf A", issuer: "Test Intermediate A", key: forger.publicKey, signer: forger, isCA: false,
            validity: TestPKI.leafValidity, serial: [9])
        let message = failure {
            try X509ChainVerifier.validate(
                leaf: forged, intermediates: [pki.intermediate], trustAnchors: [pki.root], at: TestPKI.insideValidity)
        }
        #expect(message?.contains("signature failure") == true)
    }

    @Test("validation without any trust anchor is refused")
    func noAnchors() throws {
        let pki = try TestPKI()
        #expect(throws: OpenSSLError.self) {
            try X509ChainVerifier.validate(leaf: pki.leaf, intermediates: [pki.intermediate], trustAnchors: [], at: TestPKI.insideValidity)
        }
    }

    @Test("after a successful validation, the same chain is still rejected at a time outside the leaf's validity")
    func rememberedPathRespectsTime() throws {
        let pki = try TestPKI("Cache-Time")
        #expect(try X509ChainVerifier.validate(
            leaf: pki.leaf, intermediates: [pki.intermediate], trustAnchors: [pki.root], at: TestPKI.insideValidity).count == 3)
        let expired = failure {
            try X509ChainVerifier.validate(
                leaf: pki.leaf, intermediates: [pki.intermediate], trustAnchors: [pki.root], at: TestPKI.leafValidity.1 + 1)
        }
        #expect(expired?.contains("certificate has expired") == true)
        let early = failure {
            try X509ChainVerifier.validate(
                leaf: pki.leaf, intermediates: [pki.intermediate], trustAnchors: [pki.root], at: TestPKI.leafValidity.0 - 1)
        }
        #expect(early?.contains("not yet valid") == true)
        // Inside the window again, the remembered path comes back as the caller's objects.
        let again = try X509ChainVerifier.validate(
            leaf: pki.leaf, intermediates: [pki.intermediate], trustAnchors: [pki.root], at: TestPKI.leafValidity.1)
        #expect(again.count == 3 && again[0] === pki.leaf && again[1] === pki.intermediate && again[2] === pki.root)
    }

    @Test("after a successful validation, the same leaf and intermediate with other anchors or without the intermediate still fail")
    func rememberedPathRespectsInputs() throws {
        let pki = try TestPKI("Cache-Inputs")
        let other = try TestPKI("Cache-Other")
        _ = try X509ChainVerifier.validate(
            leaf: pki.leaf, intermediates: [pki.intermediate], trustAnchors: [pki.root], at: TestPKI.insideValidity)
        #expect(failure {
            try X509ChainVerifier.validate(
                leaf: pki.leaf, intermediates: [pki.intermediate], trustAnchors: [other.root], at: TestPKI.insideValidity)
        } != nil)
        #expect(failure {
            try X509ChainVerifier.validate(leaf: pki.leaf, intermediates: [], trustAnchors: [pki.root], at: TestPKI.insideValidity)
        } != nil)
        // Certificates parsed again from the same DER are the same certificates, and validate the same way.
        let leafAgain = try X509Certificate(derEncoded: pki.leaf.derEncoded)
        let intermediateAgain = try X509Certificate(derEncoded: pki.intermediate.derEncoded)
        let chain = try X509ChainVerifier.validate(
            leaf: leafAgain, intermediates: [intermediateAgain], trustAnchors: [pki.root], at: TestPKI.insideValidity)
        #expect(chain == [pki.leaf, pki.intermediate, pki.root])
        #expect(chain[0] === leafAgain)
    }
}
