import MLPackCLI

MLPackCommand.main()
