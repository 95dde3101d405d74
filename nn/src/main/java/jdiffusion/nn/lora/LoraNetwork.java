package jdiffusion.nn.lora;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.loaders.config.Architecture;
import jdiffusion.tensor.Tensor;

/**
 * A LoRA / LyCORIS file resolved against a base model ({@code networks.py: load_network}): its
 * tensors grouped by the layer they patch, each group typed (LoRA, LoCon, LoHa, LoKr, IA3, full,
 * norm, GLoRA). Keys that match no layer are kept in {@link #unmatchedKeys()}; textual-inversion
 * embeddings bundled under {@code bundle_emb.*} in {@link #bundledEmbeddings()}. A network made
 * for another model family (SDXL on SD1.5, ...) is rejected with a message saying so. Holds the
 * file open (tensors are views of it) until {@link #close()}.
 */
public final class LoraNetwork implements AutoCloseable {
    private final String name;
    private final TensorFile file;
    private final Map<String, NetworkModule> modules;
    private final Map<String, LoraKeyMapper.Resolved> targets;
    private final List<String> unmatched;
    private final Map<String, Map<String, Tensor>> bundled;

    private LoraNetwork(String name, TensorFile file, Map<String, NetworkModule> modules,
                        Map<String, LoraKeyMapper.Resolved> targets, List<String> unmatched,
                        Map<String, Map<String, Tensor>> bundled) {
        this.name = name;
        this.file = file;
        this.modules = modules;
        this.targets = targets;
        this.unmatched = unmatched;
        this.bundled = bundled;
    }

    /** Opens and resolves a network file ({@code .safetensors}; pickles through {@code pickles}). */
    public static LoraNetwork load(String name, Path path, ModuleIndex index, PickleOpener pickles) throws IOException {
        TensorFile f = TensorFiles.open(path, pickles);
        try {
            return resolve(name, f, index);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** Resolves the tensors of an open file; the network owns (and closes) it. */
    public static LoraNetwork resolve(String name, TensorFile f, ModuleIndex index) {
        Architecture declared = declaredFamily(f.metadata(), f.names());
        if (declared != null && !compatible(declared, index.family())) {
            throw new IllegalArgumentException("LoRA '" + name + "' (" + f.description() + ") is made for " + declared
                    + describeEvidence(f.metadata()) + " but the model is " + index.family());
        }
        Map<String, Map<String, Tensor>> groups = new LinkedHashMap<>();
        Map<String, LoraKeyMapper.Resolved> targets = new LinkedHashMap<>();
        Map<String, Map<String, Tensor>> bundled = new LinkedHashMap<>();
        List<String> unmatched = new ArrayList<>();
        for (String key : f.names()) {
            if (key.startsWith("bundle_emb.")) {
                String rest = key.substring("bundle_emb.".length());
                int dot = rest.indexOf('.');
                if (dot > 0) {
                    String vec = rest.substring(dot + 1);
                    vec = vec.startsWith("string_to_param.") ? "string_to_param" : vec;
                    bundled.computeIfAbsent(rest.substring(0, dot), k -> new LinkedHashMap<>()).put(vec, f.tensor(key));
                    continue;
                }
            }
            LoraKeyMapper.Split split = LoraKeyMapper.split(key, index.family());
            LoraKeyMapper.Resolved r = LoraKeyMapper.resolve(split.layer(), index);
            if (r == null || split.part().isEmpty()) {
                unmatched.add(key);
                continue;
            }
            targets.putIfAbsent(r.moduleName(), r);
            groups.computeIfAbsent(r.moduleName(), k -> new LinkedHashMap<>()).put(split.part(), f.tensor(key));
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("LoRA '" + name + "' (" + f.description() + ") matches none of the layers of this "
                    + index.family() + " model; first keys: " + unmatched.subList(0, Math.min(5, unmatched.size())));
        }
        Map<String, NetworkModule> modules = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Tensor>> g : groups.entrySet()) {
            NetworkModule m = NetworkModule.create(g.getKey(), g.getValue());
            if (m == null) {
                throw new IllegalArgumentException("LoRA '" + name + "': no network type accepts the parts " + g.getValue().keySet()
                        + " of layer " + g.getKey());
            }
            modules.put(g.getKey(), m);
        }
        return new LoraNetwork(name, f, Collections.unmodifiableMap(modules), Collections.unmodifiableMap(targets),
                List.copyOf(unmatched), Collections.unmodifiableMap(bundled));
    }

    /**
     * The family a network says it is for: kohya metadata ({@code ss_base_model_version},
     * {@code ss_v2}), else key names only SDXL networks use; null when nothing tells. The
     * {@code lora_te1_} prefix is no evidence: some SD1 networks use it too (the webui maps it).
     */
    static Architecture declaredFamily(Map<String, String> metadata, Iterable<String> keys) {
        String v = metadata.getOrDefault("ss_base_model_version", "");
        if (v.startsWith("sdxl_")) {
            return Architecture.SDXL;
        }
        if (v.startsWith("sd_v2") || "True".equals(metadata.get("ss_v2"))) {
            return Architecture.SD2;
        }
        if (v.startsWith("sd_v1")) {
            return Architecture.SD1;
        }
        for (String k : keys) {
            // Only SDXL networks have a second text encoder; kohya writes SDXL UNet names as LDM
            // paths (input_blocks/middle_block/output_blocks), SD1/SD2 ones as diffusers paths.
            if (k.startsWith("lora_te2_") || k.startsWith("text_encoder_2.")
                    || k.startsWith("lora_unet_input_blocks_") || k.startsWith("lora_unet_middle_block_")
                    || k.startsWith("lora_unet_output_blocks_")) {
                return Architecture.SDXL;
            }
        }
        return null;
    }

    private static boolean compatible(Architecture network, Architecture model) {
        return network == model || (network == Architecture.SDXL && model == Architecture.SDXL_REFINER);
    }

    private static String describeEvidence(Map<String, String> md) {
        String v = md.get("ss_base_model_version");
        return v != null ? " (ss_base_model_version=" + v + ")" : " (its key names)";
    }

    public String name() {
        return name;
    }

    public Map<String, String> metadata() {
        return file.metadata();
    }

    /** Resolved modules by webui module name. */
    Map<String, NetworkModule> modules() {
        return modules;
    }

    /** Where each module lands. */
    Map<String, LoraKeyMapper.Resolved> targets() {
        return targets;
    }

    public int moduleCount() {
        return modules.size();
    }

    /** The module names (webui naming) and their network types, for inspection. */
    public Map<String, String> moduleTypes() {
        Map<String, String> out = new LinkedHashMap<>();
        modules.forEach((k, v) -> out.put(k, v.type()));
        return out;
    }

    /** File keys that matched no layer of the model (the webui ignores them too). */
    public List<String> unmatchedKeys() {
        return unmatched;
    }

    /** Embeddings bundled in the file: name → its tensors ({@code string_to_param}, {@code clip_l}, ...). */
    public Map<String, Map<String, Tensor>> bundledEmbeddings() {
        return bundled;
    }

    @Override
    public void close() {
        file.close();
    }
}
