/// A phone number in E.164 form (ITU-T E.164): `+`, then 8 to 15 digits, the first not 0.
///
/// Input may carry the usual visual separators (spaces, hyphens, dots, parentheses), which are removed;
/// ``e164`` holds the canonical form (`+18765550123`). A national number without `+` and country code is
/// refused, since its country cannot be known.
public struct PhoneNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The canonical form: `+` and the digits.
    public let e164: String

    /// Validates and normalises `text`.
    ///
    /// - Parameter text: For example `+44 20 7946 0958` or `+1 (876) 555-0123`.
    /// - Throws: ``OneTimeCodeError/Code/invalidPhoneNumber`` when, without separators, it is not `+` and 8 to
    ///   15 digits with a first digit of 1 to 9.
    public init(_ text: String) throws(OneTimeCodeError) {
        var digits: [UInt8] = []
        var sawPlus = false
        for character in text.utf8 {
            switch character {
            case UInt8(ascii: "+") where !sawPlus && digits.isEmpty:
                sawPlus = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard sawPlus else {
                    throw OneTimeCodeError(.invalidPhoneNumber, "the number must start with + and the country code")
                }
                digits.append(character)
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"):
                continue
            default:
                throw OneTimeCodeError(.invalidPhoneNumber, "the number has a character that is not a digit")
            }
        }
        guard sawPlus else {
            throw OneTimeCodeError(.invalidPhoneNumber, "the number must start with + and the country code")
        }
        guard (8...15).contains(digits.count) else {
            throw OneTimeCodeError(.invalidPhoneNumber, "an E.164 number has 8 to 15 digits, not \(digits.count)")
        }
        guard digits[0] != UInt8(ascii: "0") else {
            throw OneTimeCodeError(.invalidPhoneNumber, "no country code starts with 0")
        }
        e164 = "+" + String(decoding: digits, as: UTF8.self)
    }

    /// The digits without the `+`.
    public var digits: Substring { e164.dropFirst() }

    /// The number with all but the last two digits hidden (`+•••••••••23`), for messages and logs.
    public var masked: String {
        let digits = Array(self.digits)
        return "+" + String(repeating: "•", count: max(digits.count - 2, 0)) + String(digits.suffix(2))
    }

    /// ``e164``.
    public var description: String { e164 }

    /// Decodes and re-validates an E.164 string.
    ///
    /// - Parameter decoder: Holds a single string.
    /// - Throws: ``OneTimeCodeError/Code/invalidPhoneNumber`` for stored text that is not E.164.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text)
    }

    /// Encodes ``e164`` as a single string.
    ///
    /// - Parameter encoder: Receives the string.
    /// - Throws: What the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }
}
