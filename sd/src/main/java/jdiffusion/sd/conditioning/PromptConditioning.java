package jdiffusion.sd.conditioning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.sd.prompt.AndSplitter;
import jdiffusion.sd.prompt.PromptScheduler;
import jdiffusion.sd.prompt.ScheduleOptions;
import jdiffusion.sd.prompt.ScheduledText;

/**
 * Prompts → per-step conditioning ({@code prompt_parser.get_learned_conditioning} and
 * {@code get_multicond_learned_conditioning}, spec §2 and §4.1), over one {@link Conditioner}.
 *
 * <p>Each prompt's schedule texts are encoded in one call (emphasis normalises over them).
 * Results are cached by prompt, schedule and request, so an unchanged prompt is not encoded again
 * (e.g. the next batch or generation with the same prompt). Create a new instance when the model,
 * its LoRAs or the options change.
 */
public final class PromptConditioning {
    /** Cached prompt schedules kept (least recently used dropped first). */
    private static final int CACHE_ENTRIES = 64;

    private final Conditioner conditioner;
    private final Map<String, List<ScheduledCond>> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<ScheduledCond>> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };
    private int encodeCalls;

    public PromptConditioning(Conditioner conditioner) {
        this.conditioner = conditioner;
    }

    /** A sub-prompt's schedule and its composable-diffusion weight. */
    public record Weighted(List<ScheduledCond> schedule, double weight) {
    }

    /** Positive conditioning: for each prompt its AND sub-prompts. */
    public record MultiCond(List<List<Weighted>> batch) {

        /**
         * {@code reconstruct_multicond_batch}: the conds of every sub-prompt at denoiser call
         * {@code step}, stacked in image order (shorter contexts padded with their last token vector),
         * and for each image the (row, weight) pairs of its sub-prompts.
         */
        public AtStep at(int step) {
            List<Cond> conds = new ArrayList<>();
            List<List<AndSplitter.Weighted>> rows = new ArrayList<>();
            for (List<Weighted> image : batch) {
                List<AndSplitter.Weighted> mine = new ArrayList<>();
                for (Weighted w : image) {
                    mine.add(new AndSplitter.Weighted(conds.size(), w.weight()));
                    conds.add(ScheduledCond.at(w.schedule(), step));
                }
                rows.add(mine);
            }
            return new AtStep(rows, CondBatch.stack(conds, true));
        }
    }

    /** Stacked sub-prompt conds and, per image, which rows belong to it with which weight. */
    public record AtStep(List<List<AndSplitter.Weighted>> condsList, CondBatch conds) {
    }

    /** Negative conditioning (no AND, no extra networks): per prompt its schedule. */
    public record Uncond(List<List<ScheduledCond>> batch) {
        /** {@code reconstruct_cond_batch}: the uncond of every image at denoiser call {@code step}. */
        public CondBatch at(int step) {
            List<Cond> conds = new ArrayList<>();
            for (List<ScheduledCond> s : batch) {
                conds.add(ScheduledCond.at(s, step));
            }
            return CondBatch.stack(conds, false);
        }
    }

    /** {@code get_learned_conditioning} over negative prompts. */
    public Uncond negative(List<String> prompts, ScheduleOptions steps, int width, int height) {
        return new Uncond(learned(prompts, steps, new Conditioner.Request(true, width, height)));
    }

    /** {@code get_multicond_learned_conditioning} over positive prompts (extra-network tags already removed). */
    public MultiCond positive(List<String> prompts, ScheduleOptions steps, int width, int height) {
        AndSplitter.MultiCond mc = AndSplitter.splitBatch(prompts);
        List<List<ScheduledCond>> learned = learned(mc.texts(), steps, new Conditioner.Request(false, width, height));
        List<List<Weighted>> out = new ArrayList<>();
        for (List<AndSplitter.Weighted> refs : mc.indexes()) {
            List<Weighted> image = new ArrayList<>();
            for (AndSplitter.Weighted r : refs) {
                image.add(new Weighted(learned.get(r.index()), r.weight()));
            }
            out.add(image);
        }
        return new MultiCond(out);
    }

    /** The schedule of each prompt; each distinct prompt's schedule texts are encoded together once. Thread-safe. */
    public synchronized List<List<ScheduledCond>> learned(List<String> prompts, ScheduleOptions steps, Conditioner.Request request) {
        List<List<ScheduledCond>> out = new ArrayList<>(prompts.size());
        for (String prompt : prompts) {
            String key = prompt + "\u0000" + steps + "\u0000" + request + "\u0000" + conditioner.cacheKey();
            List<ScheduledCond> hit = cache.get(key);
            if (hit == null) {
                List<ScheduledText> schedule = PromptScheduler.schedule(prompt, steps);
                List<String> texts = schedule.stream().map(ScheduledText::text).toList();
                List<Cond> conds = conditioner.encode(texts, request);
                encodeCalls++;
                List<ScheduledCond> s = new ArrayList<>(schedule.size());
                for (int i = 0; i < schedule.size(); i++) {
                    s.add(new ScheduledCond(schedule.get(i).endAtStep(), conds.get(i)));
                }
                hit = List.copyOf(s);
                cache.put(key, hit);
            }
            out.add(hit);
        }
        return out;
    }

    /** How many times the conditioner was called (for tests and diagnostics). */
    public synchronized int encodeCalls() {
        return encodeCalls;
    }
}
