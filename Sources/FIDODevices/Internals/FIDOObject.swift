internal import CFIDO2

/// A libfido2 object this module owns, freed once, in `deinit`, with the free function that matches its
/// ``Kind``.
///
/// The pointer is reachable only inside ``withPointer(_:)`` and never leaves this module. Objects that
/// libfido2 hands out *from* an owned object (a `const fido_cred_t *` from `fido_credman_rk`, the strings
/// and blobs of the `*_ptr` getters) are borrowed: they are read while the owner is alive and copied into
/// Swift values before the owner goes away.
struct FIDOObject: ~Copyable {
    /// Which constructor made the pointer and which free function matches it.
    enum Kind {
        case credential, assertion, cborInfo
        case credentialManagementMetadata, credentialManagementRelyingParties, credentialManagementCredentials
        case es256PublicKey, eddsaPublicKey, rs256PublicKey
    }

    private let pointer: OpaquePointer
    private let kind: Kind

    /// Creates a new, empty object of `kind`.
    ///
    /// - Throws: ``FIDOError/Code/allocationFailed`` when libfido2 cannot allocate it.
    init(_ kind: Kind) throws(FIDOError) {
        switch kind {
        case .credential: pointer = try LibFIDO2.allocate("fido_cred_new") { fido_cred_new() }
        case .assertion: pointer = try LibFIDO2.allocate("fido_assert_new") { fido_assert_new() }
        case .cborInfo: pointer = try LibFIDO2.allocate("fido_cbor_info_new") { fido_cbor_info_new() }
        case .credentialManagementMetadata:
            pointer = try LibFIDO2.allocate("fido_credman_metadata_new") { fido_credman_metadata_new() }
        case .credentialManagementRelyingParties:
            pointer = try LibFIDO2.allocate("fido_credman_rp_new") { fido_credman_rp_new() }
        case .credentialManagementCredentials:
            pointer = try LibFIDO2.allocate("fido_credman_rk_new") { fido_credman_rk_new() }
        case .es256PublicKey: pointer = try LibFIDO2.allocate("es256_pk_new") { es256_pk_new() }
        case .eddsaPublicKey: pointer = try LibFIDO2.allocate("eddsa_pk_new") { eddsa_pk_new() }
        case .rs256PublicKey: pointer = try LibFIDO2.allocate("rs256_pk_new") { rs256_pk_new() }
        }
        self.kind = kind
    }

    /// Runs `body` with the pointer, which is valid for the duration of the call only.
    borrowing func withPointer<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R {
        try body(pointer)
    }

    deinit {
        // The free functions take a pointer to the pointer and set it to NULL; the copy is ours to clear.
        var owned: OpaquePointer? = pointer
        switch kind {
        case .credential: fido_cred_free(&owned)
        case .assertion: fido_assert_free(&owned)
        case .cborInfo: fido_cbor_info_free(&owned)
        case .credentialManagementMetadata: fido_credman_metadata_free(&owned)
        case .credentialManagementRelyingParties: fido_credman_rp_free(&owned)
        case .credentialManagementCredentials: fido_credman_rk_free(&owned)
        case .es256PublicKey: es256_pk_free(&owned)
        case .eddsaPublicKey: eddsa_pk_free(&owned)
        case .rs256PublicKey: rs256_pk_free(&owned)
        }
    }
}

/// Copies of what libfido2's getters lend.
enum Borrowed {
    /// A copy of `count` bytes at `pointer` (empty for NULL or zero).
    static func bytes(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// A copy of a NUL-terminated C string (nil for NULL), with invalid UTF-8 repaired.
    static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// Copies of `count` C strings at `pointer`.
    static func strings(_ pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ count: Int) -> [String] {
        guard let pointer, count > 0 else { return [] }
        return (0..<count).map { string(pointer[$0]) ?? "" }
    }
}
