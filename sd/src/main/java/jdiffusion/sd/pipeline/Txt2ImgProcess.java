package jdiffusion.sd.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import jdiffusion.sampler.SamplerCatalog;
import jdiffusion.sampler.SamplingCancelledException;
import jdiffusion.sampler.cfg.CfgHooks;
import jdiffusion.sampler.rng.GeneratorFactory;
import jdiffusion.sampler.rng.ImageRng;
import jdiffusion.sampler.schedule.Scheduler;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.prompt.ScheduleOptions;
import jdiffusion.tensor.Tensor;

/**
 * {@code process_images_inner} for {@code StableDiffusionProcessingTxt2Img} (spec
 * conditioning-and-sampling.md §1): seeds and prompts, {@code init} (hires target and infotext), then per
 * batch iteration: image RNG, LoRA and conditioning, sampling from {@code noise·σ0}, and with hires
 * fix the upscale ({@link HiresPass}) and a second img2img-style pass with its own RNG and prompts
 * ({@code sample_hr_pass}); decoding and infotext.
 */
final class Txt2ImgProcess {
    private final SdModel model;
    private final GenerationSettings gs;
    private final HiresFix hr;
    private final ProgressListener listener;
    private final Cancellation cancel;
    private final PhaseTimer timer;
    private final VaeCodec vae;
    private final List<GeneratedImage> images = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private Txt2ImgProcess(SdModel model, Txt2ImgRequest req, ProgressListener listener, Cancellation cancel) {
        this.model = model;
        this.gs = req.settings();
        this.hr = req.hires();
        this.listener = listener;
        this.cancel = cancel;
        this.timer = new PhaseTimer(listener);
        this.vae = new VaeCodec(model.backend(), model.networks().vae());
    }

    static GenerationResult run(SdModel model, Txt2ImgRequest req, ProgressListener listener, Cancellation cancel,
                                RandomGenerator random) {
        req.validate();
        return new Txt2ImgProcess(model, req, listener, cancel).run(random);
    }

    private GenerationResult run(RandomGenerator random) {
        SamplerChoice choice = SamplerChoice.of(gs.samplerName(), gs.scheduler());
        SizeCheck.check(model, gs.width(), gs.height());
        int b = gs.batchSize();
        JobSeeds seeds = JobSeeds.of(gs, b * gs.batchCount(), random);
        GeneratorFactory generators = gs.rng().factory();
        SamplerPlan plan = SamplerPlan.of(choice, gs.sampler(), model);
        TextStage text = model.textStage(gs);

        Map<String, Object> initInfo = new LinkedHashMap<>();
        Hires h = hr.enabled() ? hiresSetup(choice, initInfo, text) : null;
        try {
            for (int n = 0; n < gs.batchCount(); n++) {
                iteration(n, b, seeds, generators, plan, text, h, initInfo);
            }
        } catch (SamplingCancelledException e) {
            throw new GenerationCancelledException(result(seeds));
        }
        return result(seeds);
    }

    /**
     * The hires pass's sampler, target and prompts (the entries {@code init} adds to the infotext go to
     * {@code info}); its text stage is the first pass's, as the conditioning options are the same.
     */
    private record Hires(SamplerPlan plan, HiresTarget target, String prompt, String negative, TextStage text) {
    }

    private Hires hiresSetup(SamplerChoice first, Map<String, Object> info, TextStage text) {
        String samplerName = hr.samplerName() == null ? gs.samplerName() : hr.samplerName();
        String scheduler = hr.scheduler() == null ? gs.scheduler() : hr.scheduler();
        SamplerChoice choice = SamplerChoice.of(samplerName, scheduler);
        if (hr.samplerName() != null && !choice.name().equals(first.name())) {
            info.put("Hires sampler", choice.name());
        }
        info.put("Hires schedule type", null); // reserved here, filled in when it differs (get_sigmas)
        String prompt = hr.prompt().isEmpty() ? gs.prompt() : hr.prompt();
        String negative = hr.negativePrompt().isEmpty() ? gs.negativePrompt() : hr.negativePrompt();
        if (!prompt.equals(gs.prompt())) {
            info.put("Hires prompt", prompt);
        }
        if (!negative.equals(gs.negativePrompt())) {
            info.put("Hires negative prompt", negative);
        }
        if (hr.latentMode() == null) {
            model.upscaler(hr.upscaler()); // an unknown upscaler fails before any sampling
        }
        HiresTarget target = HiresTarget.of(hr, gs.width(), gs.height(), info);
        SizeCheck.check(model, target.width() - 8 * target.truncateX(), target.height() - 8 * target.truncateY());
        if (hr.steps() != 0) {
            info.put("Hires steps", hr.steps());
        }
        info.put("Hires upscaler", hr.upscaler());
        SamplerPlan plan = SamplerPlan.of(choice, gs.sampler(), model);
        return new Hires(plan, target, prompt, negative, text);
    }

    private GenerationResult result(JobSeeds seeds) {
        return new GenerationResult(images, seeds.seedList(), seeds.subseedList(), timer.timings(), List.of(), warnings);
    }

