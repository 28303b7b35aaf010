/// The engine behind ``CBORDecoder``: one forward pass over a contiguous buffer with an index and an explicit
/// stack of open containers (no recursion, so nesting costs heap, bounded by the depth limit, not stack).
struct CBORParser {
    private let input: UnsafeBufferPointer<UInt8>
    /// One past the last byte the size limit lets this parse read (at most `input.count`).
    private let end: Int
    /// The offset of the next byte to read; after ``parse()``, the length of the item.
    private(set) var position = 0
    private var itemCount = 0
    private let maxDepth: Int
    private let maxItems: Int
    private let requireCanonicalMapOrder: Bool
    private let allowTags: Bool

    init(input: UnsafeBufferPointer<UInt8>, options: CBORDecoder) {
        self.input = input
        self.end = min(input.count, max(0, options.limits.maxBytes))
        self.maxDepth = options.limits.maxDepth
        self.maxItems = options.limits.maxItems
        self.requireCanonicalMapOrder = options.requireCanonicalMapOrder
        self.allowTags = options.allowTags
    }

    /// An array, map or tag whose content is still being read.
    private struct Frame {
        enum Kind { case array, map, tag }

        let kind: Kind
        /// The offset of its first element (or first key).
        let contentStart: Int
        /// Elements (array), entries (map) or content items (tag: 1) still to come.
        var remaining: Int
        let tag: UInt64
        var elements: [CBORValue] = []
        var entries: [(key: CBORValue, value: CBORValue)] = []
        var expectingKey = true
        var pendingKey: CBORValue = .null
        var keyStart = 0
        var previousKey: Range<Int>?
        /// Some key sorts before the key ahead of it.
        var keysOutOfOrder = false
        /// Some key holds a map whose entries are out of order, so its bytes are not its canonical encoding.
        var keysNeedCanonicalForm = false
        /// This container holds a map, at any depth, whose entries are out of order.
        var holdsNonCanonicalMap = false

        init(kind: Kind, contentStart: Int, remaining: Int, tag: UInt64 = 0) {
            self.kind = kind
            self.contentStart = contentStart
            self.remaining = remaining
            self.tag = tag
        }
    }

    // MARK: - Items

