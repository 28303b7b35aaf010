/// One certificate extension (RFC 5280 §4.1: `Extension`).
package struct X509Extension: Sendable, Hashable {
    /// The extension's OID in dotted form ("2.5.29.19").
    package let oid: String
    /// Whether the extension is marked critical.
    package let critical: Bool
    /// The contents of `extnValue`: the DER encoding of the extension's own value.
    package let value: [UInt8]

    /// An extension with the given OID, criticality and DER value.
    package init(oid: String, critical: Bool, value: [UInt8]) {
        self.oid = oid
        self.critical = critical
        self.value = value
    }
}
