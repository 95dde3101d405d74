package jdiffusion.sd.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.loaders.TensorSource;
import jdiffusion.nn.lora.LoraNetwork;
import jdiffusion.nn.lora.LoraOverlay;
import jdiffusion.nn.lora.ModuleIndex;
import jdiffusion.nn.lora.PickleOpener;
import jdiffusion.sd.conditioning.Embedding;
import jdiffusion.sd.conditioning.EmbeddingFiles;
import jdiffusion.sd.prompt.LoraActivation;
import jdiffusion.tensor.Backend;

/**
 * Turns a prompt's {@code <lora:...>} activations into a merged weight view
 * ({@code networks.load_networks} + {@code network_apply_weights}): names are found in the
 * {@link LoraLibrary}, files are resolved against the model once and kept (reloaded when the file
 * changes), and a {@link LoraOverlay} over the base checkpoint applies them in prompt order. A name
 * that is not found is reported in {@link Result#warnings()} and skipped, as the webui does
 * ("Lora not found"). Close the activator to release the files.
 */
public final class LoraActivator implements AutoCloseable {
    private final LoraLibrary library;
    private final ModuleIndex index;
    private final PickleOpener pickles;
    private final Backend backend;
    private final Map<Path, Loaded> loaded = new HashMap<>();

    private record Loaded(LoraNetwork network, long modified) {
    }

    /**
     * @param overlay     the base with the networks merged (the base itself when nothing is active)
     * @param networks    the networks in activation order, with their multipliers
     * @param loraHashes  name → 12-digit hash, for the infotext
     * @param warnings    names not found, keys no layer matched, skipped attention groups
     * @param bundledEmbeddings textual-inversion embeddings carried in the networks ({@code bundle_emb.*});
     *                    the webui registers them unless an embedding of that name came from the embeddings folder
     */
    public record Result(TensorSource overlay, List<LoraOverlay.Active> networks, Map<String, String> loraHashes,
                         List<String> warnings, Map<String, Embedding> bundledEmbeddings) {
    }

    public LoraActivator(LoraLibrary library, TensorSource base, PickleOpener pickles, Backend backend) {
        this.library = library;
        this.index = ModuleIndex.of(base);
        this.pickles = pickles;
        this.backend = backend;
    }

    public Result activate(List<LoraActivation> activations) {
        List<LoraOverlay.Active> active = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, String> hashes = new LinkedHashMap<>();
        Map<String, Embedding> bundled = new LinkedHashMap<>();
        for (LoraActivation a : activations) {
            Path file = library.find(a.name());
            if (file == null) {
                warnings.add("Lora not found: " + a.name());
                continue;
            }
            LoraNetwork net = load(a.name(), file);
            if (!net.unmatchedKeys().isEmpty()) {
                warnings.add("LoRA '" + a.name() + "': " + net.unmatchedKeys().size() + " keys match no layer of the model, e.g. "
                        + net.unmatchedKeys().subList(0, Math.min(3, net.unmatchedKeys().size())));
            }
            active.add(new LoraOverlay.Active(net, a.te(), a.unet(), a.dyn().orElse(null)));
            net.bundledEmbeddings().forEach((n, t) -> bundled.put(n, EmbeddingFiles.fromTensors(n, t, file)));
            try {
                hashes.put(a.name().replace(":", "").replace(",", ""), LoraHash.shortHash(file, net.metadata()));
            } catch (IOException e) {
                throw new UncheckedIOException("hashing " + file, e);
            }
        }
        if (active.isEmpty()) {
            return new Result(index.base(), List.of(), hashes, warnings, bundled);
        }
        LoraOverlay overlay = new LoraOverlay(index.base(), backend, active);
        warnings.addAll(overlay.warnings());
        return new Result(overlay, List.copyOf(active), hashes, warnings, bundled);
    }

    private LoraNetwork load(String name, Path file) {
        try {
            long modified = Files.getLastModifiedTime(file).toMillis();
            Loaded l = loaded.get(file);
            if (l == null || l.modified() != modified) {
                if (l != null) {
                    l.network().close();
                }
                l = new Loaded(LoraNetwork.load(name, file, index, pickles), modified);
                loaded.put(file, l);
            }
            return l.network();
        } catch (IOException e) {
            throw new UncheckedIOException("loading LoRA " + file, e);
        }
    }

    @Override
    public void close() {
        loaded.values().forEach(l -> l.network().close());
        loaded.clear();
    }
}
