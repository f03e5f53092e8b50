import BespokeCLI

BespokeCommand.main()