    /// Reads one complete data item starting at ``position``.
    mutating func parse() throws(CBORError) -> CBORValue {
        var stack: [Frame] = []
        parsing: while true {
            if let top = stack.indices.last, stack[top].kind == .map, stack[top].expectingKey {
                stack[top].keyStart = position
            }
            let start = position
            let (major, info, argument) = try readHead()
            itemCount += 1
            guard itemCount <= maxItems else {
                throw CBORError(.itemLimitExceeded, offset: start, "more than \(maxItems) data items")
            }

            var value: CBORValue
            var valueHoldsNonCanonicalMap = false
            switch major {
            case 0:
                value = .unsigned(argument)
            case 1:
                value = .negative(argument)
            case 2:
                value = .bytes(Array(try readBytes(argument, forItemAt: start)))
            case 3:
                let utf8 = try readBytes(argument, forItemAt: start)
                // `String(decoding:)` takes the stdlib's non-generic fast path and replaces each invalid sequence
                // with U+FFFD, which changes the bytes: so the text is valid exactly when they come back unchanged.
                // (`String(validating:as:)` runs as an unspecialized generic: measured at ~20% of decode time.)
                var text = String(decoding: utf8, as: UTF8.self)
                guard text.utf8.count == utf8.count, text.withUTF8({ $0.elementsEqual(utf8) }) else {
                    throw CBORError(.invalidUTF8, offset: start, "text string at offset \(start) is not valid UTF-8")
                }
                value = .text(text)
            case 4, 5:
                let isMap = major == 5
                try checkDepth(&stack, at: start)
                let count = try checkContainerLength(argument, perEntry: isMap ? 2 : 1, forItemAt: start)
                if count == 0 {
                    value = isMap ? .map(CBORMap()) : .array([])
                } else {
                    var frame = Frame(kind: isMap ? .map : .array, contentStart: position, remaining: count)
                    if isMap { frame.entries.reserveCapacity(count) } else { frame.elements.reserveCapacity(count) }
                    stack.append(frame)
                    continue parsing
                }
            case 6:
                guard allowTags else {
                    throw CBORError(.tagNotAllowed, offset: start, "tag \(argument) at offset \(start): CTAP2 forbids tags")
                }
                try checkDepth(&stack, at: start)
                stack.append(Frame(kind: .tag, contentStart: position, remaining: 1, tag: argument))
                continue parsing
            default:
                value = try simpleOrFloat(info: info, argument: argument, at: start)
            }

            // The item is complete: hand it to the containers it closes, innermost first.
            while let top = stack.indices.last {
                switch stack[top].kind {
                case .array:
                    stack[top].elements.append(value)
                    stack[top].holdsNonCanonicalMap = stack[top].holdsNonCanonicalMap || valueHoldsNonCanonicalMap
                    stack[top].remaining -= 1
                    guard stack[top].remaining == 0 else { continue parsing }
                    let frame = stack.removeLast()
                    value = .array(frame.elements)
                    valueHoldsNonCanonicalMap = frame.holdsNonCanonicalMap
                case .map:
                    if stack[top].expectingKey {
                        try checkKeyOrder(&stack[top], keyEnd: position)
                        if valueHoldsNonCanonicalMap {
                            stack[top].keysNeedCanonicalForm = true
                            stack[top].holdsNonCanonicalMap = true
                        }
                        stack[top].pendingKey = value
                        stack[top].expectingKey = false
                        continue parsing
                    }
                    stack[top].entries.append((stack[top].pendingKey, value))
                    stack[top].holdsNonCanonicalMap = stack[top].holdsNonCanonicalMap || valueHoldsNonCanonicalMap
                    stack[top].expectingKey = true
                    stack[top].remaining -= 1
                    guard stack[top].remaining == 0 else { continue parsing }
                    let frame = stack.removeLast()
                    if frame.keysOutOfOrder || frame.keysNeedCanonicalForm {
                        try checkDuplicateKeysCanonically(frame)
                    }
                    value = .map(CBORMap(uncheckedEntries: frame.entries))
                    valueHoldsNonCanonicalMap = frame.holdsNonCanonicalMap || frame.keysOutOfOrder
                case .tag:
                    let frame = stack.removeLast()
                    value = .tagged(frame.tag, value)
                }
            }
            return value
        }
    }

    /// Checks that one more container may open, and sizes the stack once for CTAP2-deep nesting when the
    /// first one does (a scalar input allocates no stack at all).
    private func checkDepth(_ stack: inout [Frame], at start: Int) throws(CBORError) {
        guard stack.count < maxDepth else {
            throw CBORError(
                .depthLimitExceeded, offset: start, "array, map or tag at offset \(start) nests deeper than \(maxDepth)")
        }
        if stack.isEmpty { stack.reserveCapacity(min(maxDepth, 8)) }
    }

    /// Checks an announced element count against the bytes left (each item takes at least one byte) and the
    /// item limit, before anything is allocated for it. Returns the count as an `Int`.
    private func checkContainerLength(_ count: UInt64, perEntry: UInt64, forItemAt start: Int) throws(CBORError) -> Int {
        let (items, overflow) = count.multipliedReportingOverflow(by: perEntry)
        guard !overflow else {
            throw CBORError(.truncated, offset: start, "container at offset \(start) announces \(count) entries")
        }
        try requireBytes(items, forItemAt: start)
        guard items <= UInt64(max(0, maxItems - itemCount)) else {
            throw CBORError(
                .itemLimitExceeded, offset: start, "container at offset \(start) holds \(items) items, over the limit of \(maxItems)")
        }
        return Int(items / perEntry)
    }

