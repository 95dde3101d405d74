package jdiffusion.bench.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import jdiffusion.bench.SyntheticCheckpoint;
import jdiffusion.bench.cuda.GpuModelBench;
import jdiffusion.loaders.LoadedModel;
import jdiffusion.loaders.ModelLoader;
import jdiffusion.loaders.config.UNetConfig;
import jdiffusion.nn.SdNetworks;
import jdiffusion.nn.clip.ClipTextModel;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.Mode;
import jdiffusion.sd.pipeline.Canvas;
import jdiffusion.sd.pipeline.GenerationResult;
import jdiffusion.sd.pipeline.GenerationSettings;
import jdiffusion.sd.pipeline.Img2ImgRequest;
import jdiffusion.sd.pipeline.Img2ImgSettings;
import jdiffusion.sd.pipeline.ModelOptions;
import jdiffusion.sd.pipeline.Pipeline;
import jdiffusion.sd.pipeline.SdModel;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;

/**
 * Full-size networks on the CPU backend, each call profiled per backend operation: text encoding
 * (every encoder, one 77-token chunk, batch 2 as cond + uncond), a UNet CFG step (batch 2; SD1/SD2 at a
 * 64×64 latent, SDXL at 128×128), a VAE decode (64×64 → 512², 128×128 → 1024²) and, with
 * {@code --img2img}, a whole img2img job through the pipeline. Prints wall time, the per-operation
 * table (calls, ms, share, GFLOP/s of the matrix-shaped operations) and the process's peak resident
 * memory (VmHWM) after each part. A missing checkpoint is first written from its manifest.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar
 *   jdiffusion.bench.profile.CpuModelBench --model CHECKPOINT [--manifest M.json] [--parts text,unet,vae]
 *   [--iters 1] [--unet-latent N] [--vae-latent N] [--img2img SIZE:STEPS:DENOISE]</pre>
 */
public final class CpuModelBench {
    private final ProfilingBackend backend = new ProfilingBackend(new CpuBackend());
    private int iters = 1;

