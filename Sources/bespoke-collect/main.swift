import BespokeCLI
import Stages

// The collect stage: the generic stage contract over `CollectStage` (Sources/Stages/Collect).
StageProgram.main(kind: "collect", implementation: CollectStage())
