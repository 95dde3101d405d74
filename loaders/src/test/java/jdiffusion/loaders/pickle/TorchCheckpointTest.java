package jdiffusion.loaders.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.TestData;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Files written by real torch.save and hand-made pickles, read back value for value. */
class TorchCheckpointTest {

    /** The torch fixtures hold the same state dict in three containers; every tensor must equal the expected F32 copy. */
    @ParameterizedTest
    @ValueSource(strings = {"state_dict_zip.ckpt", "state_dict_legacy.ckpt", "plain_state_dict.bin"})
    void readsWhatTorchSaveWrote(String file) throws Exception {
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(TestData.file("torch/" + file));
             SafetensorsFile expected = SafetensorsFile.open(TestData.file("torch/state_dict_expected.safetensors"))) {
            assertEquals(file.contains("legacy") ? TorchCheckpoint.Container.LEGACY : TorchCheckpoint.Container.ZIP,
                    ckpt.container());
            assertEquals(expected.names(), Set.copyOf(ckpt.names()));
            for (String name : expected.names()) {
                Tensor want = expected.tensor(name);
                Tensor got = ckpt.tensor(name);
                assertArrayEquals(want.shape(), got.shape(), name);
                assertArrayEquals(want.toFloatArray(), got.toFloatArray(), name);
            }
            Map<String, DType> dtypes = Map.of("layer.weight", DType.F32, "half.weight", DType.F16,
                    "bf16.weight", DType.BF16, "f64.value", DType.F64, "ids", DType.I64, "int32", DType.I32,
                    "u8", DType.U8, "flag", DType.BOOL, "param", DType.F32);
            dtypes.forEach((n, t) -> assertEquals(t, ckpt.tensor(n).dtype(), n));
            assertEquals(0, ckpt.tensor("scalar").rank());
            assertFalse(ckpt.tensorRefs().get("transposed").isContiguous());
            assertEquals(10, ckpt.tensorRefs().get("slice").offset());
        }
    }

    @Test
    void topLevelBookkeepingIsIgnoredButKeptInTheRoot() throws Exception {
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(TestData.file("torch/state_dict_zip.ckpt"))) {
            Map<?, ?> root = (Map<?, ?>) ckpt.root();
            assertEquals(1234L, root.get("global_step"));
            assertEquals(3L, root.get("epoch"));
            assertFalse(ckpt.contains("global_step"));
        }
    }

    @Test
    void textualInversionEmbeddingIsFlattened() throws Exception {
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(TestData.file("torch/tiny-emb.pt"));
             SafetensorsFile expected = SafetensorsFile.open(TestData.file("torch/tiny-emb.expected.safetensors"))) {
            assertEquals(List.of("string_to_param.*"), new ArrayList<>(ckpt.names()));
            assertArrayEquals(expected.tensor("emb").toFloatArray(), ckpt.tensor("string_to_param.*").toFloatArray());
            assertEquals("tiny-emb", ((Map<?, ?>) ckpt.root()).get("name"));
        }
    }

    /** Protocol 4 (FRAME, MEMOIZE, STACK_GLOBAL), an unusual archive name, params_ema preferred, strided views. */
    @Test
    void handMadeProtocol4StridedViews() throws Exception {
        JsonNode expected = new ObjectMapper().readTree(TestData.file("pickles/p4_strided_ema.expected.json").toFile());
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(TestData.file("pickles/p4_strided_ema.pt"))) {
            List<String> names = new ArrayList<>();
            expected.fieldNames().forEachRemaining(names::add);
            assertEquals(names, new ArrayList<>(ckpt.names()));
            for (String n : names) {
                JsonNode e = expected.get(n);
                Tensor t = ckpt.tensor(n);
                int[] shape = new int[e.get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = e.get("shape").get(i).asInt();
                }
                assertArrayEquals(shape, t.shape(), n);
                float[] want = new float[e.get("values").size()];
                for (int i = 0; i < want.length; i++) {
                    want[i] = (float) e.get("values").get(i).asDouble();
                }
                assertArrayEquals(want, t.toFloatArray(), n);
            }
            assertEquals(DType.BF16, ckpt.tensor("permuted_bf16").dtype());
            assertEquals(DType.F16, ckpt.tensor("half_t").dtype());
            assertArrayEquals(new int[] {4, 6}, ckpt.tensor("dense").shape()); // params_ema, not params
        }
    }

    @Test
    void maliciousZipPickleIsRefusedWithoutRunningIt() throws Exception {
        Path marker = Path.of("/tmp/jdiffusion-pickle-test-pwned");
        Files.deleteIfExists(marker);
        var e = assertThrows(ModelFormatException.class,
                () -> TorchCheckpoint.open(TestData.file("pickles/malicious_os_system.ckpt")));
        assertTrue(e.getMessage().contains("refuses global 'posix.system'"), e.getMessage());
        assertTrue(e.getMessage().contains("malicious_os_system.ckpt"), e.getMessage());
        var e2 = assertThrows(ModelFormatException.class,
                () -> TorchCheckpoint.open(TestData.file("pickles/malicious_eval.pt")));
        assertTrue(e2.getMessage().contains("refuses global 'builtins.eval'"), e2.getMessage());
        assertFalse(Files.exists(marker));
    }

    @ParameterizedTest
    @ValueSource(strings = {"os.system", "posix.system", "builtins.eval", "builtins.exec", "subprocess.Popen",
            "__builtin__.getattr", "builtins.getattr", "torch.load", "torch.storage._load_from_bytes",
            "numpy.load", "webbrowser.open", "collections.namedtuple"})
    void everyOtherGlobalIsRefused(String global) {
        int dot = global.lastIndexOf('.');
        byte[] p = new PickleBytes().proto(2).global(global.substring(0, dot), global.substring(dot + 1))
                .str("x").op(0x85, 'R', '.').bytes();
        var e = assertThrows(ModelFormatException.class, () -> read(p));
        assertTrue(e.getMessage().contains("refuses global '" + global + "'"), e.getMessage());
        // STACK_GLOBAL (protocol 4) is checked the same way, and NEWOBJ cannot bypass it
        byte[] p4 = new PickleBytes().proto(4).str(global.substring(0, dot)).str(global.substring(dot + 1))
                .op(0x93, ')', 0x81, '.').bytes();
        var e4 = assertThrows(ModelFormatException.class, () -> read(p4));
        assertTrue(e4.getMessage().contains("refuses global '" + global + "'"), e4.getMessage());
    }

    /** Malformed pickles: each ends in one clear ModelFormatException. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14})
    void malformedPicklesAreClearErrors(int which) {
        PickleBytes b = new PickleBytes().proto(2);
        String expect = switch (which) {
            case 0 -> { b.op(0xff); yield "unknown opcode 0xff"; }
            case 1 -> { b.op('}'); yield "truncated pickle"; }
            case 2 -> { b.op('h', 7, '.'); yield "memo entry 7 is not defined"; }
            case 3 -> { b.op('R'); yield "stack underflow"; }
            case 4 -> { b.op('}', ']', 'N', 's', '.'); yield "unhashable dict key (list)"; }
            case 5 -> { b.op('X', 0xff, 0xff, 0xff, 0xff); yield "exceeds"; }
            case 6 -> { b.op(0x8d).raw(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) 0x80}); yield "exceeds"; }
            case 7 -> { b.op('N', 'N', '.'); yield "STOP with 2 values"; }
            case 8 -> { b.op('t'); yield "no MARK"; }
            case 9 -> { b.op(0x82, 1); yield "extension-registry"; }
            case 10 -> { b.op('}', '(', 'N', 'u', '.'); yield "odd number of items"; }
            case 11 -> { b.op('N', ')', 'R', '.'); yield "call of a None"; }
            case 12 -> { b.op(0x80, 9); yield "unsupported pickle protocol 9"; }
            case 13 -> { b.op(0x95, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f); yield "frame of"; }
            default -> { b.op('N', 'Q', '.'); yield "persistent id"; }
        };
        var e = assertThrows(ModelFormatException.class, () -> readBare(b.bytes()));
        assertTrue(e.getMessage().contains(expect), which + ": " + e.getMessage());
        assertTrue(e.getMessage().startsWith("test.pkl"), e.getMessage());
    }

    /** Storage records and tensor views that do not fit are refused before any data is touched. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void inconsistentStoragesAreClearErrors(int which) {
        byte[] four = PickleBytes.f32(1, 2, 3, 4);
        PickleBytes p = new PickleBytes().proto(2).op('}').str("w");
        Map<String, byte[]> storages = Map.of("0", four);
        String expect;
        switch (which) {
            case 0 -> { p.tensor("FloatStorage", "0", 5, 0, new int[] {5}, new int[] {1}); expect = "needs 20 bytes, its record has 16"; }
            case 1 -> { p.tensor("FloatStorage", "0", 4, 1, new int[] {4}, new int[] {1}); expect = "reads element 4 of storage '0'"; }
            case 2 -> { p.tensor("FloatStorage", "0", 4, 0, new int[] {2, 2}, new int[] {3, 1}); expect = "reads element 4"; }
            case 3 -> { p.tensor("FloatStorage", "9", 4, 0, new int[] {4}, new int[] {1}); expect = "has no record"; }
            case 4 -> { p.tensor("ComplexFloatStorage", "0", 4, 0, new int[] {4}, new int[] {1}); expect = "refuses global 'torch.ComplexFloatStorage'"; }
            default -> { p.tensor("FloatStorage", "0", 4, 0, new int[] {-1}, new int[] {1}); expect = "non-negative"; }
        }
        byte[] zip = PickleBytes.torchZip("arc", p.op('s', '.').bytes(), storages);
        var e = assertThrows(ModelFormatException.class, () -> TorchCheckpoint.read(MemorySegment.ofArray(zip), "t.ckpt", null));
        assertTrue(e.getMessage().contains(expect), e.getMessage());
        assertTrue(e.getMessage().startsWith("t.ckpt"), e.getMessage());
    }

    /** Structures nested by the file cannot drive unbounded recursion (a StackOverflowError). */
    @Test
    void deepNestingIsRefused() {
        // _rebuild_from_type_v2(f, Tensor, (f, Tensor, (... 100000 levels ...), None), None): 12 bytes a level
        byte[] nested = new PickleBytes().proto(2).global("torch._tensor", "_rebuild_from_type_v2").op('q', 0)
                .global("torch", "Tensor").op('q', 1).op(')', 'q', 2).bytes();
        PickleBytes deep = new PickleBytes().raw(nested);
        for (int i = 0; i < 100_000; i++) {
            deep.op('(', 'h', 0, 'h', 1, 'h', 2, 'N', 't', 'q', 2, '0');
        }
        deep.op('h', 0, 'h', 2, 'R', '.');
        var e = assertThrows(ModelFormatException.class, () -> readBare(deep.bytes()));
        assertTrue(e.getMessage().contains("nested deeper than"), e.getMessage());
        // a dict key of tuples nested 100000 deep
        PickleBytes key = new PickleBytes().proto(2).op('}', ')');
        for (int i = 0; i < 100_000; i++) {
            key.op(0x85);
        }
        var k = assertThrows(ModelFormatException.class, () -> readBare(key.op('N', 's', '.').bytes()));
        assertTrue(k.getMessage().contains("unhashable dict key"), k.getMessage());
    }

    @Test
    void javaBuiltZipRoundTrip() {
        byte[] pkl = new PickleBytes().proto(2).op('}').str("w")
                .tensor("FloatStorage", "0", 4, 0, new int[] {2, 2}, new int[] {1, 2}).op('s', '.').bytes();
        byte[] zip = PickleBytes.torchZip("any/deep", pkl, Map.of("0", PickleBytes.f32(1, 2, 3, 4)));
        // "any/deep/data.pkl" is not '<archive>/data.pkl': only one folder level is accepted
        assertThrows(ModelFormatException.class, () -> TorchCheckpoint.read(MemorySegment.ofArray(zip), "z", null));
        byte[] ok = PickleBytes.torchZip("archive", pkl, Map.of("0", PickleBytes.f32(1, 2, 3, 4)));
        try (TorchCheckpoint c = TorchCheckpoint.read(MemorySegment.ofArray(ok), "z", null)) {
            assertArrayEquals(new float[] {1, 3, 2, 4}, c.tensor("w").toFloatArray());
        }
        // an empty tensor's offset may lie past its storage (found by fuzzing): it reads as empty
        byte[] empty = new PickleBytes().proto(2).op('}').str("e")
                .tensor("FloatStorage", "0", 4, 255, new int[] {0, 5}, new int[] {5, 1}).op('s', '.').bytes();
        byte[] emptyZip = PickleBytes.torchZip("archive", empty, Map.of("0", PickleBytes.f32(1, 2, 3, 4)));
        try (TorchCheckpoint c = TorchCheckpoint.read(MemorySegment.ofArray(emptyZip), "z", null)) {
            assertArrayEquals(new int[] {0, 5}, c.tensor("e").shape());
            assertEquals(0, c.tensor("e").toFloatArray().length);
        }
    }

    @Test
    void truncatedAndForeignFilesAreClearErrors() throws Exception {
        byte[] real = Files.readAllBytes(TestData.file("torch/state_dict_zip.ckpt"));
        for (int cut : new int[] {0, 3, 100, real.length / 2, real.length - 1}) {
            byte[] t = java.util.Arrays.copyOf(real, cut);
            var e = assertThrows(ModelFormatException.class, () -> TorchCheckpoint.read(MemorySegment.ofArray(t), "cut.ckpt", null));
            assertTrue(e.getMessage().startsWith("cut.ckpt"), e.getMessage());
        }
        byte[] legacy = Files.readAllBytes(TestData.file("torch/state_dict_legacy.ckpt"));
        byte[] shortLegacy = java.util.Arrays.copyOf(legacy, legacy.length - 3);
        var e = assertThrows(ModelFormatException.class,
                () -> TorchCheckpoint.read(MemorySegment.ofArray(shortLegacy), "l.ckpt", null));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        byte[] plainPickle = new PickleBytes().proto(2).op('}', '.').bytes();
        var e2 = assertThrows(ModelFormatException.class, () -> read(plainPickle));
        assertTrue(e2.getMessage().contains("no legacy magic number"), e2.getMessage());
    }

    private static void read(byte[] bytes) {
        TorchCheckpoint.read(MemorySegment.ofArray(bytes), "test.pkl", null).close();
    }

    private static void readBare(byte[] bytes) {
        PickleMachine.run(MemorySegment.ofArray(bytes), 0, bytes.length, "test.pkl", pid -> {
            throw new ModelFormatException("persistent id refused");
        });
    }
}
