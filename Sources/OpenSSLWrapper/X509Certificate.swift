internal import CLibCrypto
import Synchronization

/// An X.509 certificate parsed by OpenSSL (`X509`), with the original DER kept byte for byte.
///
/// Immutable and safe to share across threads. Parsing is as tolerant as OpenSSL's `d2i_X509` (real
/// attestation certificates carry non-DER details such as an explicit default `cA FALSE`); it must
/// consume the whole input. Two certificates are equal when their DER encodings are.
///
/// `d2i_X509` costs about two P-256 verifications in OpenSSL 3.0 (its public-key decoder framework), and
/// attestation certificates repeat across registrations, so parsed `X509` objects are kept in a small
/// process-wide cache keyed by the DER (see `ParsedCertificates`); OpenSSL's `X509` is safe to share.
package final class X509Certificate: @unchecked Sendable, Hashable {
    /// The parsed certificate (shared with other objects for the same DER through the cache).
    private let parsed: ParsedCertificates.Entry
    /// The DER encoding exactly as given.
    package let derEncoded: [UInt8]
    /// The exact bytes of `tbsCertificate` within ``derEncoded``.
    package let tbsCertificateDER: [UInt8]
    /// The serial number: the INTEGER's content octets as encoded (two's complement, big-endian).
    package let serialNumber: [UInt8]
    /// SHA-256 of ``derEncoded``.
    package let fingerprint: [UInt8]
    /// Where subjectPublicKeyInfo lies within ``derEncoded``.
    private let subjectPublicKeyInfoRange: Range<Int>

    /// Parses a DER certificate that spans all of `derEncoded`.
    ///
    /// - Throws: ``OpenSSLError`` when OpenSSL cannot parse it or bytes follow the certificate.
    package init(derEncoded der: [UInt8]) throws(OpenSSLError) {
        let fingerprint = Digest.sha256(der)
        let parsed = try ParsedCertificates.shared.entry(for: der, fingerprint: fingerprint)
        // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } (RFC 5280 §4.1);
        // tbsCertificate starts with an optional [0] version, then the serial number INTEGER.
        guard let outer = DER.element(in: der, at: 0), let parts = DER.children(in: der, of: outer), parts.count == 3,
            parts[0].tag == 0x30, let tbsFields = DER.children(in: der, of: parts[0])
        else {
            throw OpenSSLError(operation: "X509Certificate", details: ["certificate structure not readable"])
        }
        // tbsCertificate: [0] version?, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, …
        let serialIndex = tbsFields.first?.tag == 0xA0 ? 1 : 0
        guard serialIndex + 5 < tbsFields.count, tbsFields[serialIndex].tag == 0x02, tbsFields[serialIndex + 5].tag == 0x30
        else {
            throw OpenSSLError(operation: "X509Certificate", details: ["tbsCertificate has no serial number or key"])
        }
        subjectPublicKeyInfoRange = tbsFields[serialIndex + 5].whole
        self.parsed = parsed
        derEncoded = der
        self.fingerprint = fingerprint
        tbsCertificateDER = Array(der[parts[0].whole])
        serialNumber = Array(der[tbsFields[serialIndex].contents])
    }

    /// Every certificate in a PEM text (`-----BEGIN CERTIFICATE-----` blocks), in order.
    ///
    /// - Throws: ``OpenSSLError`` when there is no certificate or a block does not parse.
    package static func certificates(fromPEM pem: String) throws(OpenSSLError) -> [X509Certificate] {
        let bio = try MemoryBIO.make(copying: Array(pem.utf8))
        var certificates: [X509Certificate] = []
        while true {
            // PEM_read_bio_X509 returns a new X509 that `owned` takes over (freed at the end of this iteration).
            guard let next = bio.withPointer({ PEM_read_bio_X509($0, nil, noPassword, nil) }) else { break }
            let owned = OwnedPointer(taking: next, .x509)
            let der = try owned.withPointer { certificate throws(OpenSSLError) in try encode(certificate) }
            certificates.append(try X509Certificate(derEncoded: der))
        }
        // The loop ends at the first read that fails: either after the last block (no start line) or at a bad block.
        let last = ERR_peek_last_error()
        let cleanEnd = ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE
        guard cleanEnd, !certificates.isEmpty else {
            throw OpenSSLError.fromErrorQueue("PEM_read_bio_X509 (\(certificates.count) certificates read)")
        }
        ERR_clear_error()
        return certificates
    }

    /// The DER encoding of `certificate` (OpenSSL returns the cached original encoding of a parsed certificate).
    static func encode(_ certificate: OpaquePointer) throws(OpenSSLError) -> [UInt8] {
        let length = i2d_X509(certificate, nil)
        guard length > 0 else { throw OpenSSLError.fromErrorQueue("i2d_X509") }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_X509(certificate, &cursor)
        }
        guard written == length else { throw OpenSSLError.fromErrorQueue("i2d_X509") }
        return der
    }

    /// Runs `body` with the `X509`, valid for the duration of the call only.
    func withX509<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(self) { () throws(E) -> R in try body(parsed.x509) }
    }

    /// The `X509` for the getters below (valid while `self` is: they run inside its methods).
    private var x509: OpaquePointer { parsed.x509 }

    package static func == (lhs: X509Certificate, rhs: X509Certificate) -> Bool { lhs.derEncoded == rhs.derEncoded }
    package func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }

    // MARK: - Fields

    /// The certificate as a `CERTIFICATE` PEM block.
    package var pem: String { PEMText.encode(derEncoded, label: "CERTIFICATE") }

    /// The X.509 version: 1, 2 or 3.
    package var version: Int { Int(X509_get_version(x509)) + 1 }

    /// The subject name.
    package var subject: DistinguishedName {
        // X509_get_subject_name returns a pointer owned by the certificate (borrowed, not freed here).
        guard let name = X509_get_subject_name(x509) else { return DistinguishedName(empty: ()) }
        return DistinguishedName(name: name)
    }

    /// The issuer name.
    package var issuer: DistinguishedName {
        // X509_get_issuer_name returns a pointer owned by the certificate (borrowed, not freed here).
        guard let name = X509_get_issuer_name(x509) else { return DistinguishedName(empty: ()) }
        return DistinguishedName(name: name)
    }

    /// The start of the validity period, in seconds since 1970 (UTC).
    package var notBefore: Int64 { Self.unixTime(X509_get0_notBefore(x509)) }

    /// The end of the validity period, in seconds since 1970 (UTC).
    package var notAfter: Int64 { Self.unixTime(X509_get0_notAfter(x509)) }

    /// The subject public key, made from the certificate's SubjectPublicKeyInfo on first use and then kept
    /// (so its verification contexts are reused too).
    ///
    /// - Throws: ``OpenSSLError`` for a key type or curve ``EVPKey`` does not support.
    package var publicKey: EVPKey {
        get throws(OpenSSLError) {
            if let key = parsed.publicKey.withLock({ $0 }) { return key }
            let key = try EVPKey(subjectPublicKeyInfoDER: Array(derEncoded[subjectPublicKeyInfoRange]))
            parsed.publicKey.withLock { $0 = key }
            return key
        }
    }

    /// The basic constraints (RFC 5280 §4.2.1.9), or nil when the extension is absent (or present but
    /// undecodable or repeated: see ``extension(oid:)`` for the raw value).
    package var basicConstraints: (isCA: Bool, pathLength: Int?)? {
        var critical: Int32 = 0
        guard let raw = X509_get_ext_d2i(x509, NID_basic_constraints, &critical, nil) else {
            ERR_clear_error()
            return nil
        }
        // X509_get_ext_d2i returned a newly decoded BASIC_CONSTRAINTS that `owned` frees.
        let owned = OwnedPointer(taking: OpaquePointer(raw), .basicConstraints)
        return owned.withPointer { pointer in
            let constraints = UnsafeMutablePointer<BASIC_CONSTRAINTS>(pointer).pointee
            let pathLength = constraints.pathlen.map { Int(ASN1_INTEGER_get($0)) }
            return (constraints.ca != 0, pathLength)
        }
    }

    /// Every extension, in order.
    package var extensions: [X509Extension] {
        let count = X509_get_ext_count(x509)
        var result: [X509Extension] = []
        for index in 0..<max(count, 0) {
            // X509_get_ext returns a pointer owned by the certificate (borrowed).
            guard let ext = X509_get_ext(x509, index), let object = X509_EXTENSION_get_object(ext) else { continue }
            var value: [UInt8] = []
            if let data = X509_EXTENSION_get_data(ext), let bytes = ASN1_STRING_get0_data(data) {
                value = Array(UnsafeBufferPointer(start: bytes, count: Int(ASN1_STRING_length(data))))
            }
            result.append(X509Extension(oid: dottedOID(object), critical: X509_EXTENSION_get_critical(ext) != 0, value: value))
        }
        return result
    }

    /// The first extension with OID `oid`, or nil.
    package func `extension`(oid: String) -> X509Extension? {
        extensions.first { $0.oid == oid }
    }

    /// The extended key usage purposes as dotted OIDs (RFC 5280 §4.2.1.12), or nil when the extension is
    /// absent (or undecodable).
    package var extendedKeyUsage: [String]? {
        guard let raw = X509_get_ext_d2i(x509, NID_ext_key_usage, nil, nil) else {
            ERR_clear_error()
            return nil
        }
        // X509_get_ext_d2i returned a newly decoded STACK_OF(ASN1_OBJECT) that `owned` frees with its objects.
        let owned = OwnedPointer(taking: OpaquePointer(raw), .extendedKeyUsage)
        return owned.withPointer { stack in
            (0..<max(CLibCrypto_sk_ASN1_OBJECT_num(stack), 0)).compactMap { index in
                CLibCrypto_sk_ASN1_OBJECT_value(stack, index).map { dottedOID($0) }
            }
        }
    }

    /// The OID of the certificate's signature algorithm, dotted ("1.2.840.10045.4.3.2" for ecdsa-with-SHA256).
    package var signatureAlgorithmOID: String {
        var algorithm: UnsafePointer<X509_ALGOR>? = nil
        X509_get0_signature(nil, &algorithm, x509)
        var object: OpaquePointer? = nil
        X509_ALGOR_get0(&object, nil, nil, algorithm)
        guard let object else { return "" }
        return dottedOID(object)
    }

    // MARK: - Time

    /// Seconds since 1970 for an ASN.1 UTCTime/GeneralizedTime (0 if OpenSSL cannot read it).
    private static func unixTime(_ time: UnsafePointer<ASN1_TIME>?) -> Int64 {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else {
            ERR_clear_error()
            return 0
        }
        return secondsSinceEpoch(
            year: Int64(parts.tm_year) + 1900, month: Int64(parts.tm_mon) + 1, day: Int64(parts.tm_mday),
            hour: Int64(parts.tm_hour), minute: Int64(parts.tm_min), second: Int64(parts.tm_sec))
    }
}

