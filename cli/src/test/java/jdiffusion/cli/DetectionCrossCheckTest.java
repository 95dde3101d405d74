package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jdiffusion.loaders.LoadedModel;
import jdiffusion.loaders.ModelLoader;
import jdiffusion.nn.KnownConfigs;
import org.junit.jupiter.api.Test;

/**
 * The loaders' detection (from weights) against the configurations the nn module wrote by hand
 * for the tiny fixtures and verified against the goldens: two independent sources must agree.
 */
class DetectionCrossCheckTest {
    @Test
    void tinyCheckpointsMatchTheHandWrittenConfigs() throws Exception {
        try (LoadedModel sd15 = ModelLoader.open(InspectCommandTest.testdata("models/tiny-sd15.safetensors"));
             LoadedModel folder = ModelLoader.open(InspectCommandTest.testdata("models/tiny-sd15-diffusers"));
             LoadedModel sdxl = ModelLoader.open(InspectCommandTest.testdata("models/tiny-sdxl.safetensors"))) {
            assertEquals(KnownConfigs.tinySd15(), sd15.config());
            assertEquals(KnownConfigs.tinySd15(), folder.config());
            assertEquals(KnownConfigs.tinySdxl(), sdxl.config());
        }
    }
}
