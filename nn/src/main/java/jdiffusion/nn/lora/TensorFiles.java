package jdiffusion.nn.lora;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.tensor.Tensor;

/** Opens LoRA / embedding files by extension: safetensors directly, pickles through a {@link PickleOpener}. */
public final class TensorFiles {
    /** Extensions of pickled PyTorch files. */
    public static final Set<String> PICKLE_EXTENSIONS = Set.of(".pt", ".ckpt", ".bin", ".pth");

    private TensorFiles() {
    }

    /** Opens {@code file}; an unknown extension or a missing file is an error naming it. */
    public static TensorFile open(Path file, PickleOpener pickles) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file + ": no such file");
        }
        String ext = extension(file);
        if (ext.equals(".safetensors")) {
            SafetensorsFile f = SafetensorsFile.open(file);
            return of(f, f.metadata(), f);
        }
        if (PICKLE_EXTENSIONS.contains(ext)) {
            return pickles.open(file);
        }
        throw new ModelFormatException(file + ": unsupported file type '" + ext + "' (expected .safetensors, .pt, .ckpt, .bin)");
    }

    /** The lower-case extension with its dot ("" when none). */
    public static String extension(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot).toLowerCase(Locale.ROOT);
    }

    /** Wraps a tensor source with metadata; {@code closer} (may be null) is closed with it. */
    public static TensorFile of(TensorSource source, Map<String, String> metadata, AutoCloseable closer) {
        Map<String, String> md = Map.copyOf(metadata);
        return new TensorFile() {
            @Override
            public Map<String, String> metadata() {
                return md;
            }

            @Override
            public void close() {
                if (closer != null) {
                    try {
                        closer.close();
                    } catch (Exception e) {
                        throw new IllegalStateException("closing " + source.description(), e);
                    }
                }
            }

            @Override
            public Set<String> names() {
                return source.names();
            }

            @Override
            public Tensor tensor(String name) {
                return source.tensor(name);
            }

            @Override
            public boolean contains(String name) {
                return source.contains(name);
            }

            @Override
            public String description() {
                return source.description();
            }
        };
    }
}
