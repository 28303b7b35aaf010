internal import CLibCrypto

/// A hash function from the SHA family.
package enum DigestAlgorithm: Sendable, Hashable {
    case sha1, sha256, sha384, sha512

    /// The digest length in bytes.
    package var outputSize: Int {
        switch self {
        case .sha1: return 20
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    /// The OpenSSL algorithm name, as `EVP_MD_fetch` and the signature parameters take it.
    var openSSLName: String {
        switch self {
        case .sha1: return "SHA1"
        case .sha256: return "SHA256"
        case .sha384: return "SHA384"
        case .sha512: return "SHA512"
        }
    }
}

/// One-shot message digests.
package enum Digest {
    /// The digest of `data` under `algorithm`.
    package static func hash(_ algorithm: DigestAlgorithm, _ data: [UInt8]) -> [UInt8] {
        data.withUnsafeBytes { hash(algorithm, $0) }
    }

    /// SHA-256 of `data`.
    package static func sha256(_ data: [UInt8]) -> [UInt8] {
        data.withUnsafeBytes { hash(.sha256, $0) }
    }

    /// SHA-256 of the bytes in `data`.
    package static func sha256(_ data: UnsafeRawBufferPointer) -> [UInt8] {
        hash(.sha256, data)
    }

    /// The digest of the bytes in `data` under `algorithm`.
    ///
    /// `EVP_Digest` with an `EVP_MD` fetched once per process: the one-shot `SHA256()` of OpenSSL 3.0
    /// fetches the implementation on every call, which costs more than hashing a short message.
    package static func hash(_ algorithm: DigestAlgorithm, _ data: UnsafeRawBufferPointer) -> [UInt8] {
        let md = FetchedDigests.shared.md(algorithm)
        return [UInt8](unsafeUninitializedCapacity: algorithm.outputSize) { buffer, initialized in
            var length: UInt32 = 0
            let ok = EVP_Digest(data.baseAddress, data.count, buffer.baseAddress, &length, md, nil)
            // Only an allocation failure inside OpenSSL makes EVP_Digest fail; no input does. Returning a
            // wrong digest would be a silent security failure, so stop instead.
            guard ok == 1, Int(length) == algorithm.outputSize else {
                fatalError(OpenSSLError.fromErrorQueue("EVP_Digest").description)
            }
            initialized = Int(length)
        }
    }
}

/// The `EVP_MD` implementations, fetched once per process and never freed.
///
/// `EVP_MD_fetch` takes locks and searches the provider store; doing it once here keeps it off every
/// hash and every signature check. A fetched `EVP_MD` is immutable and safe to share across threads.
final class FetchedDigests: @unchecked Sendable {
    static let shared = FetchedDigests()

    private let sha1: OpaquePointer
    private let sha256: OpaquePointer
    private let sha384: OpaquePointer
    private let sha512: OpaquePointer

    private init() {
        // Each fetch returns a reference this object owns for the life of the process. Should a fetch
        // fail (no default provider), the legacy static table entry still works: OpenSSL then fetches
        // implicitly on each use, which is slower but correct.
        sha1 = EVP_MD_fetch(nil, "SHA1", nil) ?? EVP_sha1()
        sha256 = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256()
        sha384 = EVP_MD_fetch(nil, "SHA384", nil) ?? EVP_sha384()
        sha512 = EVP_MD_fetch(nil, "SHA512", nil) ?? EVP_sha512()
        ERR_clear_error()
    }

    /// The shared `EVP_MD` for `algorithm` (borrowed: callers must not free it).
    func md(_ algorithm: DigestAlgorithm) -> OpaquePointer {
        switch algorithm {
        case .sha1: return sha1
        case .sha256: return sha256
        case .sha384: return sha384
        case .sha512: return sha512
        }
    }
}
