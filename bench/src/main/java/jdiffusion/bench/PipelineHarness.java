package jdiffusion.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.Mode;
import jdiffusion.sd.pipeline.Canvas;
import jdiffusion.sd.pipeline.GenerationResult;
import jdiffusion.sd.pipeline.GenerationSettings;
import jdiffusion.sd.pipeline.Img2ImgRequest;
import jdiffusion.sd.pipeline.Img2ImgSettings;
import jdiffusion.sd.pipeline.ModelOptions;
import jdiffusion.sd.pipeline.Phase;
import jdiffusion.sd.pipeline.Pipeline;
import jdiffusion.sd.pipeline.SdModel;
import jdiffusion.sd.pipeline.Txt2ImgRequest;
import jdiffusion.tensor.cpu.CpuBackend;

/**
 * End-to-end timings of the pipeline on the CPU backend: a txt2img and an inpainting img2img job,
 * repeated, with the median time per phase (the first repeats warm the JIT up and are dropped).
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar
 * jdiffusion.bench.PipelineHarness MODEL [SIZE] [STEPS] [REPEATS]} (defaults 128, 10, 5).
 */
public final class PipelineHarness {
    private PipelineHarness() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        try (SdModel model = SdModel.load(new CpuBackend(), file, ModelOptions.defaults().withHashFiles(false), null)) {
            System.out.printf(Locale.ROOT, "%s: load %.2f s; %dx%d, %d steps, %d repeats (%d warm-up dropped)%n",
                    file.getFileName(), model.loadNanos() / 1e9, size, size, steps, repeats, Math.min(2, repeats - 1));
            Pipeline p = new Pipeline(model);
            GenerationSettings gs = GenerationSettings.builder().prompt("a red barn in a green field, oil painting")
                    .negativePrompt("blurry").sampler("Euler a").steps(steps).seed(1).size(size, size).rng(RngSource.CPU)
                    .build();
            report("txt2img", repeats, () -> p.txt2img(Txt2ImgRequest.of(gs), null, null));
            Image picture = Image.filled(size, size, Mode.RGB, 120, 160, 90);
            Image mask = Image.blank(size, size, Mode.L);
            for (int y = size / 4; y < 3 * size / 4; y++) {
                for (int x = size / 4; x < 3 * size / 4; x++) {
                    mask.set(x, y, 0, 255);
                }
            }
            Img2ImgSettings s = Img2ImgSettings.builder(Canvas.inpaintUpload(picture, mask)).denoisingStrength(0.75).build();
            report("inpaint (denoise 0.75)", repeats, () -> p.img2img(new Img2ImgRequest(gs, s), null, null));
        }
    }

    private static void report(String what, int repeats, java.util.function.Supplier<GenerationResult> job) {
        Map<Phase, List<Long>> times = new EnumMap<>(Phase.class);
        List<Long> totals = new ArrayList<>();
        int warm = Math.min(2, repeats - 1);
        for (int i = 0; i < repeats; i++) {
            GenerationResult r = job.get();
            if (i < warm) {
                continue;
            }
            r.timings().all().forEach((k, v) -> times.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            totals.add(r.timings().total());
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-24s total %7.3f s |", what, median(totals)));
        times.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %.3f s,", k.label(), median(v))));
        System.out.println(b.substring(0, b.length() - 1));
    }

    private static double median(List<Long> v) {
        long[] a = v.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a[a.length / 2] / 1e9;
    }
}
