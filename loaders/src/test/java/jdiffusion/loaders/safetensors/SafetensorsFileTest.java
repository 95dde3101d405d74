package jdiffusion.loaders.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.TestData;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

    @Test
    void readsTheTinyCheckpointInPlace() throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(TestData.file("models/tiny-sd15.safetensors"))) {
            Tensor w = f.tensor("model.diffusion_model.input_blocks.0.0.weight");
            assertEquals(DType.F16, w.dtype());
            assertArrayEquals(new int[] {32, 4, 3, 3}, w.shape());
            Tensor ids = f.tensor("cond_stage_model.transformer.text_model.embeddings.position_ids");
            assertEquals(DType.I64, ids.dtype());
            assertEquals(76f, ids.getFlat(76));
            assertTrue(f.names().size() > 100);
        }
    }

    @Test
    void writesAndReadsBackEveryFloatDtype(@TempDir Path dir) throws Exception {
        Tensor a = Tensor.of(new float[] {1.5f, -2f, 3.25f, 0.1f, 7f, -0.5f}, 2, 3);
        Path p = dir.resolve("x.safetensors");
        SafetensorsWriter.write(p, List.of(
                new SafetensorsWriter.Item("a32", a, DType.F32),
                new SafetensorsWriter.Item("a16", a, DType.F16),
                new SafetensorsWriter.Item("abf", a, DType.BF16)), Map.of("k", "v"), false);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals("v", f.metadata().get("k"));
            assertArrayEquals(a.array(), f.tensor("a32").toFloatArray());
            assertEquals(DType.F16, f.tensor("a16").dtype());
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(0.1f)), f.tensor("a16").get(1, 0));
            assertEquals(3.25f, f.tensor("abf").get(0, 2));
        }
        var e = assertThrows(java.nio.file.FileAlreadyExistsException.class,
                () -> SafetensorsWriter.writeF32(p, Map.of("a", a), null));
        assertTrue(e.getMessage().contains("x.safetensors"));
    }

    @Test
    void rejectsOffsetsThatDoNotMatchTheShape(@TempDir Path dir) throws Exception {
        String header = "{\"t\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}";
        Path p = dir.resolve("bad.safetensors");
        byte[] h = header.getBytes();
        var bb = java.nio.ByteBuffer.allocate(8 + h.length + 12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bb.putLong(h.length).put(h);
        Files.write(p, bb.array());
        var e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(p));
        assertTrue(e.getMessage().contains("'t'") && e.getMessage().contains("16 bytes"), e.getMessage());
    }
}