    /// Major type 7: simple values and floats (RFC 8949 §3.3).
    private func simpleOrFloat(info: UInt8, argument: UInt64, at start: Int) throws(CBORError) -> CBORValue {
        switch info {
        case 20: return .bool(false)
        case 21: return .bool(true)
        case 22: return .null
        case 23: return .undefined
        case 24:
            guard argument >= 32 else {
                throw CBORError(
                    .invalidSimpleValue, offset: start, "two-byte simple value \(argument) at offset \(start) is below 32")
            }
            return .simple(UInt8(truncatingIfNeeded: argument))
        case 25:
            return .float(CBORFloatingPoint.double(fromHalf: UInt16(truncatingIfNeeded: argument)))
        case 26:
            let value = CBORFloatingPoint.double(fromSingle: UInt32(truncatingIfNeeded: argument))
            guard case .single = CBORFloatingPoint.shortest(value) else {
                throw CBORError(.nonMinimalEncoding, offset: start, "single-precision float at offset \(start) fits a half")
            }
            return .float(value)
        case 27:
            let value = Double(bitPattern: argument)
            guard case .double = CBORFloatingPoint.shortest(value) else {
                throw CBORError(.nonMinimalEncoding, offset: start, "double-precision float at offset \(start) fits a shorter float")
            }
            return .float(value)
        default:
            return .simple(info)  // 0...19; readHead has already rejected 28...31
        }
    }

    // MARK: - Map keys

    /// Compares the key that just ended with the key before it: equal bytes are a duplicate; a smaller key
    /// is out of CTAP2 order (an error under `requireCanonicalMapOrder`, else a note for the full duplicate
    /// check when the map closes).
    private func checkKeyOrder(_ frame: inout Frame, keyEnd: Int) throws(CBORError) {
        let key = frame.keyStart..<keyEnd
        if let previous = frame.previousKey {
            let order = CTAP2KeyOrder.compare(slice(previous), slice(key))
            if order == 0 {
                throw CBORError(.duplicateMapKey, offset: key.lowerBound, "map key at offset \(key.lowerBound) repeats the key before it")
            }
            if order > 0 {
                if requireCanonicalMapOrder {
                    throw CBORError(
                        .nonCanonicalMapOrder, offset: key.lowerBound,
                        "map key at offset \(key.lowerBound) sorts before the key ahead of it (CTAP2 canonical order)")
                }
                frame.keysOutOfOrder = true
            }
        }
        frame.previousKey = key
    }

