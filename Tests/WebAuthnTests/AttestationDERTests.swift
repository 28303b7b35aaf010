import CBOR
import OpenSSLWrapper
import Testing
@testable import WebAuthn

/// The attestation formats' DER reader (ITU-T X.690) and the structure parsers built on it: expected values from
/// X.690 and RFC 4648, and no trap on any input.
@Suite("Attestation: DER reader and structure parsers")
struct AttestationDERTests {
    /// A deterministic generator (SplitMix64) for the robustness loops.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("OBJECT IDENTIFIERs decode to dotted text (X.690 §8.19.5's {2 100 3}, sha256WithRSAEncryption, a TCG OID)")
    func objectIdentifiers() throws {
        #expect(try DERElement.parse(exactly: [0x06, 0x03, 0x81, 0x34, 0x03]).objectIdentifierValue() == "2.100.3")
        let rsa: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B]
        #expect(try DERElement.parse(exactly: rsa).objectIdentifierValue() == "1.2.840.113549.1.1.11")
        #expect(try DERElement.parse(exactly: [0x06, 0x05, 0x67, 0x81, 0x05, 0x08, 0x03]).objectIdentifierValue() == "2.23.133.8.3")
        #expect(throws: DERError.self) { try DERElement.parse(exactly: [0x06, 0x02, 0x80, 0x01]).objectIdentifierValue() }
        #expect(throws: DERError.self) { try DERElement.parse(exactly: [0x06, 0x01, 0x81]).objectIdentifierValue() }
    }

    @Test("INTEGERs decode as two's complement, including redundant sign octets", arguments: [
        ([0x02, 0x01, 0x00], 0), ([0x02, 0x01, 0x7F], 127), ([0x02, 0x02, 0x00, 0x80], 128),
        ([0x02, 0x01, 0x80], -128), ([0x02, 0x02, 0xFF, 0x7F], -129), ([0x02, 0x03, 0x00, 0x00, 0x01], 1),
        ([0x0A, 0x01, 0x02], 2),
    ] as [([UInt8], Int64)])
    func integers(encoding: [UInt8], value: Int64) throws {
        #expect(try DERElement.parse(exactly: encoding).integerValue() == value)
    }

    @Test("An INTEGER that does not fit 64 bits, or is empty, is refused")
    func integerLimits() {
        #expect(throws: DERError.self) { try DERElement.parse(exactly: [0x02, 0x09, 0x01] + Array(repeating: 0, count: 8)).integerValue() }
        #expect(throws: DERError.self) { try DERElement.parse(exactly: [0x02, 0x00]).integerValue() }
        #expect(throws: DERError.self) { try DERElement.parse(exactly: [0x04, 0x01, 0x00]).integerValue() }
    }

    @Test("High tag numbers and long-form lengths are read (X.690 §8.1.2.4, §8.1.3.5)")
    func highTagsAndLongLengths() throws {
        // [600] EXPLICIT NULL, as in the Android authorization list: BF 84 58 02 05 00.
        let tagged = try DERElement.parse(exactly: [0xBF, 0x84, 0x58, 0x02, 0x05, 0x00])
        #expect(tagged.tagClass == .contextSpecific)
        #expect(tagged.isConstructed)
        #expect(tagged.tagNumber == 600)
        #expect(try tagged.explicitlyTagged().isUniversal(DERElement.nullTag))
        let long = try DERElement.parse(exactly: [0x04, 0x81, 0x80] + Array(repeating: 7, count: 128))
        #expect(try long.octetStringValue() == Array(repeating: 7, count: 128))
    }

    @Test("Indefinite lengths, truncation, trailing bytes and padded tag numbers are refused", arguments: [
        [0x30, 0x80, 0x00, 0x00], [0x30, 0x03, 0x02, 0x01], [0x02, 0x01, 0x00, 0x00], [0xBF, 0x80, 0x01, 0x00],
        [0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00], [0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF], [], [0x30],
        [0x9F, 0x05, 0x00],
    ] as [[UInt8]])
    func malformed(_ bytes: [UInt8]) {
        #expect(throws: DERError.self) { try DERElement.parse(exactly: bytes) }
    }

    @Test("DERWriter turns a JOSE r || s signature back into OpenSSL's DER Ecdsa-Sig-Value")
    func ecdsaSignatureRoundTrip() throws {
        for index in 0..<16 {
            let der = try AttestationKeys.attestation.sign(message: [UInt8(index)], scheme: .ecdsa(.sha256))
            let raw = AttestationDER.rawECDSASignature(der, size: 32)
            #expect(DERWriter.ecdsaSignature(fromRaw: raw) == der)
        }
        #expect(DERWriter.ecdsaSignature(fromRaw: []) == nil)
        #expect(DERWriter.ecdsaSignature(fromRaw: [1, 2, 3]) == nil)
    }

    @Test("Standard base64 matches the RFC 4648 §10 test vectors", arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func standardBase64(text: String, encoded: String) {
        #expect(StandardBase64.encode(Array(text.utf8)) == encoded)
        #expect(StandardBase64.decode(encoded) == Array(text.utf8))
    }

    @Test("Standard base64 refuses base64url characters, bad lengths and non-zero padding bits")
    func standardBase64Rejects() {
        for bad in ["Zg=", "Z", "Zh==", "-_8=", "Zm9v\n", "Zg==Zg=="] {
            #expect(StandardBase64.decode(bad) == nil, "\(bad)")
        }
    }

    @Test("The structure parsers never trap: every truncation and random mutation of valid inputs is handled")
    func noTrapOnMutations() {
        let fixture = AttestationFixture()
        let keyDescription = AndroidKeyDescriptionBuilder(
            challenge: fixture.clientDataHash,
            softwareEnforced: [AndroidKeyDescriptionBuilder.allApplications]
        ).der()
        let san = AttestationDER.sequence([
            AttestationDER.explicit(4, AttestationDER.sequence([
                AttestationDER.set([AttestationDER.sequence([AttestationDER.oid("2.23.133.2.1"), AttestationDER.utf8String("id:1")])])
            ]))
        ])
        let nonce = AttestationDER.sequence([AttestationDER.explicit(1, AttestationDER.octetString(Array(repeating: 1, count: 32)))])
        let tpm = TPMStatementBuilder().statement(fixture, credential: fixture.credentialKey.evpKey)
        let pubArea = tpm[text: "pubArea"]?.bytesValue ?? []
        let certInfo = tpm[text: "certInfo"]?.bytesValue ?? []
        #expect(!pubArea.isEmpty && !certInfo.isEmpty)

        func exercise(_ bytes: [UInt8]) {
            _ = try? AndroidKeyDescription(der: bytes)
            _ = try? TPMAttestation.directoryNameAttributes(bytes)
            _ = try? AppleAttestation.nonceValue(bytes)
            _ = try? TPMPublicArea(bytes)
            _ = try? TPMCertifyInfo(bytes)
            if let element = try? DERElement.parse(exactly: bytes) {
                _ = try? element.children()
                _ = try? element.integerValue()
                _ = try? element.objectIdentifierValue()
                _ = try? element.stringValue()
            }
        }
        // The unmutated inputs parse.
        #expect((try? AndroidKeyDescription(der: keyDescription))?.softwareEnforced.hasAllApplications == true)
        #expect((try? TPMAttestation.directoryNameAttributes(san))?["2.23.133.2.1"] == "id:1")
        #expect((try? AppleAttestation.nonceValue(nonce)) == Array(repeating: 1, count: 32))
        #expect((try? TPMPublicArea(pubArea)) != nil)
        #expect((try? TPMCertifyInfo(certInfo)) != nil)

        var generator = Generator(state: 2025)
        for input in [keyDescription, san, nonce, pubArea, certInfo] {
            for length in 0...input.count { exercise(Array(input.prefix(length))) }
            for _ in 0..<2000 {
                var mutated = input
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 0..<mutated.count, using: &generator)
                    mutated[index] = UInt8.random(in: 0...255, using: &generator)
                }
                exercise(mutated)
            }
        }
        for _ in 0..<5000 {
            let count = Int.random(in: 0..<64, using: &generator)
            exercise((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
    }

    @Test("The TPM name is nameAlg || H(pubArea) for every name algorithm a TPM uses", arguments: [
        (0x0004, DigestAlgorithm.sha1), (0x000B, .sha256), (0x000C, .sha384), (0x000D, .sha512),
    ])
    func tpmNameAlgorithms(id: Int, digest: DigestAlgorithm) throws {
        let fixture = AttestationFixture()
        var builder = TPMStatementBuilder()
        builder.nameAlgorithm = id
        let area = builder.pubArea(for: fixture.credentialKey.evpKey)
        builder.attestedName = TPMStatementBuilder.u16(id) + Digest.hash(digest, area)
        let statement = builder.statement(fixture, credential: fixture.credentialKey.evpKey)
        #expect(try AttestationVerifier().verify(fixture.context("tpm", statement)).type == .attca)
    }
}
