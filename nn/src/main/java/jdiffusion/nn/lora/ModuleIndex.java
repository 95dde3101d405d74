package jdiffusion.nn.lora;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.config.Architecture;

/**
 * The layers of a base checkpoint that networks can patch, named the way the webui names them
 * ({@code assign_network_names_to_compvis_modules}): the module's dotted path with '.' → '_', under
 * the webui's roots — UNet {@code diffusion_model_…}; SD1 text {@code transformer_text_model_…};
 * SD2 text {@code model_transformer_…}; SDXL embedder i {@code i_…} ({@code 0_transformer_text_model_…},
 * {@code 1_model_transformer_…}). Each maps to its checkpoint keys in the internal (LDM) naming.
 */
public final class ModuleIndex {

    /**
     * One patchable layer: its weight key, its bias key (null when the checkpoint has none) and
     * whether it is OpenCLIP's fused attention ({@code in_proj_weight} = q; k; v rows).
     */
    public record Layer(String name, String weightKey, String biasKey, boolean attention) {
    }

    private final Map<String, Layer> layers;
    private final Architecture family;
    private final TensorSource base;

    private ModuleIndex(Map<String, Layer> layers, Architecture family, TensorSource base) {
        this.layers = layers;
        this.family = family;
        this.base = base;
    }

    /** Indexes every {@code *.weight} / {@code *.in_proj_weight} of the UNet and text encoders. */
    public static ModuleIndex of(TensorSource base) {
        Map<String, Layer> m = new HashMap<>();
        for (String key : base.names()) {
            boolean fused = key.endsWith(".in_proj_weight");
            if (!fused && !key.endsWith(".weight")) {
                continue;
            }
            String path = key.substring(0, key.length() - (fused ? ".in_proj_weight".length() : ".weight".length()));
            String name = webuiName(path);
            if (name == null) {
                continue;
            }
            String bias = path + (fused ? ".in_proj_bias" : ".bias");
            m.put(name, new Layer(name, key, base.contains(bias) ? bias : null, fused));
        }
        return new ModuleIndex(Collections.unmodifiableMap(m), detect(m), base);
    }

    /** The webui module name of a checkpoint module path, or null for parts networks never patch (VAE). */
    static String webuiName(String path) {
        String rest;
        String root;
        if (path.startsWith("model.diffusion_model.")) {
            root = "diffusion_model_";
            rest = path.substring("model.diffusion_model.".length());
        } else if (path.startsWith("cond_stage_model.transformer.")) {
            root = "transformer_";
            rest = path.substring("cond_stage_model.transformer.".length());
        } else if (path.startsWith("cond_stage_model.model.")) {
            root = "model_";
            rest = path.substring("cond_stage_model.model.".length());
        } else if (path.startsWith("conditioner.embedders.")) {
            String tail = path.substring("conditioner.embedders.".length());
            int dot = tail.indexOf('.');
            if (dot < 0) {
                return null;
            }
            root = tail.substring(0, dot) + "_";
            rest = tail.substring(dot + 1);
        } else {
            return null;
        }
        return root + rest.replace('.', '_');
    }

    private static Architecture detect(Map<String, Layer> m) {
        boolean sdxlL = false;
        boolean sdxlG = false;
        boolean refiner = false;
        boolean sd2 = false;
        for (String n : m.keySet()) {
            sdxlL |= n.startsWith("0_transformer_");
            sdxlG |= n.startsWith("1_model_transformer_");
            refiner |= n.startsWith("0_model_transformer_");
            sd2 |= n.startsWith("model_transformer_");
        }
        if (sdxlL || sdxlG) {
            return Architecture.SDXL;
        }
        if (refiner) {
            return Architecture.SDXL_REFINER;
        }
        return sd2 ? Architecture.SD2 : Architecture.SD1;
    }

    /** The shape of a layer's weight (read from the base only when asked: shapes of pickled tensors may cost a copy). */
    public int[] shape(Layer layer) {
        return base.tensor(layer.weightKey()).shape();
    }

    public Layer get(String webuiName) {
        return layers.get(webuiName);
    }

    public boolean contains(String webuiName) {
        return layers.containsKey(webuiName);
    }

    /** The model family the layer names indicate (SD1 when no text-encoder layer says otherwise). */
    public Architecture family() {
        return family;
    }

    /** The webui's SD2 test: is there a {@code model_transformer_resblocks} module? */
    public boolean isSd2() {
        return family == Architecture.SD2;
    }

    public TensorSource base() {
        return base;
    }

    public int size() {
        return layers.size();
    }
}
