/// Appends bit fields, most significant bit first.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    mutating func append(_ value: UInt32, count length: Int) {
        var index = length - 1
        while index >= 0 {
            if count % 8 == 0 { bytes.append(0) }
            if (value >> UInt32(index)) & 1 == 1 { bytes[bytes.count - 1] |= 0x80 >> UInt8(count % 8) }
            count += 1
            index -= 1
        }
    }
}
