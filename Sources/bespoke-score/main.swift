import BespokeCLI
import Stages

// The score stage: the generic stage contract over `ScoreStage` (Sources/Stages/Score).
StageProgram.main(kind: "score", implementation: ScoreStage())
