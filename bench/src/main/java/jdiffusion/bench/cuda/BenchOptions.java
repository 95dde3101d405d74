package jdiffusion.bench.cuda;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command line of {@link GpuModelBench}: which checkpoints (name → file), where manifests for
 * synthetic ones are, where inputs/outputs go, the backend and the repetition counts.
 *
 * @param unetLatent latent side for the UNet, 0 for the architecture's default (64 SD1/SD2, 128 SDXL)
 * @param vaeLatent latent side for the VAE decode, 0 for the same default
 */
record BenchOptions(Map<String, Path> models, Path manifests, Path io, String backend, int iters, int warmup,
                    int unetLatent, int vaeLatent) {
    static final String USAGE = "usage: GpuModelBench --model NAME=CHECKPOINT [--model ...] --io DIR "
            + "[--manifests DIR (writes NAME.json's synthetic checkpoint when CHECKPOINT is missing)] "
            + "[--backend cuda|cpu] [--iters N] [--warmup N] [--unet-latent N] [--vae-latent N]";

    static BenchOptions parse(String[] args) {
        Map<String, Path> models = new LinkedHashMap<>();
        Path manifests = null;
        Path io = null;
        String backend = "cuda";
        int iters = 10;
        int warmup = 3;
        int unetLatent = 0;
        int vaeLatent = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--model" -> {
                    int eq = v.indexOf('=');
                    if (eq <= 0 || eq == v.length() - 1) {
                        throw new IllegalArgumentException("--model expects NAME=CHECKPOINT, got '" + v + "'");
                    }
                    models.put(v.substring(0, eq), Path.of(v.substring(eq + 1)));
                }
                case "--manifests" -> manifests = Path.of(v);
                case "--io" -> io = Path.of(v);
                case "--backend" -> {
                    if (!v.equals("cuda") && !v.equals("cpu")) {
                        throw new IllegalArgumentException("--backend must be cuda or cpu, got '" + v + "'");
                    }
                    backend = v;
                }
                case "--iters" -> iters = positive(a, v, 1);
                case "--warmup" -> warmup = positive(a, v, 1);
                case "--unet-latent" -> unetLatent = positive(a, v, 8);
                case "--vae-latent" -> vaeLatent = positive(a, v, 1);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (models.isEmpty() || io == null) {
            throw new IllegalArgumentException("--model and --io are required");
        }
        return new BenchOptions(models, manifests, io, backend, iters, warmup, unetLatent, vaeLatent);
    }

    private static int positive(String option, String value, int min) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " expects an integer >= " + min + ", got '" + value + "'");
    }
}
