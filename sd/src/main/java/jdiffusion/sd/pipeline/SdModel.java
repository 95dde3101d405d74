package jdiffusion.sd.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdiffusion.loaders.LoadedModel;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.ModelLoader;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.config.VaeConfig;
import jdiffusion.nn.SdNetworks;
import jdiffusion.nn.clip.ClipTextModel;
import jdiffusion.nn.lora.PickleOpener;
import jdiffusion.nn.unet.UNetModel;
import jdiffusion.nn.vae.Vae;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.sd.conditioning.Conditioners;
import jdiffusion.sd.conditioning.ConditioningOptions;
import jdiffusion.sd.conditioning.EmbeddingDatabase;
import jdiffusion.sd.image.Upscaler;
import jdiffusion.sd.infotext.ModelHash;
import jdiffusion.sd.models.LoraActivator;
import jdiffusion.sd.models.LoraLibrary;
import jdiffusion.sd.models.ModelsFolder;
import jdiffusion.tensor.Backend;

/**
 * A loaded Stable Diffusion checkpoint, ready to generate: its networks (with an optional separate
 * VAE), noise schedule, textual-inversion embeddings and, when a models folder is given, LoRA and
 * ESRGAN look-ups. Load once, generate many times ({@link Pipeline}); close to release the files.
 */
public final class SdModel implements AutoCloseable {
    private final Backend backend;
    private final ModelConfig config;
    private final TensorSource weights;
    private final SdNetworks networks;
    private final String name;
    private final Path file;
    private final Path vaeFile;
    private final ModelOptions options;
    private final DiscreteSchedule schedule;
    private final EmbeddingDatabase embeddings;
    private final List<String> warnings;
    private final List<AutoCloseable> resources;
    private final Upscalers upscalers;
    private final long loadNanos;
    private LoraActivator loras;
    private TextStage textStage;
    private String hash;
    private String vaeHash;

    private SdModel(Backend backend, ModelConfig config, TensorSource weights, SdNetworks networks, String name, Path file,
                    Path vaeFile, ModelOptions options, List<String> warnings, List<AutoCloseable> resources, long started) {
        this.backend = backend;
        this.config = config;
        this.weights = weights;
        this.networks = networks;
        this.name = name;
        this.file = file;
        this.vaeFile = vaeFile;
        this.options = options;
        this.warnings = new ArrayList<>(warnings);
        this.resources = resources;
        this.schedule = scheduleOf(weights);
        this.embeddings = Conditioners.embeddingDatabase(networks);
        if (options.modelsFolder() != null) {
            Map<Path, String> failed = embeddings.loadFiles(options.modelsFolder().embeddingFiles(), pickles());
            failed.forEach((f, why) -> this.warnings.add("embedding " + f.getFileName() + " skipped: " + why));
        }
        this.upscalers = new Upscalers(backend, options.modelsFolder());
        this.loadNanos = System.nanoTime() - started;
    }

