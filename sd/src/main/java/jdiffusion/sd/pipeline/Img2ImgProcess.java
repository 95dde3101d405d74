package jdiffusion.sd.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import jdiffusion.sampler.SamplingCancelledException;
import jdiffusion.sampler.cfg.CfgHooks;
import jdiffusion.sampler.cfg.MaskBlend;
import jdiffusion.sampler.rng.GeneratorFactory;
import jdiffusion.sampler.rng.ImageRng;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.Img2ImgImages;
import jdiffusion.sd.image.soft.AdaptiveMasks;
import jdiffusion.sd.prompt.ScheduleOptions;
import jdiffusion.tensor.Tensor;

/**
 * {@code process_images_inner} for {@code StableDiffusionProcessingImg2Img}, top to bottom: inputs and
 * seeds, {@code init} once ({@link Img2ImgInit}), then per batch iteration: image RNG, LoRA and prompt
 * conditioning, noise × multiplier, sampling with the per-call mask blend (§4–§5), the final blend,
 * Soft Inpainting's adaptive overlay, decoding one image at a time, colour correction and overlay
 * (§6), infotext.
 */
final class Img2ImgProcess {
    private final SdModel model;
    private final GenerationSettings gs;
    private final Img2ImgSettings is;
    private final ProgressListener listener;
    private final Cancellation cancel;
    private final PhaseTimer timer;
    private final VaeCodec vae;
    private final List<GeneratedImage> images = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private Img2ImgProcess(SdModel model, Img2ImgRequest req, ProgressListener listener, Cancellation cancel) {
        this.model = model;
        this.gs = req.settings();
        this.is = req.img2img();
        this.listener = listener;
        this.cancel = cancel;
        this.timer = new PhaseTimer(listener);
        this.vae = new VaeCodec(model.backend(), model.networks().vae());
    }

    static GenerationResult run(SdModel model, Img2ImgRequest req, ProgressListener listener, Cancellation cancel,
                                RandomGenerator random) {
        req.validate();
        return new Img2ImgProcess(model, req, listener, cancel).run(random);
    }

    private GenerationResult run(RandomGenerator random) {
        SamplerChoice choice = SamplerChoice.of(gs.samplerName(), gs.scheduler());
        CanvasLayers.Inputs in = CanvasLayers.resolve(is.canvas(), is.maskTransparency(), is.maskBlurX());
        int width = gs.width();
        int height = gs.height();
        if (is.scaleBy() != 0) {
            Image first = in.images().getFirst(); // §2.2 "Resize by": truncated, not rounded to 8
            width = (int) (first.width() * is.scaleBy());
            height = (int) (first.height() * is.scaleBy());
        }
        SizeCheck.check(model, width, height);
        int requested = gs.batchSize();
        JobSeeds seeds = JobSeeds.of(gs, requested * gs.batchCount(), random);
        GeneratorFactory generators = gs.rng().factory();
        final int w = width;
        final int h = height;
        Observer initObs = new Observer(listener, 0, gs.batchCount(), false, vae);
        Img2ImgInit.Init init = timer.run(Phase.VAE_ENCODE, () -> Img2ImgInit.run(model, vae, is, in, w, h, requested,
                seeds.seeds(), generators, initObs));
        int b = init.batchSize();
        SamplerPlan plan = SamplerPlan.of(choice, gs.sampler(), model);
        TextStage text = model.textStage(gs);
        CfgHooks hooks = hooks(init, plan);
        try {
            for (int n = 0; n < gs.batchCount(); n++) {
                iteration(n, b, w, h, seeds, generators, init, plan, text, hooks);
            }
        } catch (SamplingCancelledException e) {
            throw new GenerationCancelledException(result(seeds, init));
        }
        return result(seeds, init);
    }

    private GenerationResult result(JobSeeds seeds, Img2ImgInit.Init init) {
        return new GenerationResult(images, seeds.seedList(), seeds.subseedList(), timer.timings(), init.comments(), warnings);
    }

