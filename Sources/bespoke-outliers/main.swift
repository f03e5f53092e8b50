import BespokeCLI
import Stages

// The outliers stage: the generic stage contract over `OutliersStage` (Sources/Stages/Outliers).
StageProgram.main(kind: "outliers", implementation: OutliersStage())
