package jdiffusion.loaders.diffusers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;
import java.util.TreeSet;
import jdiffusion.loaders.TestData;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.tensor.SegmentStorage;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

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

    /** Stored bytes, so that f16 NaN payloads or -0 could not hide a difference. */
    static byte[] raw(Tensor t) {
        SegmentStorage s = (SegmentStorage) t.storage();
        long es = s.dtype().byteSize();
        MemorySegment seg = s.segment().asSlice(t.storageOffset() * es, t.size() * es);
        assertTrue(seg.byteSize() == t.size() * es);
        return seg.toArray(ValueLayout.JAVA_BYTE);
    }
}
