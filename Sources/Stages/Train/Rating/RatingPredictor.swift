import Frame
import Learn

/// A fitted rating model of any kind, behind one `predict`.
public indirect enum RatingPredictor: Sendable {
    case baseline(RatingBaseline.Model)
    case knnBaseline(KNNBaseline.Model)
    case svd(RatingSVD.Model)
    case svdpp(RatingSVDPlusPlus.Model)
    /// Blend weights over fitted component models, in the weights' order.
    case blend(RatingBlend.Model, components: [RatingPredictor])

    /// The predicted rating of `item` by `user` (indices of the training rating set).
    public func predict(user: Int, item: Int) -> Double {
        switch self {
        case .baseline(let m): m.predict(user: user, item: item)
        case .knnBaseline(let m): m.predict(user: user, item: item)
        case .svd(let m): m.predict(user: user, item: item)
        case .svdpp(let m): m.predict(user: user, item: item)
        case .blend(let m, let components): m.predict(components.map { $0.predict(user: user, item: item) })
        }
    }

    /// Predictions for many pairs, on both cores in fixed ranges (the result does not depend on
    /// the thread count: each slot is one independent prediction).
    public func predict(users: [Int32], items: [Int32]) -> [Double] {
        precondition(users.count == items.count, "users and items differ in length")
        if case .knnBaseline(let m) = self { return m.predict(users: users, items: items) }
        let blocks = ParallelWork.map(count: (users.count + 1023) / 1024) { b in
            (b * 1024..<min(users.count, (b + 1) * 1024)).map { predict(user: Int(users[$0]), item: Int(items[$0])) }
        }
        return blocks.flatMap { $0 }
    }
}