    private void iteration(int n, int b, JobSeeds seeds, GeneratorFactory generators, SamplerPlan plan, TextStage text,
                           Hires h, Map<String, Object> initInfo) {
        Observer obs = new Observer(listener, n, gs.batchCount(), false, vae);
        long[] batchSeeds = seeds.batch(n, b);
        long[] batchSubseeds = seeds.subBatch(n, b);
        int c = model.config().vae().zChannels();
        ImageRng rng = gs.imageRng(generators, new int[] {c, gs.height() / 8, gs.width() / 8}, batchSeeds, batchSubseeds);
        List<String> prompts = Collections.nCopies(b, gs.prompt());
        List<String> negatives = Collections.nCopies(b, gs.negativePrompt());
        int total = plan.choice().totalSteps(gs.steps());
        TextStage.Encoded enc = timer.run(Phase.TEXT, () -> text.encode(prompts, negatives,
                new ScheduleOptions(total, 0, gs.sampler().oldPromptTimelines()), gs.width(), gs.height()));
        warn(enc.warnings());
        obs.tensor("cond", enc.conds().firstCond());
        obs.tensor("uncond", enc.conds().firstUncond());

        Map<String, Object> extra = new LinkedHashMap<>(initInfo);
        extra.putAll(enc.extra());
        Tensor imageCond = model.config().isInpainting()
                ? InpaintConditioning.txt2img(vae, b, gs.width() / 8 * 8, gs.height() / 8 * 8) : null;
        Tensor x = timer.run(Phase.SAMPLING, () -> {
            SamplingRun.Pass pass = new SamplingRun.Pass(plan, gs, new UNetDiffusionModel(model.backend(), enc.networks().unet()),
                    enc.conds(), imageCond, CfgHooks.NONE, enc.emptyPrompt(), batchSeeds, generators, obs, cancel);
            SamplingRun.Outcome out = SamplingRun.txt2img(pass, rng, gs.steps());
            extra.putAll(out.infotext());
            return out.samples();
        });
        obs.tensor("x_sampled", x);
        if (h != null) {
            x = hiresPass(h, n, b, x, batchSeeds, batchSubseeds, generators, total, plan, extra);
        }
        obs.tensor("x_final", x);
        final Tensor fx = x;
        Tensor decoded = timer.run(Phase.VAE_DECODE, () -> vae.decode(fx));
        obs.tensor("decoded", decoded);
        Infotexts.Job job = new Infotexts.Job(model, gs, plan.choice(), plan.scheduleLabel(gs.scheduler()), gs.width(),
                gs.height(), h != null ? (Number) hr.denoisingStrength() : null,
                imageCond != null ? (Number) hr.inpaintingMaskWeight() : null, plan.writesEnsd(), extra);
        timer.run(Phase.POSTPROCESS, () -> {
            for (int i = 0; i < b; i++) {
                Image out = LatentOps.picture(decoded, i);
                String info = Infotexts.of(job, prompts.get(i), negatives.get(i), batchSeeds[i], batchSubseeds[i]);
                GeneratedImage g = new GeneratedImage(out, info, batchSeeds[i], batchSubseeds[i], prompts.get(i),
                        negatives.get(i), n * b + i, n, i);
                images.add(g);
                listener.image(g);
            }
        });
    }

    /** {@code sample_hr_pass} after the upscale: new RNG for the upscaled shape, hires prompts, img2img sampling. */
    private Tensor hiresPass(Hires h, int n, int b, Tensor samples, long[] seeds, long[] subseeds, GeneratorFactory generators,
                             int firstPassTotal, SamplerPlan firstPlan, Map<String, Object> extra) {
        Observer obs = new Observer(listener, n, gs.batchCount(), true, vae);
        HiresPass.Upscaled up = timer.run(Phase.HIRES_UPSCALE, () -> HiresPass.upscale(model, vae, hr, h.target(), samples, obs));
        Tensor z = up.latent();
        ImageRng rng = gs.imageRng(generators, new int[] {z.dim(1), z.dim(2), z.dim(3)}, seeds, subseeds);
        Tensor noise = rng.next();
        obs.tensor("noise", noise);
        int steps = hr.steps() != 0 ? hr.steps() : gs.steps();
        ScheduleOptions sched = new ScheduleOptions(firstPassTotal, h.plan().choice().totalSteps(steps),
                gs.sampler().oldPromptTimelines());
        TextStage.Encoded enc = timer.run(Phase.TEXT, () -> h.text().encode(Collections.nCopies(b, h.prompt()),
                Collections.nCopies(b, h.negative()), sched, h.target().width(), h.target().height()));
        warn(enc.warnings());
        extra.putAll(enc.extra());
        return timer.run(Phase.SAMPLING, () -> {
            SamplingRun.Pass pass = new SamplingRun.Pass(h.plan(), gs, new UNetDiffusionModel(model.backend(),
                    enc.networks().unet()), enc.conds(), up.imageCond(), CfgHooks.NONE, enc.emptyPrompt(), seeds, generators,
                    obs, cancel);
            SamplingRun.Outcome out = SamplingRun.img2img(pass, z, noise, rng,
                    Img2ImgSteps.of(steps, hr.denoisingStrength(), true), hr.extraNoise());
            // get_sigmas records the hires schedule only when it ran a scheduler function (not the model's own
            // uniform sigmas, not a timestep sampler) whose label differs from the first pass's.
            String hiresLabel = h.plan().scheduleLabel(hr.scheduler() == null ? gs.scheduler() : hr.scheduler());
            boolean function = h.plan().choice().kind() != SamplerCatalog.Kind.TIMESTEPS
                    && !hiresLabel.equals(Scheduler.AUTOMATIC.label());
            if (function && !hiresLabel.equals(firstPlan.scheduleLabel(gs.scheduler()))) {
                extra.put("Hires schedule type", hiresLabel);
            }
            extra.putAll(out.infotext());
            obs.tensor("x_sampled", out.samples());
            return out.samples();
        });
    }

    private void warn(List<String> w) {
        warnings.addAll(w);
        w.forEach(listener::warning);
    }
}
