package jdiffusion.sd.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.sampler.KSampler;
import jdiffusion.sampler.Latents;
import jdiffusion.sampler.NoiseSampler;
import jdiffusion.sampler.SamplerCatalog;
import jdiffusion.sampler.SamplerParams;
import jdiffusion.sampler.SamplingContext;
import jdiffusion.sampler.brownian.BrownianTreeNoiseSampler;
import jdiffusion.sampler.cfg.CfgDenoiser;
import jdiffusion.sampler.cfg.CfgHooks;
import jdiffusion.sampler.cfg.CfgOptions;
import jdiffusion.sampler.cfg.DiffusionModel;
import jdiffusion.sampler.kdiffusion.DpmSolver;
import jdiffusion.sampler.lcm.LcmSampler;
import jdiffusion.sampler.rng.GeneratorFactory;
import jdiffusion.sampler.rng.ImageRng;
import jdiffusion.sampler.timesteps.TimestepSampler;
import jdiffusion.tensor.Tensor;

/**
 * One sampler run of a batch (spec conditioning-and-sampling.md §1 step 6, img2img.md §4): txt2img
 * from pure noise or img2img from an init latent, for k-diffusion, timestep (DDIM/PLMS) and LCM
 * samplers, with the CFG denoiser, per-step ancestral noise from the image RNG and, for SDE samplers,
 * a Brownian tree over the full schedule.
 */
final class SamplingRun {
    private SamplingRun() {
    }

    /**
     * Everything fixed for one pass.
     *
     * @param plan        schedule, wrapper, sampler parameters
     * @param settings    the job settings (CFG scale, options)
     * @param unet        the UNet (possibly LoRA-merged)
     * @param conds       the batch's prompt conditioning
     * @param imageCond   inpainting-model conditioning [B, 5, h, w], or null
     * @param hooks       mask blending (or {@link CfgHooks#NONE})
     * @param emptyPrompt the encoded empty prompt for "Pad conds" (null when the option is off)
     * @param seeds       this batch's seeds (Brownian trees)
     * @param generators  the RNG source
     * @param observer    progress and tracing
     * @param cancel      cancellation
     */
    record Pass(SamplerPlan plan, GenerationSettings settings, DiffusionModel unet, PromptConds conds, Tensor imageCond,
                CfgHooks hooks, Tensor emptyPrompt, long[] seeds, GeneratorFactory generators, Observer observer,
                Cancellation cancel) {
    }

    /**
     * The sampled latent and the infotext entries the sampler added, in the webui's order: schedule
     * options, {@code Extra noise}, then sampler parameters.
     */
    record Outcome(Tensor samples, Map<String, Object> infotext) {
    }

    /** txt2img: {@code x = noise·σ0} (timestep samplers: noise as is), full schedule ({@code Txt2Img.sample}). */
    static Outcome txt2img(Pass p, ImageRng rng, int steps) {
        Map<String, Object> info = new LinkedHashMap<>();
        SamplerPlan plan = p.plan();
        Tensor noise = rng.next();
        p.observer().tensor("noise", noise);
        if (plan.choice().kind() == SamplerCatalog.Kind.TIMESTEPS) {
            int[] t = plan.timesteps(steps, info);
            SamplerParams params = plan.params(info);
            p.observer().tensor("x_start", noise);
            TimestepSampler sampler = timestepSampler(p);
            int runSteps = sampler.steps(t.length);
            SamplingContext ctx = context(p, denoiser(p, runSteps), rng, null, params, runSteps);
            Tensor out = sampler.sample(noise, t, plan.schedule(), ctx, false);
            return new Outcome(out, info);
        }
        float[] sigmas = plan.sigmas(steps, info);
        p.observer().tensor("sigmas_full", sigmas);
        SamplerParams params = plan.params(info);
        Tensor x = p.settings().sampler().sgmNoiseMultiplier() ? Latents.scaleSgm(noise, sigmas[0])
                : Latents.scale(noise, sigmas[0]);
        p.observer().tensor("x_start", x);
        KSampler sampler = kSampler(p);
        SamplingContext ctx = context(p, denoiser(p, sigmas.length - 1), rng, brownian(p, x, sigmas), params,
                sigmas.length - 1);
        Tensor out;
        if (sampler instanceof DpmSolver dpm) {
            // The webui's txt2img hands DPM fast/adaptive the model's σ range and the step count.
            out = dpm.sample(x, plan.schedule().sigmaMin(), plan.schedule().sigmaMax(), steps, ctx);
        } else {
            out = sampler.sample(x, sigmas, ctx);
        }
        return new Outcome(out, info);
    }