    private void iteration(int n, int b, int width, int height, JobSeeds seeds, GeneratorFactory generators,
                           Img2ImgInit.Init init, SamplerPlan plan, TextStage text, CfgHooks hooks) {
        Observer obs = new Observer(listener, n, gs.batchCount(), false, vae);
        long[] batchSeeds = seeds.batch(n, b);
        long[] batchSubseeds = seeds.subBatch(n, b);
        Tensor z0 = init.z0();
        ImageRng rng = gs.imageRng(generators, new int[] {z0.dim(1), height / 8, width / 8}, batchSeeds, batchSubseeds);
        List<String> prompts = Collections.nCopies(b, gs.prompt());
        List<String> negatives = Collections.nCopies(b, gs.negativePrompt());
        ScheduleOptions steps = new ScheduleOptions(plan.choice().totalSteps(gs.steps()), 0, gs.sampler().oldPromptTimelines());
        TextStage.Encoded enc = timer.run(Phase.TEXT, () -> text.encode(prompts, negatives, steps, width, height));
        warnings.addAll(enc.warnings());
        enc.warnings().forEach(listener::warning);
        obs.tensor("cond", enc.conds().firstCond());
        obs.tensor("uncond", enc.conds().firstUncond());

        Map<String, Object> extra = new LinkedHashMap<>(init.extra());
        extra.putAll(enc.extra());
        Tensor x = timer.run(Phase.SAMPLING, () -> {
            Tensor noise = rng.next();
            obs.tensor("noise", noise);
            if (is.noiseMultiplier() != 1.0) {
                extra.put("Noise multiplier", is.noiseMultiplier());
                noise = LatentOps.scale(noise, (float) is.noiseMultiplier());
            }
            SamplingRun.Pass pass = new SamplingRun.Pass(plan, gs, new UNetDiffusionModel(model.backend(), enc.networks().unet()),
                    enc.conds(), init.imageCond(), hooks, enc.emptyPrompt(), batchSeeds, generators, obs, cancel);
            SamplingRun.Outcome out = SamplingRun.img2img(pass, z0, noise, rng,
                    Img2ImgSteps.of(gs.steps(), is.denoisingStrength(), is.fixSteps()), is.extraNoise());
            extra.putAll(out.infotext());
            obs.tensor("x_sampled", out.samples());
            return finalBlend(out.samples(), init);
        });
        obs.tensor("x_final", x);

        List<AdaptiveMasks.Result> soft = init.soft() == null ? null : softOverlays(x, init, width, height);
        Tensor decoded = timer.run(Phase.VAE_DECODE, () -> vae.decode(x));
        obs.tensor("decoded", decoded);
        Infotexts.Job job = new Infotexts.Job(model, gs, plan.choice(), plan.scheduleLabel(gs.scheduler()), width, height,
                is.denoisingStrength(), init.imageCond() != null ? (Number) is.inpaintingMaskWeight() : null,
                plan.writesEnsd(), extra);
        timer.run(Phase.POSTPROCESS, () -> {
            for (int i = 0; i < b; i++) {
                Img2ImgImages.Prepared p = init.prepared().get(i);
                Image sample = LatentOps.picture(decoded, i);
                Image overlay = soft != null ? soft.get(i).overlay() : is.overlayInpaint() ? p.overlay() : null;
                Image out = Img2ImgImages.finish(sample, p.colorTarget(), p.pasteTo(), overlay, init.prep().resizer()).output();
                int index = n * b + i;
                String info = Infotexts.of(job, prompts.get(i), negatives.get(i), batchSeeds[i], batchSubseeds[i]);
                GeneratedImage g = new GeneratedImage(out, info, batchSeeds[i], batchSubseeds[i], prompts.get(i),
                        negatives.get(i), index, n, i);
                images.add(g);
                listener.image(g);
            }
        });
    }

    /**
     * §5.1: the plain mask blend or Soft Inpainting's, on the output (k-diffusion) or the input (DDIM/PLMS);
     * built once per job, as z0 and the mask are the same in every batch iteration.
     */
    private static CfgHooks hooks(Img2ImgInit.Init init, SamplerPlan plan) {
        if (!init.masked()) {
            return CfgHooks.NONE;
        }
        boolean before = plan.choice().maskBeforeDenoising();
        if (init.soft() != null) {
            return new SoftInpaintBlend(init.z0(), init.nmask(), init.soft(), before);
        }
        // One [1, 1, h, w] plane each: MaskBlend broadcasts it over the batch and the channels.
        Tensor z0 = init.z0();
        float[] nm = init.nmask();
        float[] km = new float[nm.length];
        for (int i = 0; i < km.length; i++) {
            km[i] = 1f - nm[i];
        }
        return new MaskBlend(z0, Tensor.of(km, 1, 1, z0.dim(2), z0.dim(3)), Tensor.of(nm, 1, 1, z0.dim(2), z0.dim(3)), before);
    }

    /** §5.2: {@code x·nm + z0·km}; Soft Inpainting keeps the sampler's output. */
    private static Tensor finalBlend(Tensor x, Img2ImgInit.Init init) {
        if (!init.masked() || init.soft() != null) {
            return x;
        }
        float[] xs = x.toFloatArray();
        float[] z = init.z0().toFloatArray();
        float[] nm = init.nmask();
        int plane = nm.length;
        for (int i = 0; i < xs.length; i++) {
            float m = nm[i % plane];
            xs[i] = xs[i] * m + z[i] * (1f - m);
        }
        return Tensor.of(xs, x.shape());
    }

    /** §5.3 d: the difference-driven overlay of every batch image. */
    private List<AdaptiveMasks.Result> softOverlays(Tensor x, Img2ImgInit.Init init, int width, int height) {
        List<AdaptiveMasks.Result> out = new ArrayList<>();
        int c = x.dim(1);
        for (int i = 0; i < x.dim(0); i++) {
            Img2ImgImages.Prepared p = init.prepared().get(i);
            out.add(AdaptiveMasks.apply(init.soft(), init.nmask(), LatentOps.row(init.z0(), i).toFloatArray(),
                    LatentOps.row(x, i).toFloatArray(), c, x.dim(3), x.dim(2), p.overlayBase(), width, height,
                    p.pasteTo(), init.prep().resizer()));
        }
        return out;
    }
}
