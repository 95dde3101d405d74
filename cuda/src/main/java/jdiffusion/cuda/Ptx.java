package jdiffusion.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PTX text shipped as resources, and the facts the backend and its tests read from it. */
final class Ptx {
    private Ptx() {
    }

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z_][A-Za-z0-9_$]*)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.(\\w+)\\s+[A-Za-z_][A-Za-z0-9_$]*(\\[\\d+])?");
    private static final Pattern VERSION = Pattern.compile("(?m)^\\.version\\s+(\\d+)\\.(\\d+)\\s*$");
    private static final Pattern TARGET = Pattern.compile("(?m)^\\.target\\s+(sm_\\d+[a-z]?)\\s*$");

    /** The text of module {@code name} ({@code /jdiffusion/cuda/<name>.ptx}). */
    static String text(String name) {
        String path = "/jdiffusion/cuda/" + name + ".ptx";
        try (InputStream in = Ptx.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("PTX resource " + path + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read PTX resource " + path, e);
        }
    }

    /** The bytes of resource {@code /jdiffusion/cuda/<file>}, or null when the jar has none. */
    static byte[] resource(String file) {
        try (InputStream in = Ptx.class.getResourceAsStream("/jdiffusion/cuda/" + file)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource /jdiffusion/cuda/" + file, e);
        }
    }

    /** Entry name -> parameter PTX types in order (".u64" -> "u64"; an array param -> "b8[N]"). */
    static Map<String, List<String>> entries(String ptx) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            List<String> params = new ArrayList<>();
            Matcher p = PARAM.matcher(m.group(2));
            while (p.find()) {
                params.add(p.group(1) + (p.group(2) == null ? "" : p.group(2)));
            }
            out.put(m.group(1), params);
        }
        return out;
    }

    /** The {@code .version} as {major, minor}, or null when absent. */
    static int[] version(String ptx) {
        Matcher m = VERSION.matcher(ptx);
        return m.find() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
    }

    /** The {@code .target} architecture (e.g. sm_80), or null when absent. */
    static String target(String ptx) {
        Matcher m = TARGET.matcher(ptx);
        return m.find() ? m.group(1) : null;
    }

    /** Whether a PTX parameter type can carry signature letter {@code c} of {@link Kernel}. */
    static boolean matches(char c, String ptxType) {
        return switch (c) {
            case 'p', 'l' -> ptxType.equals("u64") || ptxType.equals("s64") || ptxType.equals("b64");
            case 'i' -> ptxType.equals("u32") || ptxType.equals("s32") || ptxType.equals("b32");
            case 'f' -> ptxType.equals("f32");
            default -> false;
        };
    }
}
