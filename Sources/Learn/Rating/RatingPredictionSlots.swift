/// The output buffer of a batch of predictions, handed to parallel workers that each write
/// their own disjoint range of slots.
struct RatingPredictionSlots: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Double>?
    init(_ pointer: UnsafeMutablePointer<Double>?) { self.pointer = pointer }
}
