package jdiffusion.loaders.diffusers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.Printable;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.WeightFiles;
import jdiffusion.loaders.convert.ViewSource;

/**
 * The weights of one diffusers component folder ({@code unet/}, {@code vae/}, {@code text_encoder/}):
 * {@code diffusion_pytorch_model.safetensors} / {@code model.safetensors}, their fp16 variants,
 * {@code .bin} pickles, or shards listed by a {@code *.index.json} ({@code weight_map}: tensor →
 * file). Safetensors are preferred over pickles, the plain file over a variant.
 */
final class ComponentWeights {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Largest index file read (real ones are a few hundred KB). */
    private static final long MAX_INDEX_BYTES = 64L << 20;

    private ComponentWeights() {
    }

    /** Opens the component's weights; every opened file is added to {@code resources}. */
    static TensorSource open(Path dir, List<AutoCloseable> resources) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        }
        files.sort(null);
        for (String ext : List.of(".safetensors", ".bin")) {
            Path index = pick(files, ext + ".index.json", dir);
            if (index != null) {
                return sharded(dir, index, resources);
            }
            Path single = pick(files, ext, dir);
            if (single != null) {
                WeightFiles.Opened w = WeightFiles.open(single);
                resources.add(w);
                return w.tensors();
            }
        }
        throw new ModelFormatException(dir + ": no weights (*.safetensors, *.bin or a sharded *.index.json) in this "
                + "component folder");
    }

    /** The file ending in {@code suffix}: the one without a variant ("name.fp16.ext") if several. */
    private static Path pick(List<Path> files, String suffix, Path dir) {
        List<Path> found = new ArrayList<>();
        for (Path p : files) {
            String n = p.getFileName().toString();
            if (n.endsWith(suffix)) {
                found.add(p);
            }
        }
        if (found.size() <= 1) {
            return found.isEmpty() ? null : found.getFirst();
        }
        List<Path> plain = found.stream().filter(p -> {
            String n = p.getFileName().toString();
            String stem = n.substring(0, n.length() - suffix.length());
            return !stem.contains(".");
        }).toList();
        if (plain.size() == 1) {
            return plain.getFirst();
        }
        if (found.stream().allMatch(p -> p.getFileName().toString().matches(".*-\\d+-of-\\d+" + java.util.regex.Pattern.quote(suffix)))) {
            return null; // shards without an index: handled (and refused) by the caller's fall-through
        }
        throw new ModelFormatException(dir + ": several weight files end in " + suffix + " " + found.stream()
                .map(p -> p.getFileName().toString()).toList() + "; cannot tell which to use");
    }

    private static TensorSource sharded(Path dir, Path index, List<AutoCloseable> resources) throws IOException {
        if (Files.size(index) > MAX_INDEX_BYTES) {
            throw new ModelFormatException(index + ": index file larger than " + MAX_INDEX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ModelFormatException(index + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new ModelFormatException(index + ": no \"weight_map\" object");
        }
        Map<String, TensorSource> shards = new LinkedHashMap<>();
        ViewSource.Builder out = ViewSource.builder(index.toString());
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            if (!e.getValue().isTextual()) {
                throw new ModelFormatException(index + ": weight_map entry '" + Printable.of(e.getKey()) + "' is not a file name");
            }
            String file = e.getValue().textValue();
            Path shard = dir.resolve(file).normalize();
            if (!shard.getParent().equals(dir.normalize()) || file.contains("/") || file.contains("\\")) {
                throw new ModelFormatException(index + ": shard '" + Printable.of(file) + "' is not a file in " + dir);
            }
            TensorSource src = shards.get(file);
            if (src == null) {
                if (!Files.isRegularFile(shard)) {
                    throw new ModelFormatException(index + ": shard '" + Printable.of(file) + "' does not exist");
                }
                WeightFiles.Opened w = WeightFiles.open(shard);
                resources.add(w);
                src = w.tensors();
                shards.put(file, src);
            }
            if (!src.contains(e.getKey())) {
                throw new ModelFormatException(index + ": tensor '" + Printable.of(e.getKey()) + "' is not in shard '" + file + "'");
            }
            out.alias(e.getKey(), src, e.getKey());
        }
        for (var s : shards.entrySet()) {
            for (String n : s.getValue().names()) {
                if (!out.contains(n)) {
                    throw new ModelFormatException(index + ": shard '" + s.getKey() + "' holds '" + Printable.of(n)
                            + "' which the index does not list");
                }
            }
        }
        return out.build();
    }
}
