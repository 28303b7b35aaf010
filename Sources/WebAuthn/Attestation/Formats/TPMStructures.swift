import OpenSSLWrapper

/// A big-endian reader over TPM 2.0 marshalled structures (TPM 2.0 Library, Part 2). Never traps: every read
/// checks the remaining length.
struct TPMReader {
    private let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position == bytes.count }
    var remaining: Int { bytes.count - position }

    mutating func uint8(_ field: String) throws(WebAuthnError) -> UInt8 {
        Array(try read(1, field))[0]
    }

    mutating func uint16(_ field: String) throws(WebAuthnError) -> UInt16 {
        let b = try read(2, field)
        return b.reduce(0) { $0 << 8 | UInt16($1) }
    }

    mutating func uint32(_ field: String) throws(WebAuthnError) -> UInt32 {
        let b = try read(4, field)
        return b.reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func uint64(_ field: String) throws(WebAuthnError) -> UInt64 {
        let b = try read(8, field)
        return b.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A TPM2B: a 16-bit size, then that many bytes.
    mutating func sized(_ field: String) throws(WebAuthnError) -> [UInt8] {
        let count = Int(try uint16(field + " size"))
        return Array(try read(count, field))
    }

    mutating func read(_ count: Int, _ field: String) throws(WebAuthnError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw WebAuthnError(.attestationInvalid, "TPM structure truncated in \(field)")
        }
        defer { position += count }
        return bytes[position..<position + count]
    }
}

/// TPM algorithm identifiers (TPM 2.0 Library, Part 2, TPM_ALG_ID) used by WebAuthn.
enum TPMAlgorithm {
    static let rsa: UInt16 = 0x0001
    static let sha1: UInt16 = 0x0004
    static let sha256: UInt16 = 0x000B
    static let sha384: UInt16 = 0x000C
    static let sha512: UInt16 = 0x000D
    static let null: UInt16 = 0x0010
    static let ecc: UInt16 = 0x0023

    /// The digest for a TPM hash algorithm, or nil.
    static func digest(_ id: UInt16) -> DigestAlgorithm? {
        switch id {
        case sha1: return .sha1
        case sha256: return .sha256
        case sha384: return .sha384
        case sha512: return .sha512
        default: return nil
        }
    }
}

/// `TPMT_PUBLIC` (TPM 2.0 Library, Part 2 §12.2.4): the public area of the credential key (`pubArea`).
struct TPMPublicArea {
    enum Key {
        /// RSA: modulus and exponent (TPM encodes the default exponent 65537 as 0).
        case rsa(modulus: [UInt8], exponent: UInt32)
        /// ECC: TPM_ECC_CURVE and the point.
        case ecc(curveID: UInt16, x: [UInt8], y: [UInt8])
    }

    let type: UInt16
    let nameAlgorithm: UInt16
    let key: Key

    /// Parses a whole `pubArea`.
    ///
    /// - Throws: ``WebAuthnError/Code/attestationInvalid`` for a truncated or unsupported structure, or trailing bytes.
    init(_ bytes: [UInt8]) throws(WebAuthnError) {
        var reader = TPMReader(bytes)
        type = try reader.uint16("pubArea.type")
        nameAlgorithm = try reader.uint16("pubArea.nameAlg")
        _ = try reader.uint32("pubArea.objectAttributes")
        _ = try reader.sized("pubArea.authPolicy")
        // parameters (TPMU_PUBLIC_PARMS): TPMS_RSA_PARMS or TPMS_ECC_PARMS. Both start with symmetric
        // (TPMT_SYM_DEF_OBJECT: an algorithm, then keyBits and mode unless it is TPM_ALG_NULL) and a scheme
        // (an algorithm, then its hash unless it is TPM_ALG_NULL).
        switch type {
        case TPMAlgorithm.rsa:
            try Self.skipSymmetric(&reader)
            try Self.skipScheme(&reader, "pubArea.parameters.scheme")
            _ = try reader.uint16("pubArea.parameters.keyBits")
            let exponent = try reader.uint32("pubArea.parameters.exponent")
            let modulus = try reader.sized("pubArea.unique")
            key = .rsa(modulus: modulus, exponent: exponent)
        case TPMAlgorithm.ecc:
            try Self.skipSymmetric(&reader)
            try Self.skipScheme(&reader, "pubArea.parameters.scheme")
            let curveID = try reader.uint16("pubArea.parameters.curveID")
            try Self.skipScheme(&reader, "pubArea.parameters.kdf")
            let x = try reader.sized("pubArea.unique.x")
            let y = try reader.sized("pubArea.unique.y")
            key = .ecc(curveID: curveID, x: x, y: y)
        default:
            throw WebAuthnError(.attestationInvalid, "TPM pubArea type 0x\(String(type, radix: 16)) is not RSA or ECC")
        }
        guard reader.isAtEnd else {
            throw WebAuthnError(.attestationInvalid, "\(reader.remaining) bytes follow the TPM pubArea")
        }
    }