    /**
     * img2img / hires pass ({@code sample_img2img}, spec img2img.md §4.2–4.3): the schedule for
     * {@code stepsPrime} steps, sliced to its last {@code tEnc + 2} values (timestep samplers: the first
     * {@code tEnc} timesteps), {@code x_start = z0 + n·σ_s[0]} (timesteps: {@code √ᾱ·z0 + √(1−ᾱ)·n}),
     * plus {@code n·extraNoise} (timesteps: ×√ᾱ).
     *
     * @param noise the first image-RNG draw, already multiplied by the noise multiplier
     */
    static Outcome img2img(Pass p, Tensor z0, Tensor noise, ImageRng rng, Img2ImgSteps st, double extraNoise) {
        Map<String, Object> info = new LinkedHashMap<>();
        SamplerPlan plan = p.plan();
        if (plan.choice().kind() == SamplerCatalog.Kind.TIMESTEPS) {
            if (st.stepsPrime() == 0) {
                throw new IllegalArgumentException(plan.choice().name() + " cannot run with denoising strength 0 and "
                        + "\"do exactly the amount of steps\" (no steps remain)");
            }
            int[] t = plan.timesteps(st.stepsPrime(), info);
            float a = plan.schedule().alphaCumprod(t[st.tEnc()]);
            float sa = (float) Math.sqrt(a);
            float s1 = (float) Math.sqrt(1f - a);
            float[] z = z0.toFloatArray();
            float[] n = noise.toFloatArray();
            float[] x = new float[z.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = z[i] * sa + n[i] * s1;
            }
            if (extraNoise > 0) {
                info.put("Extra noise", extraNoise);
                float e = (float) extraNoise;
                for (int i = 0; i < x.length; i++) {
                    x[i] += n[i] * e * sa;
                }
            }
            Tensor xs = Tensor.of(x, z0.shape());
            p.observer().tensor("x_start", xs);
            SamplerParams params = plan.params(info);
            if (st.tEnc() == 0) {
                return new Outcome(xs, info); // no update: DDIM/PLMS return x_start
            }
            int[] sched = java.util.Arrays.copyOf(t, st.tEnc());
            TimestepSampler sampler = timestepSampler(p);
            int runSteps = sampler.steps(sched.length);
            SamplingContext ctx = context(p, denoiser(p, runSteps), rng, null, params, runSteps);
            return new Outcome(sampler.sample(xs, sched, plan.schedule(), ctx, true), info);
        }
        if (st.stepsPrime() == 0) {
            // d = 0 with fixed steps: the schedule is [0], x_start = z0 and no step runs (the webui's SDE and
            // DPM fast/adaptive samplers fail here; the others return the VAE round trip of the input).
            var k = plan.choice().kdiffusion();
            if (k != null && (k.brownianNoise() || kSampler(p) instanceof DpmSolver)) {
                throw new IllegalArgumentException(plan.choice().name() + " cannot run with denoising strength 0 and "
                        + "\"do exactly the amount of steps\" (no positive sigma remains)");
            }
            p.observer().tensor("x_start", z0);
            return new Outcome(z0.copy(), info);
        }
        float[] full = plan.sigmas(st.stepsPrime(), info);
        p.observer().tensor("sigmas_full", full);
        float[] sigmas = java.util.Arrays.copyOfRange(full, full.length - st.tEnc() - 2, full.length);
        p.observer().tensor("sigmas", sigmas);
        Tensor x = Latents.addNoise(z0, noise, sigmas[0]);
        if (extraNoise > 0) {
            info.put("Extra noise", extraNoise);
            x = Latents.addExtraNoise(x, noise, (float) extraNoise);
        }
        p.observer().tensor("x_start", x);
        SamplerParams params = plan.params(info);
        KSampler sampler = kSampler(p);
        SamplingContext ctx = context(p, denoiser(p, sigmas.length - 1), rng, brownian(p, x, full), params,
                sigmas.length - 1);
        return new Outcome(sampler.sample(x, sigmas, ctx), info);
    }

    private static CfgDenoiser denoiser(Pass p, int steps) {
        GenerationSettings s = p.settings();
        CfgOptions o = new CfgOptions(true, s.sampler().padConds(), false, p.emptyPrompt(), s.sampler().sMinUncond(),
                false, 0, Math.max(steps, 1));
        return new CfgDenoiser(p.unet(), p.plan().wrapper(), p.conds(), s.cfgScale(), p.imageCond(), o,
                p.observer().trace(p.hooks()));
    }

    private static SamplingContext context(Pass p, CfgDenoiser d, ImageRng rng, NoiseSampler brownian, SamplerParams params,
                                           int steps) {
        return new SamplingContext(d, rng, brownian, params, p.observer().steps(steps), p.cancel());
    }

    /** SDE samplers: one Brownian tree per image over [smallest positive, largest] σ of the full schedule. */
    private static NoiseSampler brownian(Pass p, Tensor x, float[] fullSigmas) {
        var k = p.plan().choice().kdiffusion();
        if (k == null || !k.brownianNoise()) {
            return null;
        }
        int[] item = {x.dim(1), x.dim(2), x.dim(3)};
        return BrownianTreeNoiseSampler.forSchedule(item, fullSigmas, p.seeds(), p.generators());
    }

    private static KSampler kSampler(Pass p) {
        SamplerChoice c = p.plan().choice();
        return c.kind() == SamplerCatalog.Kind.LCM ? new LcmSampler() : c.kdiffusion().create();
    }

    private static TimestepSampler timestepSampler(Pass p) {
        return p.plan().choice().timesteps().create();
    }
}
