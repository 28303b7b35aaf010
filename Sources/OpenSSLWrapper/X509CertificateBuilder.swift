internal import CLibCrypto

/// Builds and signs X.509 certificates: for tests, the benchmark and the software authenticator.
///
/// Set the fields, add extensions in the order they should appear, then ``sign(with:scheme:)``.
/// Extension values are DER; the helpers encode the common ones.
package struct X509CertificateBuilder: Sendable {
    /// The key-usage bits of RFC 5280 §4.2.1.3.
    package struct KeyUsage: OptionSet, Sendable, Hashable {
        package let rawValue: UInt16
        package init(rawValue: UInt16) { self.rawValue = rawValue }
        package static let digitalSignature = KeyUsage(rawValue: 1 << 0)
        package static let nonRepudiation = KeyUsage(rawValue: 1 << 1)
        package static let keyEncipherment = KeyUsage(rawValue: 1 << 2)
        package static let dataEncipherment = KeyUsage(rawValue: 1 << 3)
        package static let keyAgreement = KeyUsage(rawValue: 1 << 4)
        package static let keyCertSign = KeyUsage(rawValue: 1 << 5)
        package static let cRLSign = KeyUsage(rawValue: 1 << 6)
    }

    /// The X.509 version (1, 2 or 3); extensions need 3.
    package var version: Int = 3
    /// The serial number as an unsigned big-endian magnitude.
    package var serialNumber: [UInt8] = [1]
    /// The subject, as (dotted OID, value) pairs in order, for example `("2.5.4.3", "Example")`.
    package var subject: [(oid: String, value: String)]
    /// The issuer; nil means self-issued (the subject).
    package var issuer: [(oid: String, value: String)]?
    /// The start of the validity period, in seconds since 1970 (UTC).
    package var notBefore: Int64
    /// The end of the validity period, in seconds since 1970 (UTC).
    package var notAfter: Int64
    /// The subject public key.
    package var publicKey: EVPKey
    /// The extensions, in order.
    package var extensions: [X509Extension] = []

    /// A builder with the required fields; add extensions afterwards.
    package init(
        subject: [(oid: String, value: String)], issuer: [(oid: String, value: String)]? = nil,
        publicKey: EVPKey, notBefore: Int64, notAfter: Int64, serialNumber: [UInt8] = [1]
    ) {
        self.subject = subject
        self.issuer = issuer
        self.publicKey = publicKey
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.serialNumber = serialNumber
    }

    /// Adds basicConstraints (RFC 5280 §4.2.1.9) in DER: `cA` is omitted when false, as DER requires.
    package mutating func addBasicConstraints(isCA: Bool, pathLength: Int? = nil, critical: Bool = true) {
        var fields: [[UInt8]] = []
        if isCA { fields.append(DER.booleanTrue) }
        if let pathLength { fields.append(DER.integer(max(pathLength, 0))) }
        extensions.append(X509Extension(oid: "2.5.29.19", critical: critical, value: DER.sequence(fields)))
    }

    /// Adds keyUsage (RFC 5280 §4.2.1.3).
    package mutating func addKeyUsage(_ usage: KeyUsage, critical: Bool = true) {
        let bits = (0..<9).filter { usage.rawValue & (1 << $0) != 0 }
        extensions.append(X509Extension(oid: "2.5.29.15", critical: critical, value: DER.namedBitString(bits)))
    }

    /// Adds extKeyUsage (RFC 5280 §4.2.1.12) with the dotted purpose OIDs.
    ///
    /// - Throws: ``OpenSSLError`` when an OID is not valid dotted text.
    package mutating func addExtendedKeyUsage(_ purposes: [String], critical: Bool = false) throws(OpenSSLError) {
        var encoded: [[UInt8]] = []
        for purpose in purposes {
            guard let oid = DER.objectIdentifier(purpose) else {
                throw OpenSSLError(operation: "addExtendedKeyUsage", details: ["not an OID: \(purpose)"])
            }
            encoded.append(oid)
        }
        extensions.append(X509Extension(oid: "2.5.29.37", critical: critical, value: DER.sequence(encoded)))
    }

    /// Adds an extension with an arbitrary DER `value` (also for deliberately sloppy encodings in tests).
    package mutating func addExtension(oid: String, critical: Bool, value: [UInt8]) {
        extensions.append(X509Extension(oid: oid, critical: critical, value: value))
    }

    /// Signs the certificate with `key` under `scheme` (the issuer's key: the subject's own for self-signed).
    ///
    /// - Throws: ``OpenSSLError`` for an invalid OID, a scheme that does not fit `key`, or an OpenSSL failure.
    package func sign(with key: EVPPrivateKey, scheme: SignatureScheme) throws(OpenSSLError) -> X509Certificate {
        guard (1...3).contains(version) else {
            throw OpenSSLError(operation: "X509CertificateBuilder", details: ["version must be 1, 2 or 3"])
        }
        guard scheme.fits(key.publicKey.kind) else {
            throw OpenSSLError(operation: "X509CertificateBuilder", details: ["\(scheme) does not fit the signing key"])
        }
        let certificate = try OwnedPointer(X509_new(), .x509, operation: "X509_new")
        try certificate.withPointer { x509 throws(OpenSSLError) in
            guard X509_set_version(x509, Int(version - 1)) == 1 else { throw OpenSSLError.fromErrorQueue("X509_set_version") }
            try setSerialNumber(x509)
            // X509_set_subject_name / X509_set_issuer_name copy the name; `name` stays ours and is freed.
            let subjectName = try Self.makeName(subject)
            guard subjectName.withPointer({ X509_set_subject_name(x509, $0) }) == 1 else {
                throw OpenSSLError.fromErrorQueue("X509_set_subject_name")
            }
            let issuerName = try Self.makeName(issuer ?? subject)
            guard issuerName.withPointer({ X509_set_issuer_name(x509, $0) }) == 1 else {
                throw OpenSSLError.fromErrorQueue("X509_set_issuer_name")
            }
            // X509_set1_notBefore / notAfter copy the time; ours is freed.
            let start = try Self.makeTime(notBefore)
            let end = try Self.makeTime(notAfter)
            let timesSet = start.withPointer { start in
                end.withPointer { end in
                    X509_set1_notBefore(x509, UnsafePointer(start)) == 1 && X509_set1_notAfter(x509, UnsafePointer(end)) == 1
                }
            }
            guard timesSet else { throw OpenSSLError.fromErrorQueue("X509_set1_notBefore/notAfter") }
            // X509_set_pubkey takes its own reference to the key; the EVPKey keeps ours.
            guard publicKey.withPKey({ X509_set_pubkey(x509, $0) }) == 1 else {
                throw OpenSSLError.fromErrorQueue("X509_set_pubkey")
            }
            for ext in extensions { try Self.add(ext, to: x509) }
            let signing = try OwnedPointer(EVP_MD_CTX_new(), .digestContext, operation: "EVP_MD_CTX_new")
            try signing.withPointer { context throws(OpenSSLError) in
                try key.withPKey { pkey throws(OpenSSLError) in
                    try EVPPrivateKey.initialiseSigning(context, pkey: pkey, scheme: scheme)
                }
                guard X509_sign_ctx(x509, context) > 0 else { throw OpenSSLError.fromErrorQueue("X509_sign_ctx") }
            }
        }
        let der = try certificate.withPointer { x509 throws(OpenSSLError) in try X509Certificate.encode(x509) }
        return try X509Certificate(derEncoded: der)
    }

    // MARK: - Pieces

    private func setSerialNumber(_ x509: OpaquePointer) throws(OpenSSLError) {
        let der = DER.integer(unsignedBytes: serialNumber)
        let serial = der.withUnsafeBufferPointer { buffer -> UnsafeMutablePointer<ASN1_INTEGER>? in
            var cursor = buffer.baseAddress
            return d2i_ASN1_INTEGER(nil, &cursor, buffer.count)
        }
        // d2i_ASN1_INTEGER allocated the integer; `owned` frees it after X509_set_serialNumber copied it.
        let owned = try OwnedPointer(serial.map(OpaquePointer.init), .asn1Integer, operation: "d2i_ASN1_INTEGER")
        guard owned.withPointer({ X509_set_serialNumber(x509, UnsafeMutablePointer($0)) }) == 1 else {
            throw OpenSSLError.fromErrorQueue("X509_set_serialNumber")
        }
    }

    private static func makeName(_ attributes: [(oid: String, value: String)]) throws(OpenSSLError) -> OwnedPointer {
        let name = try OwnedPointer(X509_NAME_new(), .x509Name, operation: "X509_NAME_new")
        for attribute in attributes {
            let object = try makeObject(attribute.oid)
            let added = name.withPointer { name in
                object.withPointer { object in
                    Array(attribute.value.utf8).withUnsafeBufferPointer {
                        X509_NAME_add_entry_by_OBJ(
                            name, object, CLibCrypto_MBSTRING_UTF8(), $0.baseAddress, Int32($0.count), -1, 0)
                    }
                }
            }
            guard added == 1 else { throw OpenSSLError.fromErrorQueue("X509_NAME_add_entry_by_OBJ(\(attribute.oid))") }
        }
        return name
    }

    private static func makeObject(_ dotted: String) throws(OpenSSLError) -> OwnedPointer {
        guard DER.objectIdentifier(dotted) != nil else {
            throw OpenSSLError(operation: "OBJ_txt2obj", details: ["not a dotted OID: \(dotted)"])
        }
        return try OwnedPointer(OBJ_txt2obj(dotted, 1), .asn1Object, operation: "OBJ_txt2obj(\(dotted))")
    }

    private static func makeTime(_ seconds: Int64) throws(OpenSSLError) -> OwnedPointer {
        guard let time = time_t(exactly: seconds) else {
            throw OpenSSLError(operation: "ASN1_TIME_set", details: ["time out of range"])
        }
        return try OwnedPointer(ASN1_TIME_set(nil, time).map(OpaquePointer.init), .asn1Time, operation: "ASN1_TIME_set")
    }

    private static func add(_ ext: X509Extension, to x509: OpaquePointer) throws(OpenSSLError) {
        let object = try makeObject(ext.oid)
        let octets = try OwnedPointer(
            ASN1_OCTET_STRING_new().map(OpaquePointer.init), .asn1OctetString, operation: "ASN1_OCTET_STRING_new")
        let set = octets.withPointer { octets in
            ext.value.withUnsafeBufferPointer {
                ASN1_OCTET_STRING_set(UnsafeMutablePointer(octets), $0.baseAddress, Int32($0.count))
            }
        }
        guard set == 1 else { throw OpenSSLError.fromErrorQueue("ASN1_OCTET_STRING_set") }
        // X509_EXTENSION_create_by_OBJ copies the object and the octets; both stay ours and are freed.
        let created = object.withPointer { object in
            octets.withPointer { octets in
                X509_EXTENSION_create_by_OBJ(nil, object, ext.critical ? 1 : 0, UnsafeMutablePointer(octets))
            }
        }
        let owned = try OwnedPointer(created, .x509Extension, operation: "X509_EXTENSION_create_by_OBJ")
        // X509_add_ext appends a copy; `owned` is freed afterwards.
        guard owned.withPointer({ X509_add_ext(x509, $0, -1) }) == 1 else {
            throw OpenSSLError.fromErrorQueue("X509_add_ext(\(ext.oid))")
        }
    }
}
