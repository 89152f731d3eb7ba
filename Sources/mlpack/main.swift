#if canImport(Glibc)
import Glibc
#endif
import MLPackBLAS
import MLPackCLI

// Before anything else runs: OpenBLAS's kernels for this CPU (see KernelDispatch).
KernelDispatch.reexecWithBetterKernelsIfNeeded()
exit(await MLPackCommand.runMain())