    public static void main(String[] args) throws IOException {
        Path model = null;
        Path manifest = null;
        List<String> parts = List.of("text", "unet", "vae");
        int unetLatent = 0;
        int vaeLatent = 0;
        String img2img = null;
        CpuModelBench b = new CpuModelBench();
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--model" -> model = Path.of(v);
                case "--manifest" -> manifest = Path.of(v);
                case "--parts" -> parts = v.isEmpty() ? List.of() : Arrays.asList(v.split(","));
                case "--iters" -> b.iters = Integer.parseInt(v);
                case "--unet-latent" -> unetLatent = Integer.parseInt(v);
                case "--vae-latent" -> vaeLatent = Integer.parseInt(v);
                case "--img2img" -> img2img = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("--model CHECKPOINT is required");
        }
        if (!Files.exists(model)) {
            if (manifest == null) {
                throw new IllegalArgumentException(model + " does not exist and no --manifest was given to write it");
            }
            long t0 = System.nanoTime();
            long bytes = SyntheticCheckpoint.write(manifest, model, 1234);
            System.out.printf(Locale.ROOT, "wrote synthetic %s (%,d bytes) in %.1f s%n", model, bytes,
                    (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf(Locale.ROOT, "backend %s, %s%n", b.backend.name(), System.getProperty("java.vm.version"));
        if (!parts.isEmpty()) {
            b.networks(model, parts, unetLatent, vaeLatent);
        }
        if (img2img != null) {
            b.img2img(model, img2img);
        }
    }

    private void networks(Path file, List<String> parts, int unetLatent, int vaeLatent) throws IOException {
        long t0 = System.nanoTime();
        try (LoadedModel model = ModelLoader.open(file)) {
            SdNetworks nets = SdNetworks.load(backend, model.weights(), model.config());
            System.out.printf(Locale.ROOT, "%s: %s, opened and built in %.2f s, peak RSS %s%n", file.getFileName(),
                    model.kind().summary(), (System.nanoTime() - t0) / 1e9, peakRss());
            SplittableRandom rnd = new SplittableRandom(7);
            if (parts.contains("text")) {
                for (int e = 0; e < nets.textEncoders().size(); e++) {
                    ClipTextModel te = nets.textEncoders().get(e);
                    Tensor ids = tokens(rnd, 2, te.config().maxPositions(), te.config().vocabSize());
                    measure("text encoder " + e + " [2,77]", () -> te.forward(ids).lastHiddenState());
                }
            }
            UNetConfig u = nets.config().unet();
            boolean xl = u.admInChannels() > 0;
            if (parts.contains("unet")) {
                int n = unetLatent > 0 ? unetLatent : xl ? 128 : 64;
                Tensor x = normal(rnd, 2, u.inChannels(), n, n);
                Tensor t = Tensor.of(new float[] {999f, 250.5f}, 2);
                Tensor ctx = normal(rnd, 2, 77, u.contextDim());
                Tensor y = xl ? normal(rnd, 2, u.admInChannels()) : null;
                measure("unet x[2," + u.inChannels() + "," + n + "," + n + "]",
                        () -> nets.unet().forward(x, t, ctx, y));
            }
            if (parts.contains("vae")) {
                int n = vaeLatent > 0 ? vaeLatent : xl ? 128 : 64;
                Tensor z = normal(rnd, 1, nets.config().vae().zChannels(), n, n);
                measure("vae decode z[1,4," + n + "," + n + "] -> " + 8 * n + "²", () -> nets.vae().decode(z));
            }
        }
    }

    private void img2img(Path file, String spec) throws IOException {
        String[] p = spec.split(":");
        int size = Integer.parseInt(p[0]);
        int steps = p.length > 1 ? Integer.parseInt(p[1]) : 4;
        double denoise = p.length > 2 ? Double.parseDouble(p[2]) : 0.5;
        try (SdModel model = SdModel.load(backend, file, ModelOptions.defaults().withHashFiles(false), null)) {
            Pipeline pipeline = new Pipeline(model);
            GenerationSettings gs = GenerationSettings.builder().prompt("a red barn in a green field, oil painting")
                    .negativePrompt("blurry").sampler("Euler a").steps(steps).seed(1).size(size, size)
                    .rng(RngSource.CPU).build();
            Image picture = Image.filled(size, size, Mode.RGB, 120, 160, 90);
            Img2ImgSettings s = Img2ImgSettings.builder(Canvas.img2img(picture)).denoisingStrength(denoise).build();
            backend.reset();
            long t0 = System.nanoTime();
            GenerationResult r = pipeline.img2img(new Img2ImgRequest(gs, s), null, null);
            long wall = System.nanoTime() - t0;
            StringBuilder phases = new StringBuilder();
            r.timings().all().forEach((k, v) -> phases.append(String.format(Locale.ROOT, " %s %.1f s,", k.label(), v / 1e9)));
            System.out.printf(Locale.ROOT, "img2img %dx%d, %d steps, denoise %.2f: %.1f s |%s peak RSS %s%n", size, size,
                    steps, denoise, wall / 1e9, phases, peakRss());
            System.out.print(backend.table(wall));
        }
    }

    private void measure(String what, Supplier<Tensor> call) {
        call.get();   // first call: weights paged in from the mapped file, JIT warm-up
        long best = Long.MAX_VALUE;
        String table = "";
        double flops = 0;
        for (int i = 0; i < iters; i++) {
            backend.reset();
            long t0 = System.nanoTime();
            call.get();
            long wall = System.nanoTime() - t0;
            if (wall < best) {
                best = wall;
                table = backend.table(wall);
                flops = backend.totalFlops();
            }
        }
        System.out.printf(Locale.ROOT, "%s: %.3f s (best of %d), %.1f GFLOP, %.1f GFLOP/s overall, peak RSS %s%n",
                what, best / 1e9, iters, flops / 1e9, flops / best, peakRss());
        System.out.print(table);
    }

    /** The process's peak resident set (VmHWM from /proc/self/status), or "n/a" off Linux. */
    static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.2f GiB", kb / 1048576.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "n/a";
    }

    private static Tensor tokens(SplittableRandom rnd, int b, int t, int vocab) {
        float[] ids = new float[b * t];
        for (int i = 0; i < b; i++) {
            ids[i * t] = 49406;
            for (int j = 1; j < t; j++) {
                ids[i * t + j] = j < 20 ? rnd.nextInt(vocab - 2) : 49407;
            }
        }
        return Tensor.of(ids, b, t);
    }

    private static Tensor normal(SplittableRandom rnd, int... shape) {
        return GpuModelBench.normal(rnd, shape);
    }

}
