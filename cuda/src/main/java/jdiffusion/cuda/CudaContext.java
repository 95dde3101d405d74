package jdiffusion.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One CUDA device as the backend uses it: the device's primary context (made current on whichever
 * thread calls in: fork/join workers included), one stream that orders every copy and kernel, the
 * PTX modules (JIT-compiled by the driver on first use), the device-memory pool, and kernel launch.
 */
public final class CudaContext {
    private static final int DEFAULT_SMEM_LIMIT = 48 * 1024;

    private final Driver drv;
    private final int ordinal;
    private final MemorySegment ctx;
    private final MemorySegment stream;
    private final String deviceName;
    private final int smCount;
    private final int ccMajor;
    private final int ccMinor;
    private final int smemOptin;
    private final long totalMemory;
    private final int driverVersion;
    private final DeviceAllocator allocator;
    private final boolean poison = Boolean.getBoolean("jdiffusion.cuda.poison");
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private final Map<String, MemorySegment> modules = new HashMap<>();
    private final Map<String, String> moduleSources = new HashMap<>();
    // Loaded functions and the dynamic shared memory each was enabled for, by Kernel ordinal. Read
    // without a lock on the launch path (MemorySegment is immutable, so a racing reader sees null
    // or a complete value and takes the locked path on null).
    private final MemorySegment[] functions = new MemorySegment[Kernel.values().length];
    private final int[] smemSet = new int[Kernel.values().length];
    private final ThreadLocal<KernelArgs.Buffer> args = ThreadLocal.withInitial(() -> new KernelArgs.Buffer(Arena.ofAuto(), 32));

    private CudaContext(Driver drv, int ordinal) {
        this.drv = drv;
        this.ordinal = ordinal;
        int dev = drv.device(ordinal);
        this.deviceName = drv.deviceName(dev);
        this.ccMajor = drv.deviceAttribute(Driver.ATTR_CC_MAJOR, dev);
        this.ccMinor = drv.deviceAttribute(Driver.ATTR_CC_MINOR, dev);
        this.smCount = drv.deviceAttribute(Driver.ATTR_MULTIPROCESSOR_COUNT, dev);
        this.smemOptin = drv.deviceAttribute(Driver.ATTR_MAX_SMEM_OPTIN, dev);
        this.totalMemory = drv.deviceTotalMem(dev);
        this.driverVersion = drv.driverVersion();
        if (ccMajor < 8) {
            throw new CudaUnavailableException("cuda:" + ordinal + " (" + deviceName + ") has compute capability "
                    + ccMajor + "." + ccMinor + "; the tensor-core kernels need 8.0 or newer (Ampere and later)");
        }
        this.ctx = drv.primaryContextRetain(dev);
        makeCurrent();
        this.stream = drv.streamCreate(Driver.STREAM_NON_BLOCKING);
        this.allocator = new DeviceAllocator(this);
    }

    /**
     * Opens device {@code ordinal}: loads the driver, initialises it and retains the primary context.
     * Throws {@link CudaUnavailableException} (with the reason) when there is no driver, no device or
     * no such ordinal.
     */
    public static CudaContext open(int ordinal) {
        if (ordinal < 0) {
            throw new IllegalArgumentException("CUDA device ordinal must be >= 0, got " + ordinal);
        }
        Driver drv = Driver.load();
        int rc = drv.init();
        if (rc == Driver.CUDA_ERROR_NO_DEVICE) {
            throw new CudaUnavailableException("the CUDA driver is installed but found no CUDA-capable device "
                    + "(cuInit: CUDA_ERROR_NO_DEVICE)");
        }
        if (rc != Driver.CUDA_SUCCESS) {
            try {
                drv.check("cuInit", rc);
            } catch (CudaException e) {
                throw new CudaUnavailableException("the CUDA driver could not initialise: " + e.getMessage(), e);
            }
        }
        int count = drv.deviceCount();
        if (ordinal >= count) {
            throw new CudaUnavailableException("cuda:" + ordinal + " was requested but the driver reports "
                    + count + " device" + (count == 1 ? "" : "s") + " (valid: cuda:0" + (count > 1 ? " .. cuda:" + (count - 1) : "") + ")");
        }
        return new CudaContext(drv, ordinal);
    }

    /** Makes the primary context current on the calling thread (once per thread). */
    public void makeCurrent() {
        if (!current.get()) {
            drv.setCurrent(ctx);
            current.set(Boolean.TRUE);
        }
    }

