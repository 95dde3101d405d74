package jdiffusion.bench.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import jdiffusion.bench.SyntheticCheckpoint;
import jdiffusion.cuda.Backends;
import jdiffusion.cuda.CudaBackend;
import jdiffusion.loaders.LoadedModel;
import jdiffusion.loaders.ModelLoader;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.config.UNetConfig;
import jdiffusion.loaders.safetensors.SafetensorsWriter;
import jdiffusion.nn.SdNetworks;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;

/**
 * Whole-network timings on one backend: a UNet forward as a CFG step takes it (batch 2: cond and
 * uncond rows; SD1.x/SD2.x at a 64×64 latent, SDXL at 128×128, 77 context tokens, SDXL's y vector)
 * and a VAE decode of one latent (64×64 → 512², 128×128 → 1024²), from a checkpoint loaded with
 * {@link ModelLoader} and networks built with {@link SdNetworks#load}. A synthetic full-size
 * checkpoint is written first when the file is missing and a manifest is given
 * ({@link SyntheticCheckpoint}). Each timing is the wall time of one call between device
 * synchronisations (host launch cost included, as in a sampling loop), median of several after
 * warm-up. Inputs and outputs go to {@code --io} as safetensors for bench/cuda/models_vs_torch.py,
 * which runs PyTorch on the same file and inputs; one {@code RESULT {json}} line per measurement.
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp JARS
 *   jdiffusion.bench.cuda.GpuModelBench --model sd15=/tmp/sd15.safetensors --manifests testdata/manifests
 *   --io /tmp/io [--backend cuda|cpu] [--iters 10] [--warmup 3] [--unet-latent N] [--vae-latent N]</pre>
 */
public final class GpuModelBench {
    private final BenchOptions opt;
    private final Backend backend;

    private GpuModelBench(BenchOptions opt, Backend backend) {
        this.opt = opt;
        this.backend = backend;
    }

