package jdiffusion.sd.infotext;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code infotext_utils.parse_generation_parameters}: the prompt lines, the negative prompt, and
 * every {@code key: value} of the last line (when it holds at least three), with quoted values
 * JSON-decoded, {@code WxH} values split into {@code key-1}/{@code key-2}, and the webui's
 * defaults for missing keys. Values are strings, as the webui keeps them.
 */
public final class InfotextParser {
    /** {@code re_param}: a key (word char, then words/spaces/-/slash), a quoted or unquoted value. */
    static final Pattern PARAM = Pattern.compile("\\s*(\\w[\\w \\-/]+):\\s*(\"(?:\\\\.|[^\\\\\"])+\"|[^,]*)(?:,|$)",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern IMAGE_SIZE = Pattern.compile("^(\\d+)x(\\d+)$");
    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?(?:-(\\d+))?.*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private InfotextParser() {
    }

    /** Parses an infotext; never fails (a malformed quoted value is kept as written, like the webui). */
    public static Map<String, String> parse(String text) {
        Map<String, String> res = new LinkedHashMap<>();
        String[] all = (text == null ? "" : text).strip().split("\n", -1);
        List<String> lines = new ArrayList<>(List.of(all).subList(0, all.length - 1));
        String last = all[all.length - 1];
        if (count(last) < 3) {
            lines.add(last);
            last = "";
        }
        StringBuilder prompt = new StringBuilder();
        StringBuilder negative = new StringBuilder();
        boolean doneWithPrompt = false;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("Negative prompt:")) {
                doneWithPrompt = true;
                line = line.substring(16).strip();
            }
            StringBuilder target = doneWithPrompt ? negative : prompt;
            if (!target.isEmpty()) {
                target.append('\n');
            }
            target.append(line);
        }
        res.put("Prompt", prompt.toString());
        res.put("Negative prompt", negative.toString());
        Matcher m = PARAM.matcher(last);
        while (m.find()) {
            String k = m.group(1);
            String v = m.group(2);
            if (v.isEmpty()) {
                continue; // the webui's v[0] raises IndexError here and the key is dropped
            }
            if (v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
                v = unquote(v);
            }
            Matcher size = IMAGE_SIZE.matcher(v);
            if (size.matches()) {
                res.put(k + "-1", size.group(1));
                res.put(k + "-2", size.group(2));
            } else {
                res.put(k, v);
            }
        }
        defaults(res);
        backcompat(res);
        return res;
    }

    private static int count(String line) {
        Matcher m = PARAM.matcher(line);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** {@code unquote}: JSON-decodes a quoted value; a value that is not valid JSON stays as is. */
    static String unquote(String v) {
        try {
            JsonNode n = JSON.readTree(v);
            return n != null && n.isTextual() ? n.textValue() : v;
        } catch (JsonProcessingException e) {
            return v;
        }
    }

    private static void defaults(Map<String, String> res) {
        res.putIfAbsent("Clip skip", "1");
        String hypernet = res.get("Hypernet");
        if (hypernet != null) {
            res.put("Prompt", res.get("Prompt") + "<hypernet:" + hypernet + ":"
                    + res.getOrDefault("Hypernet strength", "1.0") + ">");
        }
        if (!res.containsKey("Hires resize-1")) {
            res.put("Hires resize-1", "0");
            res.put("Hires resize-2", "0");
        }
        res.putIfAbsent("Hires sampler", "Use same sampler");
        res.putIfAbsent("Hires checkpoint", "Use same checkpoint");
        res.putIfAbsent("Hires prompt", "");
        res.putIfAbsent("Hires negative prompt", "");
        res.putIfAbsent("Mask mode", "Inpaint masked");
        res.putIfAbsent("Masked content", "original");
        res.putIfAbsent("Inpaint area", "Whole picture");
        res.putIfAbsent("Masked area padding", "32");
        restoreOldHiresFix(res);
        res.putIfAbsent("RNG", "GPU");
        res.putIfAbsent("Schedule type", "Automatic");
        res.putIfAbsent("Schedule max sigma", "0");
        res.putIfAbsent("Schedule min sigma", "0");
        res.putIfAbsent("Schedule rho", "0");
        res.putIfAbsent("VAE Encoder", "Full");
        res.putIfAbsent("VAE Decoder", "Full");
        res.putIfAbsent("FP8 weight", "Disable");
        if (!res.containsKey("Cache FP16 weight for LoRA") && !"Disable".equals(res.get("FP8 weight"))) {
            res.put("Cache FP16 weight for LoRA", "False");
        }
    }

    /**
     * {@code restore_old_hires_fix_params} with option {@code use_old_hires_fix_width_height} off:
     * an old "First pass size" becomes Size, and the old Size becomes the hires resize.
     */
    private static void restoreOldHiresFix(Map<String, String> res) {
        String fw = res.get("First pass size-1");
        String fh = res.get("First pass size-2");
        if (fw == null || fh == null) {
            return;
        }
        int firstW = Integer.parseInt(fw);
        int firstH = Integer.parseInt(fh);
        int width = Integer.parseInt(res.getOrDefault("Size-1", "512"));
        int height = Integer.parseInt(res.getOrDefault("Size-2", "512"));
        if (firstW == 0 || firstH == 0) {
            // processing.old_hires_fix_first_pass_dimensions: scale the area to 512², multiples of 64.
            double desired = 512 * 512;
            double actual = (double) width * height;
            double scale = Math.sqrt(desired / actual);
            firstW = (int) (Math.ceil(scale * width / 64) * 64);
            firstH = (int) (Math.ceil(scale * height / 64) * 64);
        }
        res.put("Size-1", Integer.toString(firstW));
        res.put("Size-2", Integer.toString(firstH));
        res.put("Hires resize-1", Integer.toString(width));
        res.put("Hires resize-2", Integer.toString(height));
    }

    /** {@code infotext_versions.backcompat}: options implied by an old {@code Version}. */
    private static void backcompat(Map<String, String> res) {
        String v = res.get("Version");
        if (v == null) {
            return;
        }
        Matcher m = VERSION.matcher(v);
        if (!m.matches()) {
            return;
        }
        long ver = versionKey(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), m.group(4) == null ? 0 : Integer.parseInt(m.group(4)));
        if (ver < versionKey(1, 6, 0, 0) && res.getOrDefault("Prompt", "").contains("[")) {
            res.put("Old prompt editing timelines", "True");
        }
        String sampler = res.getOrDefault("Sampler", "");
        if (ver < versionKey(1, 6, 0, 0) && (sampler.equals("DDIM") || sampler.equals("PLMS"))) {
            res.put("Pad conds v0", "True");
        }
        if (ver < versionKey(1, 7, 0, 225)) {
            res.put("Downcast alphas_cumprod", "True");
        }
        if (ver < versionKey(1, 8, 0, 0) && !res.getOrDefault("Refiner", "").isEmpty()) {
            res.put("Refiner switch by sampling steps", "True");
        }
    }

    /** Orders versions like packaging's parse of "1.7.0-225" (a post-release after 1.7.0). */
    private static long versionKey(int major, int minor, int patch, int post) {
        return ((major * 1000L + minor) * 1000L + patch) * 100000L + post;
    }
}
