package jdiffusion.bench.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import jdiffusion.cuda.Backends;
import jdiffusion.loaders.ModelLoader;
import jdiffusion.loaders.LoadedModel;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.nn.SdNetworks;
import jdiffusion.nn.clip.ClipTextOutput;
import jdiffusion.nn.vae.LatentDistribution;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.ImageFiles;
import jdiffusion.sd.image.MaskedContent;
import jdiffusion.sd.image.ResizeMode;
import jdiffusion.sd.pipeline.Canvas;
import jdiffusion.sd.pipeline.GenerationResult;
import jdiffusion.sd.pipeline.GenerationSettings;
import jdiffusion.sd.pipeline.Img2ImgRequest;
import jdiffusion.sd.pipeline.Img2ImgSettings;
import jdiffusion.sd.pipeline.InpaintArea;
import jdiffusion.sd.pipeline.MaskMode;
import jdiffusion.sd.pipeline.ModelOptions;
import jdiffusion.sd.pipeline.Pipeline;
import jdiffusion.sd.pipeline.ProgressListener;
import jdiffusion.sd.pipeline.SdModel;
import jdiffusion.sd.pipeline.TensorEvent;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;

/**
 * The golden fixtures on a chosen backend (issue 9's device parity): tiny-sd15 text encoder, UNet
 * and VAE module goldens, and whole webui img2img/inpaint runs through the pipeline, each reported as
 * max-abs error, relative L2 error, and (pipeline) the share of output bytes that differ. Run with
 * {@code --backend cuda} on the GPU machine and {@code --backend cpu} here for the baseline.
 *
 * <p>Usage: {@code GpuFixtureCheck --testdata DIR [--backend cpu|cuda]}
 */
