#if canImport(Glibc)
import Glibc
#endif
import MLPackCLI

exit(await MLPackCommand.runMain())
