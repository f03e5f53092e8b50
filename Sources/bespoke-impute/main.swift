import BespokeCLI
import Stages

// The impute stage: the generic stage contract over `ImputeStage` (Sources/Stages/Impute).
StageProgram.main(kind: "impute", implementation: ImputeStage())