    public static void main(String[] args) throws IOException {
        BenchOptions opt;
        try {
            opt = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("GpuModelBench: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        Backend be = opt.backend().equals("cpu") ? new CpuBackend() : Backends.require(0);
        System.out.println("backend: " + be.name());
        Files.createDirectories(opt.io());
        GpuModelBench bench = new GpuModelBench(opt, be);
        for (Map.Entry<String, Path> m : opt.models().entrySet()) {
            bench.run(m.getKey(), m.getValue());
        }
    }

    private void run(String name, Path checkpoint) throws IOException {
        if (!Files.exists(checkpoint)) {
            Path manifest = opt.manifests() == null ? null : opt.manifests().resolve(name + ".json");
            if (manifest == null || !Files.exists(manifest)) {
                throw new IllegalArgumentException(checkpoint + " does not exist and there is no manifest "
                        + (manifest == null ? "(--manifests not given)" : manifest) + " to write it from");
            }
            long t0 = System.nanoTime();
            long bytes = SyntheticCheckpoint.write(manifest, checkpoint, 1234);
            System.out.printf(Locale.ROOT, "%s: wrote synthetic %s (%,d bytes) in %.1f s%n", name, checkpoint, bytes,
                    seconds(t0));
        }
        long t0 = System.nanoTime();
        try (LoadedModel model = ModelLoader.open(checkpoint)) {
            ModelConfig config = model.config();
            SdNetworks nets = SdNetworks.load(backend, model.weights(), config);
            System.out.printf(Locale.ROOT, "%s: %s, opened and built in %.2f s%n", name, model.kind().summary(),
                    seconds(t0));
            unet(name, checkpoint, nets);
            vae(name, checkpoint, nets);
        } finally {
            if (backend instanceof CudaBackend c) {
                c.clearWeightCache();   // the next model's weights get the device memory
            }
            System.gc();
        }
    }

    private void unet(String name, Path checkpoint, SdNetworks nets) throws IOException {
        UNetConfig u = nets.config().unet();
        int latent = opt.unetLatent() > 0 ? opt.unetLatent() : u.admInChannels() > 0 ? 128 : 64;
        SplittableRandom rnd = new SplittableRandom(name.hashCode());
        Tensor x = normal(rnd, 2, u.inChannels(), latent, latent);
        Tensor t = Tensor.of(new float[] {999f, 250.5f}, 2);
        Tensor ctx = normal(rnd, 2, 77, u.contextDim());
        Tensor y = u.admInChannels() > 0 ? normal(rnd, 2, u.admInChannels()) : null;
        // The sampler keeps the latent and the conditioning on the device from step to step.
        Tensor xd = backend.load(x);
        Tensor cd = backend.load(ctx);
        Tensor yd = y == null ? null : backend.load(y);
        Timing tm = time(() -> nets.unet().forward(xd, t, cd, yd));
        Map<String, Tensor> io = new LinkedHashMap<>();
        io.put("x", x);
        io.put("timesteps", t);
        io.put("context", ctx);
        if (y != null) {
            io.put("y", y);
        }
        io.put("out", backend.toHost(tm.last));
        Path file = opt.io().resolve(name + ".unet.safetensors");
        SafetensorsWriter.write(file, items(io), Map.of("checkpoint", checkpoint.toString()), true);
        String shape = "x[2," + u.inChannels() + "," + latent + "," + latent + "] ctx[2,77," + u.contextDim() + "]"
                + (y == null ? "" : " y[2," + u.admInChannels() + "]");
        result(name, "unet", shape, checkpoint, file, tm);
    }

    private void vae(String name, Path checkpoint, SdNetworks nets) throws IOException {
        boolean xl = nets.config().unet().admInChannels() > 0;
        int latent = opt.vaeLatent() > 0 ? opt.vaeLatent() : xl ? 128 : 64;
        SplittableRandom rnd = new SplittableRandom(name.hashCode() + 1);
        Tensor z = normal(rnd, 1, nets.config().vae().zChannels(), latent, latent);
        Tensor zd = backend.load(z);
        Timing tm = time(() -> nets.vae().decode(zd));
        Map<String, Tensor> io = new LinkedHashMap<>();
        io.put("latent", z);
        io.put("decoded", backend.toHost(tm.last));
        Path file = opt.io().resolve(name + ".vae.safetensors");
        SafetensorsWriter.write(file, items(io), Map.of("checkpoint", checkpoint.toString()), true);
        result(name, "vae_decode", "z[1," + nets.config().vae().zChannels() + "," + latent + "," + latent + "]",
                checkpoint, file, tm);
    }

    /** The first call (weights uploaded and converted, kernels loaded), warm-up calls, then timed calls. */
    private Timing time(Supplier<Tensor> call) {
        sync();
        long t0 = System.nanoTime();
        Tensor last = call.get();
        sync();
        double first = seconds(t0);
        for (int i = 1; i < opt.warmup(); i++) {
            last = call.get();
        }
        sync();
        double[] ms = new double[opt.iters()];
        for (int i = 0; i < ms.length; i++) {
            long s = System.nanoTime();
            last = call.get();
            sync();
            ms[i] = (System.nanoTime() - s) / 1e6;
        }
        return new Timing(first, ms, last);
    }

    private void sync() {
        if (backend instanceof CudaBackend c) {
            c.synchronize();
        }
    }

    private record Timing(double firstSeconds, double[] ms, Tensor last) {
        double median() {
            double[] s = ms.clone();
            java.util.Arrays.sort(s);
            int n = s.length;
            return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }
    }

    private void result(String name, String component, String shape, Path checkpoint, Path io, Timing tm) {
        StringBuilder runs = new StringBuilder();
        double min = Double.MAX_VALUE;
        double max = 0;
        for (double v : tm.ms) {
            runs.append(runs.isEmpty() ? "" : ",").append(String.format(Locale.ROOT, "%.3f", v));
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        String mem = "";
        if (backend instanceof CudaBackend c) {
            long[] info = c.context().memoryInfo();
            mem = String.format(Locale.ROOT, ",\"device_used_mib\":%d", (info[1] - info[0]) >> 20);
        }
        System.out.printf(Locale.ROOT, "%s %s %s: first call %.2f s, median %.2f ms (min %.2f, max %.2f, %d runs)%n",
                name, component, shape, tm.firstSeconds, tm.median(), min, max, tm.ms.length);
        System.out.printf(Locale.ROOT, "RESULT {\"kind\":\"model\",\"model\":\"%s\",\"component\":\"%s\",\"shape\":\"%s\","
                        + "\"backend\":\"%s\",\"checkpoint\":\"%s\",\"io\":\"%s\",\"first_s\":%.3f,\"ms\":%.3f,\"min_ms\":%.3f,"
                        + "\"runs_ms\":[%s]%s}%n", name, component, shape, backend.name().replace("\"", "'"),
                checkpoint, io, tm.firstSeconds, tm.median(), min, runs, mem);
    }

    private static List<SafetensorsWriter.Item> items(Map<String, Tensor> io) {
        List<SafetensorsWriter.Item> items = new ArrayList<>();
        io.forEach((k, v) -> items.add(new SafetensorsWriter.Item(k, v, jdiffusion.tensor.DType.F32)));
        return items;
    }

    /** N(0, 1) values in a host tensor. */
    public static Tensor normal(SplittableRandom rnd, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return Tensor.of(a, shape);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