public final class GpuFixtureCheck {
    private GpuFixtureCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path testdata = Path.of("testdata");
        String device = "cuda";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--testdata" -> testdata = Path.of(args[++i]);
                case "--backend" -> device = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Backend backend = device.equals("cpu") ? new CpuBackend() : Backends.require(0);
        System.out.println("backend: " + backend.name());
        modules(backend, testdata);
        pipeline(backend, testdata, "img2img_euler_a");
        pipeline(backend, testdata, "inpaint_original_dpmpp2m_karras");
    }

    private static void modules(Backend backend, Path testdata) throws IOException {
        try (LoadedModel m = ModelLoader.open(testdata.resolve("models/tiny-sd15.safetensors"))) {
            SdNetworks nets = SdNetworks.load(backend, m.weights(), m.config());
            try (SafetensorsFile g = SafetensorsFile.open(testdata.resolve("goldens/tiny-sd15/text_encoder.pad_eos.safetensors"))) {
                ClipTextOutput out = nets.textEncoders().getFirst().forward(g.tensor("input_ids"));
                report("text last_hidden_state", g.tensor("last_hidden_state"), backend.toHost(out.lastHiddenState()));
            }
            for (String c : new String[] {"case0", "case1"}) {
                try (SafetensorsFile g = SafetensorsFile.open(testdata.resolve("goldens/tiny-sd15/unet." + c + ".safetensors"))) {
                    Tensor out = nets.unet().forward(backend.load(g.tensor("x")), g.tensor("timesteps").toF32(),
                            backend.load(g.tensor("context")), null);
                    report("unet " + c, g.tensor("out"), backend.toHost(out));
                }
                try (SafetensorsFile g = SafetensorsFile.open(testdata.resolve("goldens/tiny-sd15/vae_decode." + c + ".safetensors"))) {
                    report("vae decode " + c, g.tensor("decoded"), backend.toHost(nets.vae().decode(backend.load(g.tensor("latent")))));
                }
                try (SafetensorsFile g = SafetensorsFile.open(testdata.resolve("goldens/tiny-sd15/vae_encode." + c + ".safetensors"))) {
                    LatentDistribution d = nets.vae().encode(backend.load(g.tensor("image")));
                    report("vae encode mean " + c, g.tensor("mean"), backend.toHost(d.mean()));
                }
            }
        }
    }

    private static void pipeline(Backend backend, Path testdata, String name) throws IOException {
        Path dir = testdata.resolve("pipeline");
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(name + ".safetensors"));
             SdModel model = SdModel.load(backend, testdata.resolve("models/tiny-sd15.safetensors"), ModelOptions.defaults(), null)) {
            Map<String, String> md = f.metadata();
            GenerationSettings gs = GenerationSettings.builder()
                    .prompt(md.get("prompt")).negativePrompt(md.get("negative_prompt"))
                    .sampler(md.get("sampler_name")).scheduler(md.get("scheduler"))
                    .steps(num(md, "steps")).cfgScale(Double.parseDouble(md.get("cfg_scale")))
                    .seed(Long.parseLong(md.get("seed"))).size(num(md, "width"), num(md, "height"))
                    .rng(RngSource.fromLabel(md.get("randn_source"))).build();
            Image input = ImageFiles.read(dir.resolve(name + ".input.png"));
            Path maskFile = dir.resolve(name + ".mask.png");
            boolean masked = Files.exists(maskFile);
            Canvas canvas = masked ? Canvas.inpaintUpload(input, ImageFiles.read(maskFile)) : Canvas.img2img(input);
            Img2ImgSettings.Builder b = Img2ImgSettings.builder(canvas)
                    .resizeMode(ResizeMode.of(num(md, "resize_mode")))
                    .denoisingStrength(Double.parseDouble(md.get("denoising_strength")));
            if (masked) {
                b.maskBlur(num(md, "mask_blur")).maskMode(MaskMode.INPAINT_MASKED)
                        .maskedContent(MaskedContent.of(num(md, "inpainting_fill")))
                        .inpaintArea(num(md, "inpaint_full_res") == 1 ? InpaintArea.ONLY_MASKED : InpaintArea.WHOLE_PICTURE);
            }
            Map<String, Tensor> traced = new LinkedHashMap<>();
            ProgressListener rec = new ProgressListener() {
                @Override
                public boolean wantsTensors() {
                    return true;
                }

                @Override
                public void tensor(TensorEvent e) {
                    traced.put(e.name(), e.value());
                }
            };
            long t0 = System.nanoTime();
            GenerationResult r = new Pipeline(model).img2img(new Img2ImgRequest(gs, b.build()), rec, null);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            report(name + " x_final", f.tensor("x_final"), traced.get("x_final"));
            report(name + " decoded", f.tensor("decoded"), traced.get("decoded"));
            Tensor expected = f.tensor("output");
            byte[] got = r.images().getFirst().image().data();
            int differ = 0;
            int maxDiff = 0;
            for (int i = 0; i < got.length; i++) {
                int d = Math.abs((got[i] & 0xff) - (int) expected.getFlat(i));
                maxDiff = Math.max(maxDiff, d);
                if (d != 0) {
                    differ++;
                }
            }
            System.out.printf(Locale.ROOT, "%-44s bytes differing %.3f%% (max %d)  [%d ms end to end]%n", name + " output",
                    100.0 * differ / got.length, maxDiff, ms);
        }
    }

    private static int num(Map<String, String> md, String key) {
        return Integer.parseInt(md.get(key).trim().split("[ (]")[0]);
    }

    private static void report(String what, Tensor golden, Tensor actual) {
        double maxAbs = 0;
        double num = 0;
        double den = 0;
        double gmax = 0;
        for (int i = 0; i < golden.size(); i++) {
            double g = golden.getFlat(i);
            double d = actual.getFlat(i) - g;
            maxAbs = Math.max(maxAbs, Math.abs(d));
            gmax = Math.max(gmax, Math.abs(g));
            num += d * d;
            den += g * g;
        }
        System.out.printf(Locale.ROOT, "%-44s max|err| %.3e (max|golden| %.2f)  rel L2 %.3e%n", what, maxAbs, gmax,
                Math.sqrt(num / Math.max(den, 1e-30)));
    }
}
