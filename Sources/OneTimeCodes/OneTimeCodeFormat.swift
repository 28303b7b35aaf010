/// Text form of codes.
enum OneTimeCodeFormat {
    /// `value` as decimal text, zero-padded to `digits`.
    static func text(of value: UInt32, digits: Int) -> String {
        var characters = [UInt8](repeating: UInt8(ascii: "0"), count: digits)
        var rest = value
        var index = digits - 1
        while index >= 0 {
            characters[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            index -= 1
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// The value of `input` when it is exactly `digits` ASCII digits once spaces are removed, else nil.
    ///
    /// Runs over the UTF-8 view without allocating.
    static func parse(_ input: String, digits: Int) -> UInt32? {
        var value: UInt32 = 0
        var count = 0
        for character in input.utf8 {
            if character == UInt8(ascii: " ") { continue }
            guard character >= UInt8(ascii: "0"), character <= UInt8(ascii: "9"), count < digits else { return nil }
            value = value &* 10 &+ UInt32(character - UInt8(ascii: "0"))
            count += 1
        }
        return count == digits ? value : nil
    }
}
