package jdiffusion.sd.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import jdiffusion.nn.SdNetworks;
import jdiffusion.sd.conditioning.Conditioner;
import jdiffusion.sd.conditioning.Conditioners;
import jdiffusion.sd.conditioning.ConditioningOptions;
import jdiffusion.sd.conditioning.Embedding;
import jdiffusion.sd.conditioning.EmbeddingDatabase;
import jdiffusion.sd.conditioning.PromptConditioning;
import jdiffusion.sd.infotext.ModelHash;
import jdiffusion.sd.models.LoraActivator;
import jdiffusion.sd.prompt.AndSplitter;
import jdiffusion.sd.prompt.ExtraNetworks;
import jdiffusion.sd.prompt.LoraActivation;
import jdiffusion.sd.prompt.PromptScheduler;
import jdiffusion.sd.prompt.ScheduleOptions;
import jdiffusion.sd.prompt.ScheduledText;
import jdiffusion.tensor.Tensor;

/**
 * Per batch: extra-network tags → LoRA weights merged for this generation only
 * ({@code extra_networks.activate}), then negative and positive prompts → per-step conditioning
 * ({@code setup_conds}). Networks and encodings are reused while the activated LoRAs stay the same
 * (the webui's conditioning cache).
 */
final class TextStage {
    private final SdModel model;
    private final ConditioningOptions options;
    private final boolean padConds;
    private List<LoraActivation> activeKey;
    private State state;

    /** The networks and conditioner for one set of activated LoRAs. */
    private record State(SdNetworks networks, Conditioner conditioner, PromptConditioning prompts,
                         Map<String, String> loraHashes, List<String> warnings) {
    }

    /**
     * One batch's encoded prompts.
     *
     * @param conds    what the CFG denoiser reads per call
     * @param networks the networks to sample and decode with (LoRA-merged when tags asked for it)
     * @param extra    infotext entries: {@code Lora hashes}, {@code TI hashes}, {@code Emphasis}
     * @param warnings LoRAs not found, unknown tag kinds, ...
     * @param emptyPrompt the encoded empty prompt [1, 77, C] for "Pad conds", or null when not asked for
     */
    record Encoded(PromptConds conds, SdNetworks networks, Map<String, Object> extra, List<String> warnings,
                   Tensor emptyPrompt) {
    }

    /** @param padConds the "Pad conds" option (the empty prompt is then encoded too) */
    TextStage(SdModel model, ConditioningOptions options, boolean padConds) {
        this.model = model;
        this.options = options;
        this.padConds = padConds;
    }

    /**
     * @param prompts   this batch's prompts, with their {@code <lora:…>} tags (only the first prompt's
     *                  tags are activated, as in the webui)
     * @param negatives this batch's negative prompts
     * @param steps     how prompt-editing steps are counted
     * @param width     size conditioning (SDXL): the pass's target width
     * @param height    the pass's target height
     */
    boolean sameOptions(ConditioningOptions o, boolean pad) {
        return options.equals(o) && padConds == pad;
    }

    synchronized Encoded encode(List<String> prompts, List<String> negatives, ScheduleOptions steps, int width, int height) {
        ExtraNetworks.ParsedBatch parsed = ExtraNetworks.parseBatch(prompts);
        List<String> ignored = new ArrayList<>();
        List<LoraActivation> acts = LoraActivation.fromNetworks(parsed.networks(), ignored);
        State s = activate(acts);
        List<String> warnings = new ArrayList<>(s.warnings());
        for (String kind : ignored) {
            warnings.add("extra network type '" + kind + "' is not supported; its tags were removed from the prompt");
        }
        PromptConditioning.Uncond uc = s.prompts().negative(negatives, steps, width, height);
        PromptConditioning.MultiCond c = s.prompts().positive(parsed.prompts(), steps, width, height);
        Map<String, Object> extra = new LinkedHashMap<>();
        if (!s.loraHashes().isEmpty()) {
            extra.put("Lora hashes", joinHashes(s.loraHashes()));
        }
        Map<String, String> ti = tiHashes(s.conditioner(), parsed.prompts(), negatives, steps);
        if (!ti.isEmpty()) {
            extra.put("TI hashes", joinHashes(ti));
        }
        List<String> texts = new ArrayList<>(parsed.prompts());
        texts.addAll(negatives);
        options.emphasis().infotextValue(texts).ifPresent(v -> extra.put("Emphasis", v));
        Tensor empty = null;
        if (padConds) {
            Tensor e = s.conditioner().encode(List.of(""), new Conditioner.Request(false, width, height)).getFirst().crossattn();
            empty = e.reshape(1, e.dim(0), e.dim(1));
        }
        return new Encoded(new PromptConds(c, uc), s.networks(), extra, warnings, empty);
    }

    private State activate(List<LoraActivation> acts) {
        if (state != null && acts.equals(activeKey)) {
            return state;
        }
        SdNetworks nets = model.networks();
        Map<String, String> hashes = Map.of();
        List<String> warnings = new ArrayList<>();
        EmbeddingDatabase db = model.embeddings();
        if (!acts.isEmpty()) {
            LoraActivator.Result r = model.loras().activate(acts);
            nets = model.networksOver(r.overlay());
            hashes = r.loraHashes();
            warnings.addAll(r.warnings());
            if (!r.bundledEmbeddings().isEmpty()) {
                db = withBundled(db, nets, r.bundledEmbeddings());
            }
        }
        Conditioner conditioner = Conditioners.of(model.backend(), nets, db, options);
        state = new State(nets, conditioner, new PromptConditioning(conditioner), hashes, warnings);
        activeKey = List.copyOf(acts);
        return state;
    }

    /** The model's embeddings plus a LoRA's bundled ones (a name from the embeddings folder wins). */
    private static EmbeddingDatabase withBundled(EmbeddingDatabase base, SdNetworks nets, Map<String, Embedding> bundled) {
        EmbeddingDatabase db = Conditioners.embeddingDatabase(nets);
        bundled.forEach((n, e) -> {
            if (base.get(n) == null) {
                db.register(e);
            }
        });
        base.all().values().forEach(db::register);
        return db;
    }

    /** {@code TI hashes}: name → first 12 hex digits of the embedding file's SHA-256, positive prompts' first. */
    private static Map<String, String> tiHashes(Conditioner c, List<String> prompts, List<String> negatives,
                                                ScheduleOptions steps) {
        Map<String, String> out = new LinkedHashMap<>();
        for (List<String> group : List.of(prompts, negatives)) {
            LinkedHashSet<String> texts = new LinkedHashSet<>();
            for (String p : group) {
                for (String t : AndSplitter.splitBatch(List.of(p)).texts()) {
                    for (ScheduledText st : PromptScheduler.schedule(t, steps)) {
                        texts.add(st.text());
                    }
                }
            }
            for (Embedding e : c.usedEmbeddings(List.copyOf(texts)).values()) {
                if (e.file() != null && !out.containsKey(clean(e.name()))) {
                    try {
                        out.put(clean(e.name()), ModelHash.sha256(e.file()).substring(0, 12));
                    } catch (IOException ex) {
                        throw new UncheckedIOException("hashing embedding " + e.file(), ex);
                    }
                }
            }
        }
        return out;
    }

    private static String clean(String name) {
        return name.replace(":", "").replace(",", "");
    }

    private static String joinHashes(Map<String, String> hashes) {
        StringBuilder b = new StringBuilder();
        hashes.forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append(": ").append(v));
        return b.toString();
    }

}
