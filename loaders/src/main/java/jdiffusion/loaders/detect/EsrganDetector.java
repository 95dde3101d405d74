package jdiffusion.loaders.detect;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.Printable;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.config.EsrganConfig;
import jdiffusion.loaders.convert.ViewSource;

/**
 * Recognises RRDBNet (ESRGAN-family) state dicts in their three namings, maps them onto the
 * basicsr names and derives the variant: blocks, widths, number of ×2 upsampling stages (the
 * sequential layout places them at {@code model.3, model.6, ...} followed by HR and last convs),
 * and the pixel-unshuffle factor implied by conv_first's input channels (12 → 2, 48 → 4).
 */
public final class EsrganDetector {
    private static final Pattern SEQ_BLOCK = Pattern.compile("model\\.1\\.sub\\.(\\d+)\\.RDB([123])\\.conv([1-5])\\.0\\.(weight|bias)");
    private static final Pattern SEQ_TOP = Pattern.compile("model\\.(\\d+)\\.(weight|bias)");
    private static final Pattern SEQ_BODY = Pattern.compile("model\\.1\\.sub\\.(\\d+)\\.(weight|bias)");
    private static final Pattern NAMED_BLOCK = Pattern.compile("RRDB_trunk\\.(\\d+)\\.RDB([123])\\.conv([1-5])\\.(weight|bias)");
    private static final Pattern BASICSR_BLOCK = Pattern.compile("body\\.(\\d+)\\.rdb([123])\\.conv([1-5])\\.(weight|bias)");
    private static final Pattern UPCONV = Pattern.compile("(?:conv_up|upconv)(\\d+)\\.(weight|bias)");

    private EsrganDetector() {
    }

    /** Internal-named weights and the detected configuration. */
    public record Result(EsrganConfig config, TensorSource weights) {
    }

    public static boolean matches(Set<String> names) {
        return names.contains("model.1.sub.0.RDB1.conv1.0.weight") || names.contains("RRDB_trunk.0.RDB1.conv1.weight")
                || names.contains("body.0.rdb1.conv1.weight");
    }

    public static Result detect(TensorSource src) {
        Set<String> names = src.names();
        EsrganConfig.Layout layout = names.contains("model.1.sub.0.RDB1.conv1.0.weight") ? EsrganConfig.Layout.ESRGAN_SEQUENTIAL
                : names.contains("RRDB_trunk.0.RDB1.conv1.weight") ? EsrganConfig.Layout.ESRGAN_NAMED : EsrganConfig.Layout.BASICSR;
        ViewSource.Builder out = ViewSource.builder(src.description() + " (RRDBNet)");
        int upsamples = layout == EsrganConfig.Layout.ESRGAN_SEQUENTIAL ? mapSequential(src, out) : mapNamed(src, out, layout);
        TensorSource w = out.build();
        Keys k = new Keys(w);
        int[] first = k.shape("conv_first.weight", 4);
        int blocks = k.count("body.");
        int gc = k.dim("body.0.rdb1.conv1.weight", 4, 0);
        int outCh = k.dim("conv_last.weight", 4, 0);
        for (int b = 0; b < blocks; b++) {
            for (int r = 1; r <= 3; r++) {
                for (int c = 1; c <= 5; c++) {
                    int[] s = k.shape("body." + b + ".rdb" + r + ".conv" + c + ".weight", 4);
                    int expectOut = c == 5 ? first[0] : gc;
                    int expectIn = first[0] + (c - 1) * gc;
                    if (s[0] != expectOut || s[1] != expectIn) {
                        throw new ModelFormatException(src.description() + ": RRDB block " + b + " rdb" + r + " conv" + c
                                + " is " + s[0] + "×" + s[1] + ", expected " + expectOut + "×" + expectIn);
                    }
                }
            }
        }
        k.shape("conv_body.weight", 4);
        k.shape("conv_hr.weight", 4);
        int unshuffle = outCh == 3 && first[1] == 12 ? 2 : outCh == 3 && first[1] == 48 ? 4 : 1;
        return new Result(new EsrganConfig(layout, first[1], outCh, first[0], blocks, gc, upsamples, unshuffle), w);
    }

