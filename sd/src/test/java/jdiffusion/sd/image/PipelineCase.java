package jdiffusion.sd.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.sd.image.soft.SoftInpaintSettings;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Tensor;

/**
 * One end-to-end case of {@code testdata/pipeline/}: its tensors, PNGs and webui settings (public for the
 * pipeline tests, which run the same cases through the public API).
 */
public final class PipelineCase implements AutoCloseable {
    public static final String[] NAMES = {
        "img2img_euler_a", "inpaint_original_dpmpp2m_karras", "inpaint_onlymasked_fill_euler",
        "inpaint_latent_noise_euler", "inpaint_latent_nothing_euler_a", "inpaint_not_masked_euler",
        "soft_inpaint_dpmpp2m_karras", "inpaint_color_correction_euler", "img2img_crop_and_resize_euler",
        "img2img_resize_and_fill_euler",
    };

    final String name;
    final SafetensorsFile file;
    final Path dir;

    public PipelineCase(String name) throws IOException {
        this.name = name;
        this.dir = ImageTestData.file("pipeline");
        this.file = SafetensorsFile.open(dir.resolve(name + ".safetensors"));
    }

    public String meta(String key) {
        return file.metadata().get(key);
    }

    /** The leading integer of a metadata value such as "0 (Just resize)". */
    int metaInt(String key, int dflt) {
        return meta(key) == null ? dflt : metaInt(key);
    }

    /** The leading integer of a metadata value the case must have. */
    public int metaInt(String key) {
        return Integer.parseInt(meta(key).trim().split("[ (]")[0]);
    }

    public boolean has(String tensor) {
        return file.contains(tensor);
    }

    public Image input() throws IOException {
        return ImageFiles.read(dir.resolve(name + ".input.png"));
    }

    public Image maskPng() throws IOException {
        Path p = dir.resolve(name + ".mask.png");
        return Files.exists(p) ? ImageFiles.read(p) : null;
    }

    /** A U8 tensor [h, w] or [h, w, c] as an image (c = 1, 3, 4 → L, RGB, RGBA). */
    public Image image(String tensor) {
        Tensor t = file.tensor(tensor);
        if (t.dtype() != DType.U8) {
            throw new IllegalStateException(tensor + " is " + t.dtype());
        }
        int h = t.dim(0);
        int w = t.dim(1);
        int c = t.rank() == 3 ? t.dim(2) : 1;
        Mode mode = switch (c) {
            case 1 -> Mode.L;
            case 3 -> Mode.RGB;
            case 4 -> Mode.RGBA;
            default -> throw new IllegalStateException(tensor + " has " + c + " channels");
        };
        byte[] d = new byte[h * w * c];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) (int) t.getFlat(i);
        }
        return Image.wrap(w, h, mode, d);
    }

    /** A recorded tensor as F32. */
    public Tensor tensor(String name) {
        return file.tensor(name).toF32();
    }

    float[] floats(String tensor) {
        return file.tensor(tensor).toFloatArray();
    }

    int[] ints(String tensor) {
        Tensor t = file.tensor(tensor);
        int[] out = new int[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) t.getFlat(i);
        }
        return out;
    }

    int[] shape(String tensor) {
        return file.tensor(tensor).shape();
    }

    public boolean hasMask() {
        return meta("mask_blur") != null;
    }

    /** The image-side settings of this case, from its metadata. */
    PrepSettings settings() {
        PrepSettings s = PrepSettings.defaults(metaInt("width", 0), metaInt("height", 0))
                .withResizeMode(ResizeMode.of(metaInt("resize_mode", 0)))
                .withColorCorrection(Boolean.parseBoolean(meta("img2img_color_correction").toLowerCase()));
        if (hasMask()) {
            s = s.withMask(metaInt("mask_blur", 4), metaInt("inpainting_mask_invert", 0) == 1,
                    MaskedContent.of(metaInt("inpainting_fill", 1)), metaInt("inpaint_full_res", 0) == 1,
                    metaInt("inpaint_full_res_padding", 32));
            s = s.withMaskRound(Boolean.parseBoolean(meta("mask_round").toLowerCase()));
        }
        return s;
    }

    public SoftInpaintSettings soft() throws IOException {
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