    private static func skipSymmetric(_ reader: inout TPMReader) throws(WebAuthnError) {
        if try reader.uint16("pubArea.parameters.symmetric") != TPMAlgorithm.null {
            _ = try reader.uint16("pubArea.parameters.symmetric.keyBits")
            _ = try reader.uint16("pubArea.parameters.symmetric.mode")
        }
    }

    private static func skipScheme(_ reader: inout TPMReader, _ field: String) throws(WebAuthnError) {
        if try reader.uint16(field) != TPMAlgorithm.null {
            _ = try reader.uint16(field + ".hashAlg")
        }
    }
}

/// `TPMS_ATTEST` (TPM 2.0 Library, Part 2 §10.12.12) of type TPM_ST_ATTEST_CERTIFY: `certInfo`.
struct TPMCertifyInfo {
    /// TPM_GENERATED_VALUE.
    static let generatedMagic: UInt32 = 0xFF54_4347
    /// TPM_ST_ATTEST_CERTIFY.
    static let attestCertify: UInt16 = 0x8017

    let extraData: [UInt8]
    /// `attested.certify.name`: nameAlg || H(pubArea).
    let attestedName: [UInt8]

    /// Parses a whole `certInfo`.
    ///
    /// - Throws: ``WebAuthnError/Code/attestationInvalid`` for a wrong magic or type (WebAuthn L3 §8.3 step 4:
    ///   magic is TPM_GENERATED_VALUE, type is TPM_ST_ATTEST_CERTIFY), a truncated structure or trailing bytes.
    init(_ bytes: [UInt8]) throws(WebAuthnError) {
        var reader = TPMReader(bytes)
        let magic = try reader.uint32("certInfo.magic")
        guard magic == Self.generatedMagic else {
            throw WebAuthnError(.attestationInvalid, "TPM certInfo magic is 0x\(String(magic, radix: 16)), not TPM_GENERATED_VALUE")
        }
        let type = try reader.uint16("certInfo.type")
        guard type == Self.attestCertify else {
            throw WebAuthnError(.attestationInvalid, "TPM certInfo type is 0x\(String(type, radix: 16)), not TPM_ST_ATTEST_CERTIFY")
        }
        _ = try reader.sized("certInfo.qualifiedSigner")
        extraData = try reader.sized("certInfo.extraData")
        // clockInfo (TPMS_CLOCK_INFO): clock, resetCount, restartCount, safe; firmwareVersion. WebAuthn ignores them.
        _ = try reader.uint64("certInfo.clockInfo.clock")
        _ = try reader.uint32("certInfo.clockInfo.resetCount")
        _ = try reader.uint32("certInfo.clockInfo.restartCount")
        _ = try reader.uint8("certInfo.clockInfo.safe")
        _ = try reader.uint64("certInfo.firmwareVersion")
        // attested (TPMS_CERTIFY_INFO): name, qualifiedName.
        attestedName = try reader.sized("certInfo.attested.name")
        _ = try reader.sized("certInfo.attested.qualifiedName")
        guard reader.isAtEnd else {
            throw WebAuthnError(.attestationInvalid, "\(reader.remaining) bytes follow the TPM certInfo")
        }
    }
}