    /**
     * Opens a checkpoint (any format {@link ModelLoader} reads) and builds its networks on
     * {@code backend}. A file that is not a Stable Diffusion checkpoint, or a partial one without a VAE
     * when no separate VAE is given, fails with a message naming it.
     */
    public static SdModel load(Backend backend, Path checkpoint, ModelOptions options, ProgressListener listener)
            throws IOException {
        ModelOptions o = options == null ? ModelOptions.defaults() : options;
        ProgressListener l = listener == null ? ProgressListener.NONE : listener;
        l.phaseStarted(Phase.LOAD);
        long started = System.nanoTime();
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            LoadedModel model = ModelLoader.open(checkpoint, o.load());
            resources.add(model);
            ModelConfig config = model.config();
            Vae vae = null;
            Path vaeFile = o.vae();
            if (vaeFile != null) {
                LoadedModel v = ModelLoader.open(vaeFile);
                resources.add(v);
                if (!(v.kind() instanceof LoadedModel.Vae vk)) {
                    throw new ModelFormatException(vaeFile + ": is a " + v.kind().summary() + ", not a VAE");
                }
                VaeConfig c = vk.config();
                // The model's latent scale stays: a VAE file is a drop-in for the same family.
                VaeConfig scaled = new VaeConfig(c.inChannels(), c.baseChannels(), c.channelMult(), c.numResBlocks(),
                        c.zChannels(), config.vae().scalingFactor());
                vae = Vae.fromCheckpoint(backend, v.weights(), scaled);
            } else if (model.kind() instanceof LoadedModel.StableDiffusion sd && !sd.missing().isEmpty()) {
                throw new ModelFormatException(checkpoint + ": the checkpoint has no " + sd.missing()
                        + " weights; give a separate VAE file or a complete checkpoint");
            }
            SdNetworks nets = build(backend, model.weights(), config, vae);
            String name = stem(checkpoint);
            SdModel m = new SdModel(backend, config, model.weights(), nets, name, Files.isRegularFile(checkpoint) ? checkpoint : null,
                    vaeFile, o, List.of(), resources, started);
            l.phaseFinished(Phase.LOAD, m.loadNanos);
            return m;
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * A model over tensors already in memory (tests, converted weights): no file, so no model hash
     * unless {@code hash} is given.
     */
    public static SdModel of(Backend backend, TensorSource weights, ModelConfig config, String name, String hash,
                             ModelOptions options) {
        long started = System.nanoTime();
        SdNetworks nets = build(backend, weights, config, null);
        SdModel m = new SdModel(backend, config, weights, nets, name, null, null,
                options == null ? ModelOptions.defaults() : options.withVae(null), List.of(), new ArrayList<>(), started);
        m.hash = hash;
        return m;
    }

    private static SdNetworks build(Backend backend, TensorSource weights, ModelConfig config, Vae vae) {
        if (vae == null) {
            return SdNetworks.load(backend, weights, config);
        }
        List<ClipTextModel> encoders = new ArrayList<>();
        config.textEncoders().forEach(te -> encoders.add(ClipTextModel.fromCheckpoint(backend, weights, te)));
        return new SdNetworks(config, encoders, UNetModel.fromCheckpoint(backend, weights, config.unet()), vae);
    }

    /** The networks over {@code source} (LoRA-merged weights), keeping this model's VAE. */
    SdNetworks networksOver(TensorSource source) {
        if (source == weights) {
            return networks;
        }
        List<ClipTextModel> encoders = new ArrayList<>();
        config.textEncoders().forEach(te -> encoders.add(ClipTextModel.fromCheckpoint(backend, source, te)));
        return new SdNetworks(config, encoders, UNetModel.fromCheckpoint(backend, source, config.unet()), networks.vae());
    }

    private static DiscreteSchedule scheduleOf(TensorSource weights) {
        if (weights.contains("alphas_cumprod")) {
            float[] ac = weights.tensor("alphas_cumprod").toFloatArray();
            if (ac.length == DiscreteSchedule.TIMESTEPS) {
                return DiscreteSchedule.fromAlphasCumprod(ac);
            }
        }
        return DiscreteSchedule.stableDiffusion();
    }

    private static String stem(Path p) {
        Path f = p.getFileName();
        return f == null ? p.toString() : ModelsFolder.stem(f);
    }

    public Backend backend() {
        return backend;
    }

    public ModelConfig config() {
        return config;
    }

    /** The base networks (no LoRA). */
    public SdNetworks networks() {
        return networks;
    }

    /** The checkpoint's weights under the internal naming. */
    public TensorSource weights() {
        return weights;
    }

    /** The 1000-step noise schedule (the checkpoint's {@code alphas_cumprod} when it has one). */
    public DiscreteSchedule schedule() {
        return schedule;
    }

    /** Infotext {@code Model}: the checkpoint's file name without extension. */
    public String name() {
        return name;
    }

    /** The checkpoint file, or null for in-memory models and folders. */
    public Path file() {
        return file;
    }

    /** Infotext {@code Model hash}: first 10 hex digits of the file's SHA-256 (null when unknown or switched off). */
    public synchronized String hash() {
        if (hash == null && file != null && options.hashFiles()) {
            hash = hashOf(file);
        }
        return hash;
    }

    /** Infotext {@code VAE}: the separate VAE's file stem, or null. */
    public String vaeName() {
        return vaeFile == null ? null : stem(vaeFile);
    }

    /** Infotext {@code VAE hash}, or null. */
    public synchronized String vaeHash() {
        if (vaeHash == null && vaeFile != null && options.hashFiles() && Files.isRegularFile(vaeFile)) {
            vaeHash = hashOf(vaeFile);
        }
        return vaeHash;
    }

    private static String hashOf(Path f) {
        try {
            return ModelHash.shortHash(f);
        } catch (IOException e) {
            throw new UncheckedIOException("hashing " + f, e);
        }
    }

    /** Time spent in {@link #load} (or {@link #of}), nanoseconds. */
    public long loadNanos() {
        return loadNanos;
    }

    /** Textual-inversion embeddings from the models folder (empty without one). */
    public EmbeddingDatabase embeddings() {
        return embeddings;
    }

    /** Problems met while loading (unreadable embeddings, ...). */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    public ModelOptions options() {
        return options;
    }

    /** The LoRA activator over this model's weights (LoRA files from the models folder; none without one). */
    synchronized LoraActivator loras() {
        if (loras == null) {
            LoraLibrary library = options.modelsFolder() == null ? new LoraLibrary(List.of())
                    : LoraLibrary.of(options.modelsFolder());
            loras = new LoraActivator(library, weights, pickles(), backend);
        }
        return loras;
    }

    /**
     * The text stage for the conditioning options of {@code gs} (emphasis, clip skip, padding), kept
     * between generations so unchanged prompts and LoRA sets are not encoded or merged again (the webui's
     * conditioning cache); one set of options is kept at a time.
     */
    synchronized TextStage textStage(GenerationSettings gs) {
        ConditioningOptions options = ConditioningOptions.defaults()
                .withEmphasis(gs.emphasis()).withClipSkip(gs.clipSkip());
        boolean padConds = gs.sampler().padConds();
        if (textStage == null || !textStage.sameOptions(options, padConds)) {
            textStage = new TextStage(this, options, padConds);
        }
        return textStage;
    }

    /** The upscaler named as in the webui ("None" → null, "Lanczos", "Nearest", an ESRGAN model). */
    public Upscaler upscaler(String upscalerName) {
        return upscalers.resolve(upscalerName);
    }

    static PickleOpener pickles() {
        return Pickles.opener();
    }

    @Override
    public synchronized void close() {
        RuntimeException first = null;
        List<AutoCloseable> all = new ArrayList<>();
        all.add(upscalers);
        if (loras != null) {
            all.add(loras);
        }
        all.addAll(resources);
        for (AutoCloseable r : all) {
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("closing model " + name, e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "SdModel[" + name + ", " + config.architecture() + (config.isInpainting() ? " inpainting" : "") + "]";
    }
}
