internal import CLibCrypto

/// A libcrypto object this module owns, freed with the function that matches its ``Kind``.
///
/// The one owner of a short-lived object (a BIO, a BIGNUM, a context, …). Its `deinit` frees; the
/// pointer is reachable only inside ``withPointer(_:)``, and ``release()`` hands ownership to OpenSSL
/// at a `set0`/`push`-style call (the caller comments each hand-off).
struct OwnedPointer: ~Copyable {
    /// Which free function matches the pointer.
    enum Kind {
        case bio, bigNumber, pkeyContext, digestContext, pkey
        case x509, x509Store, x509StoreContext, x509Name, x509Extension
        /// A `STACK_OF(X509)` that borrows its certificates (only the stack is freed).
        case borrowingCertificateStack
        case asn1Object, asn1Integer, asn1Time, asn1OctetString
        case basicConstraints, extendedKeyUsage
        case ecGroup, ecPoint, bigNumberContext
        /// A BIGNUM holding a secret, cleared before it is freed.
        case secretBigNumber
    }

    private let pointer: OpaquePointer
    private let kind: Kind

    /// Takes ownership of `pointer`, or throws the drained error queue for `operation` when it is NULL.
    init(_ pointer: OpaquePointer?, _ kind: Kind, operation: String) throws(OpenSSLError) {
        guard let pointer else { throw OpenSSLError.fromErrorQueue(operation) }
        self.pointer = pointer
        self.kind = kind
    }

    /// Takes ownership of a non-NULL `pointer`.
    init(taking pointer: OpaquePointer, _ kind: Kind) {
        self.pointer = pointer
        self.kind = kind
    }

    /// Runs `body` with the pointer, which stays valid for the duration of the call only.
    borrowing func withPointer<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R {
        try body(pointer)
    }

    /// Gives up ownership without freeing: for a call that takes it over (`set0`, `push`, `X509_add_ext` does not).
    consuming func release() -> OpaquePointer {
        let pointer = self.pointer
        discard self
        return pointer
    }

    deinit {
        switch kind {
        case .bio: BIO_free(pointer)
        case .bigNumber: BN_free(pointer)
        case .pkeyContext: EVP_PKEY_CTX_free(pointer)
        case .digestContext: EVP_MD_CTX_free(pointer)
        case .pkey: EVP_PKEY_free(pointer)
        case .x509: X509_free(pointer)
        case .x509Store: X509_STORE_free(pointer)
        case .x509StoreContext: X509_STORE_CTX_free(pointer)
        case .x509Name: X509_NAME_free(pointer)
        case .x509Extension: X509_EXTENSION_free(pointer)
        case .borrowingCertificateStack: CLibCrypto_sk_X509_free(pointer)
        case .asn1Object: ASN1_OBJECT_free(pointer)
        case .asn1Integer: ASN1_INTEGER_free(UnsafeMutablePointer(pointer))
        case .asn1Time: ASN1_TIME_free(UnsafeMutablePointer(pointer))
        case .asn1OctetString: ASN1_OCTET_STRING_free(UnsafeMutablePointer(pointer))
        case .basicConstraints: BASIC_CONSTRAINTS_free(UnsafeMutablePointer(pointer))
        case .extendedKeyUsage: EXTENDED_KEY_USAGE_free(pointer)
        case .ecGroup: EC_GROUP_free(pointer)
        case .ecPoint: EC_POINT_free(pointer)
        case .bigNumberContext: BN_CTX_free(pointer)
        case .secretBigNumber: BN_clear_free(pointer)
        }
    }
}

/// An `OSSL_PARAM` array from `OSSL_PARAM_BLD_to_param`, freed with `OSSL_PARAM_free`.
struct OwnedParams: ~Copyable {
    private let params: UnsafeMutablePointer<OSSL_PARAM>

    /// Takes ownership of `params` (from `OSSL_PARAM_BLD_to_param`).
    init(taking params: UnsafeMutablePointer<OSSL_PARAM>) {
        self.params = params
    }

    borrowing func withPointer<R, E: Error>(_ body: (UnsafeMutablePointer<OSSL_PARAM>) throws(E) -> R) throws(E) -> R {
        try body(params)
    }

    deinit { OSSL_PARAM_free(params) }
}

// MARK: - Memory BIOs

enum MemoryBIO {
    /// A new, empty memory BIO.
    static func make() throws(OpenSSLError) -> OwnedPointer {
        try OwnedPointer(BIO_new(BIO_s_mem()), .bio, operation: "BIO_new")
    }

    /// A memory BIO holding a copy of `bytes`; with `secret`, in OpenSSL's secure heap (cleared on free).
    static func make(copying bytes: [UInt8], secret: Bool = false) throws(OpenSSLError) -> OwnedPointer {
        let bio = try secret ? OwnedPointer(BIO_new(BIO_s_secmem()), .bio, operation: "BIO_new") : make()
        if !bytes.isEmpty {
            let written = bio.withPointer { bio in
                bytes.withUnsafeBytes { BIO_write(bio, $0.baseAddress, Int32(clamping: $0.count)) }
            }
            guard Int(written) == bytes.count else { throw OpenSSLError.fromErrorQueue("BIO_write") }
        }
        return bio
    }

    /// Everything written to the memory BIO `bio` so far.
    static func contents(_ bio: OpaquePointer) -> [UInt8] {
        var data: UnsafeMutablePointer<CChar>? = nil
        let length = CLibCrypto_BIO_get_mem_data(bio, &data)
        guard length > 0, let data else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }
}

// MARK: - Conversions

extension OwnedPointer {
    /// A BIGNUM holding the unsigned big-endian integer `bytes`.
    static func bigNumber(_ bytes: [UInt8], secret: Bool = false) throws(OpenSSLError) -> OwnedPointer {
        let bn = bytes.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32(clamping: $0.count), nil) }
        return try OwnedPointer(bn, secret ? .secretBigNumber : .bigNumber, operation: "BN_bin2bn")
    }
}

/// The big-endian bytes of `bn`, left-padded with zeros to `width` bytes when given (nil if it does not fit).
func bigNumberBytes(_ bn: OpaquePointer, width: Int? = nil) -> [UInt8]? {
    let size = (Int(BN_num_bits(bn)) + 7) / 8
    let count = width ?? size
    guard size <= count else { return nil }
    if count == 0 { return [] }
    return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        let written = BN_bn2binpad(bn, buffer.baseAddress, Int32(count))
        initialized = written == Int32(count) ? count : 0
    }
}

/// The dotted text form of an ASN.1 object identifier ("2.5.4.3").
func dottedOID(_ object: OpaquePointer) -> String {
    var buffer = [CChar](repeating: 0, count: 128)
    let needed = buffer.withUnsafeMutableBufferPointer { OBJ_obj2txt($0.baseAddress, Int32($0.count), object, 1) }
    if needed >= 128 {
        buffer = [CChar](repeating: 0, count: Int(needed) + 1)
        _ = buffer.withUnsafeMutableBufferPointer { OBJ_obj2txt($0.baseAddress, Int32($0.count), object, 1) }
    }
    return String(cStringBuffer: buffer)
}

/// The UTF-8 text of a NUL-terminated C string.
func string(fromC pointer: UnsafePointer<CChar>?) -> String {
    guard let pointer else { return "" }
    return String(cString: pointer)
}
