package jdiffusion.sd.infotext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.ImageFiles;
import jdiffusion.sd.image.ImageTestData;
import jdiffusion.sd.image.MaskedContent;
import jdiffusion.sd.image.Mode;
import jdiffusion.sd.image.PrepSettings;
import jdiffusion.sd.image.soft.SoftInpaintSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing, parsing and storing the webui's infotext (conditioning-and-sampling spec §8, §10). */
class InfotextTest {

    @Test
    void pythonStrOfValues() {
        assertEquals("7.0", PyValues.str(7.0));
        assertEquals("7", PyValues.str(7));
        assertEquals("0.75", PyValues.str(0.75));
        assertEquals("1e-05", PyValues.str(1e-5));
        assertEquals("0.0001", PyValues.str(1e-4));
        assertEquals("1e+16", PyValues.str(1e16));
        assertEquals("1234567890123456.0", PyValues.str(1234567890123456.0));
        assertEquals("0.30000000000000004", PyValues.str(0.1 + 0.2));
        assertEquals("-2.5e-07", PyValues.str(-2.5e-7));
        assertEquals("True", PyValues.str(true));
        assertEquals("0.8", PyValues.str(0.8f));
    }

    @Test
    void quoteRules() {
        assertEquals("\"a, b\"", Infotext.quote("a, b"));
        assertEquals("\"x:y\"", Infotext.quote("x:y"));
        assertEquals("abc", Infotext.quote("abc"));
        assertEquals("7.0", Infotext.quote(7.0));
        assertEquals("\"line\\none \\\"q\\\" \\\\ \u732b\"", Infotext.quote("line\none \"q\" \\ \u732b"));
    }

    @Test
    void typicalTxt2imgLine() {
        GenerationParams p = GenerationParams.basic("a cat", "", 20, "DPM++ 2M", "Karras", 7, 1234, 512, 512,
                "6ce0161689", "v1-5-pruned-emaonly", null, null, "v1.10.1");
        assertEquals("a cat\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1234, "
                + "Size: 512x512, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: v1.10.1", p.text());
    }

    @Test
    void img2imgInpaintLineWithSoftInpainting() {
        PrepSettings s = PrepSettings.defaults(128, 64).withMask(8, false, MaskedContent.FILL, true, 8);
        SoftInpaintSettings soft = new SoftInpaintSettings(1.5, 0.8, 3.0, 0.3, 0.7, 3.0);
        Map<String, Object> others = new LinkedHashMap<>();
        others.put("Lora hashes", "tiny: 0123456789ab");
        Map<String, Object> extra = InpaintInfotext.extras(s, true, true, soft, others, 1.0, 0.0);
        GenerationParams p = GenerationParams.basic("a red barn, oil painting", "blurry", 8, "DPM++ 2M", "Karras",
                7.0, 31344, 128, 64, null, null, 0.75, extra, "v1.10.1");
        assertEquals("a red barn, oil painting\nNegative prompt: blurry\n"
                + "Steps: 8, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7.0, Seed: 31344, Size: 128x64, "
                + "Denoising strength: 0.75, Mask blur: 8, Soft inpainting enabled: True, "
                + "Soft inpainting schedule bias: 1.5, Soft inpainting preservation strength: 0.8, "
                + "Soft inpainting transition contrast boost: 3.0, Soft inpainting mask influence: 0.3, "
                + "Soft inpainting difference threshold: 0.7, Soft inpainting difference contrast: 3.0, "
                + "Inpaint area: Only masked, Masked area padding: 8, Masked content: fill, "
                + "Lora hashes: \"tiny: 0123456789ab\", Version: v1.10.1", p.text());
        Map<String, Object> inverted = InpaintInfotext.extras(
                PrepSettings.defaults(64, 64).withMask(2, true, MaskedContent.LATENT_NOISE, false, 32),
                true, false, null, null, 0.9, 0.1);
        assertEquals("{Mask blur=2, Mask mode=Inpaint not masked, Masked content=latent noise, "
                + "Noise multiplier=0.9, Extra noise=0.1}", inverted.toString());
    }

