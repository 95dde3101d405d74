package jdiffusion.sampler.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdiffusion.sampler.Fixtures;
import jdiffusion.sampler.Ulp;
import org.junit.jupiter.api.Test;

/** Every tensor of testdata/noise/noise.safetensors, reproduced bit for bit. */
class NoiseFixtureTest {
    private static final Pattern SEED = Pattern.compile("(cpu|nv)\\.seed(\\d+)\\.shape([0-9x]+)");
    private static final Pattern SEQ = Pattern.compile("(cpu|nv)\\.seq(\\d+)\\.draw(\\d+)\\.shape([0-9x]+)");

    private static int[] shape(String s) {
        String[] p = s.split("x");
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = Integer.parseInt(p[i]);
        }
        return out;
    }

    private static NoiseGenerator generator(String source, long seed) {
        return source.equals("cpu") ? new TorchCpuGenerator(seed, CpuNormalKernel.AVX2) : new PhiloxGenerator(seed);
    }

    @Test
    void firstDrawOfEverySeedIsBitExact() {
        try (Fixtures f = Fixtures.open("noise/noise.safetensors")) {
            int checked = 0;
            List<String> failures = new ArrayList<>();
            for (String name : f.names()) {
                Matcher m = SEED.matcher(name);
                if (!m.matches()) {
                    continue;
                }
                float[] expected = f.floats(name);
                float[] actual = generator(m.group(1), Long.parseLong(m.group(2))).randn(shape(m.group(3)));
                int bad = Ulp.mismatches(expected, actual);
                if (bad != 0) {
                    failures.add(name + ": " + bad + " of " + expected.length + " differ, max "
                            + Ulp.maxDistance(expected, actual) + " ulp");
                }
                checked++;
            }
            assertEquals(60, checked);
            assertTrue(failures.isEmpty(), String.join("\n", failures));
        }
    }

    @Test
    void consecutiveDrawsContinueTheStream() {
        try (Fixtures f = Fixtures.open("noise/noise.safetensors")) {
            for (String source : new String[] {"cpu", "nv"}) {
                NoiseGenerator g = generator(source, 1234);
                for (int draw = 0; draw < 5; draw++) {
                    String name = null;
                    for (String n : f.names()) {
                        Matcher m = SEQ.matcher(n);
                        if (m.matches() && m.group(1).equals(source) && Integer.parseInt(m.group(3)) == draw) {
                            name = n;
                        }
                    }
                    Matcher m = SEQ.matcher(name);
                    assertTrue(m.matches());
                    float[] expected = f.floats(name);
                    float[] actual = g.randn(shape(m.group(4)));
                    assertEquals(0, Ulp.mismatches(expected, actual), name);
                }
            }
        }
    }
}
