package jdiffusion.sd.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdiffusion.loaders.LoadedModel;
import jdiffusion.loaders.ModelLoader;
import jdiffusion.nn.esrgan.RRDBNet;
import jdiffusion.sd.image.Upscaler;
import jdiffusion.sd.models.ModelsFolder;
import jdiffusion.sd.upscale.EsrganUpscaler;
import jdiffusion.tensor.Backend;

/**
 * The webui's upscaler list by name ({@code shared.sd_upscalers}): "None" (plain LANCZOS resizes),
 * "Lanczos", "Nearest", and ESRGAN-family models found in the models folder's {@code ESRGAN/}
 * (named by file stem) or given as a file path. Loaded models are kept until {@link #close()}.
 */
final class Upscalers implements AutoCloseable {
    private static final Set<String> EXTENSIONS = Set.of(".pth", ".pt", ".safetensors", ".ckpt", ".bin");

    private final Backend backend;
    private final ModelsFolder folder;
    private final Map<String, Upscaler> loaded = new HashMap<>();
    private final List<LoadedModel> files = new ArrayList<>();

    Upscalers(Backend backend, ModelsFolder folder) {
        this.backend = backend;
        this.folder = folder;
    }

    /** True for names meaning "no upscaler" (the option's "None"). */
    static boolean isNone(String name) {
        return name == null || name.isBlank() || name.equalsIgnoreCase("None");
    }

    /** The upscaler called {@code name}; null for "None". Unknown names fail with the known ones listed. */
    synchronized Upscaler resolve(String name) {
        if (isNone(name)) {
            return null;
        }
        String n = name.trim();
        switch (n.toLowerCase(Locale.ROOT)) {
            case "lanczos" -> {
                return Upscaler.lanczos();
            }
            case "nearest" -> {
                return Upscaler.nearest();
            }
            default -> {
            }
        }
        Upscaler cached = loaded.get(n);
        if (cached != null) {
            return cached;
        }
        Path file = find(n);
        try {
            LoadedModel m = ModelLoader.open(file);
            if (!(m.kind() instanceof LoadedModel.Esrgan e)) {
                m.close();
                throw new IllegalArgumentException("upscaler '" + name + "': " + file + " is a " + m.kind().summary()
                        + ", not an ESRGAN-family model");
            }
            files.add(m);
            Upscaler u = EsrganUpscaler.of(backend, new RRDBNet(backend, m.weights(), e.config()));
            loaded.put(n, u);
            return u;
        } catch (IOException ex) {
            throw new UncheckedIOException("upscaler '" + name + "': cannot read " + file, ex);
        }
    }

    private Path find(String name) {
        Path asFile = Path.of(name);
        if (Files.isRegularFile(asFile)) {
            return asFile;
        }
        List<Path> candidates = folder == null ? List.of() : ModelsFolder.walk(folder.esrgan(), EXTENSIONS);
        for (Path p : candidates) {
            if (ModelsFolder.stem(p).equalsIgnoreCase(name)) {
                return p;
            }
        }
        List<String> known = new ArrayList<>(List.of("None", "Lanczos", "Nearest"));
        candidates.forEach(p -> known.add(ModelsFolder.stem(p)));
        throw new IllegalArgumentException("unknown upscaler '" + name + "' (known: " + String.join(", ", known)
                + (folder == null ? "; give a models folder or a file path for ESRGAN models" : "") + ")");
    }

    @Override
    public synchronized void close() {
        files.forEach(LoadedModel::close);
        files.clear();
        loaded.clear();
    }
}
