package jdiffusion.sd.conditioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import jdiffusion.sd.prompt.AndSplitter;
import jdiffusion.sd.prompt.ScheduleOptions;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** Schedules → per-step conds, AND batches and caching. */
class PromptConditioningTest {
    private static final CpuBackend CPU = new CpuBackend();

    private static SdConditioner sd1(FakeTextEncoder enc) {
        return SdConditioner.sd1(CPU, enc, EmbeddingDatabase.empty(), ConditioningOptions.defaults());
    }

    @Test
    void scheduleVariantsAreEncodedTogetherAndPickedByStep() {
        FakeTextEncoder enc = new FakeTextEncoder(3, 0);
        PromptConditioning pc = new PromptConditioning(sd1(enc));
        PromptConditioning.Uncond u = pc.negative(List.of("a [cat:dog:2]"), ScheduleOptions.of(4), 512, 512);
        assertEquals(1, enc.calls.size());
        float[] ids = enc.calls.getFirst();
        assertEquals(2368, (int) ids[2], "text 1: a cat");
        assertEquals(1929, (int) ids[77 + 2], "text 2: a dog");
        List<ScheduledCond> s = u.batch().getFirst();
        assertEquals(List.of(2, 4), s.stream().map(ScheduledCond::endAtStep).toList());
        // denoiser calls 0..2 use "a cat", 3.. use "a dog"
        for (int step = 0; step <= 4; step++) {
            float expected = FakeTextEncoder.emb(step <= 2 ? 2368 : 1929, 0) + 0.02f;
            assertEquals(expected, u.at(step).crossattn().get(0, 2, 0), 0f, "step " + step);
        }
    }

    @Test
    void unchangedPromptsAreNotEncodedTwice() {
        FakeTextEncoder enc = new FakeTextEncoder(3, 0);
        PromptConditioning pc = new PromptConditioning(sd1(enc));
        PromptConditioning.MultiCond first = pc.positive(List.of("a cat", "a cat"), ScheduleOptions.of(10), 512, 512);
        PromptConditioning.MultiCond again = pc.positive(List.of("a cat"), ScheduleOptions.of(10), 512, 512);
        assertEquals(1, pc.encodeCalls());
        assertSame(first.batch().getFirst().getFirst().schedule(), again.batch().getFirst().getFirst().schedule());
        pc.positive(List.of("a cat"), ScheduleOptions.of(20), 512, 512);
        assertEquals(2, pc.encodeCalls(), "different step count → new schedule");
    }

    @Test
    void andSubPromptsAreStackedWithLastTokenPadding() {
        FakeTextEncoder enc = new FakeTextEncoder(2, 0);
        PromptConditioning pc = new PromptConditioning(sd1(enc));
        PromptConditioning.MultiCond mc = pc.positive(List.of("cat AND " + "dog ".repeat(80) + ":0.5"),
                ScheduleOptions.of(5), 512, 512);
        PromptConditioning.AtStep at = mc.at(0);
        assertEquals(List.of(List.of(new AndSplitter.Weighted(0, 1.0), new AndSplitter.Weighted(1, 0.5))), at.condsList());
        assertArrayEquals(new int[] {2, 154, 2}, at.conds().crossattn().shape());
        // row 0 had one chunk: positions 77.. repeat its last token vector (position 76)
        for (int p = 77; p < 154; p++) {
            assertEquals(at.conds().crossattn().get(0, 76, 1), at.conds().crossattn().get(0, p, 1), 0f);
        }
    }

    @Test
    void uncondBatchNeedsEqualLengths() {
        PromptConditioning pc = new PromptConditioning(sd1(new FakeTextEncoder(2, 0)));
        PromptConditioning.Uncond u = pc.negative(List.of("a", "b ".repeat(80)), ScheduleOptions.of(5), 512, 512);
        assertThrows(IllegalArgumentException.class, () -> u.at(0));
    }
}
