/*
 * MKL's test "is this an Intel CPU?", answered yes, so that MKL picks its kernels by the instruction sets the CPU
 * reports, as it does on Intel's own.
 *
 * libtorch links Intel's MKL for its matrix products. MKL chooses a kernel by vendor first: on a CPU that is not
 * Intel's it runs its generic kernels whatever the CPU can do (MKL_VERBOSE says "Intel(R) Architecture processors"),
 * and since MKL 2020 no setting changes that (MKL_DEBUG_CPU_TYPE is gone; MKL_ENABLE_INSTRUCTIONS and MKL_CBWR only
 * lower the choice). On this project's AMD EPYC (AVX-512) the generic sgemm ran a 2048-square product in 441 ms on one
 * thread, the AVX-512 one in 291. libtorch_cpu.so calls these two through its PLT, so a library preloaded ahead of it
 * answers in their place; MKL then reads cpuid for AVX2, AVX-512 and the rest as usual, so a CPU without AVX-512 gets
 * the AVX2 kernels. The `flowlive` script compiles this file and preloads it on x86-64 CPUs that are not Intel's
 * (mkl_dispatch_preload); FLOWLIVE_MKL_DISPATCH=vendor leaves MKL to its own rule. Figures: docs/performance.md.
 *
 * Built with -nostdlib: it needs no C library, headers or start files, only a compiler and a linker.
 */

int mkl_serv_intel_cpu(void) { return 1; }

int mkl_serv_intel_cpu_true(void) { return 1; }
