package jdiffusion.loaders.safetensors;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import jdiffusion.loaders.FuzzHarness;
import jdiffusion.loaders.Mutator;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated safetensors files (header bit flips, JSON token changes, header-length changes,
 * truncation, garbage) either open — and then every tensor reads — or fail with a
 * ModelFormatException; never another exception, an OOM or a hang.
 */
class SafetensorsFuzzTest {
    private static final List<byte[]> SEEDS = new ArrayList<>();

    @BeforeAll
    static void seeds(@TempDir Path dir) throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        String[] names = {"model.diffusion_model.input_blocks.0.0.weight", "first_stage_model.decoder.conv_in.bias",
            "cond_stage_model.transformer.text_model.embeddings.position_ids", "a", "b.c"};
        DType[] types = {DType.F32, DType.F16, DType.BF16};
        for (int s = 0; s < 4; s++) {
            List<SafetensorsWriter.Item> items = new ArrayList<>();
            for (int i = 0; i < 2 + s; i++) {
                int[] shape = s == 3 && i == 0 ? new int[0] : new int[] {1 + r.nextInt(3), 1 + r.nextInt(4)};
                float[] v = new float[Math.max(1, shape.length == 0 ? 1 : shape[0] * shape[1])];
                for (int k = 0; k < v.length; k++) {
                    v[k] = (float) r.nextGaussian();
                }
                items.add(new SafetensorsWriter.Item(names[i] + (s > 0 ? "." + s : ""), Tensor.of(v, shape), types[(i + s) % 3]));
            }
            Map<String, String> meta = new LinkedHashMap<>();
            if (s % 2 == 0) {
                meta.put("format", "pt");
                meta.put("modelspec.prediction_type", "v");
            }
            Path p = dir.resolve("seed" + s + ".safetensors");
            SafetensorsWriter.write(p, items, meta, false);
            SEEDS.add(Files.readAllBytes(p));
        }
    }

    @Test
    void mutatedFilesFailCleanly() {
        var stats = FuzzHarness.run("safetensors", rnd -> {
            byte[] seed = SEEDS.get(rnd.nextInt(SEEDS.size()));
            Mutator m = new Mutator(rnd);
            long headerLen = ByteBuffer.wrap(seed).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            if (rnd.nextInt(6) == 0) {
                // change the header length field
                byte[] b = seed.clone();
                long v = switch (rnd.nextInt(4)) {
                    case 0 -> headerLen + rnd.nextInt(17) - 8;
                    case 1 -> rnd.nextLong();
                    case 2 -> rnd.nextInt(seed.length + 16);
                    default -> Long.MAX_VALUE - rnd.nextInt(3);
                };
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
                return rnd.nextBoolean() ? b : m.mutate(b, 8, (int) (8 + headerLen));
            }
            return m.mutate(seed, 8, (int) (8 + headerLen));
        }, bytes -> {
            try (SafetensorsFile f = SafetensorsFile.read(MemorySegment.ofArray(bytes), "fuzz.safetensors")) {
                f.metadata().forEach((k, v) -> { });
                for (String n : f.names()) {
                    Tensor t = f.tensor(n);
                    t.toFloatArray();
                    t.toF32();
                }
            }
        });
        System.out.println("safetensors fuzz: " + stats);
        // the campaign must exercise both outcomes, or it tests nothing
        assertTrue(stats.opened() > 0 && stats.refused() > stats.opened() / 10, stats.toString());
    }
}
