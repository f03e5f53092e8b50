import CFuzzer
import Glibc

/// Runs libFuzzer with this program's arguments, calling `test` with each input; never returns.
///
/// SwiftPM gives every executable its own `main`, which would hide libFuzzer's; so each target's
/// main.swift hands its test function to libFuzzer's driver instead.
public func runFuzzer(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, test))
}
