/// A plugged-in FIDO key as enumeration finds it (`fido_dev_info_manifest`).
public struct DeviceDescriptor: Sendable, Hashable {
    /// The hidraw node, for example `/dev/hidraw3`.
    public let path: String
    /// The USB vendor ID (0x1050 Yubico, 0x096e Feitian, …).
    public let vendorID: UInt16
    /// The USB product ID.
    public let productID: UInt16
    /// The manufacturer string.
    public let manufacturer: String
    /// The product string.
    public let product: String

    /// A descriptor; enumeration makes these, and tests may too.
    ///
    /// - Parameters:
    ///   - path: The hidraw node.
    ///   - vendorID: The USB vendor ID.
    ///   - productID: The USB product ID.
    ///   - manufacturer: The manufacturer string.
    ///   - product: The product string.
    public init(path: String, vendorID: UInt16, productID: UInt16, manufacturer: String, product: String) {
        self.path = path
        self.vendorID = vendorID
        self.productID = productID
        self.manufacturer = manufacturer
        self.product = product
    }

    /// `"Yubico YubiKey OTP+FIDO+CCID (1050:0407) at /dev/hidraw3"`.
    public var summary: String {
        "\(manufacturer) \(product) (\(Self.hex(vendorID)):\(Self.hex(productID))) at \(path)"
    }

    /// The descriptor as a JSON object: `path`, `vendorId` and `productId` (as `"0x1050"` strings),
    /// `manufacturer`, `product`.
    ///
    /// - Returns: The JSON bytes.
    public func jsonBytes() -> [UInt8] {
        jsonValue.bytes()
    }

    var jsonValue: OutputJSON {
        .object([
            ("path", .string(path)), ("vendorId", .string("0x" + Self.hex(vendorID))),
            ("productId", .string("0x" + Self.hex(productID))), ("manufacturer", .string(manufacturer)),
            ("product", .string(product)),
        ])
    }

    /// Four lowercase hex digits.
    static func hex(_ value: UInt16) -> String {
        HexText.encode([UInt8(value >> 8), UInt8(value & 0xFF)])
    }

    /// A JSON array of descriptors, for `keybridge devices --json`.
    ///
    /// - Parameter descriptors: The descriptors.
    /// - Returns: The JSON bytes.
    public static func jsonBytes(_ descriptors: [DeviceDescriptor]) -> [UInt8] {
        OutputJSON.array(descriptors.map(\.jsonValue)).bytes()
    }
}
