import BespokeCLI
import Stages

// The features stage: the generic stage contract over `FeaturesStage` (Sources/Stages/Features).
StageProgram.main(kind: "features", implementation: FeaturesStage())