    @Test
    void roundTripThroughTheParser() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("Hires upscaler", "Latent (nearest)");
        extra.put("Hires resize", "1024x768");
        GenerationParams p = GenerationParams.basic("line one\nline (two:1.1), with: colon", "neg one\nneg two", 30,
                "Euler a", "Automatic", 6.5, 4242424242L, 640, 448, "abcdef0123", "model", 0.35, extra, null);
        Map<String, String> r = InfotextParser.parse(p.text());
        assertEquals("line one\nline (two:1.1), with: colon", r.get("Prompt"));
        assertEquals("neg one\nneg two", r.get("Negative prompt"));
        assertEquals("30", r.get("Steps"));
        assertEquals("4242424242", r.get("Seed"));
        assertEquals("640", r.get("Size-1"));
        assertEquals("448", r.get("Size-2"));
        assertEquals("Latent (nearest)", r.get("Hires upscaler"));
        assertEquals("1024", r.get("Hires resize-1"));
        assertEquals("768", r.get("Hires resize-2"));
        assertEquals("0.35", r.get("Denoising strength"));
    }

    @Test
    void parserDefaultsQuotesAndShortLines() {
        Map<String, String> r = InfotextParser.parse("cat\nSteps: 20, Sampler: Euler, Seed: 1, "
                + "Lora hashes: \"a: 1, b: 2\", Bad: \"unterminated, Size: 64x32");
        assertEquals("1", r.get("Clip skip"));
        assertEquals("GPU", r.get("RNG"));
        assertEquals("Automatic", r.get("Schedule type"));
        assertEquals("a: 1, b: 2", r.get("Lora hashes"));
        assertEquals("\"unterminated", r.get("Bad"));
        assertEquals("64", r.get("Size-1"));
        assertEquals("Inpaint masked", r.get("Mask mode"));
        assertEquals("32", r.get("Masked area padding"));
        assertEquals("0", r.get("Hires resize-1"));
        // Fewer than three key: value pairs: the last line belongs to the prompt.
        Map<String, String> p = InfotextParser.parse("a photo\nstyle: oil, mood: calm");
        assertEquals("a photo\nstyle: oil, mood: calm", p.get("Prompt"));
        assertFalse(p.containsKey("style"));
        // Old versions switch on compatibility options.
        Map<String, String> old = InfotextParser.parse("[a:b:3]\nSteps: 20, Sampler: DDIM, Seed: 1, Version: v1.5.1");
        assertEquals("True", old.get("Old prompt editing timelines"));
        assertEquals("True", old.get("Pad conds v0"));
        assertEquals("True", old.get("Downcast alphas_cumprod"));
        assertNull(InfotextParser.parse("x\nSteps: 1, Seed: 2, Size: 8x8, Version: v1.10.1").get("Downcast alphas_cumprod"));
    }

    @Test
    void webuiWrittenPngsParse() throws IOException {
        String t = PngInfotext.read(ImageTestData.file("image/webui_infotext_text.png"));
        Map<String, String> r = InfotextParser.parse(t);
        assertEquals("a red barn, (oil painting:1.2)", r.get("Prompt"));
        assertEquals("blurry, \"low\" quality", r.get("Negative prompt"));
        assertEquals("tiny: 0123456789ab, other: ba9876543210", r.get("Lora hashes"));
        assertEquals("Latent (nearest)", r.get("Hires upscaler"));
        assertEquals("6ce0161689", r.get("Model hash"));
        String u = PngInfotext.read(ImageTestData.file("image/webui_infotext_itxt.png"));
        Map<String, String> ru = InfotextParser.parse(u);
        assertEquals("ein Bild von einer Katze \u732b", ru.get("Prompt"));
        assertEquals("Only masked", ru.get("Inpaint area"));
        assertEquals("128", ru.get("Size-1"));
    }

    @Test
    void pngRoundTripTextAndItxt(@TempDir Path dir) throws IOException {
        Image im = Image.filled(5, 3, Mode.RGB, 10, 200, 30);
        String latin = "a cat\nSteps: 20, Sampler: Euler, Seed: 5, Size: 5x3";
        Path a = dir.resolve("a.png");
        PngInfotext.write(im, a, latin, null);
        assertEquals(latin, PngInfotext.read(a));
        assertEquals(true, ImageFiles.read(a).sameAs(im));
        assertEquals(true, new String(Files.readAllBytes(a), StandardCharsets.ISO_8859_1).contains("tEXtparameters"));
        String unicode = "\u732b \u00e9t\u00e9\nSteps: 20, Sampler: Euler, Seed: 5";
        Path b = dir.resolve("b.png");
        PngInfotext.write(im, b, unicode, Map.of("extra", "x"));
        assertEquals(unicode, PngInfotext.read(b));
        assertEquals(true, new String(Files.readAllBytes(b), StandardCharsets.ISO_8859_1).contains("iTXtparameters"));
        assertNull(PngInfotext.read(ImageTestData.file("pipeline/img2img_euler_a.input.png")));
        assertThrows(IOException.class, () -> PngInfotext.read(ImageTestData.file("image/make_image_fixtures.py")));
    }

    @Test
    void modelHashes(@TempDir Path dir) throws IOException {
        Path abc = dir.resolve("abc.bin");
        Files.writeString(abc, "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ModelHash.sha256(abc));
        assertEquals("ba7816bf8f", ModelHash.shortHash(abc));
        assertEquals("e3b0c442", ModelHash.oldHash(abc), "shorter than 1 MiB: hash of nothing");
        // Expected values from sha256sum and CPython hashlib over the fixture files.
        Path model = ImageTestData.file("models/tiny-sd15.safetensors");
        assertEquals("f98c2c4675", ModelHash.shortHash(model));
        assertEquals("607168bb", ModelHash.oldHash(model));
        assertEquals("0b6107782408", ModelHash.addnetHash(ImageTestData.file("lora/tiny-sd15.lora.safetensors")));
    }
}
