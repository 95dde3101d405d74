package jdiffusion.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import jdiffusion.loaders.LoadedModel;
import jdiffusion.loaders.ModelLoader;
import jdiffusion.loaders.safetensors.SafetensorsFile;

/**
 * Times opening a checkpoint: {@link SafetensorsFile#open} (map, parse and validate the header,
 * index the tensors) and {@link ModelLoader#open} (the same plus key normalisation and
 * architecture detection), each repeated; the first run includes JVM warm-up and, if the file was
 * not read recently, page-cache misses on the header. Nothing is read beyond the header.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar
 * jdiffusion.bench.OpenCheckpointBench FILE [REPEATS]}
 */
public final class OpenCheckpointBench {
    private OpenCheckpointBench() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        System.out.printf("%s: %,d bytes%n", file, Files.size(file));
        double[] raw = new double[repeats];
        double[] full = new double[repeats];
        String summary = "";
        int tensors = 0;
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                tensors = f.names().size();
            }
            long t1 = System.nanoTime();
            try (LoadedModel m = ModelLoader.open(file)) {
                summary = m.kind().summary();
            }
            long t2 = System.nanoTime();
            raw[i] = (t1 - t0) / 1e6;
            full[i] = (t2 - t1) / 1e6;
        }
        System.out.printf("%d tensors; detected: %s%n", tensors, summary);
        report("SafetensorsFile.open", raw);
        report("ModelLoader.open (open + detection)", full);
    }

    private static void report(String what, double[] ms) {
        double first = ms[0];
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        System.out.printf("%-38s first %.1f ms, min %.1f ms, median %.1f ms (%d runs)%n", what, first, sorted[0],
                sorted[sorted.length / 2], ms.length);
    }
}
