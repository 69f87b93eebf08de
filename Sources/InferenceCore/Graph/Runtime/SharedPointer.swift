/// A raw pointer that may be shared between threads because what it points to is immutable.
struct SharedPointer: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
}
