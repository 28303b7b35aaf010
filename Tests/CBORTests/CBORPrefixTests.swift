import CBOR
import Testing

@Suite("Prefix decoding and input forms")
struct CBORPrefixTests {
    /// An ES256 COSE_Key in CTAP2 canonical form (labels per RFC 9052 §7 and RFC 9053 §7.1.1).
    private let coseKey = hex("a5 0102 0326 2001 215820") + [UInt8](repeating: 0x11, count: 32) + hex("225820")
        + [UInt8](repeating: 0x22, count: 32)
    /// An authenticator extensions map, {"credProtect": 2}, as it follows the key in authenticator data.
    private let extensions = hex("a1 6b 6372656450726f74656374 02")

    @Test("decodePrefix returns the first item and its length, leaving what follows")
    func prefixBeforeExtensions() throws {
        let input = coseKey + extensions
        let (value, length) = try CBORDecoder().decodePrefix(input[...])
        #expect(length == coseKey.count)
        #expect(value.mapValue?[int: 3] == -7)
        #expect(value.mapValue?[int: -2]?.bytesValue == [UInt8](repeating: 0x11, count: 32))
        let rest = try CBORDecoder().decode(input[length...])
        #expect(rest.mapValue?[text: "credProtect"] == 2)
    }

    @Test("Lengths and error offsets count from the slice's first byte, not the array's")
    func offsetsAreSliceRelative() throws {
        let input: [UInt8] = [0xff, 0xff, 0xff] + coseKey + extensions
        let slice = input[3...]
        #expect(try CBORDecoder().decodePrefix(slice).length == coseKey.count)

        let bad: [UInt8] = [0xff, 0xff] + hex("82 01 18 05")
        do {
            _ = try CBORDecoder().decodePrefix(bad[2...])
            Issue.record("non-minimal integer accepted")
        } catch {
            #expect(error.code == .nonMinimalEncoding)
            #expect(error.offset == 2)
        }
        let trailing = try #require(decodingError { () throws(CBORError) in try CBORDecoder().decode(input[3...]) })
        #expect(trailing.code == .trailingBytes)
        #expect(trailing.offset == coseKey.count)
    }

    @Test("decodePrefix of a single item takes all of it; of a truncated item it fails")
    func prefixEdges() throws {
        #expect(try CBORDecoder().decodePrefix(coseKey[...]).length == coseKey.count)
        do {
            _ = try CBORDecoder().decodePrefix(coseKey.dropLast())
            Issue.record("truncated key accepted")
        } catch {
            #expect(error.code == .truncated)
        }
    }

    @Test("Arrays, slices, contiguous and non-contiguous collections decode alike")
    func inputForms() throws {
        let bytes = hex("a2 01 82 02 03 61 61 f5")
        let expected = try CBORDecoder().decode(bytes)
        #expect(try CBORDecoder().decode(bytes[...]) == expected)
        #expect(try CBORDecoder().decode(bytes.lazy.map { $0 }) == expected)
        #expect(try CBORDecoder().decode(bytes.reversed().reversed()) == expected)
        let error = try #require(decodingError { () throws(CBORError) in try CBORDecoder().decode(bytes.dropLast().lazy.map { $0 }) })
        #expect(error.code == .truncated)
    }
}
