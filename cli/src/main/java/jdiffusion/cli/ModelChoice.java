package jdiffusion.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import jdiffusion.cuda.Backends;
import jdiffusion.sd.models.ModelsFolder;
import jdiffusion.sd.pipeline.ModelOptions;
import jdiffusion.sd.pipeline.ProgressListener;
import jdiffusion.sd.pipeline.SdModel;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.cpu.CpuBackend;

/**
 * Finds the checkpoint, VAE and models folder the options name (or the defaults: a webui-style
 * {@code models/Stable-diffusion}, else the bundled tiny model) and the backend for {@code --device}.
 */
final class ModelChoice {
    static final String TINY = "testdata/models/tiny-sd15.safetensors";
    private static final Set<String> CHECKPOINT_EXT = Set.of(".safetensors", ".ckpt", ".pt", ".bin");
    /** File extensions of the upscaler models in the ESRGAN folder. */
    static final Set<String> UPSCALER_EXT = Set.of(".pth", ".pt", ".safetensors", ".ckpt", ".bin");

    private ModelChoice() {
    }

    /** {@code --models-dir}, else {@code ./models}, else {@code HOME/models}, when it exists; else null. */
    static ModelsFolder folder(Env env, ModelArgs a) {
        Path root = null;
        if (a.modelsDir != null) {
            root = env.resolve(a.modelsDir);
            if (!Files.isDirectory(root)) {
                throw CliException.file("--models-dir " + a.modelsDir + ": no such folder");
            }
        } else if (Files.isDirectory(env.workDir().resolve("models"))) {
            root = env.workDir().resolve("models");
        } else if (env.home() != null && Files.isDirectory(env.home().resolve("models"))) {
            root = env.home().resolve("models");
        }
        if (root == null && a.loraDir == null && a.embeddingsDir == null && a.esrganDir == null) {
            return null;
        }
        ModelsFolder f = new ModelsFolder(root != null ? root : env.workDir().resolve("models"));
        if (a.loraDir != null) {
            f = f.withLoraDir(existingDir("--lora-dir", env, a.loraDir));
        }
        if (a.embeddingsDir != null) {
            f = f.withEmbeddingsDir(existingDir("--embeddings-dir", env, a.embeddingsDir));
        }
        if (a.esrganDir != null) {
            f = f.withEsrganDir(existingDir("--esrgan-dir", env, a.esrganDir));
        }
        return f;
    }

    /** The upscaler model files in the ESRGAN folder; none without a models folder. */
    static List<Path> esrganModels(ModelsFolder folder) {
        return folder == null ? List.of() : ModelsFolder.walk(folder.esrgan(), UPSCALER_EXT);
    }

    private static Path existingDir(String option, Env env, Path p) {
        Path r = env.resolve(p);
        if (!Files.isDirectory(r)) {
            throw CliException.file(option + " " + p + ": no such folder");
        }
        return r;
    }

    /**
     * The checkpoint: {@code --model} as a path or as a name in {@code Stable-diffusion/}; else the
     * infotext's {@code Model} when {@code --from-png} names one the folder has; else the folder's
     * first checkpoint; else the bundled tiny model.
     */
    static Path checkpoint(Env env, ModelArgs a, ModelsFolder folder, String pngModel) {
        List<Path> known = folder == null ? List.of() : ModelsFolder.walk(folder.checkpoints(), CHECKPOINT_EXT);
        if (a.model != null) {
            Path p = env.resolve(a.model);
            if (Files.exists(p)) {
                return p;
            }
            Path byName = byName(known, a.model.toString());
            if (byName != null) {
                return byName;
            }
            throw CliException.file("--model " + a.model + ": no such file"
                    + (folder == null ? "" : " or checkpoint name in " + folder.checkpoints()));
        }
        if (pngModel != null) {
            Path byName = byName(known, pngModel);
            if (byName != null) {
                return byName;
            }
        }
        if (!known.isEmpty()) {
            return known.getFirst();
        }
        for (Path base : new Path[] {env.workDir(), env.home()}) {
            if (base != null && Files.isRegularFile(base.resolve(TINY))) {
                return base.resolve(TINY);
            }
        }
        throw CliException.file("no model: pass --model CKPT, or put a checkpoint in models/Stable-diffusion "
                + "(the bundled " + TINY + " was not found either)");
    }

    private static Path byName(List<Path> known, String name) {
        for (Path p : known) {
            String file = p.getFileName().toString();
            if (file.equalsIgnoreCase(name) || ModelsFolder.stem(p).equalsIgnoreCase(name)) {
                return p;
            }
        }
        return null;
    }

    /** {@code --vae}: a file, or a name in the models folder's {@code VAE/}; null when not given. */
    static Path vae(Env env, ModelArgs a, ModelsFolder folder) {
        if (a.vae == null) {
            return null;
        }
        Path p = env.resolve(a.vae);
        if (Files.exists(p)) {
            return p;
        }
        if (folder != null) {
            Path byName = byName(ModelsFolder.walk(folder.vae(), CHECKPOINT_EXT), a.vae.toString());
            if (byName != null) {
                return byName;
            }
        }
        throw CliException.file("--vae " + a.vae + ": no such file");
    }

    /**
     * The backend: {@code auto} takes CUDA device 0 when it works and the CPU otherwise; an explicit
     * {@code cuda[:N]} that cannot be had is an error (exit code 7) rather than a silent fallback.
     */
    static Backend backend(String device, PrintWriter err, boolean quiet) {
        String d = device == null ? "auto" : device.strip();
        if (d.equalsIgnoreCase("auto")) {
            Backends.Selection s = Backends.resolve("cuda");
            if (!quiet && !s.fellBack()) {
                err.println("device: cuda:0");
            }
            return s.backend();
        }
        if (d.equalsIgnoreCase("cpu")) {
            return new CpuBackend();
        }
        Backends.Selection s;
        try {
            s = Backends.resolve(d);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--device: " + e.getMessage());
        }
        if (s.fellBack()) {
            throw new CliException(ExitCodes.DEVICE, "--device " + d + ": " + s.fallbackReason());
        }
        if (!quiet) {
            err.println("device: " + d);
        }
        return s.backend();
    }

    /** Loads the checkpoint with its options, reporting the load phase to {@code listener}. */
    static SdModel load(Backend backend, Path checkpoint, Path vae, ModelsFolder folder, boolean hash,
                        ProgressListener listener) throws IOException {
        ModelOptions o = ModelOptions.defaults().withVae(vae).withModelsFolder(folder).withHashFiles(hash);
        return SdModel.load(backend, checkpoint, o, listener);
    }
}
