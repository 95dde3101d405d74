package jdiffusion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.loaders.safetensors.SafetensorsWriter;
import jdiffusion.nn.KnownConfigs;
import jdiffusion.nn.clip.ClipTextModel;
import jdiffusion.nn.clip.ClipTextOutput;
import jdiffusion.nn.unet.UNetModel;
import jdiffusion.nn.vae.LatentDistribution;
import jdiffusion.nn.vae.Vae;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jdiffusion eval}: runs one network of a checkpoint on tensors read from a safetensors file
 * and writes its outputs under the golden files' names, so any golden case can be replayed and
 * compared tensor by tensor. When the inputs file also holds tensors named like the outputs (a
 * golden file does), each output is compared with it and the max error printed beside the file's
 * {@code tolerance_abs}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Runs one network component on input tensors and writes its outputs.",
            "Components and tensor names: text, text2 (input_ids -> hidden_states.N, last_hidden_state, "
                + "pooler_output, text_embeds); unet (x, timesteps, context[, y] -> out, trace.*); "
                + "vae-encode (image -> mean, logvar); vae-decode (latent -> decoded).",
            "Exit codes: 0 done; 1 bad input or model; 4 with --check when an output is outside tolerance."})
public final class EvalCommand implements Callable<Integer> {
    static final int MISMATCH = 4;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "CKPT", description = "Checkpoint (.safetensors, LDM single-file layout).")
    Path model;

    @Option(names = "--component", required = true, paramLabel = "NAME",
            description = "text | text2 | unet | vae-encode | vae-decode")
    String component;

    @Option(names = "--inputs", required = true, paramLabel = "IN.safetensors", description = "Input tensors (golden-file names).")
    Path inputs;

    @Option(names = "--out", required = true, paramLabel = "OUT.safetensors", description = "Where to write the outputs (float32).")
    Path out;

    @Option(names = "--config", paramLabel = "NAME",
            description = "Model configuration: sd15, sd15-inpainting, sd2, sdxl, tiny-sd15, tiny-sdxl. "
                    + "Default: the first of these whose tensor shapes fit the checkpoint.")
    String config;

    @Option(names = "--no-trace", description = "unet: do not write the per-block trace.* tensors.")
    boolean noTrace;

    @Option(names = "--force", description = "Overwrite OUT if it exists.")
    boolean force;

    @Option(names = "--check", description = "Exit with code 4 when an output differs from the same-named input tensor "
            + "by more than the inputs file's tolerance_abs.")
    boolean check;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outW = spec.commandLine().getOut();
        for (Path p : new Path[] {model, inputs}) {
            if (!Files.isRegularFile(p)) {
                err.println("jdiffusion eval: no such file: " + p);
                return 1;
            }
        }
        if (Files.exists(out) && (isSameFile(out, model) || isSameFile(out, inputs))) {
            err.println("jdiffusion eval: --out " + out + " is one of the files being read");
            return 1;
        }
        if (!force && Files.exists(out)) {
            err.println("jdiffusion eval: " + out + " exists; pass --force to overwrite it");
            return 1;
        }
        try (SafetensorsFile ckpt = SafetensorsFile.open(model);
             SafetensorsFile in = SafetensorsFile.open(inputs)) {
            Backend backend = new CpuBackend();
            Component c = Component.parse(component);
            ConfigChoice choice = chooseConfig(backend, ckpt, c);
            err.println("jdiffusion eval: " + c.label + " of " + model.getFileName() + " with configuration '"
                    + choice.name + "'" + (config == null ? " (matched by tensor shapes)" : ""));
            Map<String, Tensor> outputs = run(backend, c, choice.network, in);
            List<SafetensorsWriter.Item> items = new ArrayList<>();
            outputs.forEach((k, v) -> items.add(new SafetensorsWriter.Item(k, backend.toHost(v), DType.F32)));
            SafetensorsWriter.write(out, items, Map.of("producer", "jdiffusion eval", "component", c.label,
                    "model", model.getFileName().toString(), "config", choice.name), force);
            outW.println("wrote " + outputs.size() + " tensors to " + out);
            boolean ok = compare(outW, in, outputs, backend);
            return check && !ok ? MISMATCH : 0;
        } catch (IOException | ModelFormatException | IllegalArgumentException e) {
            err.println("jdiffusion eval: " + e.getMessage());
            return 1;
        }
    }

    private static boolean isSameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** The five networks eval can run. */
    enum Component {
        TEXT("text"), TEXT2("text2"), UNET("unet"), VAE_ENCODE("vae-encode"), VAE_DECODE("vae-decode");

        final String label;

        Component(String label) {
            this.label = label;
        }

        static Component parse(String s) {
            for (Component c : values()) {
                if (c.label.equals(s)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("--component: unknown component '" + s
                    + "' (expected text, text2, unet, vae-encode or vae-decode)");
        }
    }

    private record ConfigChoice(String name, Object network) {
    }

    /**
     * The named configuration, or else the first known one whose shapes fit: preferably the whole
     * model (so an SDXL file is not run with the SD1 configuration just because the VAEs agree),
     * else the requested component alone. Building checks every tensor's name and shape.
     */
    private ConfigChoice chooseConfig(Backend backend, TensorSource ckpt, Component c) {
        Map<String, ModelConfig> known = KnownConfigs.byName();
        if (config != null) {
            ModelConfig cfg = known.get(config);
            if (cfg == null) {
                throw new IllegalArgumentException("--config: unknown configuration '" + config + "' (known: "
                        + String.join(", ", known.keySet()) + ")");
            }
            return new ConfigChoice(config, build(backend, ckpt, cfg, c));
        }
        for (var e : known.entrySet()) {
            try {
                for (Component other : Component.values()) {
                    if (other != c && !(other == Component.TEXT2 && e.getValue().textEncoders().size() < 2)) {
                        build(backend, ckpt, e.getValue(), other);
                    }
                }
                return new ConfigChoice(e.getKey(), build(backend, ckpt, e.getValue(), c));
            } catch (ModelFormatException | IllegalArgumentException ex) {
                // Not the whole model: try the next configuration, then component-only matches.
            }
        }
        List<String> reasons = new ArrayList<>();
        for (var e : known.entrySet()) {
            try {
                return new ConfigChoice(e.getKey(), build(backend, ckpt, e.getValue(), c));
            } catch (ModelFormatException | IllegalArgumentException ex) {
                reasons.add(e.getKey() + ": " + ex.getMessage());
            }
        }
        throw new IllegalArgumentException("no known configuration fits the " + c.label + " of " + ckpt.description()
                + "; pass --config. Tried:\n  " + String.join("\n  ", reasons));
    }

    private static Object build(Backend backend, TensorSource ckpt, ModelConfig cfg, Component c) {
        return switch (c) {
            case TEXT, TEXT2 -> {
                int index = c == Component.TEXT ? 0 : 1;
                if (cfg.textEncoders().size() <= index) {
                    throw new IllegalArgumentException("the configuration has " + cfg.textEncoders().size()
                            + " text encoder(s)");
                }
                yield ClipTextModel.fromCheckpoint(backend, ckpt, cfg.textEncoders().get(index));
            }
            case UNET -> UNetModel.fromCheckpoint(backend, ckpt, cfg.unet());
            case VAE_ENCODE, VAE_DECODE -> Vae.fromCheckpoint(backend, ckpt, cfg.vae());
        };
    }

    private Map<String, Tensor> run(Backend backend, Component c, Object network, SafetensorsFile in) {
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        switch (c) {
            case TEXT, TEXT2 -> {
                ClipTextOutput o = ((ClipTextModel) network).forward(input(in, "input_ids"));
                for (int i = 0; i < o.hiddenStates().size(); i++) {
                    outputs.put("hidden_states." + i, o.hiddenStates().get(i));
                }
                outputs.put("last_hidden_state", o.lastHiddenState());
                outputs.put("pooler_output", o.pooled());
                if (o.textEmbeds() != null) {
                    outputs.put("text_embeds", o.textEmbeds());
                }
            }
            case UNET -> {
                UNetModel unet = (UNetModel) network;
                Tensor y = unet.config().admInChannels() > 0 ? load(backend, in, "y") : null;
                Tensor result = unet.forward(load(backend, in, "x"), load(backend, in, "timesteps"),
                        load(backend, in, "context"), y,
                        noTrace ? (name, value) -> { } : (name, value) -> outputs.put("trace." + name, value));
                outputs.put("out", result);
            }
            case VAE_ENCODE -> {
                LatentDistribution d = ((Vae) network).encode(load(backend, in, "image"));
                outputs.put("mean", d.mean());
                outputs.put("logvar", d.logvar());
            }
            case VAE_DECODE -> outputs.put("decoded", ((Vae) network).decode(load(backend, in, "latent")));
        }
        return outputs;
    }

    private Tensor input(SafetensorsFile in, String name) {
        if (!in.contains(name)) {
            throw new IllegalArgumentException(inputs + ": no input tensor '" + name + "' (the " + component
                    + " component reads it)");
        }
        return in.tensor(name);
    }

    private Tensor load(Backend backend, SafetensorsFile in, String name) {
        return backend.load(input(in, name));
    }

    /** Prints max|output − reference| for outputs the inputs file also holds; false if any exceeds its tolerance. */
    private static boolean compare(PrintWriter w, SafetensorsFile in, Map<String, Tensor> outputs, Backend backend)
            throws IOException {
        String tol = in.metadata().get("tolerance_abs");
        JsonNode tolerances = tol == null ? null : new ObjectMapper().readTree(tol);
        boolean ok = true;
        for (var e : outputs.entrySet()) {
            if (!in.contains(e.getKey())) {
                continue;
            }
            Tensor ref = in.tensor(e.getKey());
            Tensor got = backend.toHost(e.getValue());
            if (!java.util.Arrays.equals(ref.shape(), got.shape())) {
                w.printf("%-24s shape %s, reference %s  FAIL%n", e.getKey(), java.util.Arrays.toString(got.shape()),
                        java.util.Arrays.toString(ref.shape()));
                ok = false;
                continue;
            }
            double err = maxAbsDiff(ref, got);
            JsonNode t = tolerances == null ? null : tolerances.get(e.getKey());
            if (t == null) {
                w.printf("%-24s max|err| %.3e%n", e.getKey(), err);
            } else {
                boolean pass = err <= t.asDouble();
                ok &= pass;
                w.printf("%-24s max|err| %.3e  tolerance %.3e  %s%n", e.getKey(), err, t.asDouble(), pass ? "ok" : "FAIL");
            }
        }
        return ok;
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            double d = Math.abs((double) x[i] - y[i]);
            m = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(m, d);
        }
        return m;
    }
}