    public int ordinal() {
        return ordinal;
    }

    public String deviceName() {
        return deviceName;
    }

    public int multiprocessors() {
        return smCount;
    }

    public String computeCapability() {
        return ccMajor + "." + ccMinor;
    }

    public long totalMemory() {
        return totalMemory;
    }

    /** The driver's CUDA version as major.minor (e.g. 13.0). */
    public String driverVersion() {
        return driverVersion / 1000 + "." + (driverVersion % 1000) / 10;
    }

    Driver driver() {
        return drv;
    }

    DeviceAllocator allocator() {
        return allocator;
    }

    MemorySegment stream() {
        return stream;
    }

    // ---- memory and copies -------------------------------------------------------------------------

    /** A pooled device block of at least {@code bytes}; returned to the pool when {@code owner} is unreachable. */
    public long allocate(long bytes, Object owner) {
        makeCurrent();
        return allocator.allocate(bytes, owner);
    }

    /** Copies {@code bytes} from host memory (a native segment) to device address {@code dst}, in stream order. */
    public void upload(long dst, MemorySegment src, long bytes) {
        makeCurrent();
        drv.memcpyHtoDAsync(dst, src, bytes, stream);
    }

    /** Copies device memory to a native host segment and waits for it. */
    public void download(MemorySegment dst, long src, long bytes) {
        makeCurrent();
        drv.memcpyDtoHAsync(dst, src, bytes, stream);
        drv.streamSynchronize(stream);
    }

