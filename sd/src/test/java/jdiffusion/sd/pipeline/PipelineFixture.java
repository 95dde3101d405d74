package jdiffusion.sd.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.ImageFiles;
import jdiffusion.sd.image.MaskedContent;
import jdiffusion.sd.image.Mode;
import jdiffusion.sd.image.ResizeMode;
import jdiffusion.sd.image.soft.SoftInpaintSettings;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Tensor;

/** One end-to-end webui run of {@code testdata/pipeline/}: its tensors, PNGs and settings as a request. */
final class PipelineFixture implements AutoCloseable {
    static final String[] NAMES = {
        "img2img_euler_a", "inpaint_original_dpmpp2m_karras", "inpaint_onlymasked_fill_euler",
        "inpaint_latent_noise_euler", "inpaint_latent_nothing_euler_a", "inpaint_not_masked_euler",
        "soft_inpaint_dpmpp2m_karras", "inpaint_color_correction_euler", "img2img_crop_and_resize_euler",
        "img2img_resize_and_fill_euler",
    };

    final String name;
    final SafetensorsFile file;
    private final Path dir;

    PipelineFixture(String name) throws IOException {
        this.name = name;
        this.dir = TestFiles.file("pipeline");
        this.file = SafetensorsFile.open(dir.resolve(name + ".safetensors"));
    }

    String meta(String key) {
        return file.metadata().get(key);
    }

    int metaInt(String key) {
        return Integer.parseInt(meta(key).trim().split("[ (]")[0]);
    }

    boolean has(String tensor) {
        return file.contains(tensor);
    }

    Tensor tensor(String name) {
        return file.tensor(name).toF32();
    }

    boolean hasMask() {
        return meta("mask_blur") != null;
    }

    Image input() throws IOException {
        return ImageFiles.read(dir.resolve(name + ".input.png"));
    }

    Image mask() throws IOException {
        Path p = dir.resolve(name + ".mask.png");
        return Files.exists(p) ? ImageFiles.read(p) : null;
    }

    /** A U8 tensor [h, w] or [h, w, c] as an image. */
    Image image(String tensor) {
        Tensor t = file.tensor(tensor);
        if (t.dtype() != DType.U8) {
            throw new IllegalStateException(tensor + " is " + t.dtype());
        }
        int h = t.dim(0);
        int w = t.dim(1);
        int c = t.rank() == 3 ? t.dim(2) : 1;
        Mode mode = c == 1 ? Mode.L : c == 3 ? Mode.RGB : Mode.RGBA;
        byte[] d = new byte[h * w * c];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) (int) t.getFlat(i);
        }
        return Image.wrap(w, h, mode, d);
    }

    /** The case's settings as a public-API request (the webui's labels → our records). */
    Img2ImgRequest request() throws IOException {
        GenerationSettings gs = GenerationSettings.builder()
                .prompt(meta("prompt")).negativePrompt(meta("negative_prompt"))
                .sampler(meta("sampler_name")).scheduler(meta("scheduler"))
                .steps(metaInt("steps")).cfgScale(Double.parseDouble(meta("cfg_scale")))
                .seed(Long.parseLong(meta("seed"))).size(metaInt("width"), metaInt("height"))
                .rng(RngSource.fromLabel(meta("randn_source"))).etaNoiseSeedDelta(metaInt("eta_noise_seed_delta"))
                .build();
        Canvas canvas = hasMask() ? Canvas.inpaintUpload(input(), mask()) : Canvas.img2img(input());
        Img2ImgSettings.Builder b = Img2ImgSettings.builder(canvas)
                .resizeMode(ResizeMode.of(metaInt("resize_mode")))
                .denoisingStrength(Double.parseDouble(meta("denoising_strength")))
                .colorCorrection(Boolean.parseBoolean(meta("img2img_color_correction").toLowerCase()))
                .noiseMultiplier(Double.parseDouble(meta("initial_noise_multiplier")))
                .extraNoise(Double.parseDouble(meta("img2img_extra_noise")))
                .fixSteps(Boolean.parseBoolean(meta("img2img_fix_steps").toLowerCase()))
                .overlayInpaint(Boolean.parseBoolean(meta("overlay_inpaint").toLowerCase()));
        if (hasMask()) {
            b.maskBlur(metaInt("mask_blur"))
                    .maskMode(metaInt("inpainting_mask_invert") == 1 ? MaskMode.INPAINT_NOT_MASKED : MaskMode.INPAINT_MASKED)
                    .maskedContent(MaskedContent.of(metaInt("inpainting_fill")))
                    .inpaintArea(metaInt("inpaint_full_res") == 1 ? InpaintArea.ONLY_MASKED : InpaintArea.WHOLE_PICTURE)
                    .onlyMaskedPadding(metaInt("inpaint_full_res_padding"))
                    .softInpainting(soft());
        }
        return new Img2ImgRequest(gs, b.build());
    }

    SoftInpaintSettings soft() throws IOException {
        String json = meta("soft_inpainting");
        if (json == null) {
            return null;
        }
        JsonNode n = new ObjectMapper().readTree(json);
        return new SoftInpaintSettings(n.get("mask_blend_power").asDouble(), n.get("mask_blend_scale").asDouble(),
                n.get("inpaint_detail_preservation").asDouble(), n.get("composite_mask_influence").asDouble(),
                n.get("composite_difference_threshold").asDouble(), n.get("composite_difference_contrast").asDouble());
    }

    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
