package jdiffusion.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import jdiffusion.loaders.MissingTensorException;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.nn.unet.UNetModel;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Storage;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The networks consume exactly the checkpoint's tensors: built from the key/shape manifests of the
 * real SD1.5 and SDXL base files (shape-only tensors, nothing allocated) and from the tiny fixture
 * checkpoints, every weight of the UNet, VAE and text encoders must be read with its real shape,
 * and no key may be left over except the known unused buffers.
 */
class FullLayoutTest {
    /** Keys a checkpoint may carry that no network reads (schedule buffers, ids, OpenCLIP's logit scale). */
    private static boolean unused(String key) {
        return !key.startsWith(ModelConfig.UNET_PREFIX) && !key.startsWith(ModelConfig.VAE_PREFIX)
                && !key.startsWith("cond_stage_model.") && !key.startsWith("conditioner.")
                || key.endsWith("embeddings.position_ids") || key.endsWith("logit_scale");
    }

    /** Elements that exist only as a shape: enough for construction, never read. */
    private record ShapeOnly(DType dtype, long elementCount) implements Storage {
        @Override
        public float getFloat(long index) {
            throw new UnsupportedOperationException("shape-only tensor");
        }
    }

    /** A backend that can only "load" (construction-time conversion of small vectors): the identity. */
    private static final Backend CONSTRUCTION_ONLY = (Backend) Proxy.newProxyInstance(
            FullLayoutTest.class.getClassLoader(), new Class<?>[] {Backend.class}, (proxy, m, args) -> {
                if (m.getName().equals("load")) {
                    return args[0];
                }
                throw new UnsupportedOperationException(m.getName());
            });

    /** Records every name requested. */
    private static final class Recording implements TensorSource {
        final TensorSource inner;
        final Set<String> read = new TreeSet<>();

        Recording(TensorSource inner) {
            this.inner = inner;
        }

        @Override
        public Set<String> names() {
            return inner.names();
        }

        @Override
        public Tensor tensor(String name) {
            Tensor t = inner.tensor(name);
            read.add(name);
            return t;
        }

        @Override
        public boolean contains(String name) {
            return inner.contains(name);
        }

        @Override
        public String description() {
            return inner.description();
        }
    }

    private static Set<String> buildAll(Backend backend, TensorSource source, ModelConfig cfg) {
        Recording rec = new Recording(source);
        SdNetworks nets = SdNetworks.load(backend, rec, cfg);
        assertEquals(cfg.textEncoders().size(), nets.textEncoders().size());
        Set<String> left = new TreeSet<>();
        for (String n : source.names()) {
            if (!rec.read.contains(n) && !unused(n)) {
                left.add(n);
            }
        }
        assertEquals(Set.of(), left, "checkpoint tensors no network read");
        return rec.read;
    }

    private static TensorSource manifest(String file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Fixtures.file("manifests/" + file).toFile());
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        root.get("tensors").properties().forEach(e -> {
            List<Integer> dims = new ArrayList<>();
            e.getValue().forEach(d -> dims.add(d.asInt()));
            int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            tensors.put(e.getKey(), Tensor.over(new ShapeOnly(DType.F16, n), 0, shape));
        });
        return new jdiffusion.loaders.MapTensorSource(tensors, "manifest " + file);
    }

    // 1130 = 1143 tensors − 12 DDPM buffers − position_ids; 2513 = 2515 − position_ids − logit_scale.
    @ParameterizedTest
    @CsvSource({"sd15.json, sd15, 1130", "sdxl.json, sdxl, 2513"})
    void fullSizeManifestsBuildAndUseEveryWeight(String file, String config, int expectedRead) throws IOException {
        Set<String> read = buildAll(CONSTRUCTION_ONLY, manifest(file), KnownConfigs.byName().get(config));
        assertEquals(expectedRead, read.size());
    }

    @ParameterizedTest
    @CsvSource({"tiny-sd15", "tiny-sdxl"})
    void tinyCheckpointsUseEveryWeight(String model) {
        try (SafetensorsFile f = Fixtures.open("models/" + model + ".safetensors")) {
            buildAll(new CpuBackend(), f, KnownConfigs.byName().get(model));
        }
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Map<String, Tensor> few = Map.of("model.diffusion_model.time_embed.0.weight", Tensor.zeros(1280, 320));
        var e = org.junit.jupiter.api.Assertions.assertThrows(MissingTensorException.class, () -> UNetModel.fromCheckpoint(
                CONSTRUCTION_ONLY, new jdiffusion.loaders.MapTensorSource(few, "test map"), KnownConfigs.sd15().unet()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("model.diffusion_model.time_embed.0.bias"),
                e.getMessage());
    }
}
