package jdiffusion.sd.infotext;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The infotext of a PNG is untrusted text (civitai downloads, edited files). Parsing it must never
 * throw or hang, whatever the mutation: like the webui's paste, it reads what it can.
 */
class InfotextFuzzTest {
    private static final String VALID = "masterpiece, (a red barn:1.2), [field|meadow] <lora:style:0.8>\n"
            + "Negative prompt: blurry, \"quoted, text\"\n"
            + "Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1234, Size: 512x768, "
            + "Model hash: 6ce0161689, Model: v1-5, Denoising strength: 0.75, Mask blur: 4, "
            + "Hires upscale: 2, Hires upscaler: Latent, Lora hashes: \"style: abc123\", "
            + "Soft inpainting enabled: True, Version: v1.10.1";
    private static final String ALPHABET = ":,\"\\\n x=0123456789.-";

    @Test
    void mutatedInfotextsParseWithoutExceptions() {
        int iterations = Integer.getInteger("jdiffusion.fuzz.iterations", 3000);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int n = 0; n < iterations; n++) {
                SplittableRandom r = new SplittableRandom(n);
                StringBuilder s = new StringBuilder(VALID);
                for (int k = 1 + r.nextInt(10); k > 0 && !s.isEmpty(); k--) {
                    int at = r.nextInt(s.length());
                    switch (r.nextInt(3)) {
                        case 0 -> s.deleteCharAt(at);
                        case 1 -> s.insert(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                        default -> s.setLength(at);
                    }
                }
                try {
                    Map<String, String> m = InfotextParser.parse(s.toString());
                    assertTrue(m != null);
                } catch (Throwable t) {
                    fail("case " + n + " (" + s.toString().replace("\n", "\\n") + "): " + t, t);
                }
            }
        });
    }
}
