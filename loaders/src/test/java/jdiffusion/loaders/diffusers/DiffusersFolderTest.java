package jdiffusion.loaders.diffusers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.TestData;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.loaders.safetensors.SafetensorsWriter;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.SegmentStorage;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The diffusers copy of tiny-sd15, mapped to LDM names, is the single-file checkpoint exactly. */
class DiffusersFolderTest {

    /** The LDM DDPM schedule buffers, which a diffusers folder does not store. */
    static final Set<String> DDPM_BUFFERS = Set.of("betas", "alphas_cumprod", "alphas_cumprod_prev",
            "sqrt_alphas_cumprod", "sqrt_one_minus_alphas_cumprod", "log_one_minus_alphas_cumprod",
            "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod", "posterior_variance",
            "posterior_log_variance_clipped", "posterior_mean_coef1", "posterior_mean_coef2");

    @Test
    void mappedFolderEqualsTheSingleFileBitForBit() throws Exception {
        DiffusersFolder.Opened folder = DiffusersFolder.open(TestData.file("models/tiny-sd15-diffusers"));
        try (SafetensorsFile single = SafetensorsFile.open(TestData.file("models/tiny-sd15.safetensors"))) {
            Set<String> want = new TreeSet<>(single.names());
            want.removeAll(DDPM_BUFFERS);
            assertEquals(want, new TreeSet<>(folder.tensors().names()));
            for (String n : want) {
                Tensor a = single.tensor(n);
                Tensor b = folder.tensors().tensor(n);
                assertArrayEquals(a.shape(), b.shape(), n);
                assertEquals(a.dtype(), b.dtype(), n);
                assertArrayEquals(raw(a), raw(b), n);
            }
            assertEquals("epsilon", folder.metadata().get(DiffusersFolder.PREDICTION_TYPE_KEY));
            assertEquals("StableDiffusionPipeline", folder.metadata().get("diffusers._class_name"));
        } finally {
            for (AutoCloseable r : folder.resources()) {
                r.close();
            }
        }
    }

    /** A copy of the folder whose UNet is split into two shards with an index, plus a stray fp16 variant. */
    @Test
    void shardedComponentsAndVariants(@TempDir Path dir) throws Exception {
        Path src = TestData.file("models/tiny-sd15-diffusers");
        try (var walk = Files.walk(src)) {
            for (Path p : walk.toList()) {
                Path to = dir.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else if (!p.toString().contains("unet/diffusion_pytorch_model")) {
                    Files.copy(p, to);
                }
            }
        }
        Path unet = dir.resolve("unet");
        StringBuilder index = new StringBuilder("{\"metadata\": {\"total_size\": 0}, \"weight_map\": {");
        try (SafetensorsFile whole = SafetensorsFile.open(src.resolve("unet/diffusion_pytorch_model.safetensors"))) {
            List<List<SafetensorsWriter.Item>> shards = List.of(new ArrayList<>(), new ArrayList<>());
            int i = 0;
            for (String n : whole.names()) {
                int s = i++ % 2;
                shards.get(s).add(new SafetensorsWriter.Item(n, whole.tensor(n), DType.F16));
                index.append(i == 1 ? "" : ",").append('"').append(n).append("\": \"diffusion_pytorch_model-0000")
                        .append(s + 1).append("-of-00002.safetensors\"");
            }
            for (int s = 0; s < 2; s++) {
                SafetensorsWriter.write(
                        unet.resolve("diffusion_pytorch_model-0000" + (s + 1) + "-of-00002.safetensors"), shards.get(s), Map.of(), false);
            }
        }
        Files.writeString(unet.resolve("diffusion_pytorch_model.safetensors.index.json"), index.append("}}"));
        // a variant beside the plain file is ignored in favour of the plain one
        Files.copy(src.resolve("vae/diffusion_pytorch_model.safetensors"),
                dir.resolve("vae/diffusion_pytorch_model.fp16.safetensors"));
        DiffusersFolder.Opened sharded = DiffusersFolder.open(dir);
        DiffusersFolder.Opened plain = DiffusersFolder.open(src);
        try {
            assertEquals(new TreeSet<>(plain.tensors().names()), new TreeSet<>(sharded.tensors().names()));
            for (String n : plain.tensors().names()) {
                assertArrayEquals(raw(plain.tensors().tensor(n)), raw(sharded.tensors().tensor(n)), n);
            }
        } finally {
            for (AutoCloseable r : sharded.resources()) {
                r.close();
            }
            for (AutoCloseable r : plain.resources()) {
                r.close();
            }
        }
        // an index naming a missing shard, or a shard outside the folder, is a clear error
        Files.writeString(unet.resolve("diffusion_pytorch_model.safetensors.index.json"),
                "{\"weight_map\": {\"conv_in.weight\": \"../vae/diffusion_pytorch_model.safetensors\"}}");
        var e = assertThrows(ModelFormatException.class, () -> DiffusersFolder.open(dir));
        assertTrue(e.getMessage().contains("is not a file in"), e.getMessage());
    }

    /** Stored bytes, so that f16 NaN payloads or -0 could not hide a difference. */
    static byte[] raw(Tensor t) {
        SegmentStorage s = (SegmentStorage) t.storage();
        long es = s.dtype().byteSize();
        MemorySegment seg = s.segment().asSlice(t.storageOffset() * es, t.size() * es);
        assertTrue(seg.byteSize() == t.size() * es);
        return seg.toArray(ValueLayout.JAVA_BYTE);
    }
}
