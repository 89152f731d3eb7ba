#if canImport(Glibc)
import Glibc
#endif
import MLPackBLAS
import MLPackCLI

// Before anything else runs: OpenBLAS's kernels for this CPU (see KernelDispatch).
KernelDispatch.reexecWithBetterKernelsIfNeeded()
#if canImport(Glibc)
    // Blocks of 1 MiB and more (request bodies, parsed values, batches) are mapped on their own and
    // go back to the system when freed. glibc's default raises this threshold after each large free
    // (up to 32 MiB), after which such blocks stay in the heap: a process that refused one large
    // input would keep its memory (measured: +27 MB after one 16 MiB JSON line).
    // (mallopt is looked up at run time: the Swift Glibc module does not declare it.)
    if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let M_MMAP_THRESHOLD: Int32 = -3
        _ = unsafeBitCast(symbol, to: Mallopt.self)(M_MMAP_THRESHOLD, 1 << 20)
    }
#endif
exit(await MLPackCommand.runMain())
