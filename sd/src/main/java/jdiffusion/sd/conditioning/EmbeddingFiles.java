package jdiffusion.sd.conditioning;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.TensorSource;
import jdiffusion.nn.lora.PickleOpener;
import jdiffusion.nn.lora.TensorFile;
import jdiffusion.nn.lora.TensorFiles;
import jdiffusion.tensor.Tensor;

/**
 * Reads textual-inversion embedding files the way the webui does
 * ({@code textual_inversion.create_embedding_from_data}): the webui's own {@code .pt} format
 * ({@code string_to_param} with one entry), SDXL files with {@code clip_l} and {@code clip_g}, and
 * "diffusers concept" files holding a single tensor ({@code emb_params} in {@code .safetensors},
 * {@code <token>} in {@code .bin}). The embedding is named after the file.
 */
public final class EmbeddingFiles {
    private EmbeddingFiles() {
    }

    /** Loads one file ({@code .safetensors}; {@code .pt}/{@code .bin} through {@code pickles}). */
    public static Embedding load(Path file, PickleOpener pickles) throws IOException {
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        String name = dot > 0 ? fileName.substring(0, dot) : fileName;
        try (TensorFile f = TensorFiles.open(file, pickles)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String k : f.names()) {
                tensors.put(k, f.tensor(k).toF32()); // copies: the file is closed below
            }
            return fromTensors(name, tensors, file);
        }
    }

    /** Builds an embedding from a file's (or a LoRA's bundled) tensors. */
    public static Embedding fromTensors(String name, Map<String, Tensor> tensors, Path file) {
        List<String> params = new ArrayList<>();
        for (String k : tensors.keySet()) {
            if (k.equals("string_to_param") || k.startsWith("string_to_param.")) {
                params.add(k);
            }
        }
        if (!params.isEmpty()) {
            if (params.size() != 1) {
                throw new ModelFormatException(where(name, file) + ": embedding file has multiple terms in it " + params);
            }
            return new Embedding(name, Map.of(Embedding.SINGLE, tensors.get(params.getFirst())), file);
        }
        if (tensors.containsKey("clip_g") && tensors.containsKey("clip_l")) {
            Map<String, Tensor> v = new LinkedHashMap<>();
            v.put("clip_l", tensors.get("clip_l"));
            v.put("clip_g", tensors.get("clip_g"));
            return new Embedding(name, v, file);
        }
        if (tensors.size() == 1) {
            return new Embedding(name, Map.of(Embedding.SINGLE, tensors.values().iterator().next()), file);
        }
        throw new ModelFormatException(where(name, file) + ": not a textual inversion embedding nor a diffusers concept (tensors "
                + tensors.keySet() + ")");
    }

    /** {@link #fromTensors} over a tensor source (e.g. an open pickle). */
    public static Embedding fromSource(String name, TensorSource source, Path file) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (String k : source.names()) {
            t.put(k, source.tensor(k));
        }
        return fromTensors(name, t, file);
    }

    private static String where(String name, Path file) {
        return file != null ? file.toString() : "embedding " + name;
    }
}
