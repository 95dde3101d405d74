package jdiffusion.nn.lora;

import java.util.Map;
import jdiffusion.loaders.TensorSource;

/**
 * An open file of named tensors (a LoRA, an embedding): its tensors stay views of the file until it
 * is closed. Nested containers of pickled files appear with dotted names
 * ({@code string_to_param.*}).
 */
public interface TensorFile extends TensorSource, AutoCloseable {

    /** The {@code __metadata__} strings of a safetensors file; empty for other formats. */
    Map<String, String> metadata();

    /** Unmaps the file; its tensors must not be used afterwards. */
    @Override
    void close();
}
