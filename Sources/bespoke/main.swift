import BespokeCLI

await BespokeCommand.main()
