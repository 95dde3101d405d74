package jdiffusion.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import jdiffusion.loaders.LoadedModel;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.ModelLoader;
import jdiffusion.nn.esrgan.RRDBNet;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.ImageFiles;
import jdiffusion.sd.image.Upscaler;
import jdiffusion.sd.infotext.PngInfotext;
import jdiffusion.sd.models.ModelsFolder;
import jdiffusion.sd.upscale.EsrganUpscaler;
import jdiffusion.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jdiffusion upscale}: the webui's Extras tab "Upscale" with Lanczos, Nearest or an ESRGAN-family model. */
@Command(name = "upscale", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = "Upscale pictures like the webui's Extras tab: Lanczos, Nearest or an ESRGAN-family model "
                + "(.pth/.safetensors: RRDBNet, Real-ESRGAN, 4x-UltraSharp-style), tiled 192 px with 8 px overlap. "
                + "Writes outputs/extras-images/NNNNN-NAME.png; the source's infotext is kept.",
        footer = {"", "Exit codes: 0 done; 2 invalid option or value; 4 file missing or not an image; "
            + "5 not an upscaler model; 6 runtime error; 7 device unavailable."})
public final class UpscaleCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "IMG", arity = "1..*", description = "Pictures to upscale.")
    List<Path> images;

    @Option(names = {"-u", "--upscaler"}, paramLabel = "NAME",
            description = "Lanczos (default), Nearest, an ESRGAN model file, or a model's file stem in MODELS/ESRGAN.")
    String upscaler = "Lanczos";

    @Option(names = "--scale", paramLabel = "X", description = "Resize by, 1-8 (4); the result is a multiple of 8 pixels.")
    double scale = 4;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", description = "Output folder (default outputs/extras-images).")
    Path outputDir;

    @Option(names = "--tile", paramLabel = "PX", description = "ESRGAN tile size, 0 = whole picture (192).")
    int tile = EsrganUpscaler.DEFAULT_TILE;

    @Option(names = "--tile-overlap", paramLabel = "PX", description = "ESRGAN tile overlap (8).")
    int overlap = EsrganUpscaler.DEFAULT_OVERLAP;

    @Mixin
    ModelArgs model;

    @Override
    public Integer call() throws IOException {
        Env env = main.env();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!(scale >= 1 && scale <= 8)) {
            throw CliException.usage("--scale must be within [1, 8], got " + scale);
        }
        if (tile < 0 || overlap < 0 || tile > 0 && overlap >= tile) {
            throw CliException.usage("--tile " + tile + " / --tile-overlap " + overlap + ": expected tile >= 0 and 0 <= overlap < tile");
        }
        Map<Path, Image> inputs = new LinkedHashMap<>();
        for (Path p : images) {
            inputs.put(p, Inputs.image("IMG", env, p));
        }
        Path dir = outputDir != null ? env.resolve(outputDir) : env.workDir().resolve("outputs").resolve("extras-images");
        String name = upscaler.strip();
        LoadedModel loaded = null;
        try {
            Upscaler up = switch (name.toLowerCase(Locale.ROOT)) {
                case "lanczos" -> Upscaler.lanczos();
                case "nearest" -> Upscaler.nearest();
                default -> {
                    Path file = modelFile(env, name);
                    loaded = ModelLoader.open(file);
                    if (!(loaded.kind() instanceof LoadedModel.Esrgan e)) {
                        throw new ModelFormatException(file + ": is a " + loaded.kind().summary()
                                + ", not an ESRGAN-family upscaler");
                    }
                    Backend backend = ModelChoice.backend(model.device, err, true);
                    RRDBNet net = new RRDBNet(backend, loaded.weights(), e.config());
                    name = ModelsFolder.stem(file.getFileName());
                    yield new EsrganUpscaler(backend, net::forward, net.scale(), tile, overlap);
                }
            };
            for (var e : inputs.entrySet()) {
                long t0 = System.nanoTime();
                Image result = up.upscale(e.getValue(), scale);
                String stem = ModelsFolder.stem(e.getKey().getFileName());
                Path f = OutputFiles.claimNumbered(dir, stem, ".png");
                Map<String, String> texts = new LinkedHashMap<>();
                // Inputs.image has checked that the file exists; only PNGs carry an infotext to keep.
                Path source = env.resolve(e.getKey());
                String params = source.toString().toLowerCase(Locale.ROOT).endsWith(".png") ? PngInfotext.read(source) : null;
                if (params != null) {
                    texts.put(PngInfotext.KEY, params);
                }
                texts.put("postprocessing", "Postprocess upscale by: " + fmt(scale) + ", Postprocess upscaler: " + name);
                ImageFiles.writePng(result, f, texts);
                out.printf(Locale.ROOT, "wrote %s (%dx%d -> %dx%d, %.2f s)%n", f, e.getValue().width(), e.getValue().height(),
                        result.width(), result.height(), (System.nanoTime() - t0) / 1e9);
            }
            out.flush();
            return ExitCodes.OK;
        } finally {
            if (loaded != null) {
                loaded.close();
            }
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** A model file path, or a file stem in the ESRGAN folder. */
    private Path modelFile(Env env, String name) {
        Path p = env.resolve(Path.of(name));
        if (Files.isRegularFile(p)) {
            return p;
        }
        List<Path> known = ModelChoice.esrganModels(ModelChoice.folder(env, model));
        for (Path k : known) {
            if (ModelsFolder.stem(k.getFileName()).equalsIgnoreCase(name)) {
                return k;
            }
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (name.contains("/") || name.contains(java.io.File.separator) || ModelChoice.UPSCALER_EXT.stream().anyMatch(lower::endsWith)) {
            throw CliException.file("--upscaler " + name + ": no such file");
        }
        StringBuilder names = new StringBuilder("Lanczos, Nearest");
        known.forEach(k -> names.append(", ").append(ModelsFolder.stem(k.getFileName())));
        throw CliException.usage("--upscaler: unknown upscaler '" + name + "' (not a file; known: " + names + ")");
    }
}
