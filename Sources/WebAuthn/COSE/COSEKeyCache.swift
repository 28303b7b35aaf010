import Synchronization

/// Recently parsed COSE keys, by their exact bytes, so that verifying many assertions for the same
/// credential does not rebuild the OpenSSL key (and its verification contexts) every time.
///
/// Parsing is a pure function of the bytes and `allowRS1`, so a hit is exactly what parsing again would
/// give. Only keys that parsed successfully are kept; at most ``capacity``, oldest forgotten first.
final class COSEKeyCache: Sendable {
    static let shared = COSEKeyCache(capacity: 1024)

    struct Key: Hashable, Sendable {
        let encoded: [UInt8]
        let allowRS1: Bool
    }

    private struct State {
        var keys: [Key: COSEKey] = [:]
        var order: [Key] = []
        var start = 0
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    func key(for encoded: [UInt8], allowRS1: Bool) -> COSEKey? {
        let key = Key(encoded: encoded, allowRS1: allowRS1)
        return state.withLock { $0.keys[key] }
    }

    func insert(_ coseKey: COSEKey, allowRS1: Bool) {
        let key = Key(encoded: coseKey.encoded, allowRS1: allowRS1)
        state.withLock { state in
            if state.keys.updateValue(coseKey, forKey: key) != nil { return }
            state.order.append(key)
            if state.order.count - state.start > capacity {
                state.keys[state.order[state.start]] = nil
                state.start += 1
                if state.start > capacity {
                    state.order.removeFirst(state.start)
                    state.start = 0
                }
            }
        }
    }
}