    /// The full duplicate check for a map whose keys were not in strictly increasing order, or hold maps out
    /// of order: two keys are the same when their canonical encodings are. Sorting the encodings makes equal
    /// keys neighbours; the index tie-break makes the reported key the first repeat in input order.
    private func checkDuplicateKeysCanonically(_ frame: Frame) throws(CBORError) {
        var keyBytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(frame.entries.count)
        for entry in frame.entries {
            let start = keyBytes.count
            CBOREncoder.append(entry.key, to: &keyBytes)
            ranges.append(start..<keyBytes.count)
        }
        var firstRepeat: Int?
        keyBytes.withUnsafeBufferPointer { buffer in
            func key(_ i: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: buffer[ranges[i]]) }
            let order = ranges.indices.sorted { a, b in
                let c = CTAP2KeyOrder.compare(key(a), key(b))
                return c != 0 ? c < 0 : a < b
            }
            for (a, b) in zip(order, order.dropFirst()) where CTAP2KeyOrder.compare(key(a), key(b)) == 0 {
                firstRepeat = min(firstRepeat ?? b, b)
            }
        }
        guard let firstRepeat else { return }
        var offset = frame.contentStart
        for _ in 0..<firstRepeat {
            offset = endOfItem(at: endOfItem(at: offset))
        }
        throw CBORError(.duplicateMapKey, offset: offset, "map key at offset \(offset) repeats an earlier key of the map")
    }

    /// The end of the item at `offset`, which this parser has already read and checked. Used only to find a
    /// key's offset for an error; it stays in bounds whatever the bytes are.
    private func endOfItem(at offset: Int) -> Int {
        var p = offset
        var pending: UInt64 = 1
        while pending > 0, p < input.count {
            let initial = input[p]
            p += 1
            let info = initial & 0x1f
            var argument = UInt64(info)
            let extra = info == 24 ? 1 : info == 25 ? 2 : info == 26 ? 4 : info == 27 ? 8 : 0
            if extra > 0 {
                guard extra <= input.count - p else { return input.count }
                argument = 0
                for i in 0..<extra { argument = argument << 8 | UInt64(input[p + i]) }
                p += extra
            }
            pending -= 1
            let major = initial >> 5
            if major == 2 || major == 3 {
                guard argument <= UInt64(input.count - p) else { return input.count }
                p += Int(argument)
            } else if major >= 4 && major <= 6 {
                // Items still to skip: an array's elements, a map's keys and values, a tag's content.
                let (items, overflowA) = major == 6 ? (1, false) : argument.multipliedReportingOverflow(by: major == 5 ? 2 : 1)
                let (sum, overflowB) = pending.addingReportingOverflow(UInt64(items))
                guard !overflowA, !overflowB else { return input.count }
                pending = sum
            }
        }
        return p
    }

    // MARK: - Bytes

    private func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: input[range])
    }

    /// Throws unless `count` more bytes are readable: ``CBORError/Code/sizeLimitExceeded`` when they exist but
    /// lie past the size limit, ``CBORError/Code/truncated`` when the input ends first. `count` may be any
    /// 64-bit value; nothing is converted to `Int` before this check.
    @inline(__always)
    private func requireBytes(_ count: UInt64, forItemAt start: Int) throws(CBORError) {
        if count <= UInt64(end - position) { return }
        if count <= UInt64(input.count - position) {
            throw CBORError(.sizeLimitExceeded, offset: start, "item at offset \(start) runs past the limit of \(end) bytes")
        }
        throw CBORError(
            .truncated, offset: start,
            "item at offset \(start) needs \(count) more bytes but \(input.count - position) remain")
    }

    private mutating func readBytes(_ count: UInt64, forItemAt start: Int) throws(CBORError) -> UnsafeBufferPointer<UInt8> {
        try requireBytes(count, forItemAt: start)
        let n = Int(count)
        defer { position += n }
        return slice(position..<(position + n))
    }

    /// Reads an initial byte and its argument (RFC 8949 §3), rejecting reserved and indefinite forms and any
    /// argument that a shorter form could carry (except for major type 7, where the width selects the float
    /// precision and the simple-value rules apply).
    @inline(__always)
    private mutating func readHead() throws(CBORError) -> (major: UInt8, info: UInt8, argument: UInt64) {
        let start = position
        try requireBytes(1, forItemAt: start)
        let initial = input[position]
        position += 1
        let major = initial >> 5
        let info = initial & 0x1f
        let argument: UInt64
        let smallest: UInt64
        switch info {
        case 0..<24:
            return (major, info, UInt64(info))
        case 24:
            try requireBytes(1, forItemAt: start)
            argument = UInt64(input[position])
            position += 1
            smallest = 24
        case 25:
            try requireBytes(2, forItemAt: start)
            argument = UInt64(UInt16(bigEndian: UnsafeRawBufferPointer(input).loadUnaligned(fromByteOffset: position, as: UInt16.self)))
            position += 2
            smallest = 0x100
        case 26:
            try requireBytes(4, forItemAt: start)
            argument = UInt64(UInt32(bigEndian: UnsafeRawBufferPointer(input).loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            position += 4
            smallest = 0x1_0000
        case 27:
            try requireBytes(8, forItemAt: start)
            argument = UInt64(bigEndian: UnsafeRawBufferPointer(input).loadUnaligned(fromByteOffset: position, as: UInt64.self))
            position += 8
            smallest = 0x1_0000_0000
        case 31 where major >= 2 && major <= 5, 31 where major == 7:
            throw CBORError(
                .indefiniteLength, offset: start,
                major == 7 ? "break byte at offset \(start) outside an indefinite-length item"
                    : "indefinite-length item (major type \(major)) at offset \(start)")
        default:
            throw CBORError(
                .reservedAdditionalInfo, offset: start,
                "additional information \(info) is not valid for major type \(major) (offset \(start))")
        }
        guard argument >= smallest || major == 7 else {
            throw CBORError(
                .nonMinimalEncoding, offset: start,
                "argument \(argument) of the item at offset \(start) is not in its shortest form")
        }
        return (major, info, argument)
    }
}
