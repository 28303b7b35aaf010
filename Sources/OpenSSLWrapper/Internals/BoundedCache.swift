import Synchronization

/// A small thread-safe map that forgets its oldest entries beyond ``capacity``.
///
/// Used for results that are pure functions of their keys (a parsed certificate for its DER, a validated
/// path for its certificates), so a hit is always as good as recomputing.
final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var values: [Key: Value] = [:]
        var order: [Key] = []
        var start = 0
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    func value(for key: Key) -> Value? {
        state.withLock { $0.values[key] }
    }

    func insert(_ value: Value, for key: Key) {
        state.withLock { state in
            if state.values.updateValue(value, forKey: key) != nil { return }
            state.order.append(key)
            if state.order.count - state.start > capacity {
                state.values[state.order[state.start]] = nil
                state.start += 1
                if state.start > capacity {
                    state.order.removeFirst(state.start)
                    state.start = 0
                }
            }
        }
    }
}
