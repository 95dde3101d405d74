package jdiffusion.nn.lora;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a {@code torch.save} file ({@code .pt}, {@code .ckpt}, {@code .bin}) as tensors, nested
 * dicts flattened to dotted names. The pickle reader lives in the loaders module; the caller
 * passes it in (e.g. {@code path -> TensorFiles.of(TorchCheckpoint.open(path), Map.of())}), so this
 * package does not depend on how pickles are read.
 */
@FunctionalInterface
public interface PickleOpener {

    TensorFile open(Path file) throws IOException;

    /** An opener that refuses pickled files with a message naming the file. */
    static PickleOpener unsupported() {
        return file -> {
            throw new UnsupportedOperationException(file + ": PyTorch pickle files (.pt/.ckpt/.bin) need the pickle "
                    + "reader; convert the file to .safetensors or enable pickle loading");
        };
    }
}
