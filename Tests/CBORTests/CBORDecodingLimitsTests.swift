import CBOR
import Testing

@Suite("Decoding limits")
struct CBORDecodingLimitsTests {
    /// `count` nested one-element arrays around the integer 0: depth `count`.
    private func nestedArrays(_ count: Int) -> [UInt8] { Array(repeating: 0x81, count: count) + [0x00] }

    @Test("The defaults are depth 16, 10 000 items and 1 MiB")
    func defaults() {
        let limits = CBORDecodingLimits.default
        #expect(limits.maxDepth == 16)
        #expect(limits.maxItems == 10_000)
        #expect(limits.maxBytes == 1 << 20)
        #expect(CBORDecoder().limits == limits)
        #expect(!CBORDecoder().requireCanonicalMapOrder)
        #expect(!CBORDecoder().allowTags)
    }

    @Test("Nesting up to the depth limit decodes; one more level fails at the container that exceeds it")
    func depthLimit() throws {
        _ = try CBORDecoder().decode(nestedArrays(16))
        let error = try #require(decodingError { () throws(CBORError) in try CBORDecoder().decode(nestedArrays(17)) })
        #expect(error.code == .depthLimitExceeded)
        #expect(error.offset == 16)
    }

    @Test("Empty containers, maps and tags count towards the depth")
    func depthCountsEveryContainer() throws {
        let shallow = CBORDecoder(limits: CBORDecodingLimits(maxDepth: 2), allowTags: true)
        _ = try shallow.decode(hex("81 80"))
        _ = try shallow.decode(hex("a1 01 a0"))
        _ = try shallow.decode(hex("c1 c1 00"))
        for (encoded, offset) in [("81 81 80", 2), ("a1 01 a1 01 a0", 4), ("c1 c1 c1 00", 2), ("81 c1 a0", 2)] {
            let error = try #require(decodingError { () throws(CBORError) in try shallow.decode(hex(encoded)) })
            #expect(error.code == .depthLimitExceeded, "\(encoded)")
            #expect(error.offset == offset, "\(encoded)")
        }
        let flat = CBORDecoder(limits: CBORDecodingLimits(maxDepth: 0))
        #expect(try flat.decode(hex("01")) == 1)
        #expect(decodingError { () throws(CBORError) in try flat.decode(hex("80")) }?.code == .depthLimitExceeded)
    }

    @Test("Nesting far past the limit fails at the first container over it")
    func veryDeepInputFails() throws {
        let error = try #require(decodingError { () throws(CBORError) in try CBORDecoder().decode(nestedArrays(500_000)) })
        #expect(error.code == .depthLimitExceeded)
        #expect(error.offset == 16)
    }

    @Test("A raised depth limit admits deeper nesting")
    func raisedDepthLimit() throws {
        // 1 000 levels: the decoder keeps its own stack, and a value this deep is still safe to destroy.
        let deep = CBORDecoder(limits: CBORDecodingLimits(maxDepth: 1_000))
        var current = try deep.decode(nestedArrays(1_000))
        var depth = 0
        while case .array(let elements) = current, let first = elements.first {
            depth += 1
            current = first
        }
        #expect(depth == 1_000)
        #expect(decodingError { () throws(CBORError) in try deep.decode(nestedArrays(1_001)) }?.code == .depthLimitExceeded)
    }

    @Test("Every item counts, keys and containers included, and announced counts are checked up front")
    func itemLimit() throws {
        let three = CBORDecoder(limits: CBORDecodingLimits(maxItems: 3))
        _ = try three.decode(hex("82 01 02"))  // array + 2 elements
        _ = try three.decode(hex("a1 01 02"))  // map + key + value
        for (encoded, offset) in [("83 01 02 03", 0), ("a1 01 82 02 03", 2), ("81 81 81 00", 2)] {
            let error = try #require(decodingError { () throws(CBORError) in try three.decode(hex(encoded)) })
            #expect(error.code == .itemLimitExceeded, "\(encoded)")
            #expect(error.offset == offset, "\(encoded)")
        }
        let none = CBORDecoder(limits: CBORDecodingLimits(maxItems: 0))
        #expect(decodingError { () throws(CBORError) in try none.decode(hex("00")) }?.code == .itemLimitExceeded)
    }

    @Test("The default item limit admits 10 000 items and rejects 10 001")
    func defaultItemLimit() throws {
        let atLimit = hex("99 270f") + Array(repeating: 0, count: 9_999)  // the array + 9 999 elements
        #expect(try CBORDecoder().decode(atLimit).arrayValue?.count == 9_999)
        let overLimit = hex("99 2710") + Array(repeating: 0, count: 10_000)
        let error = try #require(decodingError { () throws(CBORError) in try CBORDecoder().decode(overLimit) })
        #expect(error.code == .itemLimitExceeded)
        #expect(error.offset == 0)
    }

    @Test("Input longer than the size limit is rejected at the limit; input of exactly the limit decodes")
    func sizeLimit() throws {
        let four = CBORDecoder(limits: CBORDecodingLimits(maxBytes: 4))
        #expect(try four.decode(hex("43 010203")) == .bytes([1, 2, 3]))
        let error = try #require(decodingError { () throws(CBORError) in try four.decode(hex("44 01020304")) })
        #expect(error.code == .sizeLimitExceeded)
        #expect(error.offset == 4)

        let oneMiB = hex("5a 000ffffb") + Array(repeating: 7, count: (1 << 20) - 5)
        #expect(try CBORDecoder().decode(oneMiB).bytesValue?.count == (1 << 20) - 5)
        let tooLong = hex("5a 000ffffc") + Array(repeating: 7, count: (1 << 20) - 4)
        #expect(decodingError { () throws(CBORError) in try CBORDecoder().decode(tooLong) }?.code == .sizeLimitExceeded)
    }

    @Test("For a prefix, the size limit bounds the item, not the bytes after it")
    func sizeLimitOnPrefix() throws {
        let input = hex("44 01020304 ff ff ff")
        let fits = try CBORDecoder(limits: CBORDecodingLimits(maxBytes: 5)).decodePrefix(input[...])
        #expect(fits.length == 5)
        do {
            _ = try CBORDecoder(limits: CBORDecodingLimits(maxBytes: 4)).decodePrefix(input[...])
            Issue.record("an item longer than the limit was accepted")
        } catch {
            #expect(error.code == .sizeLimitExceeded)
            #expect(error.offset == 0)
        }
    }

    @Test("A length far beyond the input is truncated, whatever the limits, before any allocation")
    func hugeLengthsAreTruncatedNotAllocated() throws {
        let generous = CBORDecoder(limits: CBORDecodingLimits(maxDepth: .max, maxItems: .max, maxBytes: .max))
        for encoded in ["5b 7fffffffffffffff", "7b ffffffffffffffff 00", "9b 7fffffffffffffff 00", "bb 4000000000000000 00"] {
            let error = try #require(decodingError { () throws(CBORError) in try generous.decode(hex(encoded)) })
            #expect(error.code == .truncated, "\(encoded)")
        }
    }

    @Test("Negative limits reject instead of trapping")
    func negativeLimits() {
        let odd = CBORDecoder(limits: CBORDecodingLimits(maxDepth: -1, maxItems: -5, maxBytes: -1))
        #expect(decodingError { () throws(CBORError) in try odd.decode(hex("00")) }?.code == .sizeLimitExceeded)
        do {
            _ = try odd.decodePrefix(hex("00")[...])
            Issue.record("accepted with a negative size limit")
        } catch {
            #expect(error.code == .sizeLimitExceeded)
        }
    }
}
