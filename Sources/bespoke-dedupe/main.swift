import BespokeCLI
import Stages

// The dedupe stage: the generic stage contract over `DedupeStage` (Sources/Stages/Dedupe).
StageProgram.main(kind: "dedupe", implementation: DedupeStage())