    /** Uploads floats from a heap array (staged through native memory). */
    public void uploadFloats(long dst, float[] src, int off, int n) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, n));
            MemorySegment.copy(src, off, s, ValueLayout.JAVA_FLOAT, 0, n);
            upload(dst, s, 4L * n);
        }
    }

    /** Downloads {@code n} floats from device address {@code src} into a heap array. */
    public void downloadFloats(long src, float[] dst, int off, int n) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, n));
            download(s, src, 4L * n);
            MemorySegment.copy(s, ValueLayout.JAVA_FLOAT, 0, dst, off, n);
        }
    }

    public void copyDeviceToDevice(long dst, long src, long bytes) {
        makeCurrent();
        drv.memcpyDtoDAsync(dst, src, bytes, stream);
    }

    /**
     * With {@code -Djdiffusion.cuda.poison=true} new device tensors are filled with NaN bit patterns
     * first, so a kernel that leaves an output element unwritten shows up as NaN in the checks.
     */
    void poisonIfEnabled(long dst, long bytes) {
        if (poison) {
            makeCurrent();
            drv.memsetD8Async(dst, 0xFF, bytes, stream);
        }
    }

    public void memsetZero(long dst, long bytes) {
        makeCurrent();
        drv.memsetD8Async(dst, 0, bytes, stream);
    }

    /** Waits for every queued copy and kernel; surfaces asynchronous kernel errors. */
    public void synchronize() {
        makeCurrent();
        drv.streamSynchronize(stream);
    }

    /** {free, total} device memory in bytes. */
    public long[] memoryInfo() {
        makeCurrent();
        return drv.memInfo();
    }

    // ---- kernels ------------------------------------------------------------------------------------

    /** Loads every PTX module now (the driver JIT-compiles them), instead of on first use. */
    public synchronized void loadAllModules() {
        for (String m : Kernel.MODULES) {
            module(m);
        }
    }

    /**
     * Loads a module: the machine code assembled ahead for this GPU's architecture when the jar has
     * it ({@code <name>.sm_90.cubin}), else the PTX, which the driver JIT-compiles (and caches).
     * {@code -Djdiffusion.cuda.ptxOnly=true} forces the PTX.
     */
    private synchronized MemorySegment module(String name) {
        MemorySegment m = modules.get(name);
        if (m == null) {
            makeCurrent();
            String cubinName = name + ".sm_" + ccMajor + ccMinor + ".cubin";
            byte[] cubin = Boolean.getBoolean("jdiffusion.cuda.ptxOnly") ? null : Ptx.resource(cubinName);
            byte[] image = cubin != null ? cubin : Ptx.text(name).getBytes(StandardCharsets.US_ASCII);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment seg = a.allocate(image.length + 1L, 16);
                MemorySegment.copy(image, 0, seg, ValueLayout.JAVA_BYTE, 0, image.length);
                seg.set(ValueLayout.JAVA_BYTE, image.length, (byte) 0);  // PTX text must end in NUL
                m = drv.kernels.moduleLoadData(cubin != null ? cubinName : name + ".ptx", seg);
            }
            modules.put(name, m);
            moduleSources.put(name, cubin != null ? cubinName : name + ".ptx (JIT)");
        }
        return m;
    }

    /** Which image each loaded module came from (diagnostics). */
    public synchronized Map<String, String> moduleSources() {
        return Map.copyOf(moduleSources);
    }

    private MemorySegment function(Kernel k, int smem) {
        MemorySegment f = functions[k.ordinal()];
        if (f != null && (smem <= DEFAULT_SMEM_LIMIT || smemSet[k.ordinal()] >= smem)) {
            return f;
        }
        return loadFunction(k, smem);
    }

    private synchronized MemorySegment loadFunction(Kernel k, int smem) {
        MemorySegment f = functions[k.ordinal()];
        if (f == null) {
            f = drv.kernels.moduleGetFunction(module(k.module), k.entry);
        }
        if (smem > DEFAULT_SMEM_LIMIT && smemSet[k.ordinal()] < smem) {
            if (smem > smemOptin) {
                throw new CudaException("kernel " + k.entry + " needs " + smem + " bytes of shared memory; "
                        + deviceName + " allows " + smemOptin);
            }
            drv.kernels.funcSetAttribute(f, Driver.FUNC_ATTR_MAX_DYNAMIC_SMEM, smem);
            smemSet[k.ordinal()] = smem;
        }
        functions[k.ordinal()] = f;
        return f;
    }

    /** Registers per thread the JIT gave a kernel (diagnostics). */
    int registers(Kernel k) {
        return drv.kernels.funcGetAttribute(function(k, 0), Driver.FUNC_ATTR_NUM_REGS);
    }

    /** Queues kernel {@code k} on the stream; {@code args} follow {@link Kernel#signature}. */
    void launch(Kernel k, int gx, int gy, int gz, int bx, int by, int bz, int smem, Object... args) {
        makeCurrent();
        MemorySegment f = function(k, smem);
        KernelArgs.Buffer buf = this.args.get();
        buf.write(k.entry, k.signature, args);
        drv.kernels.launchKernel(k.entry, f, gx, gy, gz, bx, by, bz, smem, stream, buf.pointers);
    }

    /** A 1-D grid for a grid-stride kernel over {@code n} items with {@code threads} per block. */
    int blocksFor(long n, int threads) {
        long b = (n + threads - 1) / threads;
        return (int) Math.max(1, Math.min(b, (long) smCount * 32));
    }

    // ---- timing (benchmarks) -------------------------------------------------------------------------

    /** Device time of {@code body} (queued work between two events), in milliseconds. */
    public float time(Runnable body) {
        makeCurrent();
        MemorySegment start = drv.kernels.eventCreate();
        MemorySegment end = drv.kernels.eventCreate();
        drv.kernels.eventRecord(start, stream);
        body.run();
        drv.kernels.eventRecord(end, stream);
        drv.kernels.eventSynchronize(end);
        return drv.kernels.eventElapsedMs(start, end);
    }

    /**
     * Device time of {@code body}'s kernels without host launch cost: the body is captured once
     * into a CUDA graph, replayed twice to warm up, then {@code replays} times between events.
     * Returns milliseconds per replay. The body must only queue kernels and copies (no allocation,
     * no synchronisation).
     */
    public float timeGraph(Runnable body, int replays) {
        makeCurrent();
        drv.streamSynchronize(stream);
        drv.kernels.beginCapture(stream);
        MemorySegment[] g;
        try {
            body.run();
        } finally {
            g = drv.kernels.endCapture(stream);
        }
        try {
            for (int i = 0; i < 2; i++) {
                drv.kernels.graphLaunch(g[1], stream);
            }
            return time(() -> {
                for (int i = 0; i < replays; i++) {
                    drv.kernels.graphLaunch(g[1], stream);
                }
            }) / replays;
        } finally {
            drv.streamSynchronize(stream);
            drv.kernels.graphDestroy(g[0], g[1]);
        }
    }

    @Override
    public String toString() {
        return "cuda:" + ordinal + " (" + deviceName + ", sm_" + ccMajor + ccMinor + ", " + smCount + " SMs, "
                + totalMemory / (1 << 20) + " MiB, driver CUDA " + driverVersion() + ")";
    }
}
