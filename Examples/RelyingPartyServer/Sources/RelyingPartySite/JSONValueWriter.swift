import Logging
import HTTPTypes
/// A minimal JSON writer for responses that embed JSON the WebAuthn module already serialized (options in
/// the Level 3 JSON form) next to ordinary fields.
enum JSONValueWriter {
    indirect enum Value: Sendable {
        case string(String)
        case int(Int64)
        case bool(Bool)
        case null
        /// Already-serialized JSON, inserted as is.
        case raw(String)
        case array([Value])
        case object([(String, Value)])
    }

    static func object(_ fields: [(String, Value)]) -> String {
        var out = ""
        write(.object(fields), into: &out)
        return out
    }

    static func write(_ value: Value, into out: inout String) {
        switch value {
        case .string(let text): writeString(text, into: &out)
        case .int(let number): out += String(number)
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        case .raw(let json): out += json
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (index, (key, item)) in fields.enumerated() {
                if index > 0 { out += "," }
                writeString(key, into: &out)
                out += ":"
                write(item, into: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"  // keeps a JSON body inert if a browser ever sniffs it as HTML
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
