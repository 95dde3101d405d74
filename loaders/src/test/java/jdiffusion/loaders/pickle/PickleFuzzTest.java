package jdiffusion.loaders.pickle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import jdiffusion.loaders.FuzzHarness;
import jdiffusion.loaders.Mutator;
import jdiffusion.loaders.TestData;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mutated torch.save files — the zip container itself, the data.pkl opcode stream inside it
 * (re-zipped so the container stays valid), and legacy-format files — either read, with every
 * tensor materialised, or fail with a ModelFormatException; never another exception, an OOM or a
 * hang.
 */
class PickleFuzzTest {
    /** A zip seed split into its members, so that data.pkl can be mutated and re-packed. */
    record ZipSeed(String archive, byte[] pickle, Map<String, byte[]> storages, byte[] whole) {
    }

    private static final List<ZipSeed> ZIPS = new ArrayList<>();
    private static final List<byte[]> LEGACY = new ArrayList<>();
    private static final int[] OPCODES = {'(', '.', '0', '1', '2', 'N', 'J', 'K', 'M', 'X', 'q', 'h', 'r', 'j', '}', ']',
        ')', 't', 'a', 'e', 's', 'u', 'R', 'Q', 'b', 'c', 0x80, 0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x93,
        0x94, 0x95, 'G', 'B', 'C', 0x8f, 0x90, 0x91};

    @BeforeAll
    static void seeds() throws Exception {
        for (String f : List.of("torch/state_dict_zip.ckpt", "torch/plain_state_dict.bin", "torch/tiny-emb.pt",
                "pickles/p4_strided_ema.pt")) {
            ZIPS.add(split(Files.readAllBytes(TestData.file(f))));
        }
        LEGACY.add(Files.readAllBytes(TestData.file("torch/state_dict_legacy.ckpt")));
    }

    static ZipSeed split(byte[] zip) throws Exception {
        String archive = null;
        byte[] pkl = null;
        Map<String, byte[]> storages = new LinkedHashMap<>();
        // torch writes STORED entries with data descriptors, which ZipInputStream refuses
        ZipIndex index = ZipIndex.read(MemorySegment.ofArray(zip), "seed");
        for (ZipIndex.Entry e : index.entries().values()) {
            String n = e.name();
            byte[] data = index.data(e).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            if (n.endsWith("/data.pkl")) {
                archive = n.substring(0, n.length() - "/data.pkl".length());
                pkl = data;
            } else if (n.contains("/data/")) {
                storages.put(n.substring(n.indexOf("/data/") + 6), data);
            }
        }
        return new ZipSeed(archive, pkl, storages, zip);
    }

    @Test
    void mutatedCheckpointsFailCleanly() {
        var stats = FuzzHarness.run("pickle", PickleFuzzTest::generate, bytes -> {
            try (TorchCheckpoint c = TorchCheckpoint.read(MemorySegment.ofArray(bytes), "fuzz.ckpt", null)) {
                for (String n : c.names()) {
                    Tensor t = c.tensor(n);
                    t.toFloatArray();
                }
            }
        });
        System.out.println("pickle fuzz: " + stats);
        assertTrue(stats.opened() > 0 && stats.refused() > stats.opened() / 10, stats.toString());
    }

    static byte[] generate(SplittableRandom rnd) {
        Mutator m = new Mutator(rnd);
        int mode = rnd.nextInt(10);
        if (mode < 2) {
            byte[] legacy = LEGACY.get(rnd.nextInt(LEGACY.size()));
            return m.mutate(legacy, 0, 0);
        }
        ZipSeed seed = ZIPS.get(rnd.nextInt(ZIPS.size()));
        if (mode < 4) {
            return m.mutate(seed.whole(), 0, 0); // the container
        }
        byte[] pkl = seed.pickle();
        int edits = 1 + rnd.nextInt(3);
        for (int i = 0; i < edits && pkl.length >= 2; i++) {
            pkl = switch (rnd.nextInt(5)) {
                case 4 -> { // change a small int (sizes, strides, offsets, numel) to another value
                    byte[] b = pkl.clone();
                    for (int tries = 0; tries < 64; tries++) {
                        int p = rnd.nextInt(b.length - 1);
                        if (b[p] == 'K') {
                            b[p + 1] = (byte) (rnd.nextBoolean() ? rnd.nextInt(256) : b[p + 1] + rnd.nextInt(5) - 2);
                            break;
                        }
                    }
                    yield b;
                }
                case 0 -> { // swap in another opcode
                    byte[] b = pkl.clone();
                    b[rnd.nextInt(b.length)] = (byte) OPCODES[rnd.nextInt(OPCODES.length)];
                    yield b;
                }
                case 1 -> { // a huge or odd length/int argument after an opcode
                    byte[] b = pkl.clone();
                    int p = rnd.nextInt(Math.max(1, b.length - 5));
                    int v = switch (rnd.nextInt(4)) {
                        case 0 -> -1;
                        case 1 -> Integer.MAX_VALUE;
                        case 2 -> rnd.nextInt(1 << 20);
                        default -> rnd.nextInt();
                    };
                    for (int k = 0; k < 4 && p + 1 + k < b.length; k++) {
                        b[p + 1 + k] = (byte) (v >>> (8 * k));
                    }
                    yield b;
                }
                default -> m.mutate(pkl, 0, 0);
            };
        }
        Map<String, byte[]> storages = seed.storages();
        if (rnd.nextInt(4) == 0 && !storages.isEmpty()) { // a storage record of the wrong size
            storages = new LinkedHashMap<>(storages);
            String k = storages.keySet().iterator().next();
            storages.put(k, m.truncate(storages.get(k)));
        }
        return PickleBytes.torchZip(seed.archive(), pkl, storages);
    }
}
