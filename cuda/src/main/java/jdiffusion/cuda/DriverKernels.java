package jdiffusion.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static jdiffusion.cuda.Driver.CUDA_SUCCESS;
import static jdiffusion.cuda.Driver.JIT_ERROR_LOG_BUFFER;
import static jdiffusion.cuda.Driver.JIT_ERROR_LOG_BUFFER_SIZE_BYTES;
import static jdiffusion.cuda.Driver.bind;
import static jdiffusion.cuda.Driver.rethrow;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/** The driver's module, launch and event entry points (see {@link Driver}). */
final class DriverKernels {
    private final Driver drv;
    private final MethodHandle cuModuleLoadDataEx, cuModuleGetFunction, cuFuncSetAttribute, cuFuncGetAttribute,
            cuLaunchKernel, cuEventCreate, cuEventRecord, cuEventSynchronize, cuEventElapsedTime, cuStreamBeginCapture,
            cuStreamEndCapture, cuGraphInstantiate, cuGraphLaunch, cuGraphExecDestroy, cuGraphDestroy;

    DriverKernels(Driver drv, Linker l, SymbolLookup lib) {
        this.drv = drv;
        cuModuleLoadDataEx = bind(l, lib, "cuModuleLoadDataEx", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        cuModuleGetFunction = bind(l, lib, "cuModuleGetFunction", ADDRESS, ADDRESS, ADDRESS);
        cuFuncSetAttribute = bind(l, lib, "cuFuncSetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
        cuFuncGetAttribute = bind(l, lib, "cuFuncGetAttribute", ADDRESS, JAVA_INT, ADDRESS);
        cuLaunchKernel = bind(l, lib, "cuLaunchKernel", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        cuEventCreate = bind(l, lib, "cuEventCreate", ADDRESS, JAVA_INT);
        cuEventRecord = bind(l, lib, "cuEventRecord", ADDRESS, ADDRESS);
        cuEventSynchronize = bind(l, lib, "cuEventSynchronize", ADDRESS);
        cuStreamBeginCapture = bind(l, lib, "cuStreamBeginCapture_v2", ADDRESS, JAVA_INT);
        cuStreamEndCapture = bind(l, lib, "cuStreamEndCapture", ADDRESS, ADDRESS);
        cuGraphInstantiate = bind(l, lib, "cuGraphInstantiateWithFlags", ADDRESS, ADDRESS, java.lang.foreign.ValueLayout.JAVA_LONG);
        cuGraphLaunch = bind(l, lib, "cuGraphLaunch", ADDRESS, ADDRESS);
        cuGraphExecDestroy = bind(l, lib, "cuGraphExecDestroy", ADDRESS);
        cuGraphDestroy = bind(l, lib, "cuGraphDestroy", ADDRESS);
        // cuda.h maps cuEventElapsedTime to the _v2 entry since CUDA 12.8; older drivers only have the first.
        cuEventElapsedTime = lib.find("cuEventElapsedTime_v2").isPresent()
                ? bind(l, lib, "cuEventElapsedTime_v2", ADDRESS, ADDRESS, ADDRESS)
                : bind(l, lib, "cuEventElapsedTime", ADDRESS, ADDRESS, ADDRESS);
    }

    /**
     * Loads a module image (NUL-terminated PTX, or a cubin); on failure the JIT's error log is part
     * of the exception.
     */
    MemorySegment moduleLoadData(String what, MemorySegment image) {
        try (Arena a = Arena.ofConfined()) {
            int logSize = 16384;
            MemorySegment log = a.allocate(logSize);
            MemorySegment opts = a.allocate(JAVA_INT, 2);
            opts.setAtIndex(JAVA_INT, 0, JIT_ERROR_LOG_BUFFER);
            opts.setAtIndex(JAVA_INT, 1, JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
            MemorySegment vals = a.allocate(ADDRESS, 2);
            vals.setAtIndex(ADDRESS, 0, log);
            vals.setAtIndex(ADDRESS, 1, MemorySegment.ofAddress(logSize));  // a size travels as a pointer-sized value
            MemorySegment out = a.allocate(ADDRESS);
            int rc = (int) cuModuleLoadDataEx.invokeExact(out, image, 2, opts, vals);
            if (rc != CUDA_SUCCESS) {
                String jit = log.getString(0).strip();
                throw new CudaException("cuModuleLoadDataEx(" + what + ")", rc, drv.errorName(rc),
                        drv.errorString(rc) + (jit.isEmpty() ? "" : "; JIT log: " + jit));
            }
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment moduleGetFunction(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            drv.check("cuModuleGetFunction(" + name + ")", (int) cuModuleGetFunction.invokeExact(out, module, a.allocateFrom(name)));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void funcSetAttribute(MemorySegment f, int attr, int value) {
        try {
            drv.check("cuFuncSetAttribute(" + attr + ", " + value + ")", (int) cuFuncSetAttribute.invokeExact(f, attr, value));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int funcGetAttribute(MemorySegment f, int attr) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            drv.check("cuFuncGetAttribute(" + attr + ")", (int) cuFuncGetAttribute.invokeExact(v, attr, f));
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** cuLaunchKernel with kernelParams = an array of pointers, one to each argument's value. */
    void launchKernel(String name, MemorySegment f, int gx, int gy, int gz, int bx, int by, int bz, int smem,
                      MemorySegment stream, MemorySegment params) {
        try {
            int rc = (int) cuLaunchKernel.invokeExact(f, gx, gy, gz, bx, by, bz, smem, stream, params, MemorySegment.NULL);
            if (rc != CUDA_SUCCESS) {
                drv.check("cuLaunchKernel(" + name + ", grid " + gx + "x" + gy + "x" + gz + ", block " + bx + "x" + by
                        + "x" + bz + ", smem " + smem + ")", rc);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment eventCreate() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            drv.check("cuEventCreate", (int) cuEventCreate.invokeExact(v, 0));
            return v.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void eventRecord(MemorySegment ev, MemorySegment stream) {
        try {
            drv.check("cuEventRecord", (int) cuEventRecord.invokeExact(ev, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void eventSynchronize(MemorySegment ev) {
        try {
            drv.check("cuEventSynchronize", (int) cuEventSynchronize.invokeExact(ev));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    float eventElapsedMs(MemorySegment start, MemorySegment end) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            drv.check("cuEventElapsedTime", (int) cuEventElapsedTime.invokeExact(v, start, end));
            return Float.intBitsToFloat(v.get(JAVA_INT, 0));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- graphs: a captured launch sequence replays without per-launch host work ----------------

    /** Starts capturing the stream's work (relaxed mode: other threads' driver calls are allowed). */
    void beginCapture(MemorySegment stream) {
        try {
            drv.check("cuStreamBeginCapture_v2", (int) cuStreamBeginCapture.invokeExact(stream, 2));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Ends the capture and instantiates it; returns {graph, executable graph}. */
    MemorySegment[] endCapture(MemorySegment stream) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment g = a.allocate(ADDRESS);
            drv.check("cuStreamEndCapture", (int) cuStreamEndCapture.invokeExact(stream, g));
            MemorySegment e = a.allocate(ADDRESS);
            MemorySegment graph = g.get(ADDRESS, 0);
            drv.check("cuGraphInstantiateWithFlags", (int) cuGraphInstantiate.invokeExact(e, graph, 0L));
            return new MemorySegment[] {graph, e.get(ADDRESS, 0)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void graphLaunch(MemorySegment exec, MemorySegment stream) {
        try {
            drv.check("cuGraphLaunch", (int) cuGraphLaunch.invokeExact(exec, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void graphDestroy(MemorySegment graph, MemorySegment exec) {
        try {
            drv.check("cuGraphExecDestroy", (int) cuGraphExecDestroy.invokeExact(exec));
            drv.check("cuGraphDestroy", (int) cuGraphDestroy.invokeExact(graph));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
