import BespokeCLI
import Stages

// The train stage: the generic stage contract over `TrainStage` (Sources/Stages/Train).
StageProgram.main(kind: "train", implementation: TrainStage())
