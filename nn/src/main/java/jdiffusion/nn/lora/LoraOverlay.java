package jdiffusion.nn.lora;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdiffusion.loaders.TensorSource;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * A checkpoint with networks merged in ({@code networks.py: network_apply_weights}, spec §5.4), as a
 * {@link TensorSource} view: a patched layer's weight is returned as W + ΔW₁ + ΔW₂ … (float32,
 * computed when asked for, networks in activation order, each delta computed against the weight
 * so far); every other tensor is the base tensor itself. Nothing of the base is modified and no
 * float32 copy of the model is kept.
 *
 * <p>OpenCLIP's fused attention (SD2, SDXL bigG) takes q, k, v deltas as the three row blocks of
 * {@code in_proj_weight} and the out delta on {@code out_proj}, only when a network has all four.
 * A network at multiplier 0 leaves its layers untouched (bit for bit). A 4-input-channel delta on
 * a 9-channel inpainting {@code conv_in} is zero-padded.
 */
public final class LoraOverlay implements TensorSource {

    /** A network with the multipliers of its prompt tag. */
    public record Active(LoraNetwork network, double te, double unet, Integer dyn) {
    }

    /** One module's contribution to one checkpoint tensor. */
    private record Part(Active active, NetworkModule module, int rowBlock, boolean bias) {
    }

    private final TensorSource base;
    private final Backend backend;
    private final Map<String, List<Part>> parts = new LinkedHashMap<>();
    private final Set<String> addedBiases = new LinkedHashSet<>();
    private final List<String> warnings = new ArrayList<>();

    public LoraOverlay(TensorSource base, Backend backend, List<Active> active) {
        this.base = base;
        this.backend = backend;
        for (Active a : active) {
            plan(a);
        }
    }

    private void plan(Active a) {
        Map<String, NetworkModule> modules = a.network().modules();
        Map<String, LoraKeyMapper.Resolved> targets = a.network().targets();
        Set<String> fusedDone = new LinkedHashSet<>();
        for (Map.Entry<String, NetworkModule> e : modules.entrySet()) {
            NetworkModule m = e.getValue();
            LoraKeyMapper.Resolved r = targets.get(e.getKey());
            double mult = m.isTextEncoder() ? a.te() : a.unet();
            ModuleIndex.Layer layer = r.layer();
            String attention = r.fusedProjection() ? layer.name() : fusedParent(e.getKey(), targets);
            if (attention != null) {
                if (fusedDone.add(attention)) {
                    planFused(a, attention, modules, targets, mult);
                }
                continue;
            }
            if (mult == 0) {
                continue;
            }
            add(layer.weightKey(), new Part(a, m, -1, false));
            if (m.parts.containsKey("diff_b") || m.parts.containsKey("b_norm")) {
                String biasKey = layer.biasKey() != null ? layer.biasKey() : biasKeyFor(layer.weightKey());
                if (layer.biasKey() == null) {
                    addedBiases.add(biasKey);
                }
                add(biasKey, new Part(a, m, -1, true));
            }
        }
    }

    /** For an out_proj module: the fused attention layer it belongs to, if any of its siblings are q/k/v. */
    private static String fusedParent(String moduleName, Map<String, LoraKeyMapper.Resolved> targets) {
        if (!moduleName.endsWith("_out_proj")) {
            return null;
        }
        String attn = moduleName.substring(0, moduleName.length() - "_out_proj".length());
        for (String p : new String[] {"_q_proj", "_k_proj", "_v_proj"}) {
            LoraKeyMapper.Resolved s = targets.get(attn + p);
            if (s != null && s.fusedProjection()) {
                return attn;
            }
        }
        return null;
    }

    private void planFused(Active a, String attn, Map<String, NetworkModule> modules,
                           Map<String, LoraKeyMapper.Resolved> targets, double mult) {
        NetworkModule q = modules.get(attn + "_q_proj");
        NetworkModule k = modules.get(attn + "_k_proj");
        NetworkModule v = modules.get(attn + "_v_proj");
        NetworkModule out = modules.get(attn + "_out_proj");
        if (q == null || k == null || v == null || out == null) {
            warnings.add("LoRA '" + a.network().name() + "': attention " + attn + " has only some of q/k/v/out deltas; "
                    + "like the webui, none of them is applied");
            return;
        }
        if (mult == 0) {
            return;
        }
        String fused = targets.get(attn + "_q_proj").layer().weightKey();
        add(fused, new Part(a, q, 0, false));
        add(fused, new Part(a, k, 1, false));
        add(fused, new Part(a, v, 2, false));
        ModuleIndex.Layer outLayer = targets.get(attn + "_out_proj").layer();
        add(outLayer.weightKey(), new Part(a, out, -1, false));
        if (out.parts.containsKey("diff_b") || out.parts.containsKey("b_norm")) {
            add(outLayer.biasKey() != null ? outLayer.biasKey() : biasKeyFor(outLayer.weightKey()), new Part(a, out, -1, true));
        }
    }