/// Seconds since 1970-01-01T00:00:00Z for a proleptic Gregorian UTC date and time.
func secondsSinceEpoch(year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64) -> Int64 {
    // Days from civil (H. Hinnant's algorithm): shift the year to start in March so leap days come last.
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let monthIndex = month > 2 ? month - 3 : month + 9
    let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    return days * 86_400 + hour * 3_600 + minute * 60 + second
}

extension DistinguishedName {
    /// An empty name (no attributes, encoded as an empty SEQUENCE).
    init(empty: Void) {
        self.attributes = []
        self.derEncoded = [0x30, 0x00]
    }
}

/// The process-wide cache of parsed certificates: `X509` objects by the SHA-256 of their DER, with the
/// DER compared on every hit. At most 512 are kept; certificates still in use keep theirs alive.
final class ParsedCertificates: Sendable {
    static let shared = ParsedCertificates()

    /// One parsed certificate: owns one reference to its `X509` (freed in deinit) and, once made, its public key.
    final class Entry: @unchecked Sendable {
        let der: [UInt8]
        /// The X509, owned by this entry. OpenSSL's X509 is safe to use from several threads (its lazily
        /// cached extension data is guarded by the X509's own lock).
        let x509: OpaquePointer
        let publicKey = Mutex<EVPKey?>(nil)

        init(der: [UInt8], taking x509: consuming OwnedPointer) {
            self.der = der
            // Ownership of the X509 reference moves into this entry.
            self.x509 = x509.release()
        }

        deinit { X509_free(x509) }
    }

    private let cache = BoundedCache<[UInt8], Entry>(capacity: 512)

    /// The parsed certificate `der` (whose SHA-256 is `fingerprint`), from the cache or parsed now.
    func entry(for der: [UInt8], fingerprint: [UInt8]) throws(OpenSSLError) -> Entry {
        if let entry = cache.value(for: fingerprint), entry.der == der { return entry }
        let parsed = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            guard let start = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = start
            guard let certificate = d2i_X509(nil, &cursor, buffer.count) else { return nil }
            guard let end = cursor, end - start == buffer.count else {
                X509_free(certificate)
                ERR_clear_error()
                return nil
            }
            return certificate
        }
        let entry = Entry(der: der, taking: try OwnedPointer(parsed, .x509, operation: "d2i_X509 (whole certificate)"))
        cache.insert(entry, for: fingerprint)
        return entry
    }
}
