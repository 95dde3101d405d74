package jdiffusion.sd.pipeline;

import java.util.Map;
import jdiffusion.sd.infotext.GenerationParams;

/** {@code create_infotext} for one image of a job (spec conditioning-and-sampling.md §8.1). */
final class Infotexts {
    /**
     * The {@code Version} entry. It does not parse as a webui version, so the webui applies none of its
     * old-version compatibility rules when it reads the text back.
     */
    static final String VERSION = "jdiffusion-0.1.0";

    private Infotexts() {
    }

    /**
     * What one job's images share; the per-image parts are the prompt, seed and subseed.
     *
     * @param scheduleLabel         the infotext's {@code Schedule type}
     * @param denoisingStrength     img2img / hires, else null
     * @param conditionalMaskWeight 9-channel models, else null
     * @param writesEnsd            the sampler uses ENSD (and eta ≠ 0)
     * @param extra                 {@code extra_generation_params} in insertion order
     */
    record Job(SdModel model, GenerationSettings settings, SamplerChoice choice, String scheduleLabel, int width, int height,
               Number denoisingStrength, Number conditionalMaskWeight, boolean writesEnsd, Map<String, Object> extra) {
    }

    static String of(Job j, String prompt, String negativePrompt, long seed, long subseed) {
        GenerationSettings s = j.settings();
        boolean variation = s.subseedStrength() != 0;
        boolean resize = s.seedResizeFromW() > 0 && s.seedResizeFromH() > 0;
        long ensd = s.etaNoiseSeedDelta();
        GenerationParams g = new GenerationParams(prompt, negativePrompt, s.steps(), j.choice().name(), j.scheduleLabel(),
                pyNumber(s.cfgScale()), null, seed, j.width(), j.height(), j.model().hash(), j.model().name(),
                j.model().vaeHash(), j.model().vaeName(), variation ? subseed : null,
                variation ? (Number) s.subseedStrength() : null,
                resize ? new int[] {s.seedResizeFromW(), s.seedResizeFromH()} : null, j.denoisingStrength(),
                j.conditionalMaskWeight(), s.clipSkip(), j.writesEnsd() && ensd != 0 ? ensd : null, null,
                s.rng().label(), false, j.extra(), VERSION, null);
        return g.text();
    }

    /** A UI slider value as the webui prints it: whole numbers without ".0" (CFG scale 7), others as floats. */
    static Number pyNumber(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? (Number) (int) v : (Number) v;
    }
}
