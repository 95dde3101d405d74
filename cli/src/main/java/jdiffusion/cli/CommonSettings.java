package jdiffusion.cli;

import jdiffusion.sampler.SamplerCatalog;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sampler.schedule.Scheduler;
import jdiffusion.sd.conditioning.Emphasis;
import jdiffusion.sd.pipeline.GenerationSettings;
import jdiffusion.sd.pipeline.SamplerChoice;

/**
 * The settings txt2img and img2img share, assembled in the order that makes {@code --from-png}
 * work: the webui's UI defaults (the library's builder), the PNG's infotext, the options given on
 * the command line. Names the library would only reject later (sampler, schedule, RNG, emphasis)
 * are checked here so the message names the option.
 */
final class CommonSettings {
    private CommonSettings() {
    }

    /** Builder defaults, then the PNG's infotext (when given), then the explicit options. */
    static GenerationSettings.Builder builder(GenerationArgs a, FromPng png, boolean tinyModel, String defaultPrompt) {
        GenerationSettings.Builder b = GenerationSettings.builder();
        if (png != null) {
            png.applyCommon(b);
        } else {
            b.prompt(defaultPrompt);
        }
        if (a.prompt != null) {
            b.prompt(a.prompt);
        }
        if (a.negativePrompt != null) {
            b.negativePrompt(a.negativePrompt);
        }
        if (a.sampler != null) {
            try {
                SamplerChoice.of(a.sampler, "Automatic");
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--sampler: unknown sampler '" + a.sampler + "' (known: " + String.join(", ",
                        SamplerCatalog.entries().stream().map(SamplerCatalog.Entry::name).toList())
                        + "; aliases: jdiffusion samplers)");
            }
            b.sampler(a.sampler);
        }
        if (a.scheduler != null) {
            try {
                b.scheduler(Scheduler.byName(a.scheduler).label());
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--scheduler: " + e.getMessage());
            }
        }
        if (a.steps != null) {
            b.steps(a.steps);
        }
        if (a.cfgScale != null) {
            b.cfgScale(a.cfgScale);
        }
        if (a.seed != null) {
            b.seed(a.seed);
        }
        GenerationSettings cur = b.build();
        if (png == null && tinyModel) {
            // The tiny model's UNet was made for 32x32 latents; at the webui's 512x512 its attention makes a
            // CPU run take minutes for a picture that is noise anyway.
            cur = b.size(Generation.TINY_SIZE, Generation.TINY_SIZE).build();
        }
        b.variation(a.subseed != null ? a.subseed : cur.subseed(),
                a.subseedStrength != null ? a.subseedStrength : cur.subseedStrength());
        b.seedResizeFrom(a.seedResizeFromW != null ? a.seedResizeFromW : cur.seedResizeFromW(),
                a.seedResizeFromH != null ? a.seedResizeFromH : cur.seedResizeFromH());
        b.size(a.width != null ? a.width : cur.width(), a.height != null ? a.height : cur.height());
        if (a.batchSize != null) {
            b.batchSize(a.batchSize);
        }
        if (a.batchCount != null) {
            b.batchCount(a.batchCount);
        }
        if (a.clipSkip != null) {
            b.clipSkip(a.clipSkip);
        }
        if (a.rng != null) {
            try {
                b.rng(RngSource.fromLabel(a.rng));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--rng: unknown value '" + a.rng + "' (expected gpu, cpu or nv)");
            }
        }
        if (a.etaNoiseSeedDelta != null) {
            b.etaNoiseSeedDelta(a.etaNoiseSeedDelta);
        }
        if (a.emphasis != null) {
            try {
                b.emphasis(Emphasis.fromLabel(a.emphasis));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--emphasis: " + e.getMessage());
            }
        }
        if (a.eta != null) {
            b.samplerOptions(cur.sampler().withEtaAncestral(a.eta));
            cur = b.build();
        }
        if (a.etaDdim != null) {
            b.samplerOptions(cur.sampler().withEtaDdim(a.etaDdim));
        }
        return b;
    }
}
