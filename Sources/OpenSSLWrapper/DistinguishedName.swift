internal import CLibCrypto

/// A certificate subject or issuer name (RFC 5280 §4.1.2.4), as its attributes in order.
package struct DistinguishedName: Sendable, Hashable {
    /// The attribute type OIDs (dotted, for example "2.5.4.3" for commonName) and values, in encoding order.
    package let attributes: [(oid: String, value: String)]
    /// The DER encoding of the `Name`.
    package let derEncoded: [UInt8]

    /// Reads `name` (an `X509_NAME` that the caller keeps owning).
    init(name: OpaquePointer) {
        var attributes: [(oid: String, value: String)] = []
        let count = X509_NAME_entry_count(name)
        for index in 0..<max(count, 0) {
            guard let entry = X509_NAME_get_entry(name, index), let object = X509_NAME_ENTRY_get_object(entry) else {
                continue
            }
            attributes.append((dottedOID(object), Self.text(of: X509_NAME_ENTRY_get_data(entry))))
        }
        self.attributes = attributes
        var der: [UInt8] = []
        let length = i2d_X509_NAME(name, nil)
        if length > 0 {
            der = [UInt8](repeating: 0, count: Int(length))
            let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
                var cursor = buffer.baseAddress
                return i2d_X509_NAME(name, &cursor)
            }
            if written != length { der = [] }
        }
        self.derEncoded = der
        ERR_clear_error()
    }

    /// The values of every attribute of type `oid`, in order.
    package func values(for oid: String) -> [String] {
        attributes.filter { $0.oid == oid }.map(\.value)
    }

    /// Whether the name has no attributes.
    package var isEmpty: Bool { attributes.isEmpty }

    package static func == (lhs: DistinguishedName, rhs: DistinguishedName) -> Bool {
        lhs.derEncoded == rhs.derEncoded && lhs.attributes.count == rhs.attributes.count
            && zip(lhs.attributes, rhs.attributes).allSatisfy { $0.oid == $1.oid && $0.value == $1.value }
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(derEncoded)
    }

    /// The attribute value as UTF-8 (converted from whichever ASN.1 string type it uses).
    private static func text(of value: UnsafePointer<ASN1_STRING>?) -> String {
        guard let value else { return "" }
        var utf8: UnsafeMutablePointer<UInt8>? = nil
        let length = ASN1_STRING_to_UTF8(&utf8, value)
        if length >= 0, let utf8 {
            // ASN1_STRING_to_UTF8 allocated `utf8`; we free it here.
            defer { CLibCrypto_OPENSSL_free(utf8) }
            return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
        }
        ERR_clear_error()
        guard let data = ASN1_STRING_get0_data(value) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(value))), as: UTF8.self)
    }
}
