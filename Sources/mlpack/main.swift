#if canImport(Glibc)
import Glibc
#endif
import MLPackCLI

exit(MLPackCommand.runMain())