    private static String biasKeyFor(String weightKey) {
        return weightKey.substring(0, weightKey.length() - "weight".length()) + "bias";
    }

    private void add(String key, Part p) {
        parts.computeIfAbsent(key, x -> new ArrayList<>()).add(p);
    }

    @Override
    public Set<String> names() {
        if (addedBiases.isEmpty()) {
            return base.names();
        }
        Set<String> s = new LinkedHashSet<>(base.names());
        s.addAll(addedBiases);
        return Collections.unmodifiableSet(s);
    }

    @Override
    public boolean contains(String name) {
        return base.contains(name) || addedBiases.contains(name);
    }

    @Override
    public String description() {
        return base.description() + " + LoRA";
    }

    /** Tensors changed by the active networks (for inspection). */
    public Set<String> patchedKeys() {
        return Collections.unmodifiableSet(parts.keySet());
    }

    /** Things skipped while planning (incomplete fused-attention groups). */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public Tensor tensor(String name) {
        List<Part> ps = parts.get(name);
        if (ps == null) {
            return base.tensor(name);
        }
        if (ps.getFirst().bias()) {
            return mergedBias(name, ps);
        }
        Tensor w = base.tensor(name).toF32();
        float[] wv = w.array();
        int[] shape = w.shape();
        for (Part p : ps) {
            if (p.rowBlock() < 0) {
                NetworkModule.Delta d = p.module().delta(backend, w, multiplier(p), p.active().dyn());
                addInto(wv, 0, shape, pad(d, shape, p), p, name);
            } else {
                int rows = shape[0] / 3;
                int cols = w.size() / shape[0];
                int[] blockShape = shape.clone();
                blockShape[0] = rows;
                Tensor block = Tensor.of(Arrays.copyOfRange(wv, p.rowBlock() * rows * cols, (p.rowBlock() + 1) * rows * cols), blockShape);
                NetworkModule.Delta d = p.module().delta(backend, block, multiplier(p), p.active().dyn());
                addInto(wv, p.rowBlock() * rows * cols, blockShape, d.weight(), p, name);
            }
        }
        return w;
    }

    private static double multiplier(Part p) {
        return p.module().isTextEncoder() ? p.active().te() : p.active().unet();
    }

    private Tensor mergedBias(String name, List<Part> ps) {
        Tensor b = base.contains(name) ? base.tensor(name).toF32() : null;
        float[] bv = b != null ? b.array() : null;
        for (Part p : ps) {
            // The weight this module patches: needed only for its shape checks.
            String weightKey = name.substring(0, name.length() - "bias".length()) + "weight";
            NetworkModule.Delta d = p.module().delta(backend, base.tensor(weightKey).toF32(), multiplier(p), p.active().dyn());
            if (d.bias() == null) {
                continue;
            }
            if (bv == null) {
                bv = new float[d.bias().length];
            }
            if (d.bias().length != bv.length) {
                throw new IllegalArgumentException(p.module().where() + " of LoRA '" + p.active().network().name() + "': bias delta has "
                        + d.bias().length + " values, " + name + " has " + bv.length);
            }
            for (int i = 0; i < bv.length; i++) {
                bv[i] += d.bias()[i];
            }
        }
        return Tensor.of(bv, bv.length);
    }

    /** Zero-pads a 4-input-channel delta for a 9-channel inpainting conv; otherwise returns the delta's values. */
    private static float[] pad(NetworkModule.Delta d, int[] shape, Part p) {
        int n = DeltaMath.numel(shape);
        if (d.weight().length == n || shape.length != 4 || shape[1] != 9 || d.shape().length != 4 || d.shape()[1] != 4
                || d.shape()[0] != shape[0] || d.shape()[2] != shape[2] || d.shape()[3] != shape[3]) {
            return d.weight();
        }
        float[] out = new float[n];
        int spatial = shape[2] * shape[3];
        for (int o = 0; o < shape[0]; o++) {
            System.arraycopy(d.weight(), o * 4 * spatial, out, o * 9 * spatial, 4 * spatial);
        }
        return out;
    }

    private static void addInto(float[] w, int offset, int[] shape, float[] delta, Part p, String key) {
        if (delta.length != DeltaMath.numel(shape)) {
            throw new IllegalArgumentException(p.module().where() + " of LoRA '" + p.active().network().name() + "' has "
                    + delta.length + " values but " + key + " is " + Arrays.toString(shape)
                    + ": the network does not fit this model");
        }
        for (int i = 0; i < delta.length; i++) {
            w[offset + i] += delta[i];
        }
    }
}