    /** {@code model.N} sequential names → basicsr names; returns the number of upsampling convs. */
    private static int mapSequential(TensorSource src, ViewSource.Builder out) {
        TreeSet<Integer> top = new TreeSet<>();
        int body = -1;
        for (String n : src.names()) {
            Matcher m = SEQ_TOP.matcher(n);
            if (m.matches()) {
                top.add(index(m.group(1), src, n));
            }
            m = SEQ_BODY.matcher(n);
            if (m.matches()) {
                body = Math.max(body, index(m.group(1), src, n));
            }
        }
        // model.0 = conv_first, then upsampling convs at 3, 6, ..., then HR at 3U+2 and last at 3U+4
        int ups = top.size() - 3;
        TreeSet<Integer> expected = new TreeSet<>();
        expected.add(0);
        for (int u = 1; u <= ups; u++) {
            expected.add(3 * u);
        }
        expected.add(3 * ups + 2);
        expected.add(3 * ups + 4);
        if (ups < 0 || !top.equals(expected) || body < 0) {
            throw new ModelFormatException(src.description() + ": ESRGAN sequential layout with top-level convs " + top
                    + " is not an RRDBNet (expected model.0, model.3, model.6, ..., HR and last convs)");
        }
        for (String n : src.names()) {
            String mapped = null;
            Matcher m = SEQ_BLOCK.matcher(n);
            if (m.matches()) {
                mapped = "body." + m.group(1) + ".rdb" + m.group(2) + ".conv" + m.group(3) + "." + m.group(4);
            } else if ((m = SEQ_BODY.matcher(n)).matches() && index(m.group(1), src, n) == body) {
                mapped = "conv_body." + m.group(2);
            } else if ((m = SEQ_TOP.matcher(n)).matches()) {
                int i = index(m.group(1), src, n);
                String conv = i == 0 ? "conv_first" : i == 3 * ups + 2 ? "conv_hr" : i == 3 * ups + 4 ? "conv_last"
                        : "conv_up" + i / 3;
                mapped = conv + "." + m.group(2);
            }
            if (mapped == null) {
                throw unknown(src, n);
            }
            out.alias(mapped, src, n);
        }
        return ups;
    }

    private static int mapNamed(TensorSource src, ViewSource.Builder out, EsrganConfig.Layout layout) {
        int ups = 0;
        for (String n : src.names()) {
            String mapped = null;
            Matcher m = (layout == EsrganConfig.Layout.BASICSR ? BASICSR_BLOCK : NAMED_BLOCK).matcher(n);
            if (m.matches()) {
                mapped = "body." + m.group(1) + ".rdb" + m.group(2) + ".conv" + m.group(3) + "." + m.group(4);
            } else if ((m = UPCONV.matcher(n)).matches()) {
                int u = index(m.group(1), src, n);
                ups = Math.max(ups, u);
                mapped = "conv_up" + u + "." + m.group(2);
            } else {
                int dot = n.lastIndexOf('.');
                String module = dot < 0 ? n : n.substring(0, dot);
                String conv = switch (module) {
                    case "conv_first" -> "conv_first";
                    case "conv_body", "trunk_conv" -> "conv_body";
                    case "conv_hr", "HRconv" -> "conv_hr";
                    case "conv_last" -> "conv_last";
                    default -> null;
                };
                if (conv != null) {
                    mapped = conv + n.substring(dot);
                }
            }
            if (mapped == null) {
                throw unknown(src, n);
            }
            out.alias(mapped, src, n);
        }
        return ups;
    }

    private static int index(String digits, TensorSource src, String n) {
        if (digits.length() > 6) {
            throw unknown(src, n);
        }
        return Integer.parseInt(digits);
    }

    private static ModelFormatException unknown(TensorSource src, String n) {
        return new ModelFormatException(src.description() + ": RRDBNet tensor '" + Printable.of(n) + "' is not recognised");
    }
}
