package jdiffusion.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import jdiffusion.loaders.LoadOptions;
import jdiffusion.loaders.LoadedModel;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.ModelLoader;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.WeightFiles;
import jdiffusion.loaders.config.EsrganConfig;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.config.Prediction;
import jdiffusion.loaders.config.TextEncoderConfig;
import jdiffusion.loaders.config.UNetConfig;
import jdiffusion.loaders.config.VaeConfig;
import jdiffusion.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jdiffusion inspect FILE}: what a model file is — format, detected architecture with its
 * full configuration, dtypes, parameters per component, metadata. Exit codes: 0 recognised, 2
 * readable but not a model jdiffusion runs, 1 missing or malformed (one line on stderr).
 */
@Command(name = "inspect", description = "Show a model file's format, detected architecture, dtypes, parameter counts and metadata.")
public final class InspectCommand implements Callable<Integer> {
    static final int MALFORMED = 1;
    static final int NOT_RECOGNISED = 2;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A .safetensors, .ckpt/.pt/.pth/.bin file or a diffusers folder.")
    Path file;

    @Option(names = "--prediction", paramLabel = "eps|v", description = "Override the prediction type (not visible in weights).")
    String prediction;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadOptions options = LoadOptions.defaults();
        if (prediction != null) {
            options = switch (prediction.toLowerCase(Locale.ROOT)) {
                case "eps", "epsilon" -> options.withPrediction(Prediction.EPSILON);
                case "v" -> options.withPrediction(Prediction.V_PREDICTION);
                default -> null;
            };
            if (options == null) {
                err.println("jdiffusion inspect: --prediction must be eps or v, not '" + prediction + "'");
                return MALFORMED;
            }
        }
        try (LoadedModel m = ModelLoader.open(file, options)) {
            out.println("file:        " + file);
            out.println("format:      " + m.format().description());
            out.println("model:       " + m.kind().summary());
            switch (m.kind()) {
                case LoadedModel.StableDiffusion sd -> printConfig(out, sd.config());
                case LoadedModel.Vae v -> out.println("vae:         " + vae(v.config()));
                case LoadedModel.Esrgan e -> out.println("upscaler:    " + esrgan(e.config()));
            }
            for (String note : m.notes()) {
                out.println("note:        " + note);
            }
            printTensors(out, m.weights(), m.kind());
            printMetadata(out, m.metadata());
            out.flush();
            return 0;
        } catch (NoSuchFileException e) {
            err.println("jdiffusion inspect: " + file + ": no such file or folder");
            return MALFORMED;
        } catch (ModelFormatException e) {
            return notRecognised(out, err, e);
        } catch (IOException e) {
            err.println("jdiffusion inspect: " + file + ": cannot read: " + e.getMessage());
            return MALFORMED;
        }
    }

    /** A file that reads but is not a model we run: say what it holds; a malformed one: one line. */
    private int notRecognised(PrintWriter out, PrintWriter err, ModelFormatException e) {
        if (!e.getMessage().contains("not a recognised model")) {
            err.println("jdiffusion inspect: " + oneLine(e.getMessage()));
            return MALFORMED;
        }
        try (WeightFiles.Opened raw = WeightFiles.open(file)) {
            out.println("file:        " + file);
            out.println("format:      " + raw.format().description());
            out.println("model:       not recognised (" + oneLine(e.getMessage()) + ")");
            printTensors(out, raw.tensors(), null);
            printMetadata(out, raw.metadata());
            out.flush();
            return NOT_RECOGNISED;
        } catch (IOException | RuntimeException again) {
            err.println("jdiffusion inspect: " + oneLine(e.getMessage()));
            return MALFORMED;
        }
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ');
    }

    private static void printConfig(PrintWriter out, ModelConfig c) {
        out.println("unet:        " + unet(c.unet()));
        out.println("vae:         " + vae(c.vae()));
        for (int i = 0; i < c.textEncoders().size(); i++) {
            out.println("text enc " + (i + 1) + ":  " + text(c.textEncoders().get(i)));
        }
        out.println("clip skip:   " + c.clipSkip() + " (default)");
    }

    static String unet(UNetConfig u) {
        return "in " + u.inChannels() + ", out " + u.outChannels() + ", model channels " + u.modelChannels()
                + ", channel mult " + u.channelMult() + ", " + u.numResBlocks() + " res blocks per level, transformer depth "
                + u.transformerDepth() + " (middle " + u.transformerDepthMiddle() + "), "
                + (u.numHeads() > 0 ? u.numHeads() + " heads" : "head dim " + u.headDim()) + ", context " + u.contextDim()
                + ", " + (u.linearProjection() ? "linear" : "1x1 conv") + " projection"
                + (u.admInChannels() > 0 ? ", label_emb input " + u.admInChannels() : "");
    }

    static String vae(VaeConfig v) {
        return "base channels " + v.baseChannels() + ", channel mult " + v.channelMult() + ", " + v.numResBlocks()
                + " res blocks, latent channels " + v.zChannels() + ", scaling factor " + v.scalingFactor();
    }

    static String text(TextEncoderConfig t) {
        return t.prefix() + "* (" + (t.layout() == TextEncoderConfig.Layout.HF_CLIP ? "HF CLIP" : "OpenCLIP") + "), width "
                + t.width() + ", " + t.layers() + " layers, " + t.heads() + " heads, MLP " + t.mlpWidth() + ", "
                + t.activation().name().toLowerCase(Locale.ROOT) + ", " + t.maxPositions() + " positions, vocab " + t.vocabSize()
                + (t.projectionDim() > 0 ? ", projection " + t.projectionDim() : "");
    }

    static String esrgan(EsrganConfig e) {
        return "RRDBNet x" + e.scale() + ": " + e.numBlocks() + " blocks, nf " + e.numFeatures() + ", gc " + e.growthChannels()
                + ", in " + e.inChannels() + ", out " + e.outChannels() + ", " + e.upsamples() + " upsampling stages"
                + (e.pixelUnshuffle() > 1 ? ", pixel-unshuffle " + e.pixelUnshuffle() : "") + " (" + e.sourceLayout() + " names)";
    }

    private static void printTensors(PrintWriter out, TensorSource w, LoadedModel.Kind kind) {
        Map<String, long[]> dtypes = new TreeMap<>();
        Map<String, long[]> parts = new LinkedHashMap<>();
        for (String p : new String[] {"unet", "vae", "text encoders", "upscaler", "other"}) {
            parts.put(p, new long[2]);
        }
        for (String n : w.names()) {
            Tensor t = w.tensor(n);
            long count = t.size();
            add(dtypes.computeIfAbsent(t.dtype().name(), k -> new long[2]), count);
            add(parts.get(component(n, kind)), count);
        }
        StringBuilder d = new StringBuilder();
        dtypes.forEach((k, v) -> d.append(d.isEmpty() ? "" : "; ").append(k).append(' ').append(v[0])
                .append(v[0] == 1 ? " tensor, " : " tensors, ").append(human(v[1])).append(" values"));
        out.println("dtypes:      " + d);
        StringBuilder p = new StringBuilder();
        parts.forEach((k, v) -> {
            if (v[0] > 0) {
                p.append(p.isEmpty() ? "" : "; ").append(k).append(' ').append(String.format(Locale.ROOT, "%,d", v[1]))
                        .append(" (").append(v[0]).append(" tensors)");
            }
        });
        out.println("parameters:  " + (p.isEmpty() ? "none" : p));
    }

    private static String component(String n, LoadedModel.Kind kind) {
        if (kind instanceof LoadedModel.Esrgan) {
            return "upscaler";
        }
        if (n.startsWith(ModelConfig.UNET_PREFIX)) {
            return "unet";
        }
        if (n.startsWith(ModelConfig.VAE_PREFIX)) {
            return "vae";
        }
        if (n.startsWith("cond_stage_model.") || n.startsWith("conditioner.")) {
            return "text encoders";
        }
        return "other";
    }

    private static void add(long[] acc, long count) {
        acc[0]++;
        acc[1] += count;
    }

    static String human(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f G", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2f M", n / 1e6);
        }
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static void printMetadata(PrintWriter out, Map<String, String> metadata) {
        if (metadata.isEmpty()) {
            out.println("metadata:    none");
            return;
        }
        out.println("metadata:");
        new TreeMap<>(metadata).forEach((k, v) -> {
            String s = oneLine(v);
            out.println("  " + k + " = " + (s.length() > 200 ? s.substring(0, 200) + "... (" + s.length() + " chars)" : s));
        });
    }
}
